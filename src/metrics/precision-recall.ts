// k-NN manifold metrics on feature sets: improved precision/recall (Kynkäänniemi et al. 2019,
// k = 3, inside when distance ≤ radius) and density/coverage (Naeem et al. 2020, k = 5, strict <).
// A sample's radius is the distance to its k-th nearest neighbour in its own set, itself excluded.
import { type DotProducts, float64Dots } from './dot-products.ts';
import type { FeatureMatrix } from './features.ts';

/** Neighbourhood sizes; the defaults are the papers'. */
export interface ManifoldOptions {
  /** k of precision/recall (3). */
  precisionRecallK?: number;
  /** k of density/coverage (5). */
  densityCoverageK?: number;
  /** Engine of the x·y products behind the distances (exact float64 by default; tfjsDots is fast float32). */
  dots?: DotProducts;
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

/** Rows of the distance matrices computed per engine call: bounds memory at BLOCK·n values. */
const BLOCK = 256;

/**
 * Calls `visit(i, j, d²)` for every row i of `a` and j of `b`, with squared Euclidean distances
 * ‖aᵢ‖² + ‖bⱼ‖² − 2·aᵢ·bⱼ (clipped at 0) from `dots`, BLOCK rows of `a` at a time.
 */
export function forEachSquaredDistance(a: FeatureMatrix, b: FeatureMatrix, dots: DotProducts,
  visit: (i: number, j: number, squared: number) => void): void {
  const dim = a.dim;
  const normsA = squaredNorms(a);
  const normsB = squaredNorms(b);
  for (let start = 0; start < a.n; start += BLOCK) {
    const rows = Math.min(BLOCK, a.n - start);
    const products = dots(a.data.subarray(start * dim, (start + rows) * dim), rows, b.data, b.n, dim);
    for (let r = 0; r < rows; r++) {
      const i = start + r;
      for (let j = 0; j < b.n; j++) {
        const squared = normsA[i] + normsB[j] - 2 * products[r * b.n + j];
        visit(i, j, squared > 0 ? squared : 0);
      }
    }
  }
}

/**
 * Squared distance from each row of `[n, dim]` to its k-th nearest other row, for every k in `ks`,
 * as the references compute it: the (k+1)-th smallest distance in the row, the row itself (0) included.
 */
export function squaredKnnRadii(features: FeatureMatrix, ks: number[], dots: DotProducts = float64Dots): SquaredRadii {
  const n = features.n;
  const kMax = Math.max(...ks);
  if (n <= kMax) throw new Error(`k-NN radii with k = ${kMax} need more than ${kMax} samples, got ${n}`);
  const keep = kMax + 1;
  // nearest[i*keep ..] holds row i's `keep` smallest squared distances, ascending.
  const nearest = new Float64Array(n * keep).fill(Infinity);
  forEachSquaredDistance(features, features, dots, (i, j, squared) => {
    insertSorted(nearest, i * keep, keep, i === j ? 0 : squared);
  });
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
  const dots = options.dots ?? float64Dots;
  if (real.dim !== fake.dim) throw new Error(`precision/recall: feature dimensions differ (${real.dim} vs ${fake.dim})`);
  const radii = realRadii ?? squaredKnnRadii(real, [kPR, kDC], dots);
  const realPR = radii.get(kPR);
  const realDC = radii.get(kDC);
  if (!realPR || !realDC || realPR.length !== real.n) throw new Error(`precision/recall: the cached real radii do not match k = ${kPR}, ${kDC} and ${real.n} samples`);
  const fakePR = squaredKnnRadii(fake, [kPR], dots).get(kPR)!;

  const fakeInReal = new Uint8Array(fake.n); // precision: inside some real sample's k-NN ball
  const realInFake = new Uint8Array(real.n); // recall: inside some fake sample's k-NN ball
  const realBallsHit = new Float64Array(fake.n); // density: how many real balls contain the fake
  const nearestFake = new Float64Array(real.n).fill(Infinity); // coverage
  forEachSquaredDistance(fake, real, dots, (i, j, d) => {
    if (d <= realPR[j]) fakeInReal[i] = 1;
    if (d <= fakePR[i]) realInFake[j] = 1;
    if (d < realDC[j]) realBallsHit[i]++;
    if (d < nearestFake[j]) nearestFake[j] = d;
  });
  let covered = 0;
  for (let j = 0; j < real.n; j++) if (nearestFake[j] < realDC[j]) covered++;
  return {
    precision: mean(fakeInReal),
    recall: mean(realInFake),
    density: mean(realBallsHit) / kDC,
    coverage: covered / real.n,
  };
}

function squaredNorms(features: FeatureMatrix): Float64Array {
  const { n, dim, data } = features;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = 0; k < dim; k++) sum += data[i * dim + k] * data[i * dim + k];
    out[i] = sum;
  }
  return out;
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
