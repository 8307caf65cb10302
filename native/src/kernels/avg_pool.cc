// AvgPool and AvgPoolGrad: average pooling over windows of x (padding excluded from each average, as tfjs
// counts), and its gradient, on oneDNN's pooling primitives (tfjs's CPU kernels loop per element through
// index arithmetic: the gradient of the lite generator's 8x8 → 4x4 excitation pooling took a fifth of its step).
#include "../common.h"

namespace ganvae {

namespace {

struct PoolForward {
  dnnl::pooling_forward::primitive_desc pd;
  dnnl::pooling_forward primitive;
};

struct PoolBackward {
  dnnl::pooling_backward::primitive_desc pd;
  dnnl::pooling_backward primitive;
};

PrimitiveCache<PoolForward> forwardCache;
PrimitiveCache<PoolBackward> backwardCache;

dnnl::memory::dims kernelOf(const ConvGeometry& g) { return {g.filterH, g.filterW}; }

dnnl::pooling_forward::desc forwardDesc(const ConvGeometry& g) {
  return dnnl::pooling_forward::desc(dnnl::prop_kind::forward_training, dnnl::algorithm::pooling_avg_exclude_padding,
                                     g.srcDesc(), g.dstDesc(), g.strides(), kernelOf(g), g.padL(), g.padR());
}

// The pooling geometry of 18 arguments from `first`: a convolution's, with one channel count in and out, no dilation,
// and pads smaller than the window (so that every window holds an input pixel, which averaging excluding padding needs).
ConvGeometry parsePooling(const Napi::CallbackInfo& info, size_t first) {
  Napi::Env env = info.Env();
  ConvGeometry g = ConvGeometry::parse(info, first);
  if (g.inC != g.outC) throw Napi::RangeError::New(env, "pooling keeps the channel count: inC and outC differ");
  if (g.dilationH != 1 || g.dilationW != 1) throw Napi::RangeError::New(env, "pooling takes no dilation");
  if (g.padTop >= g.filterH || g.padBottom >= g.filterH || g.padLeft >= g.filterW || g.padRight >= g.filterW) {
    throw Napi::RangeError::New(env, "pooling pads must be smaller than the window");
  }
  return g;
}

}  // namespace

// avgPool(x, y, ...geometry(18)): geometry as for a convolution with inC = outC and the window as the filter.
Napi::Value AvgPool(const Napi::CallbackInfo& info) {
  return guarded(info, "AvgPool", [&] {
    Napi::Env env = info.Env();
    FloatView x = floatArg(info, 0, "x");
    FloatView y = floatArg(info, 1, "y");
    ConvGeometry g = parsePooling(info, 2);
    expectLength(env, x, g.inputSize(), "x");
    expectLength(env, y, g.outputSize(), "y");
    std::string key = g.key();
    PoolForward* entry = forwardCache.find(key);
    if (!entry) {
      auto made = std::make_unique<PoolForward>();
      made->pd = dnnl::pooling_forward::primitive_desc(forwardDesc(g), cpuEngine());
      made->primitive = dnnl::pooling_forward(made->pd);
      entry = forwardCache.insert(key, std::move(made));
    }
    auto& engine = cpuEngine();
    auto& stream = cpuStream();
    entry->primitive.execute(stream, {{DNNL_ARG_SRC, dnnl::memory(g.srcDesc(), engine, x.data)},
                                      {DNNL_ARG_DST, dnnl::memory(g.dstDesc(), engine, y.data)}});
    stream.wait();
  });
}

// avgPoolGrad(dy, dx, ...geometry(18)): dx of avgPool for the same geometry (TypeScript calls it for unpadded
// poolings only, where tfjs's gradient agrees with it).
Napi::Value AvgPoolGrad(const Napi::CallbackInfo& info) {
  return guarded(info, "AvgPoolGrad", [&] {
    Napi::Env env = info.Env();
    FloatView dy = floatArg(info, 0, "dy");
    FloatView dx = floatArg(info, 1, "dx");
    ConvGeometry g = parsePooling(info, 2);
    expectLength(env, dy, g.outputSize(), "dy");
    expectLength(env, dx, g.inputSize(), "dx");
    std::string key = g.key();
    PoolBackward* entry = backwardCache.find(key);
    if (!entry) {
      auto& engine = cpuEngine();
      dnnl::pooling_forward::primitive_desc hint(forwardDesc(g), engine);
      dnnl::pooling_backward::desc desc(dnnl::algorithm::pooling_avg_exclude_padding, g.srcDesc(), g.dstDesc(), g.strides(),
                                        kernelOf(g), g.padL(), g.padR());
      auto made = std::make_unique<PoolBackward>();
      made->pd = dnnl::pooling_backward::primitive_desc(desc, engine, hint);
      made->primitive = dnnl::pooling_backward(made->pd);
      entry = backwardCache.insert(key, std::move(made));
    }
    auto& engine = cpuEngine();
    auto& stream = cpuStream();
    entry->primitive.execute(stream, {{DNNL_ARG_DIFF_DST, dnnl::memory(g.dstDesc(), engine, dy.data)},
                                      {DNNL_ARG_DIFF_SRC, dnnl::memory(g.srcDesc(), engine, dx.data)}});
    stream.wait();
  });
}

}  // namespace ganvae
