// Forward convolutions into 1-4 output channels (a generator's to-RGB layer), for channels-last x, stride 1
// and no dilation. oneDNN computes output channels in blocks of 16 SIMD lanes, so with 3 of them 13 lanes of
// every operation are wasted: a [32, 64, 64, 32] → 3 3x3 convolution ran at 56 GFLOPS against 300 for wide ones
// on the EPYC, 12-15 against 100-160 on an Ice Lake Xeon. Here the lanes run over 16 output columns instead:
// each image is first transposed to rows of [channel][column], zero-padded, so that a filter tap is a
// contiguous vector load.
#include "narrow_conv.h"

#include <cstring>

// Vector arithmetic is written as a * b + c; this file wants it fused (binding.gyp turns contraction off
// for the element-wise kernels, which must match tfjs bit for bit).
#pragma GCC optimize("fp-contract=fast")

namespace ganvae {

namespace {

constexpr int64_t kLanes = 16;
typedef float Vec __attribute__((vector_size(kLanes * sizeof(float))));

Vec load(const float* p) {
  Vec v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

void store(float* p, Vec v) { std::memcpy(p, &v, sizeof v); }

int64_t roundUp(int64_t n, int64_t m) { return (n + m - 1) / m * m; }

typedef float Vec8 __attribute__((vector_size(8 * sizeof(float))));
typedef int Lanes8 __attribute__((vector_size(8 * sizeof(int))));

// rows[i][j] → rows[j][i] for an 8x8 block: pairs of rows interleaved, then pairs of pairs, then the two halves.
void transpose8x8(Vec8 rows[8]) {
  Vec8 pairs[8], quads[8];
  for (int i = 0; i < 8; i += 2) {
    pairs[i] = __builtin_shuffle(rows[i], rows[i + 1], Lanes8{0, 8, 1, 9, 4, 12, 5, 13});
    pairs[i + 1] = __builtin_shuffle(rows[i], rows[i + 1], Lanes8{2, 10, 3, 11, 6, 14, 7, 15});
  }
  for (int i = 0; i < 8; i += 4) {
    quads[i] = __builtin_shuffle(pairs[i], pairs[i + 2], Lanes8{0, 1, 8, 9, 4, 5, 12, 13});
    quads[i + 1] = __builtin_shuffle(pairs[i], pairs[i + 2], Lanes8{2, 3, 10, 11, 6, 7, 14, 15});
    quads[i + 2] = __builtin_shuffle(pairs[i + 1], pairs[i + 3], Lanes8{0, 1, 8, 9, 4, 5, 12, 13});
    quads[i + 3] = __builtin_shuffle(pairs[i + 1], pairs[i + 3], Lanes8{2, 3, 10, 11, 6, 7, 14, 15});
  }
  for (int j = 0; j < 4; ++j) {
    rows[j] = __builtin_shuffle(quads[j], quads[j + 4], Lanes8{0, 1, 2, 3, 8, 9, 10, 11});
    rows[j + 4] = __builtin_shuffle(quads[j], quads[j + 4], Lanes8{4, 5, 6, 7, 12, 13, 14, 15});
  }
}

// One image x [inH, inW, inC] as rows t[ih][c][padLeft + iw], zero elsewhere; each row holds `width` floats,
// enough for every vector load of a padded output row.
void transposeImage(const ConvGeometry& g, const float* x, int64_t width, std::vector<float>& t) {
  // Only the padding is zeroed: every other element is written below.
  t.resize(static_cast<size_t>(g.inH * g.inC * width));
  for (int64_t r = 0; r < g.inH * g.inC; ++r) {
    float* row = t.data() + r * width;
    std::fill(row, row + g.padLeft, 0.0f);
    std::fill(row + g.padLeft + g.inW, row + width, 0.0f);
  }
  for (int64_t ih = 0; ih < g.inH; ++ih) {
    float* row = t.data() + ih * g.inC * width + g.padLeft;
    const float* in = x + ih * g.inW * g.inC;
    // 8x8 blocks through vector shuffles where both sides are multiples of 8, element by element elsewhere.
    const int64_t blockedW = g.inW / 8 * 8, blockedC = g.inC / 8 * 8;
    for (int64_t c0 = 0; c0 < blockedC; c0 += 8) {
      for (int64_t w0 = 0; w0 < blockedW; w0 += 8) {
        Vec8 block[8];
        for (int i = 0; i < 8; ++i) std::memcpy(&block[i], in + (w0 + i) * g.inC + c0, sizeof(Vec8));
        transpose8x8(block);
        for (int j = 0; j < 8; ++j) std::memcpy(row + (c0 + j) * width + w0, &block[j], sizeof(Vec8));
      }
    }
    for (int64_t c = 0; c < g.inC; ++c) {
      for (int64_t iw = c < blockedC ? blockedW : 0; iw < g.inW; ++iw) row[c * width + iw] = in[iw * g.inC + c];
    }
  }
}

// Output row oh of one image, columns [w0, w0 + kVectors·16): y[oh, w, co] = bias[co] + Σ x·filter, from the
// transposed image t.
template <int kOut, int kVectors>
void forwardColumns(const ConvGeometry& g, const float* t, int64_t width, const float* filter, const float* bias,
                    int64_t oh, int64_t w0, float* y) {
  Vec acc[kOut][kVectors];
  for (int co = 0; co < kOut; ++co) {
    for (int v = 0; v < kVectors; ++v) acc[co][v] = Vec{} + (bias ? bias[co] : 0.0f);
  }
  for (int64_t kh = 0; kh < g.filterH; ++kh) {
    const int64_t ih = oh + kh - g.padTop;
    if (ih < 0 || ih >= g.inH) continue;
    for (int64_t c = 0; c < g.inC; ++c) {
      const float* row = t + (ih * g.inC + c) * width + w0;
      for (int64_t kw = 0; kw < g.filterW; ++kw) {
        const float* taps = filter + ((kh * g.filterW + kw) * g.inC + c) * kOut;
        Vec xv[kVectors];
        for (int v = 0; v < kVectors; ++v) xv[v] = load(row + kw + v * kLanes);
        for (int co = 0; co < kOut; ++co) {
          for (int v = 0; v < kVectors; ++v) acc[co][v] = xv[v] * taps[co] + acc[co][v];
        }
      }
    }
  }
  float lanes[kOut][kVectors * kLanes];
  for (int co = 0; co < kOut; ++co) {
    for (int v = 0; v < kVectors; ++v) store(lanes[co] + v * kLanes, acc[co][v]);
  }
  const int64_t columns = std::min<int64_t>(kVectors * kLanes, g.outW - w0);
  float* out = y + (oh * g.outW + w0) * kOut;
  for (int64_t w = 0; w < columns; ++w) {
    for (int co = 0; co < kOut; ++co) out[w * kOut + co] = lanes[co][w];
  }
}

template <int kOut>
void forwardImage(const ConvGeometry& g, const float* t, int64_t width, const float* filter, const float* bias, float* y) {
  for (int64_t oh = 0; oh < g.outH; ++oh) {
    int64_t w0 = 0;
    for (; w0 + 4 * kLanes <= g.outW; w0 += 4 * kLanes) forwardColumns<kOut, 4>(g, t, width, filter, bias, oh, w0, y);
    switch ((g.outW - w0 + kLanes - 1) / kLanes) {
      case 3: forwardColumns<kOut, 3>(g, t, width, filter, bias, oh, w0, y); break;
      case 2: forwardColumns<kOut, 2>(g, t, width, filter, bias, oh, w0, y); break;
      case 1: forwardColumns<kOut, 1>(g, t, width, filter, bias, oh, w0, y); break;
      default: break;
    }
  }
}

template <int kOut>
void forwardAll(const ConvGeometry& g, const float* x, const float* filter, const float* bias, float* y, int64_t width) {
  parallelFor(g.batch, 2, [&](int64_t begin, int64_t end) {
    std::vector<float> t;
    for (int64_t n = begin; n < end; ++n) {
      transposeImage(g, x + n * g.inH * g.inW * g.inC, width, t);
      forwardImage<kOut>(g, t.data(), width, filter, bias, y + n * g.outH * g.outW * kOut);
    }
  });
}

// Row width of a transposed image: every output row's last vector load, tap offsets included, stays inside.
int64_t transposedWidth(const ConvGeometry& g) { return roundUp(g.outW, 4 * kLanes) + g.filterW - 1; }

float sumLanes(Vec v) {
  float lanes[kLanes];
  store(lanes, v);
  float sum = 0;
  for (float e : lanes) sum += e;
  return sum;
}

// Filter taps (kh, kw0 .. kw0 + kFw - 1, c0 .. c0 + kC - 1, all kOut channels) of one image's weight gradient, into part
// [fh, fw, inC, kOut]: Σ over output rows and columns of the transposed image t (forward's layout) times dyT, dy as
// rows [oh][co][column] zero-padded to `dyWidth` (a multiple of 16), so padded lanes add nothing. One dy load serves
// kFw·kC taps, one x load kOut channels.
template <int kOut, int kFw, int kC>
void filterTaps(const ConvGeometry& g, const float* t, int64_t width, const float* dyT, int64_t dyWidth, int64_t kh,
                int64_t kw0, int64_t c0, float* part) {
  Vec acc[kC][kFw][kOut] = {};
  for (int64_t oh = 0; oh < g.outH; ++oh) {
    const int64_t ih = oh + kh - g.padTop;
    if (ih < 0 || ih >= g.inH) continue;
    const float* rows = t + (ih * g.inC + c0) * width + kw0;
    const float* dyRows = dyT + oh * kOut * dyWidth;
    for (int64_t w0 = 0; w0 < dyWidth; w0 += kLanes) {
      Vec dv[kOut];
      for (int co = 0; co < kOut; ++co) dv[co] = load(dyRows + co * dyWidth + w0);
      for (int c = 0; c < kC; ++c) {
        for (int kw = 0; kw < kFw; ++kw) {
          const Vec xv = load(rows + c * width + kw + w0);
          for (int co = 0; co < kOut; ++co) acc[c][kw][co] = xv * dv[co] + acc[c][kw][co];
        }
      }
    }
  }
  for (int c = 0; c < kC; ++c) {
    for (int kw = 0; kw < kFw; ++kw) {
      float* taps = part + ((kh * g.filterW + kw0 + kw) * g.inC + c0 + c) * kOut;
      for (int co = 0; co < kOut; ++co) taps[co] = sumLanes(acc[c][kw][co]);
    }
  }
}

// The taps of filter row kh over input channels [c0, c0 + kC), unrolled for the common filter widths.
template <int kOut, int kC>
void filterRow(const ConvGeometry& g, const float* t, int64_t width, const float* dyT, int64_t dyWidth, int64_t kh, int64_t c0, float* part) {
  switch (g.filterW) {
    case 1: return filterTaps<kOut, 1, kC>(g, t, width, dyT, dyWidth, kh, 0, c0, part);
    case 3: return filterTaps<kOut, 3, kC>(g, t, width, dyT, dyWidth, kh, 0, c0, part);
    case 4: return filterTaps<kOut, 4, kC>(g, t, width, dyT, dyWidth, kh, 0, c0, part);
    case 5: return filterTaps<kOut, 5, kC>(g, t, width, dyT, dyWidth, kh, 0, c0, part);
    default:
      for (int64_t kw = 0; kw < g.filterW; ++kw) filterTaps<kOut, 1, kC>(g, t, width, dyT, dyWidth, kh, kw, c0, part);
  }
}

template <int kOut>
void backwardFilterAll(const ConvGeometry& g, const float* x, const float* dy, float* dFilter, int64_t width) {
  const int64_t dyWidth = roundUp(g.outW, kLanes);
  const int64_t filterSize = g.filterH * g.filterW * g.inC * kOut;
  std::vector<float> parts(static_cast<size_t>(g.batch * filterSize));
  parallelFor(g.batch, 2, [&](int64_t begin, int64_t end) {
    std::vector<float> t, dyT(static_cast<size_t>(g.outH * kOut * dyWidth), 0.0f);
    for (int64_t n = begin; n < end; ++n) {
      transposeImage(g, x + n * g.inH * g.inW * g.inC, width, t);
      const float* image = dy + n * g.outH * g.outW * kOut;
      for (int64_t oh = 0; oh < g.outH; ++oh) {
        for (int co = 0; co < kOut; ++co) {
          for (int64_t ow = 0; ow < g.outW; ++ow) dyT[(oh * kOut + co) * dyWidth + ow] = image[(oh * g.outW + ow) * kOut + co];
        }
      }
      float* part = parts.data() + n * filterSize;
      for (int64_t kh = 0; kh < g.filterH; ++kh) {
        // Input channels two at a time (one dy load then feeds twice the taps), the last one alone when odd.
        int64_t c = 0;
        for (; c + 2 <= g.inC; c += 2) filterRow<kOut, 2>(g, t.data(), width, dyT.data(), dyWidth, kh, c, part);
        if (c < g.inC) filterRow<kOut, 1>(g, t.data(), width, dyT.data(), dyWidth, kh, c, part);
      }
    }
  });
  std::copy(parts.begin(), parts.begin() + filterSize, dFilter);
  for (int64_t n = 1; n < g.batch; ++n) {
    const float* part = parts.data() + n * filterSize;
    for (int64_t i = 0; i < filterSize; ++i) dFilter[i] += part[i];
  }
}

}  // namespace

bool narrowConvApplies(const ConvGeometry& g) {
  return g.channelsLast && g.outC >= 1 && g.outC <= 4 && g.strideH == 1 && g.strideW == 1 && g.dilationH == 1 &&
         g.dilationW == 1;
}

void narrowConvBackwardFilter(const ConvGeometry& g, const float* x, const float* dy, float* dFilter) {
  const int64_t width = transposedWidth(g);
  switch (g.outC) {
    case 1: return backwardFilterAll<1>(g, x, dy, dFilter, width);
    case 2: return backwardFilterAll<2>(g, x, dy, dFilter, width);
    case 3: return backwardFilterAll<3>(g, x, dy, dFilter, width);
    default: return backwardFilterAll<4>(g, x, dy, dFilter, width);
  }
}

void narrowConvForward(const ConvGeometry& g, const float* x, const float* filter, const float* bias, float* y) {
  const int64_t width = transposedWidth(g);
  switch (g.outC) {
    case 1: return forwardAll<1>(g, x, filter, bias, y, width);
    case 2: return forwardAll<2>(g, x, filter, bias, y, width);
    case 3: return forwardAll<3>(g, x, filter, bias, y, width);
    default: return forwardAll<4>(g, x, filter, bias, y, width);
  }
}

}  // namespace ganvae
