// runMatMul (matmul.h): one cached oneDNN matmul primitive per shape, precision and attribute.
#include "matmul.h"

namespace ganvae {

namespace {

struct MatMul {
  dnnl::matmul::primitive_desc pd;
  dnnl::matmul primitive;
  dnnl::reorder weightsReorder;  // user b → oneDNN's layout; empty when b is used as it is
  dnnl::memory weights;
};

PrimitiveCache<MatMul> cache;

using dt = dnnl::memory::data_type;

// A row-major [batch, rows, cols] operand of `type`, read transposed when `transposed` is set.
dnnl::memory::desc operandDesc(int64_t batch, int64_t rows, int64_t cols, bool transposed, dt type = dt::f32) {
  if (transposed) return dnnl::memory::desc({batch, rows, cols}, type, {rows * cols, 1, rows});
  return dnnl::memory::desc({batch, rows, cols}, type, {rows * cols, cols, 1});
}

}  // namespace

void runMatMul(const Napi::Env& env, const MatMulShape& s, const float* a, const float* b, const float* bias, float* out,
               int64_t activation, float alpha, bool accumulate, int aSlot) {
  const int64_t batch = std::max(s.batchA, s.batchB);
  auto aDesc = operandDesc(s.batchA, s.m, s.k, s.transposeA);
  auto bDesc = operandDesc(s.batchB, s.k, s.n, s.transposeB);
  dnnl::memory::desc outDesc({batch, s.m, s.n}, dt::f32, {s.m * s.n, s.n, 1});
  dnnl::memory::desc biasDesc({1, 1, s.n}, dt::f32, {s.n, s.n, 1});
  const bool withBias = bias != nullptr;

  std::string key = makeKey({s.batchA, s.batchB, s.m, s.k, s.n, s.transposeA, s.transposeB, withBias, activation,
                             accumulate, static_cast<int64_t>(precision())}) + std::to_string(alpha);
  MatMul* entry = cache.find(key);
  if (!entry) {
    auto attr = activationAttr(env, activation, alpha);
    if (accumulate) {
      dnnl::post_ops sum;
      sum.append_sum(1.f);
      attr.set_post_ops(sum);
    }
    // a and b in `type` (a converted, b reordered), the bias and out in f32.
    auto make = [&](dt type) {
      // A transposed b read through strides runs at half speed; letting oneDNN pick b's layout and
      // reordering it each call (b is a weight matrix, small next to the product) is faster.
      dnnl::memory::desc bChosen = s.transposeB ? dnnl::memory::desc({s.batchB, s.k, s.n}, type, dnnl::memory::format_tag::any)
                                                : operandDesc(s.batchB, s.k, s.n, false, type);
      auto aChosen = operandDesc(s.batchA, s.m, s.k, s.transposeA, type);
      auto desc = withBias ? dnnl::matmul::desc(aChosen, bChosen, biasDesc, outDesc)
                           : dnnl::matmul::desc(aChosen, bChosen, outDesc);
      return dnnl::matmul::primitive_desc(desc, attr, cpuEngine());
    };
    auto pd = make(operandType());
    if (precision() == Precision::bf16 && isReference(pd)) pd = make(dt::f32);
    auto made = std::make_unique<MatMul>();
    made->pd = pd;
    made->primitive = dnnl::matmul(pd);
    if (pd.weights_desc() != bDesc) {
      made->weights = dnnl::memory(pd.weights_desc(), cpuEngine());
      made->weightsReorder = dnnl::reorder(dnnl::memory(bDesc, cpuEngine(), DNNL_MEMORY_NONE), made->weights);
    }
    entry = cache.insert(key, std::move(made));
  }
  auto& engine = cpuEngine();
  auto& stream = cpuStream();
  dnnl::memory weights(bDesc, engine, const_cast<float*>(b));
  if (entry->weightsReorder) {
    entry->weightsReorder.execute(stream, weights, entry->weights);
    weights = entry->weights;
  }
  std::unordered_map<int, dnnl::memory> args{
      {DNNL_ARG_SRC, staged(stream, dnnl::memory(aDesc, engine, const_cast<float*>(a)), entry->pd.src_desc(), aSlot)},
      {DNNL_ARG_WEIGHTS, weights},
      {DNNL_ARG_DST, dnnl::memory(outDesc, engine, out)}};
  if (withBias) args[DNNL_ARG_BIAS] = dnnl::memory(biasDesc, engine, const_cast<float*>(bias));
  entry->primitive.execute(stream, args);
  stream.wait();
}

}  // namespace ganvae
