// Loads the reference values written by test/metrics/reference/make-reference.py (numpy/scipy).
import { readFileSync } from 'node:fs';
import { featureMatrix, type FeatureMatrix } from '../../src/metrics/features.ts';
import { NumpyRandomState } from '../../src/metrics/numpy-random.ts';

/** reference-values.json, parsed. */
export const reference = JSON.parse(readFileSync(new URL('./reference/reference-values.json', import.meta.url), 'utf8'));

/** A `[n, dim]` FeatureMatrix from nested number arrays. */
export function rows(values: number[][]): FeatureMatrix {
  return featureMatrix(Float64Array.from(values.flat()), values[0].length);
}

/** Asserts |actual − expected| ≤ tolerance·max(1, |expected|). */
export function assertClose(actual: number, expected: number, tolerance = 1e-9, what = 'value'): void {
  if (!(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)))) {
    throw new Error(`${what}: expected ${expected}, got ${actual} (tolerance ${tolerance})`);
  }
}

/** Asserts |actual − expected| ≤ relative·|expected| (no absolute floor: for values far from 1 too). */
export function assertRelativelyClose(actual: number, expected: number, relative: number, what = 'value'): void {
  if (!(Math.abs(actual - expected) <= relative * Math.abs(expected))) {
    throw new Error(`${what}: expected ${expected}, got ${actual} (relative error ${Math.abs(actual - expected) / Math.abs(expected)} > ${relative})`);
  }
}

/** `n` seeded `dim`-d rows of N(mean, I) (Box–Muller on numpy's generator). */
export function gaussianRows(n: number, dim: number, mean: number, seed: number): FeatureMatrix {
  const rng = new NumpyRandomState(seed);
  const uniform = () => (rng.nextUint32() + 1) / (2 ** 32 + 1);
  const data = Float64Array.from({ length: n * dim }, () => mean + Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
  return featureMatrix(data, dim);
}
