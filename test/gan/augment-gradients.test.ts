// Every augmentation is differentiable in the images on the cpu and native backends: tf.grad against central finite
// differences on tiny random batches (the ops are affine in the images for fixed draws, so the two agree closely),
// through tf.variableGrads as the GAN trainer calls them; both backends give the same values; no tensor leaks.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/core/random.ts';
import { initBackend } from '../../src/env/backend.ts';
import { ADA_OPS, adaAugment, randomXFlip } from '../../src/gan/augment/ada-augment.ts';
import { DIFF_AUGMENT_OPS, diffAugment } from '../../src/gan/augment/diff-augment.ts';
import { transposeImages } from '../../src/gan/augment/pixel-map.ts';
import { maxRelativeError, nativeMissing, runOn } from '../helpers/backends.ts';

type Shape = [number, number, number, number];
type Augmentation = (images: tf.Tensor4D) => tf.Tensor4D;

/** Each case draws from a fresh Rng per call, so every evaluation sees the same augmentation. */
const CASES: { name: string; shape: Shape; augment: Augmentation }[] = [
  ...DIFF_AUGMENT_OPS.map((op, k) => ({ name: `diffaug ${op}`, shape: [2, 6, 6, 3] as Shape, augment: (x: tf.Tensor4D) => diffAugment(x, [op], new Rng(10 + k)) })),
  { name: 'diffaug all, p = 0.5', shape: [3, 6, 5, 3], augment: (x) => diffAugment(x, DIFF_AUGMENT_OPS, new Rng(20), 0.5) },
  { name: 'diffaug all, grey', shape: [2, 6, 6, 1], augment: (x) => diffAugment(x, DIFF_AUGMENT_OPS, new Rng(21)) },
  ...ADA_OPS.map((op, k) => ({ name: `ada ${op}`, shape: [3, 6, 6, 3] as Shape, augment: (x: tf.Tensor4D) => adaAugment(x, [op], 1, new Rng(30 + k)) })),
  { name: 'ada all, p = 0.6', shape: [3, 6, 6, 3], augment: (x) => adaAugment(x, ADA_OPS, 0.6, new Rng(40)) },
  { name: 'ada all, grey', shape: [3, 6, 6, 1], augment: (x) => adaAugment(x, ADA_OPS, 1, new Rng(41)) },
  { name: 'randomXFlip', shape: [3, 4, 5, 2], augment: (x) => randomXFlip(x, new Rng(50)) },
  { name: 'transposeImages', shape: [2, 4, 4, 3], augment: transposeImages },
];

/** Σ augment(x)·w, a scalar whose gradient is augment's vector-Jacobian product with w. */
function weightedSum(augment: Augmentation, weights: tf.Tensor4D): (x: tf.Tensor4D) => tf.Scalar {
  return (x) => tf.sum(tf.mul(augment(x), weights));
}

function checkGradient({ shape, augment }: (typeof CASES)[number], seed: number): void {
  tf.tidy(() => {
    const x = tf.randomUniform(shape, -1, 1, 'float32', seed) as tf.Tensor4D;
    const loss = weightedSum(augment, tf.randomUniform(shape, -1, 1, 'float32', seed + 1) as tf.Tensor4D);
    const analytic = tf.grad((v: tf.Tensor) => loss(v as tf.Tensor4D))(x).dataSync();
    assert.ok(analytic.some((g) => g !== 0), 'the gradient is all zero');
    const base = x.dataSync();
    const delta = 0.25;
    const at = (k: number, step: number) => tf.tidy(() => {
      const moved = Float32Array.from(base);
      moved[k] += step;
      return loss(tf.tensor4d(moved, shape)).dataSync()[0];
    });
    for (let k = 0; k < base.length; k++) {
      const numeric = (at(k, delta) - at(k, -delta)) / (2 * delta);
      assert.ok(Math.abs(analytic[k] - numeric) < 1e-3 * Math.max(1, Math.abs(numeric)), `element ${k}: tf.grad ${analytic[k]}, finite differences ${numeric}`);
    }
  });
}

