import { test } from 'node:test';
import assert from 'node:assert/strict';
import { precisionRecallDensityCoverage, squaredKnnRadii } from '../../src/metrics/precision-recall.ts';
import { assertClose, gaussianRows, reference, rows } from './reference.ts';

test('k-NN radii exclude the point itself: points on a line', () => {
  // 0, 1, 3, 6: neighbours of 0 are at 1, 3, 6.
  const radii = squaredKnnRadii(rows([[0], [1], [3], [6]]), [1, 3]);
  assert.deepEqual(Array.from(radii.get(1)!), [1, 1, 4, 9]);
  assert.deepEqual(Array.from(radii.get(3)!), [36, 25, 9, 36]);
});

test('PR (≤ radius) and DC (< radius) by hand on a tiny set, k = 1', () => {
  // real: 0, 2, 10 with 1-NN radii 2, 2, 8. fake: 2.5, 4, 30 with radii 1.5, 1.5, 26.
  const real = rows([[0], [2], [10]]);
  const fake = rows([[2.5], [4], [30]]);
  const result = precisionRecallDensityCoverage(real, fake, { precisionRecallK: 1, densityCoverageK: 1 });
  // precision: 2.5 in ball(0,2)? no; ball(2,2) yes. 4 in ball(2,2) (|4−2| = 2 ≤ 2) yes. 30: no. → 2/3
  assertClose(result.precision, 2 / 3, 1e-15);
  // recall: real 0 within 1.5 of 2.5/4? no; 2 within 1.5 of 2.5: yes; 10 within 26 of 30: yes → 2/3
  assertClose(result.recall, 2 / 3, 1e-15);
  // density: 2.5 is strictly inside ball(2,2) and ball(10,8)? |10−2.5| = 7.5 < 8 yes → 2; 4: ball(2,2) is
  // not strict (2 < 2 false), ball(10,8): 6 < 8 yes → 1; 30 → 0. (2 + 1 + 0) / 3 / k
  assertClose(result.density, 1, 1e-15);
  // coverage: real 0 nearest fake 2.5 < 2? no; real 2: 0.5 < 2 yes; real 10: 6 < 8 yes → 2/3
  assertClose(result.coverage, 2 / 3, 1e-15);
});

test('PR/DC match the NVlabs (k = 3) and clovaai prdc (k = 5) formulas on seeded data', () => {
  const { real, fake, precision, recall, density, coverage } = reference.prdc;
  const result = precisionRecallDensityCoverage(rows(real), rows(fake));
  assertClose(result.precision, precision, 1e-12, 'precision');
  assertClose(result.recall, recall, 1e-12, 'recall');
  assertClose(result.density, density, 1e-12, 'density');
  assertClose(result.coverage, coverage, 1e-12, 'coverage');
});

test('a set against itself has precision = recall = coverage = 1', () => {
  const x = rows(reference.prdc.real);
  const result = precisionRecallDensityCoverage(x, x);
  assert.equal(result.precision, 1);
  assert.equal(result.recall, 1);
  assert.equal(result.coverage, 1);
});

test('two samples of one Gaussian: density ≈ 1 and coverage ≈ its closed form (prdc README example, scaled down)', () => {
  // For identically distributed real and fake sets (N reals, M fakes), exchangeability gives
  // E[density] = 1 and E[coverage] = 1 − Π_{i<k} (N−1−i)/(N−1+M−i): the chance that a real
  // point's k nearest among the other reals and all fakes are not all reals. N = M = 2000, k = 5:
  // 0.9689 (an off-by-one radius would give 0.9377 or 0.9844). The README example of prdc
  // (10,000 vs 10,000 in 1000-d) is measured by reference/prdc-readme-example.ts.
  const [n, dim, k] = [2000, 16, 5];
  let allReal = 1;
  for (let i = 0; i < k; i++) allReal *= (n - 1 - i) / (2 * n - 1 - i);
  const result = precisionRecallDensityCoverage(gaussianRows(n, dim, 0, 1), gaussianRows(n, dim, 0, 2), { precisionRecallK: k, densityCoverageK: k });
  assert.ok(Math.abs(result.coverage - (1 - allReal)) < 0.01, `coverage ${result.coverage} vs expected ${1 - allReal}`);
  assert.ok(Math.abs(result.density - 1) < 0.05, `density ${result.density}`);
});
