// Fréchet distance between two Gaussians, following pytorch-fid's `calculate_frechet_distance`:
// FID = |μ1−μ2|² + tr Σ1 + tr Σ2 − 2·tr sqrt(Σ1Σ2), with its offset and imaginary-part branches.
import type { GaussianStats } from './features.ts';
import { matMul, sqrtmPsd, symmetricEigen, trace } from './linalg.ts';

/** A FID value and how it was reached. */
export interface FidResult {
  fid: number;
  /** True when Σ1Σ2 was singular and ε·I was added to both covariances (pytorch-fid's retry). */
  offsetApplied: boolean;
  /** Messages a user should see (too few samples, the offset retry). */
  warnings: string[];
}

/** tr sqrt(Σ1Σ2) and what the eigenvalues of the product say about its matrix square root. */
export interface TraceSqrtProduct {
  /** Trace of the real part of the principal square root. */
  trace: number;
  /** Largest imaginary part a diagonal entry of the complex square root can have. */
  maxImaginary: number;
  /** Two or more eigenvalues are zero to working precision: scipy's Schur-based sqrtm divides 0 by 0. */
  singular: boolean;
}

/**
 * tr sqrt(Σ1Σ2) for `[dim, dim]` covariances. Σ1Σ2 is not symmetric, but it is similar to the
 * symmetric PSD matrix M = Σ1^½ Σ2 Σ1^½ (XY and YX share eigenvalues), so the trace of its
 * principal square root is Σ √λ(M); a negative λ is rounding error that would be an imaginary part.
 */
export function traceSqrtProduct(sigma1: Float64Array, sigma2: Float64Array, dim: number): TraceSqrtProduct {
  const root1 = sqrtmPsd(sigma1, dim);
  const product = matMul(matMul(root1, sigma2, dim), root1, dim);
  // Make M exactly symmetric: the two matmuls round the mirrored entries differently.
  for (let i = 0; i < dim; i++) {
    for (let j = i + 1; j < dim; j++) {
      const mean = (product[i * dim + j] + product[j * dim + i]) / 2;
      product[i * dim + j] = mean;
      product[j * dim + i] = mean;
    }
  }
  const { values } = symmetricEigen(product, dim, false);
  let largest = 0;
  for (const value of values) largest = Math.max(largest, Math.abs(value));
  const tolerance = dim * Number.EPSILON * largest;
  let sum = 0;
  let zeros = 0;
  let mostNegative = 0;
  for (const value of values) {
    if (Math.abs(value) <= tolerance) zeros++;
    if (value > 0) sum += Math.sqrt(value);
    else mostNegative = Math.min(mostNegative, value);
  }
  return { trace: sum, maxImaginary: mostNegative < 0 ? Math.sqrt(-mostNegative) : 0, singular: zeros >= 2 };
}

/**
 * FID between two feature Gaussians (`mu [dim]`, `sigma [dim, dim]`). Throws when the dimensions
 * differ, when the statistics are not finite, or when the square root has an imaginary part > 1e-3.
 */
export function frechetDistance(a: GaussianStats, b: GaussianStats, eps = 1e-6): FidResult {
  if (a.dim !== b.dim) throw new Error(`FID: feature dimensions differ (${a.dim} vs ${b.dim}); were they made by the same extractor?`);
  const dim = a.dim;
  for (const [name, stats] of [['first', a], ['second', b]] as const) {
    if (!stats.mu.every(Number.isFinite) || !stats.sigma.every(Number.isFinite)) {
      throw new Error(`FID: the ${name} statistics contain NaN or Infinity`);
    }
  }
  const warnings: string[] = [];
  for (const stats of [a, b]) {
    if (stats.n < dim) {
      warnings.push(`FID from ${stats.n} samples of ${dim}-d features: the covariance is singular (rank ≤ ${stats.n - 1}); use at least ${dim} samples`);
    }
  }
  let diffSquared = 0;
  for (let i = 0; i < dim; i++) diffSquared += (a.mu[i] - b.mu[i]) ** 2;

  let root = traceSqrtProduct(a.sigma, b.sigma, dim);
  let offsetApplied = false;
  if (root.singular) {
    warnings.push(`fid calculation produces singular product; adding ${eps} to diagonal of cov estimates`);
    root = traceSqrtProduct(withDiagonalOffset(a.sigma, dim, eps), withDiagonalOffset(b.sigma, dim, eps), dim);
    offsetApplied = true;
  }
  if (root.maxImaginary > 1e-3) {
    throw new Error(`FID: imaginary component ${root.maxImaginary} in sqrt(Σ1Σ2); are both covariances positive semi-definite?`);
  }
  const fid = diffSquared + trace(a.sigma, dim) + trace(b.sigma, dim) - 2 * root.trace;
  return { fid, offsetApplied, warnings };
}

function withDiagonalOffset(sigma: Float64Array, dim: number, eps: number): Float64Array {
  const out = Float64Array.from(sigma);
  for (let i = 0; i < dim; i++) out[i * dim + i] += eps;
  return out;
}
