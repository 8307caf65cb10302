// Loads the reference values written by test/metrics/reference/make-reference.py (numpy/scipy).
import { readFileSync } from 'node:fs';
import { featureMatrix, type FeatureMatrix } from '../../src/metrics/features.ts';

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
