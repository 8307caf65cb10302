// Spectral normalisation of one kernel (Miyato et al. 2018, as torch.nn.utils.spectral_norm computes it) in one call,
// and its gradient in another. tfjs composes a call from ~25 small ops (two matrix-vector products, two norms, the
// division) and its gradient from ~10 more, so a discriminator with five normalised layers ran ~500 kernels a step
// for a few hundred microseconds of arithmetic.
//
// The kernel is viewed as [outer, out, inner]: PyTorch's matrix W [out, rest] has W[o, outer·inner + in] at
// (outer·out + o)·inner + in. A Dense or Conv2D kernel ([.., out]) has inner = 1; a Conv2DTranspose kernel
// ([kh, kw, out, in]) has inner = in. Sums run in double over fixed blocks of `outer`, added in block order, so
// results do not depend on the thread count.
#include <cmath>
#include <functional>

#include "../common.h"

namespace ganvae {

namespace {

// torch's ε in F.normalize: a vector shorter than this is divided by ε instead of its norm.
constexpr double kNormalizeEpsilon = 1e-12;
// Outer indices per block of the deterministic sums.
constexpr int64_t kOuterPerBlock = 16;

// Σ a[i]·b[i] in double over [0, n), with eight partial sums in a fixed order (a plain double reduction would not
// vectorise).
template <typename B>
double dot(const float* a, const B* b, int64_t n) {
  double partial[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int k = 0; k < 8; ++k) partial[k] += static_cast<double>(a[i + k]) * b[i + k];
  }
  for (int k = 0; i < n; ++i, ++k) partial[k] += static_cast<double>(a[i]) * b[i];
  double sum = 0;
  for (double p : partial) sum += p;
  return sum;
}

// The view's sizes, checked against the kernel's length.
struct KernelView {
  int64_t outer, out, inner;
  int64_t rest() const { return outer * inner; }
  int64_t size() const { return outer * out * inner; }

  static KernelView parse(const Napi::CallbackInfo& info, size_t first, const FloatView& kernel) {
    Napi::Env env = info.Env();
    KernelView view{intArg(info, first, "outer"), intArg(info, first + 1, "out"), intArg(info, first + 2, "inner")};
    expectAtLeast(env, view.outer, 1, "outer");
    expectAtLeast(env, view.out, 1, "out");
    expectAtLeast(env, view.inner, 1, "inner");
    const int64_t limit = int64_t(1) << 31;
    if (view.outer > limit / view.out || view.outer * view.out > limit / view.inner ||
        static_cast<int64_t>(kernel.length) != view.size()) {
      throw Napi::RangeError::New(env, "kernel has " + std::to_string(kernel.length) + " elements, not outer·out·inner = " +
                                           std::to_string(view.outer) + "·" + std::to_string(view.out) + "·" + std::to_string(view.inner));
    }
    return view;
  }
};

// Runs accumulate(outerBegin, outerEnd, partial) over fixed blocks of outer indices in parallel, each into its own
// `width`-double partial, and returns the partials summed in block order.
template <typename Accumulate>
std::vector<double> outerBlockSums(const KernelView& view, size_t width, Accumulate accumulate) {
  const int64_t blocks = (view.outer + kOuterPerBlock - 1) / kOuterPerBlock;
  const int64_t minParallel = std::max<int64_t>(2, kParallelElements / std::max<int64_t>(1, kOuterPerBlock * view.out * view.inner));
  return mergedBlocks(blocks, width, 0.0, minParallel, [&](int64_t block, double* partial) {
    accumulate(block * kOuterPerBlock, std::min(view.outer, (block + 1) * kOuterPerBlock), partial);
  }, std::plus<double>());
}

// Wᵀu [rest]: for every (outer, in), Σ_o kernel[outer, o, in]·u[o]. Rows are independent, so blocks write their own.
std::vector<double> transposedProduct(const float* kernel, const KernelView& view, const std::vector<double>& u) {
  std::vector<double> result(static_cast<size_t>(view.rest()), 0.0);
  const int64_t minParallel = std::max<int64_t>(2, kParallelElements / std::max<int64_t>(1, view.out * view.inner));
  parallelFor(view.outer, minParallel, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const float* slab = kernel + p * view.out * view.inner;
      double* row = result.data() + p * view.inner;
      if (view.inner == 1) {
        row[0] = dot(slab, u.data(), view.out);
      } else {
        for (int64_t o = 0; o < view.out; ++o) {
          const float* line = slab + o * view.inner;
          const double uo = u[o];
          for (int64_t i = 0; i < view.inner; ++i) row[i] += line[i] * uo;
        }
      }
    }
  });
  return result;
}

// W v [out]: for every o, Σ_(outer, in) kernel[outer, o, in]·v[outer, in].
std::vector<double> product(const float* kernel, const KernelView& view, const std::vector<double>& v) {
  return outerBlockSums(view, static_cast<size_t>(view.out), [&](int64_t begin, int64_t end, double* acc) {
    for (int64_t p = begin; p < end; ++p) {
      const float* slab = kernel + p * view.out * view.inner;
      const double* vp = v.data() + p * view.inner;
      if (view.inner == 1) {
        for (int64_t o = 0; o < view.out; ++o) acc[o] += slab[o] * vp[0];
      } else {
        for (int64_t o = 0; o < view.out; ++o) acc[o] += dot(slab + o * view.inner, vp, view.inner);
      }
    }
  });
}

// x / max(‖x‖, ε), torch's F.normalize.
void normalize(std::vector<double>& x) {
  double squares = 0;
  for (double e : x) squares += e * e;
  const double norm = std::max(std::sqrt(squares), kNormalizeEpsilon);
  for (double& e : x) e /= norm;
}

