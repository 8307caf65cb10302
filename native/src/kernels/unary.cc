// Element-wise unary ops on float32 (activations, their gradients' masks, and math functions),
// with the same formulas as tfjs's CPU kernels; large tensors are split among threads.
#include <cmath>

#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif

#include "../common.h"

// glibc's vectorised tanhf (libmvec, glibc 2.35+), within 4 ulp of tanh like its scalar tanhf: tfjs's tanh is
// Math.tanh rounded to float32, and the scalar loop ran at ~16 ns an element (2.5% of W4's step).
#if defined(__AVX512F__)
extern "C" __m512 _ZGVeN16v_tanhf(__m512);
#elif defined(__AVX2__)
extern "C" __m256 _ZGVdN8v_tanhf(__m256);
#endif

namespace ganvae {

namespace {

// The op codes, from ops.def.
enum class UnaryOp : int {
#define GANVAE_UNARY_OP(name, code) k##name = code,
#include "../ops.def"
};
constexpr int kUnaryCodes[] = {
#define GANVAE_UNARY_OP(name, code) code,
#include "../ops.def"
};
static_assert(codesCountUp(kUnaryCodes), "ops.def: unary op codes must run 0, 1, 2, ... in order");

template <typename Op>
void mapRange(const float* x, float* y, int64_t n, Op op) {
  for (int64_t i = 0; i < n; ++i) y[i] = op(x[i]);
}

template <typename Op>
void run(const float* x, float* y, int64_t n, Op op) {
  parallelFor(n, kParallelElements, [&](int64_t begin, int64_t end) { mapRange(x + begin, y + begin, end - begin, op); });
}

void tanhRange(const float* x, float* y, int64_t n) {
  int64_t i = 0;
#if defined(__AVX512F__)
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, _ZGVeN16v_tanhf(_mm512_loadu_ps(x + i)));
#elif defined(__AVX2__)
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _ZGVdN8v_tanhf(_mm256_loadu_ps(x + i)));
#endif
  for (; i < n; ++i) y[i] = std::tanh(x[i]);
}

// dx = x > 0 ? dy : dy·alpha (x NaN: dy·alpha), as tfjs's where(greater(x, 0), dy, mul(dy, alpha)).
void leakyReluGradRange(const float* x, const float* dy, float* dx, int64_t n, float alpha) {
  for (int64_t i = 0; i < n; ++i) dx[i] = x[i] > 0 ? dy[i] : dy[i] * alpha;
}

void selectRange(const uint8_t* c, const float* t, const float* e, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = c[i] ? t[i] : e[i];
}

float softplus(float x) {
  // tfjs's thresholds: exp(x) where it underflows log1p, x where exp overflows.
  const float threshold = std::log(1.1920928955078125e-7f) + 2.0f;
  if (x < threshold) return std::exp(x);
  if (x > -threshold) return x;
  return std::log(std::exp(x) + 1.0f);
}

}  // namespace

