// BatchMatMul and _FusedMatMul: out[b] = act(op(a[b]) · op(b[b]) + bias) on oneDNN's matmul (matmul.h), or, where m,
// k or n is 1, as dot products and axpys of our own; op transposes through strides (no copy) and a batch of 1
// broadcasts against the other operand; under Precision::bf16 a and b are read in bf16, the bias and out stay f32.
#include "matmul.h"

namespace ganvae {

namespace {

// Partial sums a dot product keeps: 64 lanes (four AVX-512 registers), so that the additions need not wait on each
// other; the lanes are summed in a fixed order, so results do not depend on the thread count.
constexpr int64_t kDotLanes = 64;

// Σ x[i]·y[i] over i < length: in kDotLanes partial sums, or in order when shorter.
float dot(const float* x, const float* y, int64_t length) {
  if (length < kDotLanes) {
    float sum = 0.f;
    for (int64_t i = 0; i < length; ++i) sum += x[i] * y[i];
    return sum;
  }
  float lanes[kDotLanes] = {};
  int64_t i = 0;
  for (; i + kDotLanes <= length; i += kDotLanes) {
    for (int64_t j = 0; j < kDotLanes; ++j) lanes[j] += x[i + j] * y[i + j];
  }
  for (int64_t j = 0; i < length; ++i, ++j) lanes[j] += x[i] * y[i];
  for (int64_t width = kDotLanes / 2; width > 0; width /= 2) {
    for (int64_t j = 0; j < width; ++j) lanes[j] += lanes[j + width];
  }
  return lanes[0];
}

// out[0, length) = Σ_kk scales[kk · scaleStride] · rows[kk · rowStride + (0, length)] over kk < k (k >= 1), in kk order:
// the axpy form of a degenerate product, each term a contiguous row.
void sumOfScaledRows(float* out, int64_t length, const float* scales, int64_t scaleStride, const float* rows,
                     int64_t rowStride, int64_t k) {
  for (int64_t j = 0; j < length; ++j) out[j] = scales[0] * rows[j];
  for (int64_t kk = 1; kk < k; ++kk) {
    const float scale = scales[kk * scaleStride];
    const float* row = rows + kk * rowStride;
    for (int64_t j = 0; j < length; ++j) out[j] += scale * row[j];
  }
}

// Whether one of m, k, n is 1 (a matrix-vector product, a vector-matrix one, an outer product: a dense layer into
// one unit and its gradients, spectral norm's power iterations), with no activation and in f32: those go through
// dotsOrAxpys. Alternating call by call with oneDNN's matmul inside W4's training step on a Zen 5 EPYC (two builds,
// either one first): the power iterations' products 2-13x as fast, W4's BatchMatMul calls 45-46 against 64-66 ms
// over 12 iterations.
bool isDegenerate(const MatMulShape& s, int64_t activation) {
  return (s.m == 1 || s.k == 1 || s.n == 1) && activation == static_cast<int64_t>(Activation::linear) &&
         precision() == Precision::fp32;
}

// out[b] = op(a[b]) · op(b[b]) + bias for a degenerate shape (isDegenerate), in the loop order that reads memory
// contiguously: with n = 1 and a transposed, out[b] = Σ_kk b[kk] · (row kk of a) (vectors along i); else, where op(b)'s
// rows run contiguously (bCol = 1) and n > 1, each output row = Σ_kk op(a)[i, kk] · op(b)[kk, :]; else each output is
// one dot product of two contiguous vectors. Every output sums its terms in kk order, on any thread count.
void dotsOrAxpys(const MatMulShape& s, const float* a, const float* b, const float* bias, float* out) {
  const int64_t batch = std::max(s.batchA, s.batchB);
  const int64_t m = s.m, k = s.k, n = s.n;
  // op(a)[i, kk] = a[i · aRow + kk · aCol], op(b)[kk, j] = b[kk · bRow + j · bCol] within one batch entry.
  const int64_t aRow = s.transposeA ? 1 : k, aCol = s.transposeA ? m : 1;
  const int64_t bRow = s.transposeB ? 1 : n, bCol = s.transposeB ? k : 1;
  const int64_t aBatch = s.batchA == 1 ? 0 : m * k, bBatch = s.batchB == 1 ? 0 : k * n;
  if (n == 1 && aCol != 1) {
    // Vectors along i, in blocks of 1024 outputs, each its own parallel task.
    constexpr int64_t kBlock = 1024;
    const int64_t blocks = (m + kBlock - 1) / kBlock;
    parallelFor(batch * blocks, std::max<int64_t>(1, kParallelElements / (k * std::min(m, kBlock))), [&](int64_t begin, int64_t end) {
      for (int64_t task = begin; task < end; ++task) {
        const int64_t bi = task / blocks, i0 = (task % blocks) * kBlock, i1 = std::min(m, i0 + kBlock);
        const float* ab = a + bi * aBatch;
        const float* bb = b + bi * bBatch;
        float* o = out + bi * m;
        sumOfScaledRows(o + i0, i1 - i0, bb, bRow, ab + i0, aCol, k);
        if (bias) {
          for (int64_t i = i0; i < i1; ++i) o[i] += bias[0];
        }
      }
    });
    return;
  }
  const bool rowsOfB = bCol == 1 && n > 1;
  parallelFor(batch * m, std::max<int64_t>(1, kParallelElements / (k * n)), [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const int64_t bi = row / m, i = row % m;
      const float* ai = a + bi * aBatch + i * aRow;
      const float* bb = b + bi * bBatch;
      float* o = out + row * n;
      if (rowsOfB) {
        sumOfScaledRows(o, n, ai, aCol, bb, bRow, k);
      } else {
        // aCol = 1 and bRow = 1 here (n = 1 with a not transposed, or m = 1 with b transposed).
        for (int64_t j = 0; j < n; ++j) o[j] = dot(ai, bb + j * bCol, k);
      }
      if (bias) {
        for (int64_t j = 0; j < n; ++j) o[j] += bias[j];
      }
    }
  });
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

    const MatMulShape shape{batchA, batchB, m, k, n, transposeA, transposeB};
    if (isDegenerate(shape, activation)) {
      dotsOrAxpys(shape, a.data, b.data, withBias ? bias.data : nullptr, out.data);
      return;
    }
    runMatMul(env, shape, a.data, b.data, withBias ? bias.data : nullptr, out.data, activation, alpha, false, 0);
  });
}

}  // namespace ganvae
