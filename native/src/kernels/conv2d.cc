// Conv2D and FusedConv2D forward: y = act(conv(x, filter) + bias) on oneDNN, in the caller's
// layout (NHWC or NCHW) so tfjs's buffers are used in place; only the filter is reordered (and, under
// Precision::bf16, x converted to bf16; y and the bias stay f32). Convolutions into 1-4 channels without an
// activation run on narrow_conv.cc's kernel instead, in f32; f32 ones into small outputs as an im2col and a matmul.
#include "../common.h"
#include "im2col.h"
#include "matmul.h"
#include "narrow_conv.h"

namespace ganvae {

namespace {

struct ConvForward {
  dnnl::convolution_forward::primitive_desc pd;
  dnnl::convolution_forward primitive;
  dnnl::reorder weightsReorder;  // empty when oneDNN takes the filter as tfjs lays it out
  dnnl::memory weights;          // the filter in oneDNN's chosen layout
};

PrimitiveCache<ConvForward> cache;

// f32 convolutions into small outputs (hasSmallOutput: a discriminator's last stride-2 layers, a 4x4 → 1 head) are
// an im2col and oneDNN's matmul. Interleaved on a Zen 5 EPYC: W3's [64, 8, 8, 256] → [4, 4, 512] 23.2 → 15.9 ms,
// W4's 1x1 heads 0.43-0.47x the time; in bf16 oneDNN's convolution (brgconv) was the faster, 1.2-1.8x.
bool asIm2colAndMatMul(const ConvGeometry& g) {
  return g.channelsLast && precision() == Precision::fp32 && hasSmallOutput(g) && im2colPathsEnabled();
}

// y [images·positions, outC] = act(columns [images·positions, taps] · filter [taps, outC] + bias), chunk by chunk.
void runIm2colAndMatMul(const Napi::Env& env, const ConvGeometry& g, const float* x, const float* filter,
                        const float* bias, float* y, int64_t activation, float alpha) {
  const int64_t taps = g.filterH * g.filterW * g.inC;
  const int64_t positions = g.outH * g.outW;
  forEachColumnChunk(g, x, [&](int64_t n0, int64_t images, const float* columns) {
    runMatMul(env, {1, 1, images * positions, taps, g.outC, false, false}, columns, filter, bias,
              y + n0 * positions * g.outC, activation, alpha, false, 1);
  });
}

}  // namespace

void runConvForward(const Napi::Env& env, const ConvGeometry& g, const float* x, const float* filter,
                    const float* bias, float* y, int64_t activation, float alpha) {
  if (activation == static_cast<int64_t>(Activation::linear) && narrowConvApplies(g)) return narrowConvForward(g, x, filter, bias, y);
  if (asIm2colAndMatMul(g)) return runIm2colAndMatMul(env, g, x, filter, bias, y, activation, alpha);
  const bool withBias = bias != nullptr;
  std::string key = g.key() + makeKey({withBias ? 1 : 0, activation, static_cast<int64_t>(precision())}) + std::to_string(alpha);
  ConvForward* entry = cache.find(key);
  if (!entry) {
    auto attr = activationAttr(env, activation, alpha);
    auto make = [&](dnnl::memory::data_type type) {
      auto desc = convForwardDesc(g, dnnl::prop_kind::forward_training, withBias, type);
      return dnnl::convolution_forward::primitive_desc(desc, attr, cpuEngine());
    };
    auto pd = make(operandType());
    if (precision() == Precision::bf16 && isReference(pd)) pd = make(dnnl::memory::data_type::f32);
    auto made = std::make_unique<ConvForward>();
    made->pd = pd;
    made->primitive = dnnl::convolution_forward(pd);
    if (pd.weights_desc() != g.userWeightsDesc()) {
      made->weights = dnnl::memory(pd.weights_desc(), cpuEngine());
      dnnl::memory userWeights(g.userWeightsDesc(), cpuEngine(), DNNL_MEMORY_NONE);
      made->weightsReorder = dnnl::reorder(userWeights, made->weights);
    }
    entry = cache.insert(key, std::move(made));
  }
  auto& engine = cpuEngine();
  auto& stream = cpuStream();
  // oneDNN only reads src, weights and bias; its C API takes non-const pointers.
  dnnl::memory src = staged(stream, dnnl::memory(g.srcDesc(), engine, const_cast<float*>(x)), entry->pd.src_desc(), 0);
  dnnl::memory dst(g.dstDesc(), engine, y);
  dnnl::memory userWeights(g.userWeightsDesc(), engine, const_cast<float*>(filter));
  dnnl::memory weights = userWeights;
  if (entry->weightsReorder) {
    entry->weightsReorder.execute(stream, userWeights, entry->weights);
    weights = entry->weights;
  }
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, dst}};
  if (withBias) {
    dnnl::memory::desc biasDesc({g.outC}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::x);
    args[DNNL_ARG_BIAS] = dnnl::memory(biasDesc, engine, const_cast<float*>(bias));
  }
  entry->primitive.execute(stream, args);
  stream.wait();
}

// conv2d(x, filter, bias | null, y, ...geometry(18), activation, alpha)
Napi::Value Conv2D(const Napi::CallbackInfo& info) {
  return guarded(info, "Conv2D", [&] {
    Napi::Env env = info.Env();
    FloatView x = floatArg(info, 0, "x");
    FloatView filter = floatArg(info, 1, "filter");
    FloatView bias = optionalFloatArg(info, 2, "bias");
    FloatView y = floatArg(info, 3, "y");
    ConvGeometry g = ConvGeometry::parse(info, 4);
    int64_t activation = intArg(info, 4 + kConvGeometryArgs, "activation");
    float alpha = static_cast<float>(numberArg(info, 5 + kConvGeometryArgs, "alpha"));
    expectLength(env, x, g.inputSize(), "x");
    expectLength(env, filter, g.filterSize(), "filter");
    expectLength(env, y, g.outputSize(), "y");
    if (bias.data) expectLength(env, bias, g.outC, "bias");
    runConvForward(env, g, x.data, filter.data, bias.data, y.data, activation, alpha);
  });
}

}  // namespace ganvae
