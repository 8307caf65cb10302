// Conv2DBackpropInput: dx = conv_transpose(dy, filter), the gradient of Conv2D with respect to its
// input and the forward pass of Conv2DTranspose layers; oneDNN's backward-data convolution (dy and the
// filter in bf16 under Precision::bf16), a forward one for stride 1, or a GEMM and a col2im (f32) where that is
// faster: thin dx, wide strided dy, small outputs.
#include <atomic>

#include "../common.h"
#include "im2col.h"
#include "matmul.h"

namespace ganvae {

namespace {

struct ConvBackwardData {
  dnnl::convolution_backward_data::primitive_desc pd;
  dnnl::convolution_backward_data primitive;
  dnnl::reorder weightsReorder;
  dnnl::memory weights;
};

PrimitiveCache<ConvBackwardData> cache;

}  // namespace

// For stride 1 and no dilation, dx is a forward convolution of dy with the filter flipped in space
// and its channels swapped, padded by (k - 1 - pad). oneDNN's forward kernels (brgconv) run about twice
// as fast as its backward-data ones on the shapes of a DCGAN generator, so that path is taken.
bool asForwardConvolution(const ConvGeometry& g) {
  return g.strideH == 1 && g.strideW == 1 && g.dilationH == 1 && g.dilationW == 1 && g.padTop < g.filterH &&
         g.padBottom < g.filterH && g.padLeft < g.filterW && g.padRight < g.filterW;
}

// filter [fh, fw, in, out] → flipped [fh, fw, out, in] with flipped[a][b][o][i] = filter[fh-1-a][fw-1-b][i][o].
void flipAndSwap(const ConvGeometry& g, const float* filter, float* flipped) {
  const int64_t fh = g.filterH, fw = g.filterW, in = g.inC, out = g.outC;
  for (int64_t a = 0; a < fh; ++a) {
    for (int64_t b = 0; b < fw; ++b) {
      const float* src = filter + ((fh - 1 - a) * fw + (fw - 1 - b)) * in * out;
      float* dst = flipped + (a * fw + b) * out * in;
      for (int64_t i = 0; i < in; ++i) {
        for (int64_t o = 0; o < out; ++o) dst[o * in + i] = src[i * out + o];
      }
    }
  }
}

// dx with at most this many channels (an image's: a generator's output layer, the input gradient of a
// discriminator's first layer) is a GEMM and a col2im, which run 3-7x faster there than oneDNN's convolutions,
// whose kernels block channels by 16.
constexpr int64_t kThinChannels = 4;
// So is the dx of a strided convolution whose dy has at least this many channels (the GEMM's inner dimension), or
// of any with at most 16 output positions: a generator's ConvTs and its z → 4x4 layer, a discriminator's input
// gradients past its first layer and through its head. In f32, interleaved with oneDNN 2.6's kernels on an Ice Lake
// Xeon: 1.2-1.7x the backward-data kernel on strided shapes from 4x4 to 32x32 outputs (with 64 dy channels 0.7-1.2x,
// so those stay on oneDNN), 2.7-5.4x the forward path where dy is 1x1 (z → 4x4, a 4x4 → 1 head); on a Zen 5 EPYC,
// where oneDNN's kernel already runs ~300 GFLOPS, 0.97-1.10x on the strided W3/W4 shapes and 3.7-6.2x on the 1x1 dy.
// Under bf16, oneDNN's backward-data kernel runs the strided shapes at 540-760 GFLOPS there, so only small outputs
// take the GEMM, as a bf16 matmul (W3's [64, 4, 4, 512] → [8, 8, 256]: 13.2 ms on oneDNN's bf16 kernel).
constexpr int64_t kGemmMinDyChannels = 128;
bool asGemmAndCol2im(const ConvGeometry& g) {
  const bool strided = precision() == Precision::fp32 && (g.strideH > 1 || g.strideW > 1) && g.outC >= kGemmMinDyChannels;
  const bool wide = strided || hasSmallOutput(g);
  return g.channelsLast && (g.inC <= kThinChannels || wide) && im2colPathsEnabled();
}

// Under bf16, the GEMM of wide dx is oneDNN's bf16 matmul (thin dx keeps the f32 sgemm: its GEMM is too narrow to
// repay converting dy).
bool gemmInBf16(const ConvGeometry& g) { return precision() == Precision::bf16 && g.inC > kThinChannels; }

// to [columns, rows] = from [rows, columns], in blocks of rows that stay in cache.
void transposeColumns(const float* from, int64_t rows, int64_t columns, float* to) {
  constexpr int64_t kRowsPerBlock = 64;
  for (int64_t r0 = 0; r0 < rows; r0 += kRowsPerBlock) {
    const int64_t r1 = std::min(rows, r0 + kRowsPerBlock);
    for (int64_t c = 0; c < columns; ++c) {
      for (int64_t r = r0; r < r1; ++r) to[c * rows + r] = from[r * columns + c];
    }
  }
}

// dx = col2im(dy · filterᵀ): per image, columns[oy, ox, (a, b, i)] = Σ_o dy[oy, ox, o] · filter[a, b, i, o] (one
// sgemm over a chunk of images; thin dx transposes them, [(a, b, i), images·positions], for col2imTransposed), then
// each column is added into dx at the input pixel its tap reads. Each term is a GEMM dot
// product over `o`, so dx differs from oneDNN's convolution by float rounding only.
void runGemmAndCol2im(const Napi::Env& env, const ConvGeometry& g, const float* dy, const float* filter, float* dx) {
  const int64_t taps = g.filterH * g.filterW * g.inC;
  const int64_t positions = g.outH * g.outW;
  const int64_t perChunk = imagesPerColumnChunk(g, gemmInBf16(g) ? Precision::bf16 : Precision::fp32);
  if (gemmInBf16(g)) {
    // One chunk after another, each matmul threaded by oneDNN (a primitive does not run inside a parallel region).
    float* columns = scratchFloats(0, std::min(perChunk, g.batch) * positions * taps);
    for (int64_t n0 = 0; n0 < g.batch; n0 += perChunk) {
      const int64_t images = std::min(perChunk, g.batch - n0);
      // columns [images·positions, taps] = dy [images·positions, outC] · filterᵀ, filter stored [taps, outC].
      runMatMul(env, {1, 1, images * positions, g.outC, taps, false, true}, dy + n0 * positions * g.outC, filter,
                nullptr, columns, static_cast<int64_t>(Activation::linear), 0.f, false, 1);
      col2im(g, columns, n0, images, dx);
    }
    return;
  }
  const int64_t chunks = (g.batch + perChunk - 1) / perChunk;
  const int64_t threads = std::min<int64_t>(omp_get_max_threads(), g.batch);
  // Several chunks: a multiple of the thread count of them, each thread's own GEMMs (oneDNN's sgemm runs on one thread
  // inside a parallel region) into its own columns. Threading each small GEMM instead ran slower than oneDNN's kernel.
  const int64_t parts = chunks == 1 || threads == 1 ? chunks : (chunks + threads - 1) / threads * threads;
  const int64_t perPart = (g.batch + parts - 1) / parts;
  const int64_t partFloats = perPart * positions * taps;
  const bool ownThreads = parts > 1 && threads > 1;
  // Thin dx takes its columns transposed, [taps, images·positions], for col2imTransposed, which ran 3.6x faster than
  // col2im single-threaded on a Zen 5 EPYC ([32, 14, 14, 32] → [28, 28, 1], 5x5 stride 2). Where the taps fill whole
  // vectors (a multiple of 16), the GEMM is the plain one, transposed after: on W3's [32 images · 1,024 positions,
  // 64] · [64, 48] single-threaded sgemm took 1.0 ms, its transposed form 2.0 ms, the transpose 0.3 ms (the whole
  // dx 3.4-4.0 → 2.2-2.5 ms). With D1's 25 taps the transposed GEMM stays: the other way took 0.61-0.66 against
  // 0.32-0.39 ms.
  const bool thin = g.inC <= kThinChannels;
  const bool transposeAfter = thin && taps % 16 == 0;
  const int64_t buffers = ownThreads ? threads : 1;
  float* columns = scratchFloats(0, buffers * partFloats);
  float* transposed = transposeAfter ? scratchFloats(1, buffers * partFloats) : nullptr;
  std::atomic<int> failed{dnnl_success};
  auto runPart = [&](int64_t part, int64_t buffer) {
    const int64_t n0 = part * perPart;
    const int64_t images = std::min(perPart, g.batch - n0);
    if (images <= 0) return;
    const int64_t rows = images * positions;
    const float* dyPart = dy + n0 * positions * g.outC;
    float* mine = columns + buffer * partFloats;
    // Row-major, filter stored [taps, outC]: columns [rows, taps] = dy · filterᵀ, or directly transposed, [taps,
    // rows] = filter · dyᵀ.
    const bool direct = thin && !transposeAfter;
    dnnl_status_t status = direct ? dnnl_sgemm('N', 'T', taps, rows, g.outC, 1.f, filter, g.outC, dyPart, g.outC, 0.f, mine, rows)
                                  : dnnl_sgemm('N', 'T', rows, taps, g.outC, 1.f, dyPart, g.outC, filter, g.outC, 0.f, mine, taps);
    if (status != dnnl_success) {
      failed = status;
      return;
    }
    if (!thin) return col2im(g, mine, n0, images, dx);
    if (direct) return col2imTransposed(g, mine, n0, images, dx);
    float* flipped = transposed + buffer * partFloats;
    transposeColumns(mine, rows, taps, flipped);
    col2imTransposed(g, flipped, n0, images, dx);
  };
  if (ownThreads) {
    parallelFor(parts, 2, [&](int64_t begin, int64_t end) {
      for (int64_t part = begin; part < end; ++part) runPart(part, omp_get_thread_num());
    });
  } else {
    for (int64_t part = 0; part < parts; ++part) runPart(part, 0);
  }
  if (failed != dnnl_success) {
    throw Napi::Error::New(env, "Conv2DBackpropInput: oneDNN sgemm failed with status " + std::to_string(failed.load()));
  }
}

// conv2dBackpropInput(dy, filter, dx, ...geometry(18)); geometry describes the forward convolution.
Napi::Value Conv2DBackpropInput(const Napi::CallbackInfo& info) {
  return guarded(info, "Conv2DBackpropInput", [&] {
    Napi::Env env = info.Env();
    FloatView dy = floatArg(info, 0, "dy");
    FloatView filter = floatArg(info, 1, "filter");
    FloatView dx = floatArg(info, 2, "dx");
    ConvGeometry g = ConvGeometry::parse(info, 3);
    expectLength(env, dy, g.outputSize(), "dy");
    expectLength(env, filter, g.filterSize(), "filter");
    expectLength(env, dx, g.inputSize(), "dx");

    if (asGemmAndCol2im(g)) {
      runGemmAndCol2im(env, g, dy.data, filter.data, dx.data);
      return;
    }
    if (asForwardConvolution(g)) {
      ConvGeometry t{g.batch, g.outH, g.outW, g.outC, g.inH, g.inW, g.inC, g.filterH, g.filterW, 1, 1, 1, 1,
                     g.filterH - 1 - g.padTop, g.filterW - 1 - g.padLeft, g.filterH - 1 - g.padBottom,
                     g.filterW - 1 - g.padRight, g.channelsLast};
      float* flipped = scratchFloats(2, g.filterSize());
      flipAndSwap(g, filter.data, flipped);
      runConvForward(env, t, dy.data, flipped, nullptr, dx.data, 0, 0.f);
      return;
    }
    std::string key = g.key() + makeKey({static_cast<int64_t>(precision())});
    ConvBackwardData* entry = cache.find(key);
    if (!entry) {
      auto& engine = cpuEngine();
      // dy and the filter in `type`, dx in f32.
      auto make = [&](dnnl::memory::data_type type) {
        dnnl::convolution_forward::primitive_desc hint(
            convForwardDesc(g, dnnl::prop_kind::forward_training, false, type, type), engine);
        dnnl::convolution_backward_data::desc desc(dnnl::algorithm::convolution_direct, g.srcDesc(),
                                                   g.anyWeightsDesc(type), g.dstDesc(type), g.strides(),
                                                   g.dilations(), g.padL(), g.padR());
        return dnnl::convolution_backward_data::primitive_desc(desc, engine, hint);
      };
      auto pd = make(operandType());
      if (precision() == Precision::bf16 && isReference(pd)) pd = make(dnnl::memory::data_type::f32);
      auto made = std::make_unique<ConvBackwardData>();
      made->pd = pd;
      made->primitive = dnnl::convolution_backward_data(pd);
      if (pd.weights_desc() != g.userWeightsDesc()) {
        made->weights = dnnl::memory(pd.weights_desc(), engine);
        dnnl::memory userWeights(g.userWeightsDesc(), engine, DNNL_MEMORY_NONE);
        made->weightsReorder = dnnl::reorder(userWeights, made->weights);
      }
      entry = cache.insert(key, std::move(made));
    }
    auto& engine = cpuEngine();
    auto& stream = cpuStream();
    dnnl::memory diffDst = staged(stream, dnnl::memory(g.dstDesc(), engine, dy.data), entry->pd.diff_dst_desc(), 0);
    dnnl::memory diffSrc(g.srcDesc(), engine, dx.data);
    dnnl::memory userWeights(g.userWeightsDesc(), engine, filter.data);
    dnnl::memory weights = userWeights;
    if (entry->weightsReorder) {
      entry->weightsReorder.execute(stream, userWeights, entry->weights);
      weights = entry->weights;
    }
    entry->primitive.execute(stream, {{DNNL_ARG_DIFF_DST, diffDst}, {DNNL_ARG_WEIGHTS, weights},
                                      {DNNL_ARG_DIFF_SRC, diffSrc}});
    stream.wait();
  });
}

}  // namespace ganvae
