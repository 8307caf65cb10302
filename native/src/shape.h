// Shape helpers for the element-wise and reduction kernels: reading shapes from JavaScript arrays
// and collapsing adjacent dimensions that iterate the same way, so loops run over few, long axes.
#pragma once

#include <napi.h>

#include <cstdint>
#include <vector>

namespace ganvae {

using Shape = std::vector<int64_t>;

// Reads argument `index` as an array of non-negative integers (a tensor shape); throws otherwise.
Shape shapeArg(const Napi::CallbackInfo& info, size_t index, const char* what);
// Number of elements of `shape` (1 for a scalar); throws when it exceeds 2^31.
int64_t shapeSize(const Napi::Env& env, const Shape& shape, const char* what);

// A loop nest over an output shape with one stride per operand (0 where the operand broadcasts).
struct StridedLoop {
  Shape dims;                                // outermost first, after collapsing
  std::vector<std::vector<int64_t>> strides;  // strides[operand][dim]
};

// Builds the loop that writes `out` (row-major) reading operands of `shapes` broadcast to it, and
// merges neighbouring dimensions wherever every operand is contiguous (or broadcast) across them.
StridedLoop broadcastLoop(const Shape& out, const std::vector<Shape>& shapes);

}  // namespace ganvae
