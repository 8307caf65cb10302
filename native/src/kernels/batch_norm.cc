// FusedBatchNorm forward: y = offset + (x - mean) * scale / sqrt(variance + epsilon), where each
// parameter repeats over x in memory order (tfjs's rule). Channel-last parameters of length C hit a
// fast path that computes one scale and shift per channel.
#include <cmath>

#include "../common.h"

namespace ganvae {

namespace {

// y = x * a[channel] + b[channel] over `rows` rows of `c` channels (in double, as tfjs computes).
void normalizeRows(const float* x, float* y, int64_t rows, size_t c, const double* a, const double* b) {
  for (int64_t r = 0; r < rows; ++r) {
    for (size_t j = 0; j < c; ++j) y[r * c + j] = static_cast<float>(x[r * c + j] * a[j] + b[j]);
  }
}

}  // namespace

// batchNorm(x, mean, variance, offset | null, scale | null, y, epsilon)
Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
  return guarded(info, "BatchNorm", [&] {
    Napi::Env env = info.Env();
    FloatView x = floatArg(info, 0, "x");
    FloatView mean = floatArg(info, 1, "mean");
    FloatView variance = floatArg(info, 2, "variance");
    FloatView offset = optionalFloatArg(info, 3, "offset");
    FloatView scale = optionalFloatArg(info, 4, "scale");
    FloatView y = floatArg(info, 5, "y");
    const double epsilon = numberArg(info, 6, "epsilon");
    expectLength(env, y, static_cast<int64_t>(x.length), "y");
    const float one = 1.0f, zero = 0.0f;
    const float* off = offset.data ? offset.data : &zero;
    const float* sc = scale.data ? scale.data : &one;
    const size_t offLen = offset.data ? offset.length : 1, scLen = scale.data ? scale.length : 1;
    for (auto [len, name] : {std::pair{mean.length, "mean"}, {variance.length, "variance"}, {offLen, "offset"}, {scLen, "scale"}}) {
      if (len == 0) throw Napi::RangeError::New(env, std::string(name) + " is empty");
    }
    const size_t c = mean.length;
    const bool perChannel = variance.length == c && (offLen == c || offLen == 1) && (scLen == c || scLen == 1) && x.length % c == 0;
    if (perChannel) {
      std::vector<double> a(c), b(c);
      for (size_t j = 0; j < c; ++j) {
        a[j] = static_cast<double>(sc[scLen == 1 ? 0 : j]) / std::sqrt(static_cast<double>(variance.data[j]) + epsilon);
        b[j] = static_cast<double>(off[offLen == 1 ? 0 : j]) - static_cast<double>(mean.data[j]) * a[j];
      }
      const int64_t rows = static_cast<int64_t>(x.length / c);
      parallelFor(rows, std::max<int64_t>(1, kParallelElements / static_cast<int64_t>(c)), [&](int64_t begin, int64_t end) {
        normalizeRows(x.data + begin * c, y.data + begin * c, end - begin, c, a.data(), b.data());
      });
      return;
    }
    size_t mi = 0, vi = 0, oi = 0, si = 0;
    for (size_t i = 0; i < x.length; ++i) {
      y.data[i] = static_cast<float>(off[oi] + (static_cast<double>(x.data[i]) - mean.data[mi]) * sc[si] /
                                                   std::sqrt(static_cast<double>(variance.data[vi]) + epsilon));
      if (++mi == mean.length) mi = 0;
      if (++vi == variance.length) vi = 0;
      if (++oi == offLen) oi = 0;
      if (++si == scLen) si = 0;
    }
  });
}

}  // namespace ganvae
