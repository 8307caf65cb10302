// Batch normalisation in training mode, forward and backward, each one kernel over channel-last data.
// tfjs composes it from moments (Sub, Square, Mean), FusedBatchNorm and a gradient of ~15 full-size ops
// that all keep their inputs alive for the backward pass; here the forward keeps x and two per-channel
// vectors, and the backward is two passes over x and dy.
#include <cmath>

#include "../common.h"

namespace ganvae {

namespace {

// Per-channel sums are accumulated in double over fixed row blocks and then added in block order, so
// the result does not depend on the thread count.
constexpr int64_t kRowsPerBlock = 256;

// acc[j] += x[r, j] over rows [0, rows).
void sumRows(const float* x, int64_t rows, size_t c, double* acc) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = x + r * c;
    for (size_t j = 0; j < c; ++j) acc[j] += row[j];
  }
}

// sumDy[j] += dy[r, j]; sumDyXc[j] += dy[r, j] * (x[r, j] - mean[j]) over rows [0, rows).
void sumGradientTerms(const float* x, const float* dy, int64_t rows, size_t c, const double* mean, double* sumDy, double* sumDyXc) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * c;
    const float* dr = dy + r * c;
    for (size_t j = 0; j < c; ++j) {
      sumDy[j] += dr[j];
      sumDyXc[j] += static_cast<double>(dr[j]) * (xr[j] - mean[j]);
    }
  }
}

// out[r, j] = x[r, j] * a[j] + b[j] (+ dy[r, j] * d[j] when dy is given) over rows [0, rows).
void affineRows(const float* x, const float* dy, float* out, int64_t rows, size_t c, const double* a, const double* b, const double* d) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * c;
    float* o = out + r * c;
    if (dy) {
      const float* dr = dy + r * c;
      for (size_t j = 0; j < c; ++j) o[j] = static_cast<float>(dr[j] * d[j] + xr[j] * a[j] + b[j]);
    } else {
      for (size_t j = 0; j < c; ++j) o[j] = static_cast<float>(xr[j] * a[j] + b[j]);
    }
  }
}

// Runs `accumulate(rowBegin, rowCount, partial)` over fixed row blocks in parallel, each block into its
// own `width`-double partial, and returns the partials summed in block order.
template <typename Accumulate>
std::vector<double> blockSums(int64_t rows, size_t width, Accumulate accumulate) {
  const int64_t blocks = std::max<int64_t>(1, (rows + kRowsPerBlock - 1) / kRowsPerBlock);
  std::vector<double> partial(static_cast<size_t>(blocks) * width, 0.0);
  parallelFor(blocks, 2, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      const int64_t first = b * kRowsPerBlock;
      accumulate(first, std::min(kRowsPerBlock, rows - first), partial.data() + b * width);
    }
  });
  std::vector<double> total(width, 0.0);
  for (int64_t b = 0; b < blocks; ++b) {
    for (size_t j = 0; j < width; ++j) total[j] += partial[b * width + j];
  }
  return total;
}

