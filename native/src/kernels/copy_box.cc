// CopyBox: copies a box of a row-major tensor into a box of the same shape in another, the work of tfjs's Slice
// (into a fresh tensor) and PadV2 (into one filled with the constant); tfjs's CPU kernels index every element.
#include <cstring>

#include "../common.h"
#include "../shape.h"

namespace ganvae {

// copyBox(src, srcShape, srcBegin, dst, dstShape, dstBegin, size): dst[dstBegin + i] = src[srcBegin + i] for every
// index i < size (all of one rank; both boxes inside their tensors).
Napi::Value CopyBox(const Napi::CallbackInfo& info) {
  return guarded(info, "CopyBox", [&] {
    Napi::Env env = info.Env();
    FloatView src = floatArg(info, 0, "src");
    Shape srcShape = shapeArg(info, 1, "srcShape");
    Shape srcBegin = shapeArg(info, 2, "srcBegin");
    FloatView dst = floatArg(info, 3, "dst");
    Shape dstShape = shapeArg(info, 4, "dstShape");
    Shape dstBegin = shapeArg(info, 5, "dstBegin");
    Shape size = shapeArg(info, 6, "size");
    expectLength(env, src, shapeSize(env, srcShape, "srcShape"), "src");
    expectLength(env, dst, shapeSize(env, dstShape, "dstShape"), "dst");
    const size_t rank = size.size();
    if (srcShape.size() != rank || srcBegin.size() != rank || dstShape.size() != rank || dstBegin.size() != rank) {
      throw Napi::RangeError::New(env, "copyBox: shapes, begins and size must all have one rank");
    }
    for (size_t d = 0; d < rank; ++d) {
      if (srcBegin[d] + size[d] > srcShape[d] || dstBegin[d] + size[d] > dstShape[d]) {
        throw Napi::RangeError::New(env, "copyBox: the box leaves a tensor along axis " + std::to_string(d));
      }
    }
    const int64_t count = shapeSize(env, size, "size");
    if (count == 0) return;
    if (rank == 0) {
      dst.data[0] = src.data[0];
      return;
    }
    std::vector<int64_t> srcStrides(rank, 1), dstStrides(rank, 1);
    for (size_t d = rank - 1; d-- > 0;) {
      srcStrides[d] = srcStrides[d + 1] * srcShape[d + 1];
      dstStrides[d] = dstStrides[d + 1] * dstShape[d + 1];
    }
    // One memcpy per row of the box's innermost axis, rows located by an odometer over the outer axes.
    const int64_t inner = size[rank - 1];
    const int64_t rows = count / inner;
    parallelFor(rows, std::max<int64_t>(1, kParallelElements / inner), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        int64_t rest = r, from = srcBegin[rank - 1], to = dstBegin[rank - 1];
        for (size_t d = rank - 1; d-- > 0;) {
          const int64_t coord = rest % size[d];
          rest /= size[d];
          from += (srcBegin[d] + coord) * srcStrides[d];
          to += (dstBegin[d] + coord) * dstStrides[d];
        }
        std::memcpy(dst.data + to, src.data + from, static_cast<size_t>(inner) * sizeof(float));
      }
    });
  });
}

}  // namespace ganvae
