// Conv2DBackpropFilter: dFilter = correlation of x with dy, the gradient of Conv2D with respect to
// its filter; oneDNN's backward-weights convolution, reordered back to tfjs's [fh, fw, in, out] (x and dy
// in bf16 under Precision::bf16, dFilter accumulated and returned in f32), or an im2col and a GEMM for small outputs,
// or narrow_conv.cc's kernel for 1-4 output channels.
#include "../common.h"
#include "im2col.h"
#include "matmul.h"
#include "narrow_conv.h"

namespace ganvae {

namespace {

struct ConvBackwardWeights {
  dnnl::convolution_backward_weights::primitive_desc pd;
  dnnl::convolution_backward_weights primitive;
  dnnl::reorder weightsReorder;  // oneDNN's layout -> tfjs's; empty when they agree
  dnnl::memory weights;
};

PrimitiveCache<ConvBackwardWeights> cache;

// Weight gradients of convolutions into small outputs (hasSmallOutput: a discriminator's last stride-2 layers, a
// generator's first ConvTs) are an im2col and one GEMM per chunk of images: on an Ice Lake Xeon
// 1.2-5.5x as fast as oneDNN 2.6's backward-weights kernel on such shapes ([64, 8, 8, 256] → 512: 142 → 67 ms at one
// thread), 0.7-1.1x on larger outputs. Under bf16 the GEMM is a bf16 matmul: on a Zen 5 EPYC, oneDNN's bf16
// backward-weights kernel ran W3's [64, 8, 8, 256] → 512 at 226 GFLOPS, a bf16 matmul of its shape at about 550.
bool asIm2colAndGemm(const ConvGeometry& g) {
  return g.channelsLast && hasSmallOutput(g) && im2colPathsEnabled();
}

// dFilter [fh·fw·inC, outC] = Σ over chunks of images of columnsᵀ · dy (im2col.h's columns).
void runIm2colAndGemm(const Napi::Env& env, const ConvGeometry& g, const float* x, const float* dy, float* dw) {
  const int64_t taps = g.filterH * g.filterW * g.inC;
  const int64_t positions = g.outH * g.outW;
  forEachColumnChunk(g, x, [&](int64_t n0, int64_t images, const float* columns) {
    // Row-major: dFilter [taps, outC] (+)= columnsᵀ [taps, images·positions] · dy [images·positions, outC].
    if (precision() == Precision::bf16) {
      runMatMul(env, {1, 1, taps, images * positions, g.outC, true, false}, columns, dy + n0 * positions * g.outC,
                nullptr, dw, static_cast<int64_t>(Activation::linear), 0.f, n0 > 0, 1);
      return;
    }
    dnnl_status_t status = dnnl_sgemm('T', 'N', taps, g.outC, images * positions, 1.f, columns, taps,
                                      dy + n0 * positions * g.outC, g.outC, n0 == 0 ? 0.f : 1.f, dw, g.outC);
    if (status != dnnl_success) {
      throw Napi::Error::New(env, "Conv2DBackpropFilter: oneDNN sgemm failed with status " + std::to_string(status));
    }
  });
}

// Weight gradients of convolutions into 1-4 channels (a to-RGB layer) are narrow_conv.cc's, in f32 as their forward
// passes: oneDNN ran W4's [32, 64, 64, 32] → 3 one at 66 GFLOPS.
bool asNarrowConv(const ConvGeometry& g) { return narrowConvApplies(g); }

}  // namespace

// conv2dBackpropFilter(x, dy, dFilter, ...geometry(18)); geometry describes the forward convolution.
Napi::Value Conv2DBackpropFilter(const Napi::CallbackInfo& info) {
  return guarded(info, "Conv2DBackpropFilter", [&] {
    Napi::Env env = info.Env();
    FloatView x = floatArg(info, 0, "x");
    FloatView dy = floatArg(info, 1, "dy");
    FloatView dw = floatArg(info, 2, "dFilter");
    ConvGeometry g = ConvGeometry::parse(info, 3);
    expectLength(env, x, g.inputSize(), "x");
    expectLength(env, dy, g.outputSize(), "dy");
    expectLength(env, dw, g.filterSize(), "dFilter");
    if (asIm2colAndGemm(g)) return runIm2colAndGemm(env, g, x.data, dy.data, dw.data);
    if (asNarrowConv(g)) return narrowConvBackwardFilter(g, x.data, dy.data, dw.data);

    std::string key = g.key() + makeKey({static_cast<int64_t>(precision())});
    ConvBackwardWeights* entry = cache.find(key);
    if (!entry) {
      auto& engine = cpuEngine();
      // x and dy in `type`, dFilter in f32.
      auto make = [&](dnnl::memory::data_type type) {
        dnnl::convolution_forward::primitive_desc hint(
            convForwardDesc(g, dnnl::prop_kind::forward_training, false, type, type), engine);
        dnnl::convolution_backward_weights::desc desc(dnnl::algorithm::convolution_direct, g.srcDesc(type),
                                                      g.anyWeightsDesc(), g.dstDesc(type), g.strides(),
                                                      g.dilations(), g.padL(), g.padR());
        return dnnl::convolution_backward_weights::primitive_desc(desc, engine, hint);
      };
      auto pd = make(operandType());
      if (precision() == Precision::bf16 && isReference(pd)) pd = make(dnnl::memory::data_type::f32);
      auto made = std::make_unique<ConvBackwardWeights>();
      made->pd = pd;
      made->primitive = dnnl::convolution_backward_weights(pd);
      if (pd.diff_weights_desc() != g.userWeightsDesc()) {
        made->weights = dnnl::memory(pd.diff_weights_desc(), engine);
        dnnl::memory userWeights(g.userWeightsDesc(), engine, DNNL_MEMORY_NONE);
        made->weightsReorder = dnnl::reorder(made->weights, userWeights);
      }
      entry = cache.insert(key, std::move(made));
    }
    auto& engine = cpuEngine();
    auto& stream = cpuStream();
    dnnl::memory src = staged(stream, dnnl::memory(g.srcDesc(), engine, x.data), entry->pd.src_desc(), 0);
    dnnl::memory diffDst = staged(stream, dnnl::memory(g.dstDesc(), engine, dy.data), entry->pd.diff_dst_desc(), 1);
    dnnl::memory userWeights(g.userWeightsDesc(), engine, dw.data);
    dnnl::memory diffWeights = entry->weightsReorder ? entry->weights : userWeights;
    entry->primitive.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, diffDst},
                                      {DNNL_ARG_DIFF_WEIGHTS, diffWeights}});
    if (entry->weightsReorder) entry->weightsReorder.execute(stream, entry->weights, userWeights);
    stream.wait();
  });
}

}  // namespace ganvae
