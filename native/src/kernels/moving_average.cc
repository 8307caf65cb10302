// One exponential-moving-average update of a tensor in a single pass: average·decay + value·(1 − decay), the EMA
// generator's update of every weight. tfjs runs it as three element-wise ops (two scalar products and a sum), each
// allocating a full-size tensor; the float operations here are those, in that order, so results are bit-identical
// (the addon is built without FMA contraction).
#include "../common.h"

namespace ganvae {

// movingAverage(average, value, out, decay, oneMinusDecay): out may be average itself.
Napi::Value MovingAverage(const Napi::CallbackInfo& info) {
  return guarded(info, "MovingAverage", [&] {
    Napi::Env env = info.Env();
    FloatView average = floatArg(info, 0, "average");
    FloatView value = floatArg(info, 1, "value");
    FloatView out = floatArg(info, 2, "out");
    const int64_t n = static_cast<int64_t>(average.length);
    expectLength(env, value, n, "value");
    expectLength(env, out, n, "out");
    // Rounded to float32 as tfjs's scalars are.
    const float decay = static_cast<float>(numberArg(info, 3, "decay"));
    const float oneMinusDecay = static_cast<float>(numberArg(info, 4, "oneMinusDecay"));
    const float* a = average.data;
    const float* v = value.data;
    float* o = out.data;
    parallelFor(n, kParallelElements, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) o[i] = a[i] * decay + v[i] * oneMinusDecay;
    });
  });
}

}  // namespace ganvae
