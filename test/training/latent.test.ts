// Latent codes: seeded prior draws, truncation, and linear/spherical paths between two codes.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/core/random.ts';
import { initBackend } from '../../src/env/backend.ts';
import { interpolateLatents, latentValues } from '../../src/training/latent.ts';

before(async () => {
  await initBackend();
});

describe('latentValues', () => {
  it('is reproducible from the seed and follows the prior', () => {
    assert.deepEqual(latentValues(8, 'normal', new Rng(3)), latentValues(8, 'normal', new Rng(3)));
    const normal = latentValues(20000, 'normal', new Rng(4));
    const mean = normal.reduce((s, x) => s + x, 0) / normal.length;
    const variance = normal.reduce((s, x) => s + (x - mean) ** 2, 0) / normal.length;
    assert.ok(Math.abs(mean) < 0.03 && Math.abs(variance - 1) < 0.05, `mean ${mean}, variance ${variance}`);
    const uniform = latentValues(20000, 'uniform', new Rng(5));
    assert.ok(uniform.every((x) => x >= -1 && x < 1));
    assert.ok(Math.abs(uniform.reduce((s, x) => s + x, 0) / uniform.length) < 0.02);
  });

  it('truncation keeps every coordinate within ±t', () => {
    const values = latentValues(5000, 'normal', new Rng(6), 0.5);
    assert.ok(values.every((x) => Math.abs(x) <= 0.5));
    assert.throws(() => latentValues(1, 'normal', new Rng(0), -1), /truncation must be positive/);
  });
});

describe('interpolateLatents', () => {
  const a = Float32Array.from([3, 0, 0, 0]);
  const b = Float32Array.from([0, 4, 0, 0]);

  it('starts at a, ends at b; linear halves the sum, slerp keeps to the arc', () => {
    for (const mode of ['linear', 'slerp'] as const) {
      const path = interpolateLatents(a, b, 5, mode);
      const rows = tf.unstack(path).map((t) => t.dataSync());
      rows.forEach((r, i) => assert.equal(r.length, 4, `row ${i}`));
      rows[0].forEach((x, i) => assert.ok(Math.abs(x - a[i]) < 1e-6));
      rows[4].forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 1e-6));
      const middle = rows[2];
      if (mode === 'linear') assert.deepEqual(Array.from(middle), [1.5, 2, 0, 0]);
      // Between orthogonal codes the midpoint weighs each by sin(π/4) / sin(π/2) = √½: (3√½, 4√½).
      else middle.forEach((x, i) => assert.ok(Math.abs(x - [3, 4, 0, 0][i] * Math.SQRT1_2) < 1e-5, `${x} at ${i}`));
      tf.dispose(path);
    }
  });

  it('falls back to linear for parallel codes and rejects bad input', () => {
    const path = interpolateLatents(a, Float32Array.from([6, 0, 0, 0]), 3, 'slerp');
    assert.deepEqual(Array.from(path.dataSync()).filter((_, i) => i % 4 === 0), [3, 4.5, 6]);
    path.dispose();
    assert.throws(() => interpolateLatents(a, Float32Array.from([1, 2]), 3, 'linear'), /sizes 4 and 2/);
    assert.throws(() => interpolateLatents(a, b, 1, 'linear'), /at least 2/);
  });
});
