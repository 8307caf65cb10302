// InfoGAN's codes (src/gan/info-codes.ts, src/training/latent.ts): the mutual-information terms against hand-computed
// values and their gradients against finite differences, the flags' parsing, and the code draws (one-hot, U(−1, 1)).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/core/random.ts';
import { initBackend } from '../../src/env/backend.ts';
import { categoryCounts, drawCodes, infoHeadUnits, infoLoss, latentCodesOf } from '../../src/gan/info-codes.ts';
import { checkFixedCodes, codeOffsets, codesSize, latentValues, latentVectors } from '../../src/training/latent.ts';
import type { LatentCode } from '../../src/training/trainable.ts';

before(async () => {
  await initBackend('cpu');
});

const LOG_2PI_HALF = 0.5 * Math.log(2 * Math.PI);

describe('the mutual-information loss', () => {
  // Each case: codes, Q's output [n, units], the codes drawn [n, Σ sizes], and −E log Q(c | x) worked out by hand.
  const cases: { name: string; codes: LatentCode[]; head: number[][]; drawn: number[][]; expected: number }[] = [
    {
      // Row 1: −log softmax([1, 2, 3])[2] = log(1 + e⁻¹ + e⁻²) = 0.4076059644; row 2: −log(1/3) = 1.0986122887.
      name: 'one categorical code: cross-entropy of the softmax with the one-hot',
      codes: latentCodesOf({ infoCategorical: '3', infoContinuous: 0 }),
      head: [[1, 2, 3], [0, 0, 0]],
      drawn: [[0, 0, 1], [1, 0, 0]],
      expected: (0.4076059644 + 1.0986122887) / 2,
    },
    {
      // Row 1: μ 0.5, log σ 0, c −0.5: 0 + ½·1² + ½log 2π; row 2: μ 0, σ 2, c 1: log 2 + ½·(½)² + ½log 2π.
      name: 'one continuous code: the Gaussian negative log-likelihood',
      codes: latentCodesOf({ infoCategorical: '', infoContinuous: 1 }),
      head: [[0.5, 0], [0, Math.log(2)]],
      drawn: [[-0.5], [1]],
      expected: (0.5 + LOG_2PI_HALF + Math.log(2) + 0.125 + LOG_2PI_HALF) / 2,
    },
    {
      // One row: cat0 (2-way, logits [0, log 3], category 1) −log(3/4); cat1 (3-way, uniform logits) log 3;
      // cont0 μ 0, σ 1, c 1: ½ + ½log 2π; cont1 μ 1, σ e⁻¹, c 0: −1 + ½·e² + ½log 2π. The head lists both means, then both log σ.
      name: 'two categorical and two continuous codes: the sum of the terms, in the head\'s layout',
      codes: latentCodesOf({ infoCategorical: '2,3', infoContinuous: 2 }),
      head: [[0, Math.log(3), 5, 5, 5, 0, 1, 0, -1]],
      drawn: [[0, 1, 0, 0, 1, 1, 0]],
      expected: -Math.log(0.75) + Math.log(3) + 0.5 + LOG_2PI_HALF + (-1 + 0.5 * Math.E ** 2 + LOG_2PI_HALF),
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      assert.equal(infoHeadUnits(c.codes), c.head[0].length);
      assert.equal(codesSize(c.codes), c.drawn[0].length);
      const value = tf.tidy(() => infoLoss(tf.tensor2d(c.head), tf.tensor2d(c.drawn), c.codes).dataSync()[0]);
      assert.ok(Math.abs(value - c.expected) < 1e-5, `loss ${value}, by hand ${c.expected}`);
    });
  }

  it('has the gradient of its closed form with respect to Q\'s output (finite differences)', () => {
    const { codes, head, drawn } = cases[2];
    const loss = (h: tf.Tensor) => infoLoss(h as tf.Tensor2D, tf.tensor2d(drawn), codes);
    const grad = tf.tidy(() => tf.grad(loss)(tf.tensor2d(head)).dataSync());
    const eps = 1e-2;
    head[0].forEach((_, j) => {
      const at = (delta: number) => tf.tidy(() => loss(tf.tensor2d([head[0].map((v, k) => v + (k === j ? delta : 0))])).dataSync()[0]);
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      assert.ok(Math.abs(grad[j] - numeric) < 2e-2 * Math.max(1, Math.abs(numeric)), `unit ${j}: ${grad[j]} vs ${numeric}`);
    });
  });

  it('refuses a layout with a categorical code after a continuous one', () => {
    const codes: LatentCode[] = [{ name: 'cont0', kind: 'continuous', size: 1 }, { name: 'cat0', kind: 'categorical', size: 2 }];
    assert.throws(() => infoLoss(tf.zeros([1, 4]), tf.zeros([1, 3]), codes), /categorical ones first/);
  });
});