for (const backend of ['cpu', 'native'] as const) {
  describe(`augmentation gradients on ${backend}`, { skip: backend === 'native' && nativeMissing }, () => {
    before(async () => {
      await initBackend(backend);
    });

    for (const [k, c] of CASES.entries()) {
      it(`${c.name}: tf.grad equals central finite differences`, () => checkGradient(c, 100 + k));
    }

    it('gradients flow through tf.variableGrads into a variable upstream of the images', () => {
      tf.tidy(() => {
        const shape: Shape = [2, 6, 6, 3];
        const weights = tf.randomUniform(shape, -1, 1, 'float32', 1) as tf.Tensor4D;
        const v = tf.variable(tf.randomUniform(shape, -1, 1, 'float32', 2));
        for (const { augment } of CASES.filter((c) => c.name.endsWith(', p = 0.5') || c.name.endsWith(', p = 0.6'))) {
          const { grads } = tf.variableGrads(() => weightedSum(augment, weights)(tf.mul(v, 2) as tf.Tensor4D), [v]);
          const direct = tf.grad((x: tf.Tensor) => weightedSum(augment, weights)(x as tf.Tensor4D))(tf.mul(v, 2));
          assert.ok(maxRelativeError(grads[v.name].dataSync() as Float32Array, tf.mul(direct, 2).dataSync() as Float32Array) < 1e-6);
        }
        v.dispose();
      });
    });

    it('leaks no tensors, forward or backward', () => {
      const x = tf.randomUniform([4, 8, 8, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
      const calls = [
        () => diffAugment(x, DIFF_AUGMENT_OPS, new Rng(1), 0.7),
        () => adaAugment(x, ADA_OPS, 0.7, new Rng(2)),
        () => adaAugment(x, ADA_OPS, 0, new Rng(3)),
        () => randomXFlip(x, new Rng(4)),
        () => tf.grad((v: tf.Tensor) => tf.sum(diffAugment(v as tf.Tensor4D, DIFF_AUGMENT_OPS, new Rng(5))))(x),
        () => tf.grad((v: tf.Tensor) => tf.sum(adaAugment(v as tf.Tensor4D, ADA_OPS, 1, new Rng(6))))(x),
      ];
      for (const call of calls) call().dispose();
      const before = tf.memory().numTensors;
      for (let round = 0; round < 5; round++) for (const call of calls) call().dispose();
      assert.equal(tf.memory().numTensors, before);
      x.dispose();
    });
  });
}

describe('cpu and native agree', { skip: nativeMissing }, () => {
  it('every augmentation gives the same values on both backends (same draws)', async () => {
    for (const [k, c] of CASES.entries()) {
      const run = () => c.augment(tf.randomUniform(c.shape, -1, 1, 'float32', 200 + k) as tf.Tensor4D);
      const [cpu] = await runOn('cpu', run);
      const [native] = await runOn('native', run);
      assert.ok(maxRelativeError(native, cpu) < 1e-5, c.name);
    }
  });

  it('every augmentation\'s gradient is the same on both backends', async () => {
    for (const [k, c] of CASES.entries()) {
      const run = () => {
        const weights = tf.randomUniform(c.shape, -1, 1, 'float32', 300 + k) as tf.Tensor4D;
        return tf.grad((v: tf.Tensor) => weightedSum(c.augment, weights)(v as tf.Tensor4D))(tf.randomUniform(c.shape, -1, 1, 'float32', 400 + k));
      };
      const [cpu] = await runOn('cpu', run);
      const [native] = await runOn('native', run);
      assert.ok(maxRelativeError(native, cpu) < 1e-5, c.name);
    }
  });

  it('native pixel maps (ADA\'s geometry) run one gather kernel (a scatter backward), with gradients of every order', async () => {
    await initBackend('native');
    const shape: Shape = [3, 6, 6, 3];
    const augment: Augmentation = (x) => adaAugment(x, ['xflip', 'rotate90', 'translation'], 1, new Rng(60));
    const x = tf.randomUniform(shape, -1, 1, 'float32', 61) as tf.Tensor4D;
    const weights = tf.randomUniform(shape, -1, 1, 'float32', 62) as tf.Tensor4D;
    const profile = await tf.profile(() => tf.grad((v: tf.Tensor) => weightedSum(augment, weights)(v as tf.Tensor4D))(x));
    const kernels = profile.kernels.map((k) => k.name);
    assert.ok(kernels.includes('GanvaePixelMap') && !kernels.includes('BatchMatMul'), `ran ${[...new Set(kernels)]}`);
    // ‖∂/∂x Σ augment(x)·(x ⊙ weights)‖² differentiated in x again: the backward scatter is itself differentiated.
    const secondOrder = () => tf.grad((v: tf.Tensor) => tf.sum(tf.square(
      tf.grad((u: tf.Tensor) => tf.sum(tf.mul(augment(u as tf.Tensor4D), tf.mul(u, weights))))(v))))(x);
    const [native] = await runOn('native', secondOrder);
    const [cpu] = await runOn('cpu', secondOrder);
    assert.ok(cpu.some((g) => g !== 0));
    assert.ok(maxRelativeError(native, cpu) < 1e-5);
    tf.dispose([x, weights]);
  });
});
