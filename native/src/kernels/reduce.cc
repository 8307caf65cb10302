// Reductions (Sum, Mean, Max, Min, Prod) over any set of axes of a float32 tensor. Adjacent axes that
// are both reduced or both kept are merged, then the input is read once in memory order.
#include <cmath>
#include <limits>

#include "../common.h"
#include "../shape.h"

namespace ganvae {

namespace {

// The op codes, from ops.def.
enum class ReduceOp : int {
#define GANVAE_REDUCE_OP(name, code) k##name = code,
#include "../ops.def"
};
constexpr int kReduceCodes[] = {
#define GANVAE_REDUCE_OP(name, code) code,
#include "../ops.def"
};
static_assert(codesCountUp(kReduceCodes), "ops.def: reduce op codes must run 0, 1, 2, ... in order");
constexpr int64_t kReduceOpCount = static_cast<int64_t>(std::size(kReduceCodes));

struct Axis {
  int64_t extent;
  bool reduced;
  int64_t inStride = 0;
  int64_t outStride = 0;  // 0 for reduced axes
};

// Merges neighbouring axes with the same role; a tensor with no reduced axis keeps one kept axis.
std::vector<Axis> collapse(const Shape& shape, const std::vector<bool>& reduced) {
  std::vector<Axis> axes;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    if (!axes.empty() && axes.back().reduced == reduced[d]) {
      axes.back().extent *= shape[d];
    } else {
      axes.push_back({shape[d], reduced[d]});
    }
  }
  if (axes.empty()) axes.push_back({1, false});
  int64_t inStride = 1, outStride = 1;
  for (size_t j = axes.size(); j-- > 0;) {
    axes[j].inStride = inStride;
    inStride *= axes[j].extent;
    if (!axes[j].reduced) {
      axes[j].outStride = outStride;
      outStride *= axes[j].extent;
    }
  }
  return axes;
}

// Folds every input element into acc[out index] with `fold`, reading the input in memory order.
template <typename Acc, typename Fold>
void foldAll(const std::vector<Axis>& axes, const float* x, Acc* acc, Fold fold) {
  const size_t rank = axes.size();
  const Axis& inner = axes[rank - 1];
  int64_t outer = 1;
  for (size_t d = 0; d + 1 < rank; ++d) outer *= axes[d].extent;
  for (int64_t o = 0; o < outer; ++o) {
    int64_t inOff = 0, outOff = 0, rest = o;
    for (size_t j = rank - 1; j-- > 0;) {
      int64_t coord = rest % axes[j].extent;
      rest /= axes[j].extent;
      inOff += coord * axes[j].inStride;
      outOff += coord * axes[j].outStride;
    }
    const float* px = x + inOff;
    if (inner.reduced) {
      Acc value = acc[outOff];
      for (int64_t i = 0; i < inner.extent; ++i) value = fold(value, px[i]);
      acc[outOff] = value;
    } else {
      Acc* pa = acc + outOff;
      for (int64_t i = 0; i < inner.extent; ++i) pa[i] = fold(pa[i], px[i]);
    }
  }
}

}  // namespace

// reduce(x, xShape, reducedAxes, out, op): out has the kept axes of x in order (keepDims is only a
// reshape, done in TypeScript). `reducedAxes` lists axis indices.
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  return guarded(info, "Reduce", [&] {
    Napi::Env env = info.Env();
    FloatView x = floatArg(info, 0, "x");
    Shape shape = shapeArg(info, 1, "xShape");
    Shape axesList = shapeArg(info, 2, "reducedAxes");
    FloatView out = floatArg(info, 3, "out");
    int64_t op = intArg(info, 4, "op");
    if (op < 0 || op >= kReduceOpCount) throw Napi::RangeError::New(env, "unknown reduce op " + std::to_string(op));
    expectLength(env, x, shapeSize(env, shape, "xShape"), "x");
    std::vector<bool> reduced(shape.size(), false);
    int64_t outSize = 1, reduceSize = 1;
    for (int64_t axis : axesList) {
      if (axis >= static_cast<int64_t>(shape.size()) || reduced[axis]) {
        throw Napi::RangeError::New(env, "reduced axis " + std::to_string(axis) + " is out of range or repeated");
      }
      reduced[axis] = true;
    }
    for (size_t d = 0; d < shape.size(); ++d) (reduced[d] ? reduceSize : outSize) *= shape[d];
    expectLength(env, out, outSize, "out");
    if (outSize == 0) return;
    if (reduceSize == 0) throw Napi::RangeError::New(env, "cannot reduce over an empty axis");
    auto axes = collapse(shape, reduced);
    // No default: -Wswitch (an error, binding.gyp) names an op of ops.def that has no case here.
    switch (static_cast<ReduceOp>(op)) {
      case ReduceOp::kSum:
      case ReduceOp::kMean: {
        // Double accumulators, like tfjs's JavaScript loops (whose numbers are doubles).
        std::vector<double> acc(outSize, 0.0);
        foldAll(axes, x.data, acc.data(), [](double s, float v) { return s + v; });
        const double scale = static_cast<ReduceOp>(op) == ReduceOp::kMean ? 1.0 / reduceSize : 1.0;
        for (int64_t i = 0; i < outSize; ++i) out.data[i] = static_cast<float>(acc[i] * scale);
        break;
      }
      case ReduceOp::kProd: {
        std::vector<double> acc(outSize, 1.0);
        foldAll(axes, x.data, acc.data(), [](double s, float v) { return s * v; });
        for (int64_t i = 0; i < outSize; ++i) out.data[i] = static_cast<float>(acc[i]);
        break;
      }
      case ReduceOp::kMax:
        std::fill(out.data, out.data + outSize, -std::numeric_limits<float>::infinity());
        foldAll(axes, x.data, out.data, [](float m, float v) { return (std::isnan(v) || v > m) ? v : m; });
        break;
      case ReduceOp::kMin:
        std::fill(out.data, out.data + outSize, std::numeric_limits<float>::infinity());
        foldAll(axes, x.data, out.data, [](float m, float v) { return (std::isnan(v) || v < m) ? v : m; });
        break;
    }
  });
}

}  // namespace ganvae
