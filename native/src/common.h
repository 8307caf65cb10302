// Shared pieces of the ganvae native kernels: the oneDNN engine and stream, argument checking
// that turns bad calls into JavaScript errors, and a small cache of primitives keyed by shape.
#pragma once

#include <napi.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <omp.h>

#include "oneapi/dnnl/dnnl.hpp"

namespace ganvae {

dnnl::engine& cpuEngine();
dnnl::stream& cpuStream();

// The arithmetic of convolutions and matrix products (`--precision`): fp32, or bf16 operands with fp32
// accumulation and fp32 results. Process-wide, set by setPrecision, and part of every primitive's cache key.
enum class Precision : int { fp32 = 0, bf16 = 1 };
Precision precision();
void setPrecision(Precision value);
// The operand type of convolutions and matrix products: bf16 under Precision::bf16, else f32.
dnnl::memory::data_type operandType();
// Whether oneDNN chose its reference (unoptimised) implementation for `pd`: a bf16 primitive on a shape its
// fast kernels do not cover, which then runs in fp32 instead.
bool isReference(const dnnl::primitive_desc_base& pd);
// Whether the convolutions' own GEMM paths run where they beat oneDNN's kernels (Conv2DBackpropInput's col2im for
// thin, wide strided and small dx, Conv2DBackpropFilter's and Conv2D's im2col for small outputs); GANVAE_IM2COL=0
// turns them all off, to compare.
bool im2colPathsEnabled();
// The kernels' working memory: slot `slot` (0 to 2) holding at least `bytes`, 64-byte aligned, reused by every later
// call (kernels run one at a time) and grown, never shrunk, as shapes need; one arena, so peak memory is the largest
// need, not the sum of every kernel's.
void* scratch(int slot, size_t bytes);
// Same, as `count` floats.
inline float* scratchFloats(int slot, int64_t count) {
  return static_cast<float*>(scratch(slot, static_cast<size_t>(count) * sizeof(float)));
}
// `user` (the caller's f32 buffer) as `wanted` describes it: `user` itself when the two agree, else a copy
// converted into scratch slot `slot` (0 to 2).
dnnl::memory staged(dnnl::stream& stream, const dnnl::memory& user, const dnnl::memory::desc& wanted, int slot);

// A Float32Array argument: its data pointer (zero-copy) and element count.
struct FloatView {
  float* data = nullptr;
  size_t length = 0;
};

// Reads argument `index` as a Float32Array; throws a TypeError naming `what` otherwise.
FloatView floatArg(const Napi::CallbackInfo& info, size_t index, const char* what);
// Same, but `null`/`undefined` yields an empty view (for optional tensors such as a bias).
FloatView optionalFloatArg(const Napi::CallbackInfo& info, size_t index, const char* what);
// Reads argument `index` as an integer; throws a TypeError naming `what` otherwise.
int64_t intArg(const Napi::CallbackInfo& info, size_t index, const char* what);
// Reads argument `index` as a number; throws a TypeError naming `what` otherwise.
double numberArg(const Napi::CallbackInfo& info, size_t index, const char* what);
// Throws a RangeError unless `view` holds exactly `expected` elements.
void expectLength(const Napi::Env& env, const FloatView& view, int64_t expected, const char* what);
// Throws a RangeError unless `value` >= `min`.
void expectAtLeast(const Napi::Env& env, int64_t value, int64_t min, const char* what);

// Whether an ops.def table's codes run 0, 1, 2, ... in order, so that 0 <= op < N validates an op code.
template <size_t N>
constexpr bool codesCountUp(const int (&codes)[N]) {
  for (size_t i = 0; i < N; ++i) {
    if (codes[i] != static_cast<int>(i)) return false;
  }
  return true;
}

// Activation fused after a convolution or matmul, named as tfjs names it; codes shared with
// TypeScript through ops.def.
enum class Activation : int {
#define GANVAE_ACTIVATION(name, code) name = code,
#include "ops.def"
};
constexpr int kActivationCodes[] = {
#define GANVAE_ACTIVATION(name, code) code,
#include "ops.def"
};
static_assert(codesCountUp(kActivationCodes), "ops.def: activation codes must run 0, 1, 2, ... in order");
constexpr int64_t kActivationCount = static_cast<int64_t>(std::size(kActivationCodes));

// Builds the oneDNN post-op attribute for `activation` (validated; alpha is the leaky slope).
dnnl::primitive_attr activationAttr(const Napi::Env& env, int64_t activation, float alpha);

// Cached primitives keyed by a string of their shapes and options. A bounded map: when full it
// is cleared, since a training loop reuses a handful of shapes and a sweep should not grow memory.
template <typename Entry>
class PrimitiveCache {
 public:
  Entry* find(const std::string& key) {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : it->second.get();
  }
  Entry* insert(const std::string& key, std::unique_ptr<Entry> entry) {
    if (entries_.size() >= kCapacity) entries_.clear();
    Entry* raw = entry.get();
    entries_[key] = std::move(entry);
    return raw;
  }
  size_t size() const { return entries_.size(); }

