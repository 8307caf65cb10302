// Kernel Inception Distance as torch-fidelity's `kid_features_to_metric`: the unbiased MMD² with the
// cubic polynomial kernel k(x, y) = (x·y/d + 1)³, averaged over random subsets (mean ± np.std).
import { type DotProducts, float64Dots } from './dot-products.ts';
import type { FeatureMatrix } from './features.ts';
import { NumpyRandomState } from './numpy-random.ts';

/** KID options; the defaults are torch-fidelity's. */
export interface KidOptions {
  /** Number of subsets drawn (torch-fidelity: 100). */
  subsets?: number;
  /** Samples per subset, drawn without replacement (torch-fidelity: 1000). */
  subsetSize?: number;
  /** Seed of numpy's RandomState that picks the subsets (torch-fidelity: 2020). */
  seed?: number;
  /** Engine of the x·y products (exact float64 by default; tfjsDots is the fast float32 one). */
  dots?: DotProducts;
}

/** KID mean and population standard deviation over the subsets. */
export interface KidResult {
  mean: number;
  std: number;
  subsets: number;
  subsetSize: number;
}

/**
 * KID between two `[n, dim]` feature sets. Each subset draws `subsetSize` rows of the first set,
 * then of the second, with `RandomState(seed).choice(n, size, replace=False)`, as torch-fidelity does.
 */
export function kernelInceptionDistance(a: FeatureMatrix, b: FeatureMatrix, options: KidOptions = {}): KidResult {
  const subsets = options.subsets ?? 100;
  const subsetSize = options.subsetSize ?? 1000;
  if (a.dim !== b.dim) throw new Error(`KID: feature dimensions differ (${a.dim} vs ${b.dim})`);
  if (subsetSize < 2) throw new Error(`KID subset size must be at least 2, got ${subsetSize}`);
  if (a.n < subsetSize || b.n < subsetSize) {
    throw new Error(`KID subset size ${subsetSize} is larger than the number of samples (first: ${a.n}, second: ${b.n}); ` +
      'lower the subset size or evaluate more samples');
  }
  const rng = new NumpyRandomState(options.seed ?? 2020);
  const mmds = new Float64Array(subsets);
  for (let s = 0; s < subsets; s++) {
    const x = gatherRows(a, rng.choiceWithoutReplacement(a.n, subsetSize));
    const y = gatherRows(b, rng.choiceWithoutReplacement(b.n, subsetSize));
    mmds[s] = unbiasedMmd2(x, y, subsetSize, a.dim, options.dots);
  }
  const mean = mmds.reduce((sum, v) => sum + v, 0) / subsets;
  const variance = mmds.reduce((sum, v) => sum + (v - mean) ** 2, 0) / subsets;
  return { mean, std: Math.sqrt(variance), subsets, subsetSize };
}

/**
 * torch-fidelity's `mmd2(..., mmd_est='unbiased')` for `[m, dim]` row sets x and y:
 * (Σ_{i≠j} k(xi,xj) + Σ_{i≠j} k(yi,yj)) / (m(m−1)) − 2·Σ_{i,j} k(xi,yj) / m².
 */
export function unbiasedMmd2(x: Float64Array, y: Float64Array, m: number, dim: number, dots: DotProducts = float64Dots): number {
  const offDiagonalXX = kernelSum(dots(x, m, x, m, dim), m, dim, true);
  const offDiagonalYY = kernelSum(dots(y, m, y, m, dim), m, dim, true);
  const crossXY = kernelSum(dots(x, m, y, m, dim), m, dim, false);
  return (offDiagonalXX + offDiagonalYY) / (m * (m - 1)) - (2 * crossXY) / (m * m);
}

// Σ_{i,j} (x_i·y_j/d + 1)³ over an [m, m] matrix of dot products, in float64, leaving out the
// diagonal when `skipDiagonal`.
function kernelSum(products: Float32Array | Float64Array, m: number, dim: number, skipDiagonal: boolean): number {
  const gamma = 1 / dim;
  let total = 0;
  for (let i = 0; i < m; i++) {
    let rowSum = 0;
    for (let j = 0; j < m; j++) {
      if (skipDiagonal && i === j) continue;
      const base = products[i * m + j] * gamma + 1;
      rowSum += base * base * base;
    }
    total += rowSum;
  }
  return total;
}

function gatherRows(features: FeatureMatrix, rows: Int32Array): Float64Array {
  const { dim, data } = features;
  const out = new Float64Array(rows.length * dim);
  for (let r = 0; r < rows.length; r++) {
    for (let k = 0; k < dim; k++) out[r * dim + k] = data[rows[r] * dim + k];
  }
  return out;
}
