// Tile: repeats a float32 tensor along each axis (tfjs's CPU kernel computes an index per element).
#include "../common.h"
#include "../shape.h"

namespace ganvae {

namespace {

// dst[0, n) = src repeated (src has `period` elements).
void repeatRow(const float* src, int64_t period, float* dst, int64_t n) {
  if (period == 1) return std::fill(dst, dst + n, *src);
  for (int64_t start = 0; start < n; start += period) std::copy(src, src + std::min(period, n - start), dst + start);
}

}  // namespace

// tile(x, xShape, out, outShape): outShape[d] is a multiple of xShape[d]; out[i] = x[i mod xShape].
Napi::Value Tile(const Napi::CallbackInfo& info) {
  return guarded(info, "Tile", [&] {
    Napi::Env env = info.Env();
    FloatView x = floatArg(info, 0, "x");
    Shape xShape = shapeArg(info, 1, "xShape");
    FloatView out = floatArg(info, 2, "out");
    Shape outShape = shapeArg(info, 3, "outShape");
    expectLength(env, x, shapeSize(env, xShape, "xShape"), "x");
    expectLength(env, out, shapeSize(env, outShape, "outShape"), "out");
    if (xShape.size() != outShape.size()) throw Napi::RangeError::New(env, "x and out differ in rank");
    for (size_t d = 0; d < xShape.size(); ++d) {
      if (xShape[d] == 0 ? outShape[d] != 0 : outShape[d] % xShape[d] != 0) {
        throw Napi::RangeError::New(env, "out dimension " + std::to_string(d) + " is not a multiple of x's");
      }
    }
    if (out.length == 0) return;
    const size_t rank = xShape.size();
    if (rank == 0) {
      out.data[0] = x.data[0];
      return;
    }
    // Adjacent axes that are both broadcast (x's size 1) or both copied whole (out's size = x's) act as one
    // axis; merging them first makes a [32, 1, 1, 1] → [32, 64, 64, 3] tile 32 fills of 12,288, not 131,072
    // rows of three.
    Shape xAxes{xShape[0]}, outAxes{outShape[0]};
    for (size_t d = 1; d < rank; ++d) {
      const bool bothBroadcast = xAxes.back() == 1 && xShape[d] == 1;
      const bool bothWhole = xAxes.back() == outAxes.back() && xShape[d] == outShape[d];
      if (bothBroadcast || bothWhole) {
        xAxes.back() *= xShape[d];
        outAxes.back() *= outShape[d];
      } else {
        xAxes.push_back(xShape[d]);
        outAxes.push_back(outShape[d]);
      }
    }
    const size_t axes = xAxes.size();
    // Input strides; the innermost output axis is filled by repetition, the rest by an odometer.
    std::vector<int64_t> xStrides(axes, 1);
    for (size_t d = axes - 1; d-- > 0;) xStrides[d] = xStrides[d + 1] * xAxes[d + 1];
    const int64_t inner = outAxes[axes - 1];
    const int64_t xInner = xAxes[axes - 1];
    const int64_t outer = static_cast<int64_t>(out.length) / inner;
    parallelFor(outer, std::max<int64_t>(1, kParallelElements / inner), [&](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; ++o) {
        int64_t rest = o, offset = 0;
        for (size_t d = axes - 1; d-- > 0;) {
          int64_t coord = rest % outAxes[d];
          rest /= outAxes[d];
          offset += (coord % xAxes[d]) * xStrides[d];
        }
        repeatRow(x.data + offset, xInner, out.data + o * inner, inner);
      }
    });
  });
}

}  // namespace ganvae
