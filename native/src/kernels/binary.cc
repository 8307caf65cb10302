// Broadcasting element-wise binary ops (Add, Sub, Multiply, RealDiv, Maximum, Minimum,
// SquaredDifference, Pow and comparisons) on float32. tfjs's CPU backend computes an index per
// element on every broadcast; here dimensions are collapsed and the inner loop is a plain vector loop.
#include <cmath>

#include "../common.h"
#include "../shape.h"

namespace ganvae {

namespace {

// The op codes, from ops.def.
enum class BinaryOp : int {
#define GANVAE_BINARY_OP(name, code, out) k##name = code,
#include "../ops.def"
};
constexpr int kBinaryCodes[] = {
#define GANVAE_BINARY_OP(name, code, out) code,
#include "../ops.def"
};
static_assert(codesCountUp(kBinaryCodes), "ops.def: binary op codes must run 0, 1, 2, ... in order");
constexpr int64_t kBinaryOpCount = static_cast<int64_t>(std::size(kBinaryCodes));

// Whether each op (by code) writes tfjs's bool (a Uint8Array) rather than float32: ops.def's `out`.
constexpr bool kBoolOut_float32 = false, kBoolOut_bool = true;
constexpr bool kGivesBool[] = {
#define GANVAE_BINARY_OP(name, code, out) kBoolOut_##out,
#include "../ops.def"
};

// The inner dimension: a tight loop specialised on whether each operand moves (stride 1) or stays (0).
template <typename Out, typename Op>
void innerLoop(const float* pa, const float* pb, Out* po, int64_t n, int64_t sa, int64_t sb, Op op) {
  if (sa == 1 && sb == 1) {
    for (int64_t i = 0; i < n; ++i) po[i] = op(pa[i], pb[i]);
  } else if (sa == 0 && sb == 1) {
    const float va = pa[0];
    for (int64_t i = 0; i < n; ++i) po[i] = op(va, pb[i]);
  } else if (sa == 1 && sb == 0) {
    const float vb = pb[0];
    for (int64_t i = 0; i < n; ++i) po[i] = op(pa[i], vb);
  } else {
    for (int64_t i = 0; i < n; ++i) po[i] = op(pa[i * sa], pb[i * sb]);
  }
}

// Runs `op` over the collapsed loop; outer positions are split among threads.
template <typename Out, typename Op>
void run(const StridedLoop& loop, const float* a, const float* b, Out* out, Op op) {
  const size_t rank = loop.dims.size();
  const int64_t inner = loop.dims[rank - 1];
  const int64_t sa = loop.strides[0][rank - 1], sb = loop.strides[1][rank - 1];
  int64_t outer = 1;
  for (size_t d = 0; d + 1 < rank; ++d) outer *= loop.dims[d];
  if (outer == 1) {
    // One long inner loop: split it instead.
    parallelFor(inner, kParallelElements, [&](int64_t begin, int64_t end) {
      innerLoop(a + begin * sa, b + begin * sb, out + begin, end - begin, sa, sb, op);
    });
    return;
  }
  const int64_t minOuter = std::max<int64_t>(1, kParallelElements / inner);
  parallelFor(outer, minOuter, [&](int64_t begin, int64_t end) {
    for (int64_t o = begin; o < end; ++o) {
      int64_t offA = 0, offB = 0, rest = o;
      for (size_t j = rank - 1; j-- > 0;) {
        int64_t coord = rest % loop.dims[j];
        rest /= loop.dims[j];
        offA += coord * loop.strides[0][j];
        offB += coord * loop.strides[1][j];
      }
      innerLoop(a + offA, b + offB, out + o * inner, inner, sa, sb, op);
    }
  });
}

// JavaScript's Math.pow, which tfjs uses: unlike C's pow, 1^NaN and (±1)^±Infinity are NaN.
float jsPow(float x, float y) {
  if (std::isnan(y) || (std::isinf(y) && std::fabs(x) == 1.0f)) return NAN;
  return std::pow(x, y);
}

template <typename Out>
void dispatch(const Napi::Env& env, BinaryOp op, const StridedLoop& loop, const float* a, const float* b, Out* out);

template <>
void dispatch<float>(const Napi::Env& env, BinaryOp op, const StridedLoop& l, const float* a, const float* b, float* o) {
  switch (op) {
    case BinaryOp::kAdd: return run(l, a, b, o, [](float x, float y) { return x + y; });
    case BinaryOp::kSub: return run(l, a, b, o, [](float x, float y) { return x - y; });
    case BinaryOp::kMultiply: return run(l, a, b, o, [](float x, float y) { return x * y; });
    case BinaryOp::kRealDiv: return run(l, a, b, o, [](float x, float y) { return x / y; });
    // tfjs propagates NaN through maximum/minimum; std::max would not.
    case BinaryOp::kMaximum: return run(l, a, b, o, [](float x, float y) { return (std::isnan(x) || std::isnan(y)) ? NAN : (x > y ? x : y); });
    case BinaryOp::kMinimum: return run(l, a, b, o, [](float x, float y) { return (std::isnan(x) || std::isnan(y)) ? NAN : (x < y ? x : y); });
    case BinaryOp::kSquaredDifference: return run(l, a, b, o, [](float x, float y) { return (x - y) * (x - y); });
    case BinaryOp::kPow: return run(l, a, b, o, jsPow);
    default: throw Napi::RangeError::New(env, "binary op " + std::to_string(static_cast<int>(op)) + " does not give float32");
  }
}

template <>
void dispatch<uint8_t>(const Napi::Env& env, BinaryOp op, const StridedLoop& l, const float* a, const float* b, uint8_t* o) {
  switch (op) {
    case BinaryOp::kGreater: return run(l, a, b, o, [](float x, float y) -> uint8_t { return x > y; });
    case BinaryOp::kGreaterEqual: return run(l, a, b, o, [](float x, float y) -> uint8_t { return x >= y; });
    case BinaryOp::kLess: return run(l, a, b, o, [](float x, float y) -> uint8_t { return x < y; });
    case BinaryOp::kLessEqual: return run(l, a, b, o, [](float x, float y) -> uint8_t { return x <= y; });
    case BinaryOp::kEqual: return run(l, a, b, o, [](float x, float y) -> uint8_t { return x == y; });
    case BinaryOp::kNotEqual: return run(l, a, b, o, [](float x, float y) -> uint8_t { return x != y; });
    default: throw Napi::RangeError::New(env, "binary op " + std::to_string(static_cast<int>(op)) + " does not give bool");
  }
}

}  // namespace

// binary(a, aShape, b, bShape, out, outShape, op): out = op(a, b) with numpy broadcasting; `out` is a
// Float32Array for arithmetic ops and a Uint8Array (tfjs's bool) for comparisons.
Napi::Value Binary(const Napi::CallbackInfo& info) {
  return guarded(info, "Binary", [&] {
    Napi::Env env = info.Env();
    FloatView a = floatArg(info, 0, "a");
    Shape aShape = shapeArg(info, 1, "aShape");
    FloatView b = floatArg(info, 2, "b");
    Shape bShape = shapeArg(info, 3, "bShape");
    Shape outShape = shapeArg(info, 5, "outShape");
    int64_t op = intArg(info, 6, "op");
    if (op < 0 || op >= kBinaryOpCount) {
      throw Napi::RangeError::New(env, "unknown binary op " + std::to_string(op));
    }
    expectLength(env, a, shapeSize(env, aShape, "aShape"), "a");
    expectLength(env, b, shapeSize(env, bShape, "bShape"), "b");
    const int64_t outSize = shapeSize(env, outShape, "outShape");
    for (const Shape* s : {&aShape, &bShape}) {
      if (s->size() > outShape.size()) throw Napi::RangeError::New(env, "an operand has a higher rank than the output");
      for (size_t j = 0; j < s->size(); ++j) {
        int64_t d = (*s)[s->size() - 1 - j], o = outShape[outShape.size() - 1 - j];
        if (d != o && d != 1) {
          throw Napi::RangeError::New(env, "operand dimension " + std::to_string(d) + " does not broadcast to " + std::to_string(o));
        }
      }
    }
    const bool comparison = kGivesBool[op];
    if (info.Length() <= 4 || !info[4].IsTypedArray()) throw Napi::TypeError::New(env, "argument 4 (out) must be a typed array");
    auto outArray = info[4].As<Napi::TypedArray>();
    if (static_cast<int64_t>(outArray.ElementLength()) != outSize) {
      throw Napi::RangeError::New(env, "out has " + std::to_string(outArray.ElementLength()) + " elements, expected " + std::to_string(outSize));
    }
    if (outSize == 0) return;
    StridedLoop loop = broadcastLoop(outShape, {aShape, bShape});
    if (comparison) {
      if (outArray.TypedArrayType() != napi_uint8_array) throw Napi::TypeError::New(env, "out must be a Uint8Array for a comparison");
      dispatch<uint8_t>(env, static_cast<BinaryOp>(op), loop, a.data, b.data, outArray.As<Napi::Uint8Array>().Data());
    } else {
      if (outArray.TypedArrayType() != napi_float32_array) throw Napi::TypeError::New(env, "out must be a Float32Array");
      dispatch<float>(env, static_cast<BinaryOp>(op), loop, a.data, b.data, outArray.As<Napi::Float32Array>().Data());
    }
  });
}

}  // namespace ganvae
