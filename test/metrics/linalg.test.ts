import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matMul, sqrtmPsd, symmetricEigen } from '../../src/metrics/linalg.ts';
import { NumpyRandomState } from '../../src/metrics/numpy-random.ts';
import { assertClose } from './reference.ts';

/** A seeded [n, n] matrix with entries in [-0.5, 0.5). */
function randomMatrix(n: number, seed: number): Float64Array {
  const rng = new NumpyRandomState(seed);
  return Float64Array.from({ length: n * n }, () => rng.nextUint32() / 2 ** 32 - 0.5);
}

function transposeTimes(a: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) out[i * n + j] += a[k * n + i] * a[k * n + j];
  return out;
}

test('sqrtmPsd returns a known square root: sqrtm(S·S) = S for symmetric PSD S', () => {
  // S = [[2, 1], [1, 3]] has eigenvalues (5 ± √5)/2 > 0, so it is the principal root of S².
  const s = Float64Array.from([2, 1, 1, 3]);
  const root = sqrtmPsd(matMul(s, s, 2), 2);
  for (let i = 0; i < 4; i++) assertClose(root[i], s[i], 1e-12, `entry ${i}`);
  // A larger PSD one: S = XᵀX.
  const n = 12;
  const big = transposeTimes(randomMatrix(n, 3), n);
  const bigRoot = sqrtmPsd(matMul(big, big, n), n);
  for (let i = 0; i < n * n; i++) assertClose(bigRoot[i], big[i], 1e-9, `entry ${i}`);
});

test('sqrtmPsd of a singular PSD matrix squares back to it', () => {
  const n = 6;
  const x = randomMatrix(n, 5);
  x.fill(0, 0, 2 * n); // two zero rows: rank 4
  const a = transposeTimes(x, n);
  const root = sqrtmPsd(a, n);
  const back = matMul(root, root, n);
  for (let i = 0; i < n * n; i++) assertClose(back[i], a[i], 1e-12, `entry ${i}`);
});

test('symmetricEigen: A·v = λ·v, orthonormal vectors, ascending values, and values alone agree', () => {
  const n = 20;
  const x = randomMatrix(n, 11);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = x[i * n + j] + x[j * n + i];
  const { values, vectors } = symmetricEigen(a, n);
  const v = vectors!;
  for (let j = 0; j < n; j++) {
    if (j > 0) assert.ok(values[j] >= values[j - 1]);
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let k = 0; k < n; k++) av += a[i * n + k] * v[k * n + j];
      assertClose(av, values[j] * v[i * n + j], 1e-12, `(Av)[${i}] for λ${j}`);
    }
    for (let l = 0; l < n; l++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += v[k * n + j] * v[k * n + l];
      assertClose(dot, j === l ? 1 : 0, 1e-12, `v${j}·v${l}`);
    }
  }
  const alone = symmetricEigen(a, n, false).values;
  for (let j = 0; j < n; j++) assertClose(alone[j], values[j], 1e-12, `λ${j}`);
});
