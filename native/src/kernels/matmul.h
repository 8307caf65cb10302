// oneDNN's matmul, cached by shape: BatchMatMul's product, and the convolutions' GEMM paths under Precision::bf16
// (oneDNN 2.6 has no public bf16 GEMM; its matmul reads bf16 operands and accumulates in f32).
#pragma once

#include "../common.h"

namespace ganvae {

// out [batch, m, n] = op(a) · op(b) for a [batchA, m, k] (stored [batchA, k, m] when transposeA) and b [batchB, k, n]
// (likewise), batch = max(batchA, batchB), a batch of 1 broadcasting; all row-major f32 in memory.
struct MatMulShape {
  int64_t batchA, batchB, m, k, n;
  bool transposeA, transposeB;
};

// out = act(op(a) · op(b) + bias) (bias [n] or null), or out += op(a) · op(b) when `accumulate` (no bias, no
// activation); a and b in bf16 under Precision::bf16 (a converted in scratch slot `aSlot`, so that a caller's own
// scratch survives), f32 accumulation and out. Shapes are the caller's to validate.
void runMatMul(const Napi::Env& env, const MatMulShape& s, const float* a, const float* b, const float* bias, float* out,
               int64_t activation, float alpha, bool accumulate, int aSlot);

}  // namespace ganvae
