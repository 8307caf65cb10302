// BatchMatMul and _FusedMatMul: out[b] = act(op(a[b]) · op(b[b]) + bias) on oneDNN's matmul, where
// op transposes through strides (no copy) and a batch of 1 broadcasts against the other operand; under
// Precision::bf16 a and b are read in bf16, the bias and out stay f32.
#include "../common.h"

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

// batchMatMul(a, b, bias | null, out, batchA, batchB, m, k, n, transposeA, transposeB, activation, alpha)
Napi::Value BatchMatMul(const Napi::CallbackInfo& info) {
  return guarded(info, "BatchMatMul", [&] {
    Napi::Env env = info.Env();
    FloatView a = floatArg(info, 0, "a");
    FloatView b = floatArg(info, 1, "b");
    FloatView bias = optionalFloatArg(info, 2, "bias");
    FloatView out = floatArg(info, 3, "out");
    int64_t batchA = intArg(info, 4, "batchA");
    int64_t batchB = intArg(info, 5, "batchB");
    int64_t m = intArg(info, 6, "m");
    int64_t k = intArg(info, 7, "k");
    int64_t n = intArg(info, 8, "n");
    bool transposeA = intArg(info, 9, "transposeA") != 0;
    bool transposeB = intArg(info, 10, "transposeB") != 0;
    int64_t activation = intArg(info, 11, "activation");
    float alpha = static_cast<float>(numberArg(info, 12, "alpha"));
    const int64_t limit = int64_t(1) << 31;
    for (int64_t dim : {batchA, batchB, m, k, n}) {
      expectAtLeast(env, dim, 1, "matmul dimension");
      if (dim > limit) throw Napi::RangeError::New(env, "matmul dimension is too large");
    }
    if (batchA != batchB && batchA != 1 && batchB != 1) {
      throw Napi::RangeError::New(env, "batch sizes " + std::to_string(batchA) + " and " + std::to_string(batchB) +
                                           " do not broadcast");
    }
    const int64_t batch = std::max(batchA, batchB);
    if (batchA * m > limit / k || batchB * k > limit / n || batch * m > limit / n) {
      throw Napi::RangeError::New(env, "matmul operands exceed 2^31 elements");
    }
    expectLength(env, a, batchA * m * k, "a");
    expectLength(env, b, batchB * k * n, "b");
    expectLength(env, out, batch * m * n, "out");
    const bool withBias = bias.data != nullptr;
    if (withBias) expectLength(env, bias, n, "bias");

    // Operand descriptors: a is [batchA, m, k] (stored [batchA, k, m] when transposed), b likewise.
    auto aDesc = operandDesc(batchA, m, k, transposeA);
    auto bDesc = operandDesc(batchB, k, n, transposeB);
    dnnl::memory::desc outDesc({batch, m, n}, dt::f32, {m * n, n, 1});
    dnnl::memory::desc biasDesc({1, 1, n}, dt::f32, {n, n, 1});

    std::string key = makeKey({batchA, batchB, m, k, n, transposeA, transposeB, withBias, activation,
                               static_cast<int64_t>(precision())}) + std::to_string(alpha);
    MatMul* entry = cache.find(key);
    if (!entry) {
      auto attr = activationAttr(env, activation, alpha);
      // a and b in `type` (a converted, b reordered), the bias and out in f32.
      auto make = [&](dt type) {
        // A transposed b read through strides runs at half speed; letting oneDNN pick b's layout and
        // reordering it each call (b is a weight matrix, small next to the product) is faster.
        dnnl::memory::desc bChosen = transposeB ? dnnl::memory::desc({batchB, k, n}, type, dnnl::memory::format_tag::any)
                                                : operandDesc(batchB, k, n, false, type);
        auto aChosen = operandDesc(batchA, m, k, transposeA, type);
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
    dnnl::memory weights(bDesc, engine, b.data);
    if (entry->weightsReorder) {
      entry->weightsReorder.execute(stream, weights, entry->weights);
      weights = entry->weights;
    }
    std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, staged(stream, dnnl::memory(aDesc, engine, a.data), entry->pd.src_desc(), 0)},
                                               {DNNL_ARG_WEIGHTS, weights},
                                               {DNNL_ARG_DST, dnnl::memory(outDesc, engine, out.data)}};
    if (withBias) args[DNNL_ARG_BIAS] = dnnl::memory(biasDesc, engine, bias.data);
    entry->primitive.execute(stream, args);
    stream.wait();
  });
}

}  // namespace ganvae
