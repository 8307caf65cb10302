// Batch normalisation in training mode, forward and backward, each one kernel over channel-last data.
// tfjs composes it from moments (Sub, Square, Mean), FusedBatchNorm and a gradient of ~15 full-size ops
// that all keep their inputs alive for the backward pass; here the forward keeps x and two per-channel
// vectors, and the backward is two passes over x and dy.
#include <cmath>
#include <cstring>
#include <functional>
#include <type_traits>

#include "../common.h"

namespace ganvae {

namespace {

// Per-channel sums are accumulated in double over fixed row blocks and then added in block order, so
// the result does not depend on the thread count.
constexpr int64_t kRowsPerBlock = 256;

// Eight channels as doubles; a float vector of eight is loaded and widened, a double one narrowed and stored.
typedef float Floats8 __attribute__((vector_size(8 * sizeof(float))));
typedef double Doubles8 __attribute__((vector_size(8 * sizeof(double))));

Doubles8 widen(const float* p) {
  Floats8 f;
  std::memcpy(&f, p, sizeof f);
  return __builtin_convertvector(f, Doubles8);
}

Doubles8 load(const double* p) {
  Doubles8 d;
  std::memcpy(&d, p, sizeof d);
  return d;
}

void store(double* p, Doubles8 d) { std::memcpy(p, &d, sizeof d); }

void narrow(float* p, Doubles8 d) {
  const Floats8 f = __builtin_convertvector(d, Floats8);
  std::memcpy(p, &f, sizeof f);
}

// Runs vector(vectors, j0) over the channels in tiles [j0, j0 + 8·vectors) of 16, then 8 (vectors a compile-time
// constant, 2 or 1), and scalar(j) over the last few. A tile's accumulators then stay in registers across the
// rows: with the channel count a runtime bound, an inner loop over channels kept them in memory, one
// store-to-load chain per row, and BN took twice a copy's time. Each channel still sums its rows in row order, with
// the same double operations, so results do not change.
template <typename Vector, typename Scalar>
void forEachChannelTile(size_t c, Vector vector, Scalar scalar) {
  size_t j0 = 0;
  for (; j0 + 16 <= c; j0 += 16) vector(std::integral_constant<int, 2>{}, j0);
  for (; j0 + 8 <= c; j0 += 8) vector(std::integral_constant<int, 1>{}, j0);
  for (; j0 < c; ++j0) scalar(j0);
}

// acc[j] = Σ x[r, j] over rows [0, rows), in row order.
void sumRows(const float* x, int64_t rows, size_t c, double* acc) {
  forEachChannelTile(c, [&](auto vectors, size_t j0) {
    constexpr int kVectors = decltype(vectors)::value;
    Doubles8 sum[kVectors] = {};
    for (int64_t r = 0; r < rows; ++r) {
      for (int v = 0; v < kVectors; ++v) sum[v] += widen(x + r * c + j0 + 8 * v);
    }
    for (int v = 0; v < kVectors; ++v) store(acc + j0 + 8 * v, sum[v]);
  }, [&](size_t j) {
    double sum = 0;
    for (int64_t r = 0; r < rows; ++r) sum += x[r * c + j];
    acc[j] = sum;
  });
}

// acc[j] = Σ (x[r, j] - mean[j])² over rows [0, rows), in row order.
void sumSquaredDeviations(const float* x, int64_t rows, size_t c, const double* mean, double* acc) {
  forEachChannelTile(c, [&](auto vectors, size_t j0) {
    constexpr int kVectors = decltype(vectors)::value;
    Doubles8 m[kVectors], sum[kVectors] = {};
    for (int v = 0; v < kVectors; ++v) m[v] = load(mean + j0 + 8 * v);
    for (int64_t r = 0; r < rows; ++r) {
      for (int v = 0; v < kVectors; ++v) {
        const Doubles8 d = widen(x + r * c + j0 + 8 * v) - m[v];
        sum[v] += d * d;
      }
    }
    for (int v = 0; v < kVectors; ++v) store(acc + j0 + 8 * v, sum[v]);
  }, [&](size_t j) {
    double sum = 0;
    for (int64_t r = 0; r < rows; ++r) {
      const double d = x[r * c + j] - mean[j];
      sum += d * d;
    }
    acc[j] = sum;
  });
}

// sumDy[j] = Σ dy[r, j] and sumDyXc[j] = Σ dy[r, j] * (x[r, j] - mean[j]) over rows [0, rows), in row order.
void sumGradientTerms(const float* x, const float* dy, int64_t rows, size_t c, const double* mean, double* sumDy, double* sumDyXc) {
  forEachChannelTile(c, [&](auto vectors, size_t j0) {
    constexpr int kVectors = decltype(vectors)::value;
    Doubles8 m[kVectors], dySum[kVectors] = {}, dyXcSum[kVectors] = {};
    for (int v = 0; v < kVectors; ++v) m[v] = load(mean + j0 + 8 * v);
    for (int64_t r = 0; r < rows; ++r) {
      for (int v = 0; v < kVectors; ++v) {
        const Doubles8 d = widen(dy + r * c + j0 + 8 * v);
        dySum[v] += d;
        dyXcSum[v] += d * (widen(x + r * c + j0 + 8 * v) - m[v]);
      }
    }
    for (int v = 0; v < kVectors; ++v) {
      store(sumDy + j0 + 8 * v, dySum[v]);
      store(sumDyXc + j0 + 8 * v, dyXcSum[v]);
    }
  }, [&](size_t j) {
    double dySum = 0, dyXcSum = 0;
    for (int64_t r = 0; r < rows; ++r) {
      dySum += dy[r * c + j];
      dyXcSum += static_cast<double>(dy[r * c + j]) * (x[r * c + j] - mean[j]);
    }
    sumDy[j] = dySum;
    sumDyXc[j] = dyXcSum;
  });
}

// out[r, j] = x[r, j] * a[j] + b[j] (+ dy[r, j] * d[j] when dy is given) over rows [0, rows), in blocks of rows
// that stay in cache while each channel tile passes over them.
void affineRows(const float* x, const float* dy, float* out, int64_t rows, size_t c, const double* a, const double* b, const double* d) {
  constexpr int64_t kRowsPerPass = 64;
  for (int64_t first = 0; first < rows; first += kRowsPerPass) {
    const int64_t last = std::min(rows, first + kRowsPerPass);
    forEachChannelTile(c, [&](auto vectors, size_t j0) {
      constexpr int kVectors = decltype(vectors)::value;
      Doubles8 av[kVectors], bv[kVectors], dv[kVectors];
      for (int v = 0; v < kVectors; ++v) {
        av[v] = load(a + j0 + 8 * v);
        bv[v] = load(b + j0 + 8 * v);
        dv[v] = d ? load(d + j0 + 8 * v) : Doubles8{};
      }
      for (int64_t r = first; r < last; ++r) {
        const int64_t at = r * c + j0;
        for (int v = 0; v < kVectors; ++v) {
          const Doubles8 xa = widen(x + at + 8 * v) * av[v];
          narrow(out + at + 8 * v, dy ? widen(dy + at + 8 * v) * dv[v] + xa + bv[v] : xa + bv[v]);
        }
      }
    }, [&](size_t j) {
      for (int64_t r = first; r < last; ++r) {
        const int64_t at = r * c + j;
        out[at] = static_cast<float>(dy ? dy[at] * d[j] + x[at] * a[j] + b[j] : x[at] * a[j] + b[j]);
      }
    });
  }
}

// Runs `accumulate(rowBegin, rowCount, partial)` over fixed row blocks in parallel, each block into its
// own `width`-double partial, and returns the partials summed in block order.
template <typename Accumulate>
std::vector<double> blockSums(int64_t rows, size_t width, Accumulate accumulate) {
  const int64_t blocks = std::max<int64_t>(1, (rows + kRowsPerBlock - 1) / kRowsPerBlock);
  return mergedBlocks(blocks, width, 0.0, 2, [&](int64_t b, double* partial) {
    const int64_t first = b * kRowsPerBlock;
    accumulate(first, std::min(kRowsPerBlock, rows - first), partial);
  }, std::plus<double>());
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
      sumSquaredDeviations(block, count, c, blockMean.data(), blockSquares);
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
