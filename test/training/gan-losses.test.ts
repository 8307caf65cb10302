// GAN objectives: values against their formulas, WGAN-GP's penalty and its (second-order) gradient,
// and one D or G step of a tiny GAN lowering the objective that step is meant to lower, for every loss.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '../../src/core/random.ts';
import { initBackend } from '../../src/env/backend.ts';
import {
  classLoss, discriminatorLoss, featureMatchingLoss, GAN_LOSSES, generatorLoss, gradientPenalty, type GanLoss,
} from '../../src/gan/losses.ts';
import { ganOptions, GanTrainable, resolveGanOptions, type GanOptions } from '../../src/gan/gan-family.ts';
import type { DataShape } from '../../src/training/trainable.ts';

before(async () => {
  await initBackend();
});

const softplus = (x: number) => Math.log1p(Math.exp(x));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const relu = (x: number) => Math.max(0, x);
const value = (t: tf.Tensor) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

describe('loss values', () => {
  const r = [2, -1, 0.25];
  const f = [0.5, -3, 1.5];
  const cases: { loss: GanLoss; d: number; g: number }[] = [
    { loss: 'minimax', d: mean(r.map((x) => softplus(-x))) + mean(f.map(softplus)), g: -mean(f.map(softplus)) },
    { loss: 'ns', d: mean(r.map((x) => softplus(-x))) + mean(f.map(softplus)), g: mean(f.map((x) => softplus(-x))) },
    { loss: 'lsgan', d: 0.5 * mean(r.map((x) => (x - 1) ** 2)) + 0.5 * mean(f.map((x) => x * x)), g: 0.5 * mean(f.map((x) => (x - 1) ** 2)) },
    { loss: 'hinge', d: mean(r.map((x) => relu(1 - x))) + mean(f.map((x) => relu(1 + x))), g: -mean(f) },
    {
      // Relativistic average: reals judged against the fakes' mean logit and the other way round.
      loss: 'rasgan',
      d: mean(r.map((x) => softplus(-(x - mean(f))))) + mean(f.map((x) => softplus(x - mean(r)))),
      g: mean(f.map((x) => softplus(-(x - mean(r))))) + mean(r.map((x) => softplus(x - mean(f)))),
    },
    { loss: 'wgan', d: mean(f) - mean(r), g: -mean(f) },
    { loss: 'wgan-gp', d: mean(f) - mean(r), g: -mean(f) },
  ];
  for (const c of cases) {
    it(`${c.loss}: D ${c.d.toFixed(4)}, G ${c.g.toFixed(4)}`, () => {
      const real = tf.tensor2d(r, [3, 1]);
      const fake = tf.tensor2d(f, [3, 1]);
      assert.ok(Math.abs(value(discriminatorLoss(c.loss, real, fake)) - c.d) < 1e-5);
      assert.ok(Math.abs(value(generatorLoss(c.loss, fake, real)) - c.g) < 1e-5);
      tf.dispose([real, fake]);
    });
  }

  it('one-sided label smoothing changes only the real term\'s target', () => {
    const real = tf.tensor2d(r, [3, 1]);
    const fake = tf.tensor2d(f, [3, 1]);
    const expected = mean(r.map((x) => 0.9 * softplus(-x) + 0.1 * softplus(x))) + mean(f.map(softplus));
    assert.ok(Math.abs(value(discriminatorLoss('ns', real, fake, 0.9)) - expected) < 1e-5);
    const lsgan = 0.5 * mean(r.map((x) => (x - 0.9) ** 2)) + 0.5 * mean(f.map((x) => x * x));
    assert.ok(Math.abs(value(discriminatorLoss('lsgan', real, fake, 0.9)) - lsgan) < 1e-5);
    tf.dispose([real, fake]);
  });

  it('feature matching is the squared distance of the feature means; the class loss is softmax cross-entropy', () => {
    const real = tf.tensor2d([[1, 2], [3, 4]]);
    const fake = tf.tensor2d([[0, 0], [2, 2]]);
    assert.ok(Math.abs(value(featureMatchingLoss(real, fake)) - ((2 - 1) ** 2 + (3 - 1) ** 2)) < 1e-6);
    const logits = tf.tensor2d([[2, 0, -1], [0.5, 0.5, 3]]);
    const ce = (row: number[], k: number) => Math.log(row.reduce((s, x) => s + Math.exp(x), 0)) - row[k];
    const expected = (ce([2, 0, -1], 0) + ce([0.5, 0.5, 3], 1)) / 2;
    assert.ok(Math.abs(value(classLoss(logits, tf.tensor1d([0, 1], 'int32'), 3)) - expected) < 1e-5);
    tf.dispose([real, fake, logits]);
  });
});

