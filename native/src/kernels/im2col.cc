// im2col and col2im for channels-last convolutions (im2col.h).
#include "im2col.h"

#include <cstring>

namespace ganvae {

namespace {

// Floats of columns held at once: 4 MiB in f32. With 16, W3's peak RSS ranged from 515 to 640 MiB between runs (the
// glibc heap fragmenting around oneDNN sgemm's own buffers, it seems; 531-643 again with one malloc arena, on a Zen 5
// EPYC) against 487-498 MiB with 4; the larger chunks ran one shape's input gradient ([64, 8, 8, 256], 1,024 GEMM rows
// instead of 256) 1.5x faster, not worth a peak above PyTorch's. Under bf16 (oneDNN's matmul, no sgemm) 16 MiB: W3's
// small-output gradients 1.28-1.34x as fast as with 4, its peak RSS 511-515 MiB over three runs (PyTorch's: 646).
constexpr int64_t kColumnFloats = int64_t(1) << 20;
constexpr int64_t kBf16ColumnFloats = int64_t(1) << 22;

}  // namespace

int64_t imagesPerColumnChunk(const ConvGeometry& g, Precision gemm) {
  const int64_t perImage = g.outH * g.outW * g.filterH * g.filterW * g.inC;
  const int64_t floats = gemm == Precision::bf16 ? kBf16ColumnFloats : kColumnFloats;
  return std::max<int64_t>(1, floats / std::max<int64_t>(1, perImage));
}

void im2col(const ConvGeometry& g, const float* x, int64_t first, int64_t images, float* columns) {
  const int64_t taps = g.filterH * g.filterW * g.inC;
  const size_t pixelBytes = static_cast<size_t>(g.inC) * sizeof(float);
  parallelFor(images, 2, [&](int64_t begin, int64_t end) {
    for (int64_t n = begin; n < end; ++n) {
      const float* image = x + (first + n) * g.inH * g.inW * g.inC;
      float* column = columns + n * g.outH * g.outW * taps;
      for (int64_t oy = 0; oy < g.outH; ++oy) {
        for (int64_t ox = 0; ox < g.outW; ++ox, column += taps) {
          for (int64_t a = 0; a < g.filterH; ++a) {
            const int64_t iy = oy * g.strideH - g.padTop + a * g.dilationH;
            for (int64_t b = 0; b < g.filterW; ++b) {
              const int64_t ix = ox * g.strideW - g.padLeft + b * g.dilationW;
              float* tap = column + (a * g.filterW + b) * g.inC;
              if (iy < 0 || iy >= g.inH || ix < 0 || ix >= g.inW) {
                std::memset(tap, 0, pixelBytes);
              } else {
                std::memcpy(tap, image + (iy * g.inW + ix) * g.inC, pixelBytes);
              }
            }
          }
        }
      }
    }
  });
}

void col2im(const ConvGeometry& g, const float* columns, int64_t first, int64_t images, float* dx) {
  const int64_t taps = g.filterH * g.filterW * g.inC;
  parallelFor(images, 2, [&](int64_t begin, int64_t end) {
    for (int64_t n = begin; n < end; ++n) {
      float* image = dx + (first + n) * g.inH * g.inW * g.inC;
      std::memset(image, 0, static_cast<size_t>(g.inH * g.inW * g.inC) * sizeof(float));
      const float* column = columns + n * g.outH * g.outW * taps;
      for (int64_t oy = 0; oy < g.outH; ++oy) {
        for (int64_t ox = 0; ox < g.outW; ++ox, column += taps) {
          for (int64_t a = 0; a < g.filterH; ++a) {
            const int64_t iy = oy * g.strideH - g.padTop + a * g.dilationH;
            if (iy < 0 || iy >= g.inH) continue;
            for (int64_t b = 0; b < g.filterW; ++b) {
              const int64_t ix = ox * g.strideW - g.padLeft + b * g.dilationW;
              if (ix < 0 || ix >= g.inW) continue;
              float* pixel = image + (iy * g.inW + ix) * g.inC;
              const float* tap = column + (a * g.filterW + b) * g.inC;
              for (int64_t i = 0; i < g.inC; ++i) pixel[i] += tap[i];
            }
          }
        }
      }
    }
  });
}

void col2imTransposed(const ConvGeometry& g, const float* columns, int64_t first, int64_t images, float* dx) {
  const int64_t positions = g.outH * g.outW;
  const int64_t rowLength = images * positions;
  // Each image is summed into planes [inC][inH][strideW][phaseW], pixel ix at phase ix mod strideW and index
  // ix / strideW, where one output row's terms land on consecutive floats (a vector loop; in dx's layout they were
  // strideW·inC apart), then interleaved into dx. The terms of a pixel are added in the same order either way.
  const int64_t stride = g.strideW;
  const int64_t phaseW = (g.inW + stride - 1) / stride;
  const int64_t planeSize = g.inC * g.inH * stride * phaseW;
  parallelFor(images, 2, [&](int64_t begin, int64_t end) {
    std::vector<float> planes(static_cast<size_t>(planeSize));
    for (int64_t n = begin; n < end; ++n) {
      std::fill(planes.begin(), planes.end(), 0.0f);
      for (int64_t a = 0; a < g.filterH; ++a) {
        for (int64_t b = 0; b < g.filterW; ++b) {
          // The output columns whose tap b reads inside the image: 0 <= ox·s - pad + b·d < inW; pixel ox·s + offset
          // is at phase `phase`, index ox + shift.
          const int64_t offset = b * g.dilationW - g.padLeft;
          const int64_t ox0 = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
          const int64_t ox1 = offset >= g.inW ? 0 : std::min(g.outW, (g.inW - 1 - offset) / stride + 1);
          const int64_t phase = ((offset % stride) + stride) % stride;
          const int64_t shift = (offset - phase) / stride;
          for (int64_t i = 0; i < g.inC; ++i) {
            const float* row = columns + ((a * g.filterW + b) * g.inC + i) * rowLength + n * positions;
            for (int64_t oy = 0; oy < g.outH; ++oy) {
              const int64_t iy = oy * g.strideH - g.padTop + a * g.dilationH;
              if (iy < 0 || iy >= g.inH) continue;
              float* pixels = planes.data() + ((i * g.inH + iy) * stride + phase) * phaseW + shift;
              const float* terms = row + oy * g.outW;
              for (int64_t ox = ox0; ox < ox1; ++ox) pixels[ox] += terms[ox];
            }
          }
        }
      }
      float* image = dx + (first + n) * g.inH * g.inW * g.inC;
      for (int64_t iy = 0; iy < g.inH; ++iy) {
        for (int64_t ix = 0; ix < g.inW; ++ix) {
          for (int64_t i = 0; i < g.inC; ++i) {
            image[(iy * g.inW + ix) * g.inC + i] = planes[((i * g.inH + iy) * stride + ix % stride) * phaseW + ix / stride];
          }
        }
      }
    }
  });
}

}  // namespace ganvae
