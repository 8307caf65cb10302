// Feature matrices (one row per image) and their Gaussian moments, the input of FID, KID and PR.

/** `n` rows of `dim` features, row-major: `[n, dim]`. */
export interface FeatureMatrix {
  n: number;
  dim: number;
  data: Float32Array | Float64Array;
}

/** Mean `[dim]` and covariance `[dim, dim]` (unbiased, N−1) of a feature set, as numpy computes them. */
export interface GaussianStats {
  mu: Float64Array;
  sigma: Float64Array;
  dim: number;
  /** Number of samples the moments came from. */
  n: number;
}

/** Wraps a flat `[n, dim]` array, checking that its length fits. */
export function featureMatrix(data: Float32Array | Float64Array, dim: number): FeatureMatrix {
  if (dim <= 0 || data.length % dim !== 0) {
    throw new Error(`feature array of length ${data.length} is not a whole number of ${dim}-d rows`);
  }
  return { n: data.length / dim, dim, data };
}

/**
 * Mean and covariance in float64 (`np.mean(axis=0)`, `np.cov(rowvar=False)`). Needs n ≥ 2; the
 * covariance is singular when n ≤ dim, which FID reports as a warning.
 */
export function gaussianStats(features: FeatureMatrix): GaussianStats {
  const { n, dim, data } = features;
  if (n < 2) throw new Error(`need at least 2 feature vectors for a covariance, got ${n}`);
  const mu = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const row = i * dim;
    for (let j = 0; j < dim; j++) mu[j] += data[row + j];
  }
  for (let j = 0; j < dim; j++) mu[j] /= n;
  // Upper triangle of the centred Gram matrix, one centred row at a time, then mirrored.
  const sigma = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const row = i * dim;
    for (let j = 0; j < dim; j++) centred[j] = data[row + j] - mu[j];
    for (let a = 0; a < dim; a++) {
      const ca = centred[a];
      if (ca === 0) continue;
      const base = a * dim;
      for (let b = a; b < dim; b++) sigma[base + b] += ca * centred[b];
    }
  }
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const value = sigma[a * dim + b] / (n - 1);
      sigma[a * dim + b] = value;
      sigma[b * dim + a] = value;
    }
  }
  return { mu, sigma, dim, n };
}
