// Row-by-row dot products a·bᵀ, the O(n²·d) core of KID's kernels and of the k-NN distances of
// precision/recall. Two engines: exact float64 in JavaScript, or tf.matMul on the active backend in
// float32 (~30× faster on the native backend; the reference implementations also run these
// products in float32: torch-fidelity on float32 numpy features, NVlabs' precision/recall in TF).
import * as tf from '@tensorflow/tfjs-core';

type Rows = Float32Array | Float64Array;

/** a `[m, dim]` · b `[n, dim]`ᵀ → `[m, n]` row-major. */
export type DotProducts = (a: Rows, m: number, b: Rows, n: number, dim: number) => Float32Array | Float64Array;

/** Exact float64 products; four rows of `a` at a time so each row of `b` is read once per four. */
export const float64Dots: DotProducts = (a, m, b, n, dim) => {
  const out = new Float64Array(m * n);
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = i * dim;
    const a1 = a0 + dim;
    const a2 = a1 + dim;
    const a3 = a2 + dim;
    for (let j = 0; j < n; j++) {
      const bj = j * dim;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < dim; k++) {
        const v = b[bj + k];
        s0 += a[a0 + k] * v;
        s1 += a[a1 + k] * v;
        s2 += a[a2 + k] * v;
        s3 += a[a3 + k] * v;
      }
      out[i * n + j] = s0;
      out[(i + 1) * n + j] = s1;
      out[(i + 2) * n + j] = s2;
      out[(i + 3) * n + j] = s3;
    }
  }
  for (; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < dim; k++) sum += a[i * dim + k] * b[j * dim + k];
      out[i * n + j] = sum;
    }
  }
  return out;
};

/** float32 products with tf.matMul on the active tfjs backend (call initBackend first). */
export const tfjsDots: DotProducts = (a, m, b, n, dim) => {
  const product = tf.tidy(() => {
    const left = tf.tensor2d(a instanceof Float32Array ? a : Float32Array.from(a), [m, dim]);
    const right = tf.tensor2d(b instanceof Float32Array ? b : Float32Array.from(b), [n, dim]);
    return tf.matMul(left, right, false, true);
  });
  // Read outside tidy: tidy walks a returned typed array element by element (seconds for 10⁶ values).
  const values = product.dataSync() as Float32Array;
  product.dispose();
  return values;
};