void copyTo(const std::vector<double>& from, const FloatView& to) {
  for (size_t i = 0; i < from.size(); ++i) to.data[i] = static_cast<float>(from[i]);
}

}  // namespace

// spectralNorm(kernel, u [out], v [rest], outer, out, inner, iterate, normalized, sigma [1], uOut [out], vOut [rest]):
// with `iterate` (1), one power-iteration step first, v' = normalize(Wᵀu), u' = normalize(W v'); else u' = u, v' = v.
// σ = u'ᵀ W v', normalized = kernel / σ (σ rounded to float32 first, as tfjs divides by a float32 scalar).
Napi::Value SpectralNorm(const Napi::CallbackInfo& info) {
  return guarded(info, "SpectralNorm", [&] {
    Napi::Env env = info.Env();
    FloatView kernel = floatArg(info, 0, "kernel");
    FloatView u = floatArg(info, 1, "u");
    FloatView v = floatArg(info, 2, "v");
    const KernelView view = KernelView::parse(info, 3, kernel);
    const int64_t iterate = intArg(info, 6, "iterate");
    if (iterate != 0 && iterate != 1) throw Napi::RangeError::New(env, "iterate must be 0 or 1");
    FloatView normalized = floatArg(info, 7, "normalized");
    FloatView sigma = floatArg(info, 8, "sigma");
    FloatView uOut = floatArg(info, 9, "uOut");
    FloatView vOut = floatArg(info, 10, "vOut");
    expectLength(env, u, view.out, "u");
    expectLength(env, v, view.rest(), "v");
    expectLength(env, normalized, view.size(), "normalized");
    expectLength(env, sigma, 1, "sigma");
    expectLength(env, uOut, view.out, "uOut");
    expectLength(env, vOut, view.rest(), "vOut");
    std::vector<double> left(u.data, u.data + u.length);
    std::vector<double> right(v.data, v.data + v.length);
    if (iterate) {
      right = transposedProduct(kernel.data, view, left);
      normalize(right);
    }
    const std::vector<double> wv = product(kernel.data, view, right);
    if (iterate) {
      left = wv;
      normalize(left);
    }
    double s = 0;
    for (int64_t o = 0; o < view.out; ++o) s += left[o] * wv[o];
    const float sigmaValue = static_cast<float>(s);
    sigma.data[0] = sigmaValue;
    copyTo(left, uOut);
    copyTo(right, vOut);
    const float* k = kernel.data;
    float* n = normalized.data;
    parallelFor(view.size(), kParallelElements, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) n[i] = k[i] / sigmaValue;
    });
  });
}

// spectralNormGrad(kernel, dNormalized, u [out], v [rest], sigma [1], dSigma [1] | null, outer, out, inner, dKernel):
// the gradient of spectralNorm's normalized (and σ) output in the kernel, u and v held constant (as torch does):
// dKernel = dNormalized / σ + (dσ − Σ(dNormalized·kernel) / σ²)·v uᵀ, with v uᵀ laid out as the kernel.
Napi::Value SpectralNormGrad(const Napi::CallbackInfo& info) {
  return guarded(info, "SpectralNormGrad", [&] {
    Napi::Env env = info.Env();
    FloatView kernel = floatArg(info, 0, "kernel");
    FloatView dNormalized = floatArg(info, 1, "dNormalized");
    FloatView u = floatArg(info, 2, "u");
    FloatView v = floatArg(info, 3, "v");
    FloatView sigma = floatArg(info, 4, "sigma");
    FloatView dSigma = optionalFloatArg(info, 5, "dSigma");
    const KernelView view = KernelView::parse(info, 6, kernel);
    FloatView dKernel = floatArg(info, 9, "dKernel");
    expectLength(env, dNormalized, view.size(), "dNormalized");
    expectLength(env, u, view.out, "u");
    expectLength(env, v, view.rest(), "v");
    expectLength(env, sigma, 1, "sigma");
    if (dSigma.data) expectLength(env, dSigma, 1, "dSigma");
    expectLength(env, dKernel, view.size(), "dKernel");
    const float* k = kernel.data;
    const float* dn = dNormalized.data;
    const int64_t slab = view.out * view.inner;
    const double inner = outerBlockSums(view, 1, [&](int64_t begin, int64_t end, double* acc) {
      acc[0] = dot(dn + begin * slab, k + begin * slab, (end - begin) * slab);
    })[0];
    const float s = sigma.data[0];
    const double coefficient = (dSigma.data ? dSigma.data[0] : 0.0) - inner / (static_cast<double>(s) * s);
    std::vector<double> scaledU(static_cast<size_t>(view.out));
    for (int64_t o = 0; o < view.out; ++o) scaledU[o] = coefficient * u.data[o];
    const float* vp = v.data;
    float* dk = dKernel.data;
    parallelFor(view.outer, std::max<int64_t>(2, kParallelElements / std::max<int64_t>(1, slab)), [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        const int64_t first = p * slab;
        if (view.inner == 1) {
          // The loop over output channels innermost: over a single input channel, it would not vectorise.
          const float vr = vp[p];
          for (int64_t o = 0; o < view.out; ++o) dk[first + o] = dn[first + o] / s + static_cast<float>(scaledU[o] * vr);
          continue;
        }
        for (int64_t o = 0; o < view.out; ++o) {
          const int64_t at = first + o * view.inner;
          for (int64_t i = 0; i < view.inner; ++i) dk[at + i] = dn[at + i] / s + static_cast<float>(scaledU[o] * vp[p * view.inner + i]);
        }
      }
    });
  });
}

}  // namespace ganvae
