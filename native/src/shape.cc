// Shape parsing and loop collapsing shared by element-wise and reduction kernels.
#include "shape.h"

#include <string>

namespace ganvae {

Shape shapeArg(const Napi::CallbackInfo& info, size_t index, const char* what) {
  Napi::Env env = info.Env();
  if (index >= info.Length() || !info[index].IsArray()) {
    throw Napi::TypeError::New(env, std::string(what) + " must be an array of integers");
  }
  auto array = info[index].As<Napi::Array>();
  if (array.Length() > 8) throw Napi::RangeError::New(env, std::string(what) + " has rank above 8");
  Shape shape(array.Length());
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value v = array.Get(i);
    double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
    if (!(d >= 0) || d != static_cast<double>(static_cast<int64_t>(d)) || d > 2147483648.0) {
      throw Napi::RangeError::New(env, std::string(what) + "[" + std::to_string(i) + "] is not a valid dimension");
    }
    shape[i] = static_cast<int64_t>(d);
  }
  return shape;
}

int64_t shapeSize(const Napi::Env& env, const Shape& shape, const char* what) {
  int64_t size = 1;
  for (int64_t d : shape) {
    size *= d;
    if (size > (int64_t(1) << 31)) throw Napi::RangeError::New(env, std::string(what) + " exceeds 2^31 elements");
  }
  return size;
}

StridedLoop broadcastLoop(const Shape& out, const std::vector<Shape>& shapes) {
  const size_t rank = out.size();
  StridedLoop loop;
  std::vector<std::vector<int64_t>> full(shapes.size(), std::vector<int64_t>(rank, 0));
  for (size_t k = 0; k < shapes.size(); ++k) {
    // Right-align the operand's shape with the output's (numpy broadcasting).
    int64_t stride = 1;
    for (size_t j = 0; j < shapes[k].size(); ++j) {
      size_t dim = rank - 1 - j;
      int64_t size = shapes[k][shapes[k].size() - 1 - j];
      full[k][dim] = size == 1 ? 0 : stride;
      stride *= size;
    }
  }
  // Walk from the innermost dimension outwards, merging dimension d into the current one when every
  // operand's stride at d equals its stride at the current one times the current extent.
  Shape dims;
  std::vector<std::vector<int64_t>> strides(shapes.size());
  for (size_t j = 0; j < rank; ++j) {
    size_t d = rank - 1 - j;
    if (out[d] == 1) continue;
    bool merge = !dims.empty();
    for (size_t k = 0; merge && k < shapes.size(); ++k) {
      merge = full[k][d] == strides[k].back() * dims.back();
    }
    if (merge) {
      dims.back() *= out[d];
    } else {
      dims.push_back(out[d]);
      for (size_t k = 0; k < shapes.size(); ++k) strides[k].push_back(full[k][d]);
    }
  }
  if (dims.empty()) {
    dims.push_back(1);
    for (auto& s : strides) s.push_back(0);
  }
  // Stored innermost-first while building; flip to outermost-first.
  loop.dims.assign(dims.rbegin(), dims.rend());
  loop.strides.resize(shapes.size());
  for (size_t k = 0; k < shapes.size(); ++k) loop.strides[k].assign(strides[k].rbegin(), strides[k].rend());
  return loop;
}

}  // namespace ganvae