describe('WGAN-GP gradient penalty', () => {
  it('for a linear critic equals λ(‖w‖ − 1)² with gradient 2λ(‖w‖ − 1)w/‖w‖', () => {
    const w = tf.variable(tf.tensor4d([0.5, -1, 2, 0.25], [1, 2, 2, 1]));
    const critic = (x: tf.Tensor4D) => tf.sum(tf.mul(x, w), [1, 2, 3]);
    const real = tf.randomNormal([4, 2, 2, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const fake = tf.randomNormal([4, 2, 2, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
    const { value: penalty, grads } = tf.variableGrads(() => gradientPenalty(critic, real, fake, 10, 3), [w]);
    const norm = Math.hypot(0.5, -1, 2, 0.25);
    assert.ok(Math.abs(penalty.dataSync()[0] - 10 * (norm - 1) ** 2) < 1e-4);
    const expected = [0.5, -1, 2, 0.25].map((x) => (20 * (norm - 1) * x) / norm);
    const got = Array.from(grads[w.name].dataSync());
    got.forEach((g, i) => assert.ok(Math.abs(g - expected[i]) < 1e-4, `gradient ${i}: ${g} vs ${expected[i]}`));
    tf.dispose([w, real, fake, penalty, grads[w.name]]);
  });

  it('differentiates through a conv + LeakyReLU critic: the weight gradient matches finite differences', () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: tfl.initializers.glorotNormal({ seed: 4 }) }),
        tfl.layers.leakyReLU({ alpha: 0.2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotNormal({ seed: 5 }) }),
      ],
    });
    const critic = (x: tf.Tensor4D) => model.apply(x) as tf.Tensor;
    const real = tf.randomNormal([3, 6, 6, 1], 0, 1, 'float32', 6) as tf.Tensor4D;
    const fake = tf.randomNormal([3, 6, 6, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
    const variable = model.trainableWeights[0].read() as tf.Variable;
    const penalty = () => gradientPenalty(critic, real, fake, 10, 8);
    const { grads } = tf.variableGrads(penalty, [variable]);
    const analytic = grads[variable.name].dataSync();
    const base = variable.dataSync().slice();
    // Small steps: the penalty of a piecewise-linear critic jumps where a pre-activation changes sign.
    const eps = 1e-3;
    for (const i of [0, 4, 13, 26]) {
      const at = (delta: number) => {
        const shifted = base.slice();
        shifted[i] += delta;
        variable.assign(tf.tensor(shifted, variable.shape));
        return value(penalty());
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      variable.assign(tf.tensor(base, variable.shape));
      assert.ok(Math.abs(numeric - analytic[i]) < 0.02 * Math.max(1, Math.abs(numeric)), `weight ${i}: finite difference ${numeric}, gradient ${analytic[i]}`);
    }
    tf.dispose([real, fake, grads[variable.name]]);
    model.dispose();
  });
});

describe('one step lowers its own objective (tiny GAN on 8x8 images)', () => {
  const data: DataShape = { shape: [8, 8, 1], numClasses: 3 };
  let real: tf.Tensor4D;
  let labels: tf.Tensor1D;
  before(() => {
    // Bright left half, dark right half: a pattern D can learn to tell from G's early noise.
    real = tf.tidy(() => tf.tile(tf.concat([tf.fill([1, 8, 4, 1], 0.8), tf.fill([1, 8, 4, 1], -0.8)], 2), [16, 1, 1, 1])) as tf.Tensor4D;
    labels = tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 3), 'int32');
  });

  function tinyGan(options: Partial<GanOptions>): GanTrainable {
    const resolved = resolveGanOptions(ganOptions.parse({
      preset: 'dcgan', r1: 0, width: 4, batchNorm: false, ema: false, learningRate: 2e-3, ...options,
    }), data);
    return new GanTrainable(resolved, data, new Rng(11));
  }

  /** D's objective on the real batch and G's images from a fixed evaluation noise (plus the GP for wgan-gp). */
  function dObjective(gan: GanTrainable, loss: GanLoss): number {
    return value(tf.tidy(() => {
      const fake = gan.sample(tf.randomNormal([64, gan.latentSize], 0, 1, 'float32', 99) as tf.Tensor2D);
      const base = discriminatorLoss(loss, gan.discriminate(real, labels).logit, gan.discriminate(fake, undefined).logit);
      return loss === 'wgan-gp' ? tf.add(base, gradientPenalty((x) => gan.discriminate(x, labels).logit, real, tf.slice(fake, 0, 16), 10, 5)) : base;
    }));
  }

  function gObjective(gan: GanTrainable, loss: GanLoss): number {
    return value(tf.tidy(() => generatorLoss(loss, gan.discriminate(gan.sample(tf.randomNormal([64, gan.latentSize], 0, 1, 'float32', 98) as tf.Tensor2D), undefined).logit,
      gan.discriminate(real, labels).logit)));
  }

  for (const loss of GAN_LOSSES) {
    it(`${loss}: the D step lowers D's loss, the G step lowers G's`, () => {
      // WGAN's clipping bound is widened here so that it does not undo the step being measured.
      const gan = tinyGan({ loss, clip: 0.05 });
      const rng = new Rng(1);
      const dBefore = dObjective(gan, loss);
      tf.dispose(gan.discriminatorStep({ images: real }, rng));
      const dAfter = dObjective(gan, loss);
      assert.ok(dAfter < dBefore, `D objective ${dBefore} → ${dAfter}`);
      const gBefore = gObjective(gan, loss);
      tf.dispose(gan.generatorStep({ images: real }, rng));
      const gAfter = gObjective(gan, loss);
      assert.ok(gAfter < gBefore, `G objective ${gBefore} → ${gAfter}`);
      gan.dispose();
    });
  }

  it('wgan keeps every critic weight within ±clip', () => {
    const gan = tinyGan({ loss: 'wgan', clip: 0.01 });
    tf.dispose(gan.discriminatorStep({ images: real }, new Rng(2)));
    const largest = Math.max(...gan.discriminator.trainableWeights.map((w) => value(tf.max(tf.abs(w.read())))));
    assert.ok(largest <= 0.01 + 1e-7, `largest |w| ${largest}`);
    gan.dispose();
  });

  it('feature matching: the G step lowers the distance between real and fake feature means', () => {
    const gan = tinyGan({ featureMatching: true });
    const distance = () => value(tf.tidy(() => {
      const fake = gan.sample(tf.randomNormal([64, gan.latentSize], 0, 1, 'float32', 97) as tf.Tensor2D);
      return featureMatchingLoss(gan.discriminate(real, undefined).features, gan.discriminate(fake, undefined).features);
    }));
    const before = distance();
    const losses = gan.generatorStep({ images: real }, new Rng(3));
    assert.ok(Math.abs(losses.gLoss.dataSync()[0] - before) / before < 0.5, 'gLoss is the feature-matching distance');
    tf.dispose(losses);
    assert.ok(distance() < before);
    gan.dispose();
  });

  it('AC-GAN: the D step lowers the class loss on real images', () => {
    const gan = tinyGan({ conditional: 'acgan' });
    const realClassLoss = () => value(tf.tidy(() => classLoss(gan.discriminate(real, undefined).classes!, labels, 3)));
    const before = realClassLoss();
    const losses = gan.discriminatorStep({ images: real, labels }, new Rng(4));
    assert.deepEqual(Object.keys(losses).sort(), ['dAdversarial', 'dClass', 'dLoss']);
    tf.dispose(losses);
    assert.ok(realClassLoss() < before);
    gan.dispose();
  });
});
