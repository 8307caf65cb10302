import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gaussianStats, type GaussianStats } from '../../src/metrics/features.ts';
import { frechetDistance, traceSqrtProduct } from '../../src/metrics/fid.ts';
import { assertClose, reference, rows } from './reference.ts';

function diagonalStats(mu: number[], variances: number[]): GaussianStats {
  const dim = mu.length;
  const sigma = new Float64Array(dim * dim);
  variances.forEach((v, i) => { sigma[i * dim + i] = v; });
  return { mu: Float64Array.from(mu), sigma, dim, n: 1000 };
}

test('the three-point example (0,0,0), (.5,.5,.5), (1,1,1) has mean 0.5 and covariance 0.25 everywhere', () => {
  const { mu, sigma } = gaussianStats(rows([[0, 0, 0], [0.5, 0.5, 0.5], [1, 1, 1]]));
  assert.deepEqual(Array.from(mu), [0.5, 0.5, 0.5]);
  assert.deepEqual(Array.from(sigma), new Array(9).fill(0.25));
});

for (const dim of [1, 8, 128]) {
  test(`FID of N(0, I) vs N(1, I) from statistics is d = ${dim}`, () => {
    const zeros = new Array(dim).fill(0);
    const { fid } = frechetDistance(diagonalStats(zeros, zeros.map(() => 1)), diagonalStats(zeros.map(() => 1), zeros.map(() => 1)));
    assertClose(fid, dim, 1e-12);
  });
}

test('FID of diagonal Gaussians matches the closed form Σ(μ1−μ2)² + Σ(√a − √b)²', () => {
  const a = diagonalStats([0, 1, -2], [1, 4, 0.25]);
  const b = diagonalStats([1, 1, 0], [9, 1, 0.25]);
  const expected = 1 + 0 + 4 + (1 - 3) ** 2 + (2 - 1) ** 2 + 0;
  const { fid, offsetApplied } = frechetDistance(a, b);
  assertClose(fid, expected, 1e-12);
  assert.equal(offsetApplied, false);
});

test('tr sqrt(Σ1Σ2) of a non-commuting 2×2 pair matches √(tr P + 2√det P)', () => {
  const s1 = Float64Array.from([2, 1, 1, 1]);
  const s2 = Float64Array.from([1, -0.5, -0.5, 3]);
  // P = Σ1Σ2
  const p = [2 * 1 + 1 * -0.5, 2 * -0.5 + 1 * 3, 1 * 1 + 1 * -0.5, 1 * -0.5 + 1 * 3];
  const expected = Math.sqrt(p[0] + p[3] + 2 * Math.sqrt(p[0] * p[3] - p[1] * p[2]));
  assertClose(traceSqrtProduct(s1, s2, 2).trace, expected, 1e-12);
});

test('FID matches pytorch-fid (scipy sqrtm) on seeded features', () => {
  const { x, y, fid, traceSqrtProduct: trace } = reference.fid;
  const a = gaussianStats(rows(x));
  const b = gaussianStats(rows(y));
  assertClose(traceSqrtProduct(a.sigma, b.sigma, a.dim).trace, trace, 1e-10, 'tr sqrt(Σ1Σ2)');
  assertClose(frechetDistance(a, b).fid, fid, 1e-10, 'FID');
});

test('FID(x, x) ≈ 0 and FID is symmetric', () => {
  const a = gaussianStats(rows(reference.fid.x));
  const b = gaussianStats(rows(reference.fid.y));
  assert.ok(Math.abs(frechetDistance(a, a).fid) < 1e-10);
  assertClose(frechetDistance(a, b).fid, frechetDistance(b, a).fid, 1e-12);
});

test('a singular Σ1Σ2 takes pytorch-fid\'s offset branch and warns about too few samples', () => {
  const { x, y, fidWithOffset } = reference.fidSingular;
  const result = frechetDistance(gaussianStats(rows(x)), gaussianStats(rows(y)));
  assert.equal(result.offsetApplied, true);
  assertClose(result.fid, fidWithOffset, 1e-8);
  assert.ok(result.warnings.some((w) => w.includes('singular product; adding 0.000001')));
  assert.ok(result.warnings.some((w) => w.includes('FID from 4 samples of 8-d features')));
});

test('FID rejects a covariance whose square root is far from real, and mismatched dimensions', () => {
  const a = diagonalStats([0, 0], [1, 1]);
  const notPsd = diagonalStats([0, 0], [1, -1]);
  assert.throws(() => frechetDistance(a, notPsd), /imaginary component 1 /);
  assert.throws(() => frechetDistance(a, diagonalStats([0], [1])), /dimensions differ \(2 vs 1\)/);
});
