// Conv2DBackpropInput: dx = conv_transpose(dy, filter), the gradient of Conv2D with respect to its
// input and the forward pass of Conv2DTranspose layers; oneDNN's backward-data convolution.
#include "../common.h"

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

    std::string key = g.key();
    ConvBackwardData* entry = cache.find(key);
    if (!entry) {
      auto& engine = cpuEngine();
      dnnl::convolution_forward::primitive_desc hint(convForwardDesc(g, dnnl::prop_kind::forward_training, false),
                                                     engine);
      dnnl::convolution_backward_data::desc desc(dnnl::algorithm::convolution_direct, g.srcDesc(),
                                                 g.anyWeightsDesc(), g.dstDesc(), g.strides(), g.dilations(),
                                                 g.padL(), g.padR());
      dnnl::convolution_backward_data::primitive_desc pd(desc, engine, hint);
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
    dnnl::memory diffDst(g.dstDesc(), engine, dy.data);
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
