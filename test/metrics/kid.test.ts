import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelInceptionDistance, unbiasedMmd2 } from '../../src/metrics/kid.ts';
import { assertClose, gaussianRows, reference, rows } from './reference.ts';

test('unbiased MMD² by hand: two 1-d pairs', () => {
  // d = 1, k(a, b) = (ab + 1)³. x = {0, 1}, y = {1, 2}.
  // XX off-diagonal: 2·k(0,1) = 2. YY: 2·k(1,2) = 54. XY: k(0,1)+k(0,2)+k(1,1)+k(1,2) = 1+1+8+27.
  const expected = (2 + 54) / 2 - (2 * 37) / 4;
  assertClose(unbiasedMmd2(Float64Array.from([0, 1]), Float64Array.from([1, 2]), 2, 1), expected, 1e-15);
});

test('KID matches torch-fidelity\'s kid_features_to_metric (RandomState(2020) subsets)', () => {
  const { x, y, subsets, subsetSize, mean, std } = reference.kid;
  const result = kernelInceptionDistance(rows(x), rows(y), { subsets, subsetSize });
  assertClose(result.mean, mean, 1e-12, 'KID mean');
  assertClose(result.std, std, 1e-12, 'KID std');
});

test('KID is near zero between two samples of one distribution and clearly positive after a shift', () => {
  const options = { subsets: 10, subsetSize: 200 };
  const same = kernelInceptionDistance(gaussianRows(300, 8, 0, 1), gaussianRows(300, 8, 0, 2), options);
  const shifted = kernelInceptionDistance(gaussianRows(300, 8, 0, 1), gaussianRows(300, 8, 0.5, 2), options);
  assert.ok(shifted.mean > 0.1, `shifted KID ${shifted.mean}`);
  assert.ok(Math.abs(same.mean) < 0.05 * shifted.mean, `same-distribution KID ${same.mean} vs shifted ${shifted.mean}`);
});

test('KID with a subset larger than either set is a clear error', () => {
  assert.throws(() => kernelInceptionDistance(rows(reference.kid.x), rows(reference.kid.y), { subsetSize: 45 }),
    /KID subset size 45 is larger than the number of samples \(first: 50, second: 40\)/);
});
