// Engine, argument checking and convolution geometry shared by the kernels.
#include "common.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <sstream>

namespace ganvae {

dnnl::engine& cpuEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& cpuStream() {
  static dnnl::stream stream(cpuEngine());
  return stream;
}

namespace {
Precision currentPrecision = Precision::fp32;

struct ScratchSlot {
  void* data = nullptr;
  size_t bytes = 0;
};
ScratchSlot scratchSlots[3];
}  // namespace

void* scratch(int slot, size_t bytes) {
  ScratchSlot& s = scratchSlots[slot];
  if (s.bytes < bytes) {
    std::free(s.data);
    s.bytes = 0;
    const size_t rounded = (bytes + 63) / 64 * 64;
    s.data = std::aligned_alloc(64, rounded);
    if (!s.data) throw std::bad_alloc();
    s.bytes = rounded;
  }
  return s.data;
}

Precision precision() { return currentPrecision; }

void setPrecision(Precision value) { currentPrecision = value; }

dnnl::memory::data_type operandType() {
  return currentPrecision == Precision::bf16 ? dnnl::memory::data_type::bf16 : dnnl::memory::data_type::f32;
}

bool isReference(const dnnl::primitive_desc_base& pd) { return std::strncmp(pd.impl_info_str(), "ref", 3) == 0; }

bool im2colPathsEnabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("GANVAE_IM2COL");
    return v == nullptr || std::strcmp(v, "0") != 0;
  }();
  return enabled;
}

dnnl::memory staged(dnnl::stream& stream, const dnnl::memory& user, const dnnl::memory::desc& wanted, int slot) {
  if (user.get_desc() == wanted) return user;
  dnnl::memory source = user;
  dnnl::memory copy(wanted, cpuEngine(), scratch(slot, wanted.get_size()));
  dnnl::reorder(source, copy).execute(stream, source, copy);
  return copy;
}

static std::string argName(size_t index, const char* what) {
  return std::string("argument ") + std::to_string(index) + " (" + what + ")";
}

FloatView floatArg(const Napi::CallbackInfo& info, size_t index, const char* what) {
  Napi::Env env = info.Env();
  if (index >= info.Length() || !info[index].IsTypedArray() ||
      info[index].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(env, argName(index, what) + " must be a Float32Array");
  }
  auto array = info[index].As<Napi::Float32Array>();
  return FloatView{array.Data(), array.ElementLength()};
}

FloatView optionalFloatArg(const Napi::CallbackInfo& info, size_t index, const char* what) {
  if (index >= info.Length() || info[index].IsNull() || info[index].IsUndefined()) return FloatView{};
  return floatArg(info, index, what);
}

int64_t intArg(const Napi::CallbackInfo& info, size_t index, const char* what) {
  double value = numberArg(info, index, what);
  if (value != static_cast<double>(static_cast<int64_t>(value)) || value > 9.0e15 || value < -9.0e15) {
    throw Napi::TypeError::New(info.Env(), argName(index, what) + " must be an integer");
  }
  return static_cast<int64_t>(value);
}

double numberArg(const Napi::CallbackInfo& info, size_t index, const char* what) {
  if (index >= info.Length() || !info[index].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), argName(index, what) + " must be a number");
  }
  return info[index].As<Napi::Number>().DoubleValue();
}

void expectLength(const Napi::Env& env, const FloatView& view, int64_t expected, const char* what) {
  if (static_cast<int64_t>(view.length) != expected) {
    throw Napi::RangeError::New(env, std::string(what) + " has " + std::to_string(view.length) +
                                         " elements, expected " + std::to_string(expected));
  }
}

void expectAtLeast(const Napi::Env& env, int64_t value, int64_t min, const char* what) {
  if (value < min) {
    throw Napi::RangeError::New(env, std::string(what) + " is " + std::to_string(value) +
                                         ", must be at least " + std::to_string(min));
  }
}

dnnl::primitive_attr activationAttr(const Napi::Env& env, int64_t activation, float alpha) {
  dnnl::primitive_attr attr;
  dnnl::post_ops ops;
  if (activation < 0 || activation >= kActivationCount) {
    throw Napi::RangeError::New(env, "unknown activation code " + std::to_string(activation));
  }
  // No default: -Wswitch (an error, binding.gyp) names an activation of ops.def that has no case here.
  switch (static_cast<Activation>(activation)) {
    case Activation::linear: break;
    case Activation::relu: ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f); break;
    case Activation::relu6: ops.append_eltwise(1.f, dnnl::algorithm::eltwise_clip, 0.f, 6.f); break;
    case Activation::leakyrelu: ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, alpha, 0.f); break;
    case Activation::sigmoid: ops.append_eltwise(1.f, dnnl::algorithm::eltwise_logistic, 0.f, 0.f); break;
    case Activation::elu: ops.append_eltwise(1.f, dnnl::algorithm::eltwise_elu, 1.f, 0.f); break;
  }
  attr.set_post_ops(ops);
  return attr;
}

