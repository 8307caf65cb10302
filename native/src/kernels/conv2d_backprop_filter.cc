// Conv2DBackpropFilter: dFilter = correlation of x with dy, the gradient of Conv2D with respect to
// its filter; oneDNN's backward-weights convolution, reordered back to tfjs's [fh, fw, in, out].
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

    std::string key = g.key();
    ConvBackwardWeights* entry = cache.find(key);
    if (!entry) {
      auto& engine = cpuEngine();
      dnnl::convolution_forward::primitive_desc hint(convForwardDesc(g, dnnl::prop_kind::forward_training, false),
                                                     engine);
      dnnl::convolution_backward_weights::desc desc(dnnl::algorithm::convolution_direct, g.srcDesc(),
                                                    g.anyWeightsDesc(), g.dstDesc(), g.strides(), g.dilations(),
                                                    g.padL(), g.padR());
      dnnl::convolution_backward_weights::primitive_desc pd(desc, engine, hint);
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
    dnnl::memory src(g.srcDesc(), engine, x.data);
    dnnl::memory diffDst(g.dstDesc(), engine, dy.data);
    dnnl::memory userWeights(g.userWeightsDesc(), engine, dw.data);
    dnnl::memory diffWeights = entry->weightsReorder ? entry->weights : userWeights;
    entry->primitive.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, diffDst},
                                      {DNNL_ARG_DIFF_WEIGHTS, diffWeights}});
    if (entry->weightsReorder) entry->weightsReorder.execute(stream, entry->weights, userWeights);
    stream.wait();
  });
}

}  // namespace ganvae
