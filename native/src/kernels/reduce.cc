// Reductions (Sum, Mean, Max, Min, Prod) over any set of axes of a float32 tensor. Adjacent axes that
// are both reduced or both kept are merged, then the input is read once in memory order, in fixed blocks on
// several threads when it is large.
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

// Folds the input elements of outer positions [begin, end) into acc[out index] with `fold`, in memory order; a long
// reduced inner axis is folded as eight interleaved partials (element i into partial i mod 8), `merge`d in order,
// so that eight chains of additions run at once instead of one.
template <typename Acc, typename Fold, typename Merge>
void foldRange(const std::vector<Axis>& axes, const float* x, Acc* acc, int64_t begin, int64_t end, Fold fold, Merge merge) {
  const size_t rank = axes.size();
  const Axis& inner = axes[rank - 1];
  // The outer axes' coordinates of position `begin`, then counted up like an odometer (no division per position).
  std::vector<int64_t> coord(rank, 0);
  int64_t inOff = 0, outOff = 0;
  for (size_t j = rank - 1, rest = begin; j-- > 0;) {
    coord[j] = static_cast<int64_t>(rest) % axes[j].extent;
    rest /= axes[j].extent;
    inOff += coord[j] * axes[j].inStride;
    outOff += coord[j] * axes[j].outStride;
  }
  for (int64_t o = begin; o < end; ++o) {
    const float* px = x + inOff;
    if (inner.reduced && inner.extent >= 16) {
      Acc partial[8];
      partial[0] = fold(acc[outOff], px[0]);
      for (int k = 1; k < 8; ++k) partial[k] = px[k];
      int64_t i = 8;
      for (; i + 8 <= inner.extent; i += 8) {
        for (int k = 0; k < 8; ++k) partial[k] = fold(partial[k], px[i + k]);
      }
      for (int k = 0; i < inner.extent; ++i, ++k) partial[k] = fold(partial[k], px[i]);
      Acc value = partial[0];
      for (int k = 1; k < 8; ++k) value = merge(value, partial[k]);
      acc[outOff] = value;
    } else if (inner.reduced) {
      Acc value = acc[outOff];
      for (int64_t i = 0; i < inner.extent; ++i) value = fold(value, px[i]);
      acc[outOff] = value;
    } else {
      Acc* pa = acc + outOff;
      for (int64_t i = 0; i < inner.extent; ++i) pa[i] = fold(pa[i], px[i]);
    }
    for (size_t j = rank - 1; j-- > 0;) {
      inOff += axes[j].inStride;
      outOff += axes[j].outStride;
      if (++coord[j] < axes[j].extent) break;
      inOff -= coord[j] * axes[j].inStride;
      outOff -= coord[j] * axes[j].outStride;
      coord[j] = 0;
    }
  }
}

// Input elements per block of the parallel reduction, and the most accumulators all blocks may hold together.
constexpr int64_t kElementsPerBlock = int64_t(1) << 16;
constexpr int64_t kMaxBlockAccumulators = int64_t(1) << 20;

// Folds every input element into acc [outSize] (holding the op's identity) with `fold`, and `merge`s partials. Large
// inputs are cut into fixed blocks of outer positions, each folded into its own accumulators in parallel and merged
// in block order: the result depends on the sizes alone, never on the thread count.
template <typename Acc, typename Fold, typename Merge>
void foldAll(const std::vector<Axis>& axes, const float* x, Acc* acc, int64_t outSize, Fold fold, Merge merge) {
  const size_t rank = axes.size();
  int64_t outer = 1;
  for (size_t d = 0; d + 1 < rank; ++d) outer *= axes[d].extent;
  const int64_t perBlock = std::max<int64_t>(1, kElementsPerBlock / axes[rank - 1].extent);
  const int64_t blocks = (outer + perBlock - 1) / perBlock;
  if (blocks < 2 || blocks * outSize > kMaxBlockAccumulators || omp_get_max_threads() == 1) {
    foldRange(axes, x, acc, 0, outer, fold, merge);
    return;
  }
  // acc holds the op's identity everywhere.
  const std::vector<Acc> total = mergedBlocks(blocks, static_cast<size_t>(outSize), acc[0], 2, [&](int64_t b, Acc* partial) {
    foldRange(axes, x, partial, b * perBlock, std::min(outer, (b + 1) * perBlock), fold, merge);
  }, merge);
  std::copy(total.begin(), total.end(), acc);
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
    // NaN wins, as in tfjs's loops; a partial that is NaN wins its merge the same way.
    auto maxOf = [](float m, float v) { return (std::isnan(v) || v > m) ? v : m; };
    auto minOf = [](float m, float v) { return (std::isnan(v) || v < m) ? v : m; };
    // No default: -Wswitch (an error, binding.gyp) names an op of ops.def that has no case here.
    switch (static_cast<ReduceOp>(op)) {
      case ReduceOp::kSum:
      case ReduceOp::kMean: {
        // Double accumulators, like tfjs's JavaScript loops (whose numbers are doubles).
        std::vector<double> acc(outSize, 0.0);
        foldAll(axes, x.data, acc.data(), outSize, [](double s, float v) { return s + v; }, [](double a, double b) { return a + b; });
        const double scale = static_cast<ReduceOp>(op) == ReduceOp::kMean ? 1.0 / reduceSize : 1.0;
        for (int64_t i = 0; i < outSize; ++i) out.data[i] = static_cast<float>(acc[i] * scale);
        break;
      }
      case ReduceOp::kProd: {
        std::vector<double> acc(outSize, 1.0);
        foldAll(axes, x.data, acc.data(), outSize, [](double s, float v) { return s * v; }, [](double a, double b) { return a * b; });
        for (int64_t i = 0; i < outSize; ++i) out.data[i] = static_cast<float>(acc[i]);
        break;
      }
      case ReduceOp::kMax:
        std::fill(out.data, out.data + outSize, -std::numeric_limits<float>::infinity());
        foldAll(axes, x.data, out.data, outSize, maxOf, maxOf);
        break;
      case ReduceOp::kMin:
        std::fill(out.data, out.data + outSize, std::numeric_limits<float>::infinity());
        foldAll(axes, x.data, out.data, outSize, minOf, minOf);
        break;
    }
  });
}

}  // namespace ganvae
