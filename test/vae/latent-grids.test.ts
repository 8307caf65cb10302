// Latent codes for pictures: traversal rows, the 2-D map's Gaussian-quantile grid, Φ⁻¹ against tables.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/env/backend.ts';
import { latentMapCodes, latentTraversal, linspace, normalQuantile } from '../../src/vae/latent-grids.ts';

before(async () => { await initBackend(); });

describe('vae latent grids', () => {
  it('Φ⁻¹ matches standard normal table values and is odd', () => {
    for (const [p, z] of [[0.5, 0], [0.975, 1.959963985], [0.05, -1.644853627], [0.8413447461, 1], [1e-6, -4.753424309]]) {
      assert.ok(Math.abs(normalQuantile(p) - z) < 1e-7, `Φ⁻¹(${p}) = ${normalQuantile(p)}, expected ${z}`);
      assert.ok(Math.abs(normalQuantile(1 - p) + normalQuantile(p)) < 1e-7);
    }
    assert.throws(() => normalQuantile(1), /p must be in \(0, 1\)/);
  });

  it('a traversal has one row per dimension, that coordinate swept and the rest at the base code', () => {
    const codes = latentTraversal([1, 2, 3], [0, 2], [-1, 1]);
    assert.deepEqual(codes.arraySync(), [[-1, 2, 3], [1, 2, 3], [1, 2, -1], [1, 2, 1]]);
    codes.dispose();
    assert.deepEqual(linspace(-3, 3, 4), [-3, -1, 1, 3]);
    assert.throws(() => latentTraversal([0, 0], [2], [0]), /latent dimension 2 does not exist: this model's z has dimensions 0\.\.1/);
  });

  it('the 2-D map puts z1 across columns and z2 up the rows, at the quantiles of 0.05..0.95', () => {
    const tensor = latentMapCodes(3);
    const codes = tensor.arraySync();
    tensor.dispose();
    const q = 1.644853627;
    const expected = [[-q, q], [0, q], [q, q], [-q, 0], [0, 0], [q, 0], [-q, -q], [0, -q], [q, -q]];
    codes.forEach((c, i) => c.forEach((v, j) => assert.ok(Math.abs(v - expected[i][j]) < 1e-6, `code ${i}: ${c} vs ${expected[i]}`)));
  });
});