describe('--info-categorical', () => {
  for (const bad of ['1', '0', 'a,b', '10,', '2.5', '-3']) {
    it(`"${bad}" is refused, naming the flag`, () => {
      assert.throws(() => categoryCounts(bad), (err: Error) => err.name === 'ConfigError' && /--info-categorical/.test(err.message) && err.message.includes(`"${bad}"`));
    });
  }

  it('names the codes cat0.. then cont0.. in G\'s input order', () => {
    assert.deepEqual(categoryCounts(' 10, 4'), [10, 4]);
    assert.deepEqual(latentCodesOf({ infoCategorical: '10,4', infoContinuous: 2 }).map((c) => `${c.name}:${c.kind}:${c.size}`),
      ['cat0:categorical:10', 'cat1:categorical:4', 'cont0:continuous:1', 'cont1:continuous:1']);
    assert.deepEqual(latentCodesOf({ infoCategorical: '', infoContinuous: 0 }), []);
  });
});

describe('code draws', () => {
  const codes = latentCodesOf({ infoCategorical: '4,3', infoContinuous: 2 });
  const space = { latentSize: codesSize(codes) + 5, prior: 'normal' as const, latentCodes: codes };

  /** Checks rows [n, Σ sizes] (flat, `stride` apart): one-hot categorical blocks with every category seen, continuous in [-1, 1). */
  function checkCodes(values: ArrayLike<number>, n: number, stride: number): void {
    const offsets = codeOffsets(codes);
    codes.forEach((code, j) => {
      const seen = new Set<number>();
      for (let i = 0; i < n; i++) {
        const block = Array.from({ length: code.size }, (_, k) => values[i * stride + offsets[j] + k]);
        if (code.kind === 'continuous') {
          assert.ok(block[0] >= -1 && block[0] < 1, `${code.name} = ${block[0]}`);
          seen.add(Math.floor(block[0] * 2));
        } else {
          assert.deepEqual(block.filter((v) => v === 1).length, 1, `${code.name} of row ${i} is one-hot: ${block}`);
          assert.ok(block.every((v) => v === 0 || v === 1));
          seen.add(block.indexOf(1));
        }
      }
      assert.equal(seen.size, code.kind === 'continuous' ? 4 : code.size, `${code.name} covers its range`);
    });
  }

  it('training draws (drawCodes) are one-hot and uniform', () => {
    const drawn = tf.tidy(() => drawCodes(400, codes, new Rng(1)).dataSync());
    checkCodes(drawn, 400, codesSize(codes));
    const means = [0, 1, 2, 3].map((k) => Array.from({ length: 400 }, (_, i) => drawn[i * 9 + k]).reduce((s, v) => s + v, 0) / 400);
    assert.ok(means.every((m) => Math.abs(m - 0.25) < 0.07), `cat0's category frequencies ${means}`);
  });

  it('latent vectors put the codes first, then z from the prior; without codes they are the prior\'s draws', () => {
    const vectors = latentVectors(300, space, new Rng(2));
    assert.equal(vectors.length, 300 * space.latentSize);
    checkCodes(vectors, 300, space.latentSize);
    // z comes first from the stream, so it is what a model without codes draws.
    const z = latentValues(300 * 5, 'normal', new Rng(2));
    for (let i = 0; i < 300; i++) assert.deepEqual(Array.from(vectors.subarray(i * space.latentSize + 9, (i + 1) * space.latentSize)), Array.from(z.subarray(i * 5, i * 5 + 5)));
    assert.deepEqual(latentVectors(7, { latentSize: 3 }, new Rng(3), { truncation: 1 }), latentValues(21, 'normal', new Rng(3), 1));
  });

  it('fixed codes change only themselves', () => {
    const free = latentVectors(20, space, new Rng(4));
    const fixed = latentVectors(20, space, new Rng(4), { fixed: { cat1: 2, cont0: 0.75 } });
    for (let i = 0; i < 20; i++) {
      const row = (v: Float32Array) => Array.from(v.subarray(i * space.latentSize, (i + 1) * space.latentSize));
      const [a, b] = [row(free), row(fixed)];
      assert.deepEqual(b.slice(4, 7), [0, 0, 1]);
      assert.equal(b[7], 0.75);
      assert.deepEqual([...b.slice(0, 4), b[8], ...b.slice(9)], [...a.slice(0, 4), a[8], ...a.slice(9)]);
    }
  });

  it('refuses fixed values that are no code or out of a code\'s range', () => {
    assert.throws(() => checkFixedCodes(codes, { cat2: 0 }), /no code "cat2": the codes are cat0, cat1, cont0, cont1/);
    assert.throws(() => checkFixedCodes(codes, { cat0: 4 }), /cat0 is categorical with 4 categories: give an index 0..3, got 4/);
    assert.throws(() => checkFixedCodes(codes, { cat1: 0.5 }), /index 0..2, got 0.5/);
    assert.throws(() => checkFixedCodes(codes, { cont1: Infinity }), /cont1 is continuous/);
    assert.throws(() => checkFixedCodes([], { cat0: 1 }), /the model has no latent codes/);
  });
});
