// One Adam update of a variable in a single pass: tfjs's AdamOptimizer runs about a dozen
// element-wise ops per variable, each allocating a full-size tensor. The float operations and their
// order match tfjs's so results are bit-identical (the addon is built without FMA contraction).
#include <cmath>

#include "../common.h"

namespace ganvae {

namespace {

struct AdamConstants {
  float beta1, oneMinusBeta1, beta2, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, negLearningRate, epsilon;
};

// Vectorised (ivdep): GCC would otherwise check the seven arrays for overlap at run time, more pairs than it
// versions a loop for, and kept it scalar at ~14 GB/s. AdamUpdate refuses partial overlaps, so the only aliasing
// left is an output that is its input, element for element, which a vector loop computes the same.
void adamRange(const AdamConstants c, const float* value, const float* m, const float* v, const float* g,
               float* newValue, float* newM, float* newV, int64_t n) {
#pragma GCC ivdep
  for (int64_t i = 0; i < n; ++i) {
    const float gi = g[i];
    const float mi = m[i] * c.beta1 + gi * c.oneMinusBeta1;
    const float vi = v[i] * c.beta2 + (gi * gi) * c.oneMinusBeta2;
    const float mHat = mi / c.oneMinusAccBeta1;
    const float vHat = vi / c.oneMinusAccBeta2;
    newM[i] = mi;
    newV[i] = vi;
    newValue[i] = (mHat / (std::sqrt(vHat) + c.epsilon)) * c.negLearningRate + value[i];
  }
}

}  // namespace

// adamUpdate(value, m, v, gradient, newValue, newM, newV, beta1, oneMinusBeta1, beta2, oneMinusBeta2,
//            oneMinusAccBeta1, oneMinusAccBeta2, negLearningRate, epsilon)
Napi::Value AdamUpdate(const Napi::CallbackInfo& info) {
  return guarded(info, "AdamUpdate", [&] {
    Napi::Env env = info.Env();
    FloatView value = floatArg(info, 0, "value");
    FloatView m = floatArg(info, 1, "m");
    FloatView v = floatArg(info, 2, "v");
    FloatView g = floatArg(info, 3, "gradient");
    FloatView newValue = floatArg(info, 4, "newValue");
    FloatView newM = floatArg(info, 5, "newM");
    FloatView newV = floatArg(info, 6, "newV");
    const int64_t n = static_cast<int64_t>(value.length);
    for (auto [view, name] : {std::pair{m, "m"}, {v, "v"}, {g, "gradient"}, {newValue, "newValue"}, {newM, "newM"}, {newV, "newV"}}) {
      expectLength(env, view, n, name);
    }
    // An output may be its own input (in place), and overlap nothing else: the vectorised loop would get that wrong.
    const std::pair<const FloatView*, const char*> arrays[] = {{&value, "value"}, {&m, "m"}, {&v, "v"}, {&g, "gradient"},
                                                               {&newValue, "newValue"}, {&newM, "newM"}, {&newV, "newV"}};
    for (size_t out = 4; out < 7; ++out) {
      for (size_t other = 0; other < 7; ++other) {
        const float* a = arrays[out].first->data;
        const float* b = arrays[other].first->data;
        const bool inPlace = other == out - 4 && a == b;
        if (other != out && !inPlace && a < b + n && b < a + n) {
          throw Napi::RangeError::New(env, std::string(arrays[out].second) + " overlaps " + arrays[other].second +
                                               ": an output must be its own array, or its input itself");
        }
      }
    }
    float h[8];
    static const char* names[] = {"beta1", "oneMinusBeta1", "beta2", "oneMinusBeta2", "oneMinusAccBeta1",
                                  "oneMinusAccBeta2", "negLearningRate", "epsilon"};
    for (int i = 0; i < 8; ++i) h[i] = static_cast<float>(numberArg(info, 7 + i, names[i]));
    const float beta1 = h[0], oneMinusBeta1 = h[1], beta2 = h[2], oneMinusBeta2 = h[3];
    const float oneMinusAccBeta1 = h[4], oneMinusAccBeta2 = h[5], negLearningRate = h[6], epsilon = h[7];
    const AdamConstants c{beta1, oneMinusBeta1, beta2, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, negLearningRate, epsilon};
    parallelFor(n, kParallelElements, [&](int64_t begin, int64_t end) {
      adamRange(c, value.data + begin, m.data + begin, v.data + begin, g.data + begin, newValue.data + begin,
                newM.data + begin, newV.data + begin, end - begin);
    });
  });
}

}  // namespace ganvae
