// k-NN manifold metrics on feature sets: improved precision/recall (Kynkäänniemi et al. 2019,
// k = 3, inside when distance ≤ radius) and density/coverage (Naeem et al. 2020, k = 5, strict <).
// A sample's radius is the distance to its k-th nearest neighbour in its own set, itself excluded.
import type { FeatureMatrix } from './features.ts';

/** Neighbourhood sizes; the defaults are the papers'. */
export interface ManifoldOptions {
  /** k of precision/recall (3). */
  precisionRecallK?: number;
  /** k of density/coverage (5). */
  densityCoverageK?: number;
}

/** Fractions in [0, 1] except density, which averages to 1 when fakes are distributed like reals. */
export interface ManifoldResult {
  precision: number;
  recall: number;
  density: number;
  coverage: number;
}

/** Squared k-NN radii `[n]` of one feature set, for each requested k. */
export type SquaredRadii = Map<number, Float64Array>;

/**
 * Squared distance from each row of `[n, dim]` to its k-th nearest other row, for every k in `ks`,
 * as the references compute it: the (k+1)-th smallest distance in the row, the row itself included.
 */
export function squaredKnnRadii(features: FeatureMatrix, ks: number[]): SquaredRadii {
  const { n, dim, data } = features;
  const kMax = Math.max(...ks);
  if (n <= kMax) throw new Error(`k-NN radii with k = ${kMax} need more than ${kMax} samples, got ${n}`);
  const keep = kMax + 1;
  // nearest[i*keep ..] holds row i's `keep` smallest squared distances, ascending.
  const nearest = new Float64Array(n * keep).fill(Infinity);
  for (let i = 0; i < n; i++) {
    insertSorted(nearest, i * keep, keep, 0); // the row itself
    for (let j = i + 1; j < n; j++) {
      const d = squaredDistance(data, i * dim, data, j * dim, dim);
      insertSorted(nearest, i * keep, keep, d);
      insertSorted(nearest, j * keep, keep, d);
    }
  }
  const radii: SquaredRadii = new Map();
  for (const k of ks) {
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) r[i] = nearest[i * keep + k];
    radii.set(k, r);
  }
  return radii;
}

/**
 * Precision, recall, density and coverage of `fake` against `real` (both `[n, dim]`). Pass
 * `realRadii` from `squaredKnnRadii(real, [kPR, kDC])` to reuse them across several fake sets.
 */
export function precisionRecallDensityCoverage(real: FeatureMatrix, fake: FeatureMatrix, options: ManifoldOptions = {},
  realRadii?: SquaredRadii): ManifoldResult {
  const kPR = options.precisionRecallK ?? 3;
  const kDC = options.densityCoverageK ?? 5;
  if (real.dim !== fake.dim) throw new Error(`precision/recall: feature dimensions differ (${real.dim} vs ${fake.dim})`);
  const radii = realRadii ?? squaredKnnRadii(real, [kPR, kDC]);
  const realPR = radii.get(kPR);
  const realDC = radii.get(kDC);
  if (!realPR || !realDC || realPR.length !== real.n) throw new Error(`precision/recall: the cached real radii do not match k = ${kPR}, ${kDC} and ${real.n} samples`);
  const fakePR = squaredKnnRadii(fake, [kPR]).get(kPR)!;

  const dim = real.dim;
  const fakeInReal = new Uint8Array(fake.n); // precision: inside some real sample's k-NN ball
  const realInFake = new Uint8Array(real.n); // recall: inside some fake sample's k-NN ball
  const realBallsHit = new Float64Array(fake.n); // density: how many real balls contain the fake
  const nearestFake = new Float64Array(real.n).fill(Infinity); // coverage
  for (let i = 0; i < fake.n; i++) {
    for (let j = 0; j < real.n; j++) {
      const d = squaredDistance(fake.data, i * dim, real.data, j * dim, dim);
      if (d <= realPR[j]) fakeInReal[i] = 1;
      if (d <= fakePR[i]) realInFake[j] = 1;
      if (d < realDC[j]) realBallsHit[i]++;
      if (d < nearestFake[j]) nearestFake[j] = d;
    }
  }
  let covered = 0;
  for (let j = 0; j < real.n; j++) if (nearestFake[j] < realDC[j]) covered++;
  return {
    precision: mean(fakeInReal),
    recall: mean(realInFake),
    density: mean(realBallsHit) / kDC,
    coverage: covered / real.n,
  };
}

function squaredDistance(a: ArrayLike<number>, aStart: number, b: ArrayLike<number>, bStart: number, dim: number): number {
  let sum = 0;
  for (let k = 0; k < dim; k++) {
    const diff = a[aStart + k] - b[bStart + k];
    sum += diff * diff;
  }
  return sum;
}

// Inserts `value` into the ascending list list[start .. start+length) when it is small enough.
function insertSorted(list: Float64Array, start: number, length: number, value: number): void {
  let i = start + length - 1;
  if (!(value < list[i])) return;
  while (i > start && list[i - 1] > value) {
    list[i] = list[i - 1];
    i--;
  }
  list[i] = value;
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}
