// The seeded PRNG: reproducible streams, resumable state, sane distributions, valid permutations.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mixSeed, permutation, Rng } from '../../src/core/random.ts';

const draw = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.next());

describe('Rng', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    assert.deepEqual(draw(new Rng(42), 20), draw(new Rng(42), 20));
    assert.notDeepEqual(draw(new Rng(42), 20), draw(new Rng(43), 20));
  });

  it('resumes exactly from a saved state', () => {
    const a = new Rng(7);
    draw(a, 13);
    const saved = a.state;
    const expected = draw(a, 10);
    const b = new Rng(0);
    b.state = saved;
    assert.deepEqual(draw(b, 10), expected);
  });

  it('draws uniforms in [0, 1) with mean 1/2 and variance 1/12, and standard normals', () => {
    const rng = new Rng(1);
    const u = draw(rng, 100_000);
    assert.ok(u.every((x) => x >= 0 && x < 1));
    const mean = u.reduce((s, x) => s + x, 0) / u.length;
    const variance = u.reduce((s, x) => s + (x - mean) ** 2, 0) / u.length;
    assert.ok(Math.abs(mean - 0.5) < 0.005 && Math.abs(variance - 1 / 12) < 0.002, `mean ${mean} variance ${variance}`);
    const z = Array.from({ length: 100_000 }, () => rng.normal());
    const zMean = z.reduce((s, x) => s + x, 0) / z.length;
    const zVar = z.reduce((s, x) => s + (x - zMean) ** 2, 0) / z.length;
    assert.ok(Math.abs(zMean) < 0.01 && Math.abs(zVar - 1) < 0.02, `normal mean ${zMean} variance ${zVar}`);
  });

  it('int(n) covers 0..n-1 evenly', () => {
    const rng = new Rng(3);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(6)]++;
    assert.ok(counts.every((c) => Math.abs(c - 10_000) < 400), `counts ${counts}`);
  });
});

describe('permutation and mixSeed', () => {
  it('permutation holds each index exactly once and depends on the seed', () => {
    const p = permutation(1000, new Rng(5));
    assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
    assert.notDeepEqual(p, permutation(1000, new Rng(6)));
    assert.deepEqual(p, permutation(1000, new Rng(5)));
  });

  it('mixSeed separates nearby parts and keeps order significant', () => {
    const seeds = new Set<number>();
    for (let a = 0; a < 30; a++) for (let b = 0; b < 30; b++) seeds.add(mixSeed(a, b));
    assert.equal(seeds.size, 900);
    assert.notEqual(mixSeed(1, 2), mixSeed(2, 1));
  });
});
