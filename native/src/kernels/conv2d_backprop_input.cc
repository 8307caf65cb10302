// Conv2DBackpropInput: dx = conv_transpose(dy, filter), the gradient of Conv2D with respect to its
// input and the forward pass of Conv2DTranspose layers; oneDNN's backward-data convolution.
#include <vector>

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

    if (asForwardConvolution(g)) {
      ConvGeometry t{g.batch, g.outH, g.outW, g.outC, g.inH, g.inW, g.inC, g.filterH, g.filterW, 1, 1, 1, 1,
                     g.filterH - 1 - g.padTop, g.filterW - 1 - g.padLeft, g.filterH - 1 - g.padBottom,
                     g.filterW - 1 - g.padRight, g.channelsLast};
      std::vector<float> flipped(static_cast<size_t>(g.filterSize()));
      flipAndSwap(g, filter.data, flipped.data());
      runConvForward(env, t, dy.data, flipped.data(), nullptr, dx.data, 0, 0.f);
      return;
    }
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