// unary(x, y, op, alpha): y = op(x); alpha is LeakyRelu's slope and Step's value at x <= 0.
Napi::Value Unary(const Napi::CallbackInfo& info) {
  return guarded(info, "Unary", [&] {
    Napi::Env env = info.Env();
    FloatView x = floatArg(info, 0, "x");
    FloatView y = floatArg(info, 1, "y");
    int64_t op = intArg(info, 2, "op");
    const float alpha = static_cast<float>(numberArg(info, 3, "alpha"));
    expectLength(env, y, static_cast<int64_t>(x.length), "y");
    const int64_t n = static_cast<int64_t>(x.length);
    // No default: -Wswitch (an error, binding.gyp) names an op of ops.def that has no case here.
    switch (static_cast<UnaryOp>(op)) {
      case UnaryOp::kSquare: return run(x.data, y.data, n, [](float v) { return v * v; });
      case UnaryOp::kSqrt: return run(x.data, y.data, n, [](float v) { return std::sqrt(v); });
      case UnaryOp::kRsqrt: return run(x.data, y.data, n, [](float v) { return 1.0f / std::sqrt(v); });
      case UnaryOp::kExp: return run(x.data, y.data, n, [](float v) { return std::exp(v); });
      case UnaryOp::kLog: return run(x.data, y.data, n, [](float v) { return std::log(v); });
      case UnaryOp::kLog1p: return run(x.data, y.data, n, [](float v) { return std::log1p(v); });
      case UnaryOp::kNeg: return run(x.data, y.data, n, [](float v) { return -v; });
      case UnaryOp::kAbs: return run(x.data, y.data, n, [](float v) { return std::fabs(v); });
      case UnaryOp::kRelu: return run(x.data, y.data, n, [](float v) { return v < 0 ? 0.0f : v; });
      case UnaryOp::kRelu6: return run(x.data, y.data, n, [](float v) { return v < 0 ? 0.0f : (v > 6 ? 6.0f : v); });
      case UnaryOp::kLeakyRelu: return run(x.data, y.data, n, [alpha](float v) { return v < 0 ? alpha * v : v; });
      case UnaryOp::kSigmoid: return run(x.data, y.data, n, [](float v) { return 1.0f / (1.0f + std::exp(-v)); });
      case UnaryOp::kTanh:
        return parallelFor(n, kParallelElements, [&](int64_t begin, int64_t end) { tanhRange(x.data + begin, y.data + begin, end - begin); });
      case UnaryOp::kStep: return run(x.data, y.data, n, [alpha](float v) { return std::isnan(v) ? NAN : (v > 0 ? 1.0f : alpha); });
      case UnaryOp::kElu: return run(x.data, y.data, n, [](float v) { return v >= 0 ? v : std::exp(v) - 1.0f; });
      case UnaryOp::kSoftplus: return run(x.data, y.data, n, softplus);
      case UnaryOp::kReciprocal: return run(x.data, y.data, n, [](float v) { return 1.0f / v; });
    }
    throw Napi::RangeError::New(env, "unknown unary op " + std::to_string(op));
  });
}

// select(condition, t, e, out): out = condition ? t : e, all of one size (condition a Uint8Array).
Napi::Value Select(const Napi::CallbackInfo& info) {
  return guarded(info, "Select", [&] {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      throw Napi::TypeError::New(env, "argument 0 (condition) must be a Uint8Array");
    }
    auto condition = info[0].As<Napi::Uint8Array>();
    FloatView t = floatArg(info, 1, "t");
    FloatView e = floatArg(info, 2, "e");
    FloatView out = floatArg(info, 3, "out");
    const int64_t n = static_cast<int64_t>(condition.ElementLength());
    expectLength(env, t, n, "t");
    expectLength(env, e, n, "e");
    expectLength(env, out, n, "out");
    const uint8_t* c = condition.Data();
    parallelFor(n, kParallelElements, [&](int64_t begin, int64_t end) { selectRange(c + begin, t.data + begin, e.data + begin, out.data + begin, end - begin); });
  });
}

// leakyReluGrad(x, dy, dx, alpha): LeakyRelu's gradient dx = x > 0 ? dy : dy·alpha in one pass (tfjs runs Greater,
// Multiply and Select, three full-size passes and two temporaries), all of one size.
Napi::Value LeakyReluGrad(const Napi::CallbackInfo& info) {
  return guarded(info, "LeakyReluGrad", [&] {
    Napi::Env env = info.Env();
    FloatView x = floatArg(info, 0, "x");
    FloatView dy = floatArg(info, 1, "dy");
    FloatView dx = floatArg(info, 2, "dx");
    const float alpha = static_cast<float>(numberArg(info, 3, "alpha"));
    const int64_t n = static_cast<int64_t>(x.length);
    expectLength(env, dy, n, "dy");
    expectLength(env, dx, n, "dx");
    parallelFor(n, kParallelElements, [&](int64_t begin, int64_t end) {
      leakyReluGradRange(x.data + begin, dy.data + begin, dx.data + begin, end - begin, alpha);
    });
  });
}

}  // namespace ganvae