// Per-channel mean and biased variance of x [rows, c] in one pass over memory: each block of kRowsPerBlock rows
// (at most a few hundred KiB, so its second read comes from cache) gets its own mean and sum of squared
// deviations, and the blocks are merged in block order as Chan et al. combine partial moments. Two-pass
// accuracy (no E[x²] − E[x]² cancellation) at the memory cost of one pass.
void moments(const float* x, int64_t rows, size_t c, std::vector<double>& mean, std::vector<double>& variance) {
  const int64_t blocks = std::max<int64_t>(1, (rows + kRowsPerBlock - 1) / kRowsPerBlock);
  auto rowsOf = [&](int64_t b) { return std::min(kRowsPerBlock, rows - b * kRowsPerBlock); };
  std::vector<double> partial(static_cast<size_t>(blocks) * 2 * c, 0.0);  // per block: sums [c], then squared deviations [c]
  parallelFor(blocks, 2, [&](int64_t begin, int64_t end) {
    std::vector<double> blockMean(c);
    for (int64_t b = begin; b < end; ++b) {
      const int64_t count = rowsOf(b);
      const float* block = x + b * kRowsPerBlock * c;
      double* blockSum = partial.data() + b * 2 * c;
      double* blockSquares = blockSum + c;
      sumRows(block, count, c, blockSum);
      for (size_t j = 0; j < c; ++j) blockMean[j] = blockSum[j] / static_cast<double>(count);
      for (int64_t r = 0; r < count; ++r) {
        const float* row = block + r * c;
        for (size_t j = 0; j < c; ++j) {
          const double d = row[j] - blockMean[j];
          blockSquares[j] += d * d;
        }
      }
    }
  });
  mean.assign(c, 0.0);
  variance.assign(c, 0.0);
  for (int64_t b = 0; b < blocks; ++b) {
    for (size_t j = 0; j < c; ++j) mean[j] += partial[b * 2 * c + j];
  }
  for (double& m : mean) m /= static_cast<double>(rows);
  for (int64_t b = 0; b < blocks; ++b) {
    const double count = static_cast<double>(rowsOf(b));
    const double* blockSum = partial.data() + b * 2 * c;
    for (size_t j = 0; j < c; ++j) {
      const double shift = blockSum[j] / count - mean[j];
      variance[j] += blockSum[c + j] + count * shift * shift;
    }
  }
  for (double& v : variance) v /= static_cast<double>(rows);
}

// Rows of a channel-last x with `c` channels; throws unless x's length is a positive multiple of c and
// epsilon >= 0 (the checks both kernels share).
int64_t checkedRows(const Napi::Env& env, const FloatView& x, size_t c, double epsilon) {
  if (!(epsilon >= 0)) throw Napi::RangeError::New(env, "epsilon must be >= 0");
  if (c == 0) throw Napi::RangeError::New(env, "gamma is empty");
  if (x.length == 0 || x.length % c != 0) {
    throw Napi::RangeError::New(env, "x has " + std::to_string(x.length) + " elements, not a positive multiple of the " + std::to_string(c) + " channels");
  }
  return static_cast<int64_t>(x.length / c);
}

}  // namespace

// batchNormTraining(x [rows, C], gamma [C], beta [C], epsilon, y [rows, C], mean [C], variance [C]):
// mean and (biased) variance over the rows, y = (x - mean) / sqrt(variance + epsilon) * gamma + beta.
Napi::Value BatchNormTraining(const Napi::CallbackInfo& info) {
  return guarded(info, "BatchNormTraining", [&] {
    Napi::Env env = info.Env();
    FloatView x = floatArg(info, 0, "x");
    FloatView gamma = floatArg(info, 1, "gamma");
    FloatView beta = floatArg(info, 2, "beta");
    const double epsilon = numberArg(info, 3, "epsilon");
    FloatView y = floatArg(info, 4, "y");
    FloatView mean = floatArg(info, 5, "mean");
    FloatView variance = floatArg(info, 6, "variance");
    const size_t c = gamma.length;
    const int64_t rows = checkedRows(env, x, c, epsilon);
    expectLength(env, beta, static_cast<int64_t>(c), "beta");
    expectLength(env, y, static_cast<int64_t>(x.length), "y");
    expectLength(env, mean, static_cast<int64_t>(c), "mean");
    expectLength(env, variance, static_cast<int64_t>(c), "variance");
    std::vector<double> mu, var;
    moments(x.data, rows, c, mu, var);
    std::vector<double> a(c), b(c);
    for (size_t j = 0; j < c; ++j) {
      mean.data[j] = static_cast<float>(mu[j]);
      variance.data[j] = static_cast<float>(var[j]);
      a[j] = gamma.data[j] / std::sqrt(var[j] + epsilon);
      b[j] = beta.data[j] - mu[j] * a[j];
    }
    parallelFor(rows, std::max<int64_t>(1, kParallelElements / static_cast<int64_t>(c)), [&](int64_t begin, int64_t end) {
      affineRows(x.data + begin * c, nullptr, y.data + begin * c, end - begin, c, a.data(), b.data(), nullptr);
    });
  });
}

