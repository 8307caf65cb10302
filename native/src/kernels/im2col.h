// im2col and col2im for channels-last convolutions: the input pixels each output position's filter taps read, as the
// rows of a matrix, so that a weight gradient is one GEMM per chunk of images, and back, so that an input gradient is
// one GEMM and a scatter-add.
#pragma once

#include "../common.h"

namespace ganvae {

// Whether `g`'s output has at most 16 positions per image (a discriminator's last stride-2 layers and its head, a
// generator's z → 4x4 layer): where the GEMM paths beat oneDNN 2.6's convolution kernels (each kernel gives figures).
inline bool hasSmallOutput(const ConvGeometry& g) { return g.outH * g.outW <= 16; }

// Images per chunk so that one chunk's columns hold at most 1M floats, 4M for a bf16 GEMM (at least one image).
int64_t imagesPerColumnChunk(const ConvGeometry& g, Precision gemm);

// columns [images·outH·outW, fh·fw·inC] of images [first, first + images) of x [n, inH, inW, inC]: row (n, oy, ox)
// holds x[n, oy·s - pad + a·d, ox·s - pad + b·d, i] at column (a, b, i), zero where that falls in the padding.
void im2col(const ConvGeometry& g, const float* x, int64_t first, int64_t images, float* columns);

// Calls body(first, images, columns) for each chunk of images of x in turn, with that chunk's im2col in `columns`
// (scratch slot 0): the weight gradient's and the forward pass's GEMM paths over a batch.
template <typename Body>
void forEachColumnChunk(const ConvGeometry& g, const float* x, Body body) {
  const int64_t perChunk = imagesPerColumnChunk(g, precision());
  float* columns = scratchFloats(0, std::min(perChunk, g.batch) * g.outH * g.outW * g.filterH * g.filterW * g.inC);
  for (int64_t first = 0; first < g.batch; first += perChunk) {
    const int64_t images = std::min(perChunk, g.batch - first);
    im2col(g, x, first, images, columns);
    body(first, images, columns);
  }
}

// dx [n, inH, inW, inC] of images [first, first + images) = the sum of `columns` (laid out as im2col's) added back
// at the pixels their taps read; those images of dx are overwritten. For one pixel the terms are added in row-major
// order of the output positions.
void col2im(const ConvGeometry& g, const float* columns, int64_t first, int64_t images, float* dx);

// The same for columns transposed, [fh·fw·inC, images·outH·outW]: the layout for few input channels, where col2im's
// innermost loop (over inC) would be a few floats long and this one's runs along an output row instead. For one
// pixel the terms are added in order of the taps, then of the output positions.
void col2imTransposed(const ConvGeometry& g, const float* columns, int64_t first, int64_t images, float* dx);

}  // namespace ganvae