 private:
  static constexpr size_t kCapacity = 512;
  std::unordered_map<std::string, std::unique_ptr<Entry>> entries_;
};

// Calls body(begin, end) over [0, n) split into one contiguous range per OpenMP thread (inline when
// n < minParallel, or n is 1: a parallel region for one item only wakes a thread that finds nothing to do).
// Loops belong in `body`'s callee, not in an OpenMP region: GCC does not vectorise loops it outlines for
// `omp parallel for`, which made element-wise kernels ~10x slower.
template <typename Body>
void parallelFor(int64_t n, int64_t minParallel, Body body) {
  if (n <= 1 || n < minParallel || omp_get_max_threads() == 1) {
    if (n > 0) body(int64_t(0), n);
    return;
  }
#pragma omp parallel
  {
    const int64_t threads = omp_get_num_threads();
    const int64_t chunk = (n + threads - 1) / threads;
    const int64_t begin = omp_get_thread_num() * chunk;
    const int64_t end = std::min(n, begin + chunk);
    if (begin < end) body(begin, end);
  }
}

// Runs accumulate(block, partial) for every block in [0, blocks) on the OpenMP threads (inline below minParallel
// blocks), each block into its own `width` values starting at `identity`, and returns identity merged with every
// block's values in block order: a result that depends on how the work is cut into blocks, never on the thread count.
template <typename T, typename Accumulate, typename Merge>
std::vector<T> mergedBlocks(int64_t blocks, size_t width, T identity, int64_t minParallel, Accumulate accumulate, Merge merge) {
  std::vector<T> partial(static_cast<size_t>(blocks) * width, identity);
  parallelFor(blocks, minParallel, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) accumulate(b, partial.data() + b * width);
  });
  std::vector<T> total(width, identity);
  for (int64_t b = 0; b < blocks; ++b) {
    for (size_t j = 0; j < width; ++j) total[j] = merge(total[j], partial[b * width + j]);
  }
  return total;
}

// Element counts below which threads cost more than they save.
constexpr int64_t kParallelElements = int64_t(1) << 16;

// Joins integers into a cache key.
std::string makeKey(std::initializer_list<int64_t> parts);

// Runs `body`, converting oneDNN and C++ exceptions into JavaScript errors naming `kernel`.
template <typename Body>
Napi::Value guarded(const Napi::CallbackInfo& info, const char* kernel, Body body) {
  try {
    body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const dnnl::error& e) {
    throw Napi::Error::New(info.Env(), std::string(kernel) + ": oneDNN error: " + e.what());
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string(kernel) + ": " + e.what());
  }
  return info.Env().Undefined();
}

// Geometry of a 2-D convolution as tfjs describes it; parsed from 18 consecutive arguments.
struct ConvGeometry {
  int64_t batch, inH, inW, inC, outH, outW, outC, filterH, filterW;
  int64_t strideH, strideW, dilationH, dilationW, padTop, padLeft, padBottom, padRight;
  bool channelsLast;

  // Parses and validates the geometry starting at argument `first`; throws on inconsistency.
  static ConvGeometry parse(const Napi::CallbackInfo& info, size_t first);
  std::string key() const;
  // x and y in the caller's layout, as f32 (the caller's buffers) or as the operand type of a bf16 primitive.
  dnnl::memory::desc srcDesc(dnnl::memory::data_type type = dnnl::memory::data_type::f32) const;
  dnnl::memory::desc dstDesc(dnnl::memory::data_type type = dnnl::memory::data_type::f32) const;
  // Filter as tfjs stores it: [filterH, filterW, inC, outC] (oneDNN's hwio).
  dnnl::memory::desc userWeightsDesc() const;
  dnnl::memory::desc anyWeightsDesc(dnnl::memory::data_type type = dnnl::memory::data_type::f32) const;
  dnnl::memory::dims strides() const { return {strideH, strideW}; }
  // oneDNN counts dilation from 0 (no dilation), tfjs from 1.
  dnnl::memory::dims dilations() const { return {dilationH - 1, dilationW - 1}; }
  dnnl::memory::dims padL() const { return {padTop, padLeft}; }
  dnnl::memory::dims padR() const { return {padBottom, padRight}; }
  int64_t inputSize() const { return batch * inH * inW * inC; }
  int64_t outputSize() const { return batch * outH * outW * outC; }
  int64_t filterSize() const { return filterH * filterW * inC * outC; }
};
constexpr size_t kConvGeometryArgs = 18;

// A forward-convolution descriptor for `g` (used directly, and as the hint of the backward passes): x and the
// filter in `operands`, y in `result`.
dnnl::convolution_forward::desc convForwardDesc(const ConvGeometry& g, dnnl::prop_kind kind, bool withBias,
                                                dnnl::memory::data_type operands = dnnl::memory::data_type::f32,
                                                dnnl::memory::data_type result = dnnl::memory::data_type::f32);

// y = act(conv(x, filter) + bias) for a validated geometry (bias may be null); cached by shape.
void runConvForward(const Napi::Env& env, const ConvGeometry& g, const float* x, const float* filter,
                    const float* bias, float* y, int64_t activation, float alpha);

}  // namespace ganvae