// batchNormTrainingGrad(x, dy, gamma, mean, variance, epsilon, dMean | null, dVariance | null, dx, dGamma, dBeta):
// the gradient of batchNormTraining through the batch statistics (and of its mean/variance outputs when given).
Napi::Value BatchNormTrainingGrad(const Napi::CallbackInfo& info) {
  return guarded(info, "BatchNormTrainingGrad", [&] {
    Napi::Env env = info.Env();
    FloatView x = floatArg(info, 0, "x");
    FloatView dy = floatArg(info, 1, "dy");
    FloatView gamma = floatArg(info, 2, "gamma");
    FloatView mean = floatArg(info, 3, "mean");
    FloatView variance = floatArg(info, 4, "variance");
    const double epsilon = numberArg(info, 5, "epsilon");
    FloatView dMean = optionalFloatArg(info, 6, "dMean");
    FloatView dVariance = optionalFloatArg(info, 7, "dVariance");
    FloatView dx = floatArg(info, 8, "dx");
    FloatView dGamma = floatArg(info, 9, "dGamma");
    FloatView dBeta = floatArg(info, 10, "dBeta");
    const size_t c = gamma.length;
    const int64_t rows = checkedRows(env, x, c, epsilon);
    expectLength(env, dy, static_cast<int64_t>(x.length), "dy");
    expectLength(env, dx, static_cast<int64_t>(x.length), "dx");
    for (const auto& [view, name] : {std::pair{&mean, "mean"}, {&variance, "variance"}, {&dGamma, "dGamma"}, {&dBeta, "dBeta"}}) {
      expectLength(env, *view, static_cast<int64_t>(c), name);
    }
    if (dMean.data) expectLength(env, dMean, static_cast<int64_t>(c), "dMean");
    if (dVariance.data) expectLength(env, dVariance, static_cast<int64_t>(c), "dVariance");
    std::vector<double> mu(mean.data, mean.data + c);
    std::vector<double> sums = blockSums(rows, 2 * c, [&](int64_t first, int64_t count, double* acc) {
      sumGradientTerms(x.data + first * c, dy.data + first * c, count, c, mu.data(), acc, acc + c);
    });
    // dx = d·dy + a·x + b per channel: with s = 1/sqrt(var + eps), n = rows, xc = x - mean,
    // dx = γs·dy − γs/n·Σdy − γs³/n·Σ(dy·xc)·xc (+ dMean/n + 2·dVar/n·xc).
    const double n = static_cast<double>(rows);
    std::vector<double> a(c), b(c), d(c);
    for (size_t j = 0; j < c; ++j) {
      const double s = 1.0 / std::sqrt(static_cast<double>(variance.data[j]) + epsilon);
      const double sumDy = sums[j], sumDyXc = sums[c + j];
      dBeta.data[j] = static_cast<float>(sumDy);
      dGamma.data[j] = static_cast<float>(sumDyXc * s);
      d[j] = gamma.data[j] * s;
      a[j] = -gamma.data[j] * s * s * s * sumDyXc / n + (dVariance.data ? 2.0 * dVariance.data[j] / n : 0.0);
      b[j] = -gamma.data[j] * s * sumDy / n + (dMean.data ? dMean.data[j] / n : 0.0) - a[j] * mu[j];
    }
    parallelFor(rows, std::max<int64_t>(1, kParallelElements / static_cast<int64_t>(c)), [&](int64_t begin, int64_t end) {
      affineRows(x.data + begin * c, dy.data + begin * c, dx.data + begin * c, end - begin, c, a.data(), b.data(), d.data());
    });
  });
}

}  // namespace ganvae
