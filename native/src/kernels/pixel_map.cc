// PixelMap: per-image integer pixel maps (flips, 90° rotations, integer shifts) of channel-last images, and their
// transpose, the gradient. tfjs has no per-image gather; the portable path (src/gan/augment/pixel-map.ts) runs them
// as batched products with one-hot matrices, ~100 multiply-adds per pixel and a [n, w·c, w·c] matrix built per call.
#include <cstring>

#include "../common.h"

namespace ganvae {

namespace {

// An Int32Array argument; throws a TypeError naming `what` otherwise.
Napi::Int32Array int32Arg(const Napi::CallbackInfo& info, size_t index, const char* what) {
  if (info.Length() <= index || !info[index].IsTypedArray() || info[index].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(index) + " (" + what + ") must be an Int32Array");
  }
  return info[index].As<Napi::Int32Array>();
}

// Throws unless every entry of `indices` lies in [-1, size).
void expectIndices(const Napi::Env& env, const int32_t* indices, size_t count, int64_t size, const char* what) {
  for (size_t i = 0; i < count; ++i) {
    if (indices[i] < -1 || indices[i] >= size) {
      throw Napi::RangeError::New(env, std::string(what) + "[" + std::to_string(i) + "] = " + std::to_string(indices[i]) +
                                           " is outside [-1, " + std::to_string(size) + ")");
    }
  }
}

}  // namespace

// pixelMap(x, out, n, h, w, c, rows, cols, transposed, scatter): with scatter 0, out[i, y, x] = s[rows[i, y], cols[i, x]]
// where s is image i of x, or its spatial transpose when transposed[i] is 1, and a pixel whose row or column index is
// -1 is zero; with scatter 1, the transpose of that map (its gradient): out starts at zero and each x[i, y, x] is added
// where the map reads its source. x and out are [n, h, w, c], rows [n, h], cols [n, w], transposed [n] (h = w when set).
Napi::Value PixelMap(const Napi::CallbackInfo& info) {
  return guarded(info, "PixelMap", [&] {
    Napi::Env env = info.Env();
    FloatView x = floatArg(info, 0, "x");
    FloatView out = floatArg(info, 1, "out");
    const int64_t n = intArg(info, 2, "n"), h = intArg(info, 3, "h"), w = intArg(info, 4, "w"), c = intArg(info, 5, "c");
    Napi::Int32Array rows = int32Arg(info, 6, "rows");
    Napi::Int32Array cols = int32Arg(info, 7, "cols");
    Napi::Int32Array transposed = int32Arg(info, 8, "transposed");
    const bool scatter = intArg(info, 9, "scatter") != 0;
    for (int64_t dim : {n, h, w, c}) expectAtLeast(env, dim, 1, "pixel map dimension");
    if (n * h > (int64_t(1) << 31) / w / c) throw Napi::RangeError::New(env, "pixel map images exceed 2^31 elements");
    expectLength(env, x, n * h * w * c, "x");
    expectLength(env, out, n * h * w * c, "out");
    if (static_cast<int64_t>(rows.ElementLength()) != n * h) throw Napi::RangeError::New(env, "rows must hold n·h indices");
    if (static_cast<int64_t>(cols.ElementLength()) != n * w) throw Napi::RangeError::New(env, "cols must hold n·w indices");
    if (static_cast<int64_t>(transposed.ElementLength()) != n) throw Napi::RangeError::New(env, "transposed must hold n flags");
    const int32_t* rowIndex = rows.Data();
    const int32_t* colIndex = cols.Data();
    const int32_t* swapped = transposed.Data();
    expectIndices(env, rowIndex, rows.ElementLength(), h, "rows");
    expectIndices(env, colIndex, cols.ElementLength(), w, "cols");
    for (int64_t i = 0; i < n; ++i) {
      if (swapped[i] != 0 && swapped[i] != 1) throw Napi::RangeError::New(env, "transposed flags must be 0 or 1");
      if (swapped[i] && h != w) throw Napi::RangeError::New(env, "a transposed pixel map needs square images");
    }
    const size_t pixelBytes = static_cast<size_t>(c) * sizeof(float);
    if (scatter) std::memset(out.data, 0, static_cast<size_t>(n * h * w) * pixelBytes);
    // One image per task: a scatter adds into its own image only, so images never race.
    parallelFor(n, std::max<int64_t>(1, kParallelElements / (h * w * c)), [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const float* src = x.data + i * h * w * c;
        float* dst = out.data + i * h * w * c;
        const bool swap = swapped[i] != 0;
        for (int64_t y = 0; y < h; ++y) {
          const int32_t sy = rowIndex[i * h + y];
          for (int64_t xx = 0; xx < w; ++xx) {
            const int32_t sx = colIndex[i * w + xx];
            const int64_t mapped = (y * w + xx) * c;
            if (sy < 0 || sx < 0) {
              if (!scatter) std::memset(dst + mapped, 0, pixelBytes);
              continue;
            }
            const int64_t source = (swap ? static_cast<int64_t>(sx) * w + sy : static_cast<int64_t>(sy) * w + sx) * c;
            if (scatter) {
              for (int64_t k = 0; k < c; ++k) dst[source + k] += src[mapped + k];
            } else {
              std::memcpy(dst + mapped, src + source, pixelBytes);
            }
          }
        }
      }
    });
  });
}

}  // namespace ganvae
