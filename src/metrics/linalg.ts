// Dense float64 linear algebra for the metrics: square matrices stored row-major in Float64Arrays.
// The symmetric eigen-decomposition is Householder tridiagonalisation + implicit QL (EISPACK's
// tred2/tql2, as in JAMA), which is exact to rounding for the symmetric PSD matrices FID needs.

/** A symmetric matrix's eigenvalues (ascending) and, when asked for, its eigenvectors as columns. */
export interface SymmetricEigen {
  values: Float64Array;
  /** `[n, n]` row-major; column j is the unit eigenvector of values[j]. Absent when not requested. */
  vectors?: Float64Array;
}

/** `[n, n]` × `[n, n]` → `[n, n]`, all row-major float64. */
export function matMul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[row + k];
      if (aik === 0) continue;
      const bRow = k * n;
      for (let j = 0; j < n; j++) out[row + j] += aik * b[bRow + j];
    }
  }
  return out;
}

/** Sum of the diagonal of an `[n, n]` matrix. */
export function trace(a: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i * n + i];
  return sum;
}

/**
 * Eigen-decomposition of the symmetric `[n, n]` matrix `a` (only its values are read, it is not
 * modified). Skipping the vectors saves the O(n^3) accumulation of the transformations.
 */
export function symmetricEigen(a: Float64Array, n: number, wantVectors = true): SymmetricEigen {
  if (a.length !== n * n) throw new Error(`symmetricEigen: expected ${n}x${n} = ${n * n} values, got ${a.length}`);
  const v = Float64Array.from(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { values: d, vectors: wantVectors ? v : undefined };
  tridiagonalize(v, d, e, n, wantVectors);
  if (!wantVectors) {
    diagonalizeTridiagonal(v, d, e, n, false);
    return { values: d.sort() };
  }
  const vt = transpose(v, n);
  diagonalizeTridiagonal(vt, d, e, n, true);
  sortRowsByValue(vt, d, n);
  return { values: d, vectors: transpose(vt, n) };
}

/**
 * Principal square root of the symmetric positive semi-definite `[n, n]` matrix `a`:
 * V·diag(√max(λ, 0))·Vᵀ. Eigenvalues below zero can only be rounding error here and are clipped.
 */
export function sqrtmPsd(a: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, n, true);
  const v = vectors!;
  const scaled = new Float64Array(n * n); // V·diag(√λ)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) scaled[i * n + j] = v[i * n + j] * Math.sqrt(Math.max(values[j], 0));
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += scaled[i * n + k] * v[j * n + k];
      out[i * n + j] = sum;
      out[j * n + i] = sum;
    }
  }
  return out;
}

// Householder reduction to tridiagonal form (tred2). On return d holds the diagonal, e the
// sub-diagonal (e[0] = 0) and v the accumulated orthogonal transformation when wantVectors.
function tridiagonalize(v: Float64Array, d: Float64Array, e: Float64Array, n: number, wantVectors: boolean): void {
  for (let j = 0; j < n; j++) d[j] = v[(n - 1) * n + j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = v[(i - 1) * n + j];
        v[i * n + j] = 0;
        v[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        v[j * n + i] = f;
        g = e[j] + v[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[k * n + j] * d[k];
          e[k] += v[k * n + j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) v[k * n + j] -= f * e[k] + g * d[k];
        d[j] = v[(i - 1) * n + j];
        v[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  if (wantVectors) {
    for (let i = 0; i < n - 1; i++) {
      v[(n - 1) * n + i] = v[i * n + i];
      v[i * n + i] = 1;
      const h = d[i + 1];
      if (h !== 0) {
        for (let k = 0; k <= i; k++) d[k] = v[k * n + i + 1] / h;
        for (let j = 0; j <= i; j++) {
          let g = 0;
          for (let k = 0; k <= i; k++) g += v[k * n + i + 1] * v[k * n + j];
          for (let k = 0; k <= i; k++) v[k * n + j] -= g * d[k];
        }
      }
      for (let k = 0; k <= i; k++) v[k * n + i + 1] = 0;
    }
  }
  // The accumulation above parks the diagonal in the last row; without it, it is still in place.
  for (let j = 0; j < n; j++) {
    d[j] = wantVectors ? v[(n - 1) * n + j] : v[j * n + j];
    v[(n - 1) * n + j] = 0;
  }
  v[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

// Implicit QL iterations on the tridiagonal matrix (tql2). Rotations are applied to the rows of vt,
// the transposed eigenvector matrix, so the O(n^3) inner loop reads memory contiguously.
function diagonalizeTridiagonal(vt: Float64Array, d: Float64Array, e: Float64Array, n: number, wantVectors: boolean): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > 60) throw new Error('symmetricEigen: QL iteration did not converge (non-finite input?)');
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (wantVectors) {
            const rowI = i * n;
            const rowNext = rowI + n;
            for (let k = 0; k < n; k++) {
              h = vt[rowNext + k];
              vt[rowNext + k] = s * vt[rowI + k] + c * h;
              vt[rowI + k] = c * vt[rowI + k] - s * h;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

// Selection sort of the eigenvalues, moving the matching rows of vt along.
function sortRowsByValue(vt: Float64Array, d: Float64Array, n: number): void {
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    for (let j = i + 1; j < n; j++) if (d[j] < d[k]) k = j;
    if (k === i) continue;
    [d[i], d[k]] = [d[k], d[i]];
    const rowI = vt.slice(i * n, i * n + n);
    vt.copyWithin(i * n, k * n, k * n + n);
    vt.set(rowI, k * n);
  }
}

function transpose(a: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j * n + i] = a[i * n + j];
  return out;
}