std::string makeKey(std::initializer_list<int64_t> parts) {
  std::string key;
  key.reserve(parts.size() * 4);
  for (int64_t p : parts) {
    key += std::to_string(p);
    key += ',';
  }
  return key;
}

ConvGeometry ConvGeometry::parse(const Napi::CallbackInfo& info, size_t first) {
  static const char* names[] = {"batch", "inH", "inW", "inC", "outH", "outW", "outC", "filterH", "filterW",
                                "strideH", "strideW", "dilationH", "dilationW", "padTop", "padLeft",
                                "padBottom", "padRight", "channelsLast"};
  int64_t v[kConvGeometryArgs];
  for (size_t i = 0; i < kConvGeometryArgs; ++i) v[i] = intArg(info, first + i, names[i]);
  ConvGeometry g{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12],
                 v[13], v[14], v[15], v[16], v[17] != 0};
  Napi::Env env = info.Env();
  for (size_t i = 0; i < 13; ++i) expectAtLeast(env, v[i], 1, names[i]);
  for (size_t i = 13; i < 17; ++i) expectAtLeast(env, v[i], 0, names[i]);
  // A tensor over 2^31 elements is refused: oneDNN's and tfjs's indexing are not meant for it.
  const int64_t limit = int64_t(1) << 31;
  for (size_t i = 0; i < 17; ++i) {
    if (v[i] > limit) throw Napi::RangeError::New(env, std::string(names[i]) + " is too large");
  }
  if (g.batch * g.inH * g.inW > limit / g.inC || g.batch * g.outH * g.outW > limit / g.outC ||
      g.filterH * g.filterW * g.inC > limit / g.outC) {
    throw Napi::RangeError::New(env, "convolution tensors exceed 2^31 elements");
  }
  auto check = [&](int64_t in, int64_t out, int64_t k, int64_t s, int64_t d, int64_t pl, int64_t pr, const char* axis) {
    int64_t span = (k - 1) * d + 1;
    int64_t room = in + pl + pr - span;
    if (room < 0 || room / s + 1 != out) {
      std::ostringstream msg;
      msg << "inconsistent convolution geometry along " << axis << ": input " << in << ", filter " << k
          << ", stride " << s << ", dilation " << d << ", padding " << pl << "+" << pr << " cannot give output " << out;
      throw Napi::RangeError::New(env, msg.str());
    }
  };
  check(g.inH, g.outH, g.filterH, g.strideH, g.dilationH, g.padTop, g.padBottom, "height");
  check(g.inW, g.outW, g.filterW, g.strideW, g.dilationW, g.padLeft, g.padRight, "width");
  return g;
}

std::string ConvGeometry::key() const {
  return makeKey({batch, inH, inW, inC, outH, outW, outC, filterH, filterW, strideH, strideW, dilationH,
                  dilationW, padTop, padLeft, padBottom, padRight, channelsLast ? 1 : 0});
}

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

dnnl::memory::desc ConvGeometry::srcDesc(dt type) const {
  return dnnl::memory::desc({batch, inC, inH, inW}, type, channelsLast ? tag::nhwc : tag::nchw);
}

dnnl::memory::desc ConvGeometry::dstDesc(dt type) const {
  return dnnl::memory::desc({batch, outC, outH, outW}, type, channelsLast ? tag::nhwc : tag::nchw);
}

dnnl::memory::desc ConvGeometry::userWeightsDesc() const {
  return dnnl::memory::desc({outC, inC, filterH, filterW}, dt::f32, tag::hwio);
}

dnnl::memory::desc ConvGeometry::anyWeightsDesc(dt type) const {
  return dnnl::memory::desc({outC, inC, filterH, filterW}, type, tag::any);
}

dnnl::convolution_forward::desc convForwardDesc(const ConvGeometry& g, dnnl::prop_kind kind, bool withBias, dt operands,
                                                dt result) {
  if (withBias) {
    dnnl::memory::desc bias({g.outC}, dt::f32, tag::x);
    return dnnl::convolution_forward::desc(kind, dnnl::algorithm::convolution_direct, g.srcDesc(operands),
                                           g.anyWeightsDesc(operands), bias, g.dstDesc(result), g.strides(),
                                           g.dilations(), g.padL(), g.padR());
  }
  return dnnl::convolution_forward::desc(kind, dnnl::algorithm::convolution_direct, g.srcDesc(operands),
                                         g.anyWeightsDesc(operands), g.dstDesc(result), g.strides(), g.dilations(),
                                         g.padL(), g.padR());
}

}  // namespace ganvae
