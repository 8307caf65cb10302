// BatchMatMul and _FusedMatMul: out[b] = act(op(a[b]) · op(b[b]) + bias) on oneDNN's matmul (matmul.h), where
// op transposes through strides (no copy) and a batch of 1 broadcasts against the other operand; under
// Precision::bf16 a and b are read in bf16, the bias and out stay f32.
#include "matmul.h"

namespace ganvae {

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

    runMatMul(env, {batchA, batchB, m, k, n, transposeA, transposeB}, a.data, b.data, withBias ? bias.data : nullptr,
              out.data, activation, alpha, false, 0);
  });
}

}  // namespace ganvae
