// Conv2DBackpropFilter: dFilter = correlation of x with dy, the gradient of Conv2D with respect to
// its filter; oneDNN's backward-weights convolution, reordered back to tfjs's [fh, fw, in, out] (x and dy
// in bf16 under Precision::bf16, dFilter accumulated and returned in f32).
#include "../common.h"

namespace ganvae {

namespace {

struct ConvBackwardWeights {
  dnnl::convolution_backward_weights::primitive_desc pd;
  dnnl::convolution_backward_weights primitive;
  dnnl::reorder weightsReorder;  // oneDNN's layout -> tfjs's; empty when they agree
  dnnl::memory weights;
};

PrimitiveCache<ConvBackwardWeights> cache;

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
