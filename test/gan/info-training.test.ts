// InfoGAN's training steps (src/gan/gan-family.ts): the Q head's gradients reach D's body and G but not the parts a
// step holds still, Q learns, and one step works, leak-free, with every loss, preset, conditioning and option.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/core/random.ts';
import { initBackend } from '../../src/env/backend.ts';
import { discriminatorSize, generatorSize } from '../../src/gan/dcgan.ts';
import { ganArchitecture, ganOptions, GanTrainable, resolveGanOptions, type GanOptions } from '../../src/gan/gan-family.ts';
import { drawCodes, infoLoss } from '../../src/gan/info-codes.ts';
import { GAN_LOSSES } from '../../src/gan/losses.ts';
import type { DataShape } from '../../src/training/trainable.ts';

const INFO = { infoCategorical: '3', infoContinuous: 2 };
const SMALL: DataShape = { shape: [8, 8, 1], numClasses: 3 };

before(async () => {
  await initBackend();
});

/** The tiny GAN's resolved options: dcgan at width 4, no EMA, 3-way and two continuous codes unless `options` say otherwise. */
function tinyOptions(options: Partial<GanOptions>, data = SMALL): GanOptions {
  return resolveGanOptions(ganOptions.parse({ preset: 'dcgan', width: 4, ema: false, learningRate: 2e-3, ...INFO, ...options }), data);
}

function tinyGan(options: Partial<GanOptions>, data = SMALL): GanTrainable {
  return new GanTrainable(tinyOptions(options, data), data, new Rng(11));
}

/** A batch of `n` images of `data`'s shape in [-1, 1] with labels cycling through 3 classes. */
function batchOf(data: DataShape, n = 4) {
  return { images: tf.randomUniform([n, ...data.shape], -1, 1, 'float32', 5) as tf.Tensor4D, labels: tf.tensor1d(Array.from({ length: n }, (_, i) => i % 3), 'int32') };
}

const snapshot = (weights: { read(): tf.Tensor }[]) => weights.map((w) => Array.from(w.read().dataSync()));

describe('the Q head and its loss in the networks', () => {
  it('puts the codes first in G\'s input and Q on D\'s features; the memory estimate counts both', () => {
    const gan = tinyGan({});
    assert.deepEqual(gan.latentCodes.map((c) => c.name), ['cat0', 'cont0', 'cont1']);
    assert.equal(gan.latentSize, 5 + 100);
    assert.deepEqual(gan.generator.inputs[0].shape, [null, 105]);
    const outputs = gan.discriminator.outputs.map((o) => o.shape);
    assert.deepEqual(outputs[outputs.length - 1], [null, 3 + 2 * 2], 'Q: 3 logits, 2 means, 2 log-stds');
    const arch = ganArchitecture(tinyOptions({}), SMALL);
    assert.equal(generatorSize(arch.generator).parameters, gan.generator.countParams());
    assert.equal(discriminatorSize(arch.discriminator).parameters, gan.discriminator.countParams());
    gan.dispose();
  });

  it('its gradients reach Q, D\'s body and G, and not D\'s real/fake head', () => {
    const gan = tinyGan({});
    const codes = tf.tidy(() => drawCodes(6, gan.latentCodes, new Rng(2)));
    const noise = tf.tidy(() => tf.concat([codes, tf.randomNormal([6, 100], 0, 1, 'float32', 3)], 1) as tf.Tensor2D);
    const weights = [...gan.generator.trainableWeights, ...gan.discriminator.trainableWeights];
    const { value, grads } = tf.variableGrads(() => {
      const fake = gan.generator.apply(noise, { training: true }) as tf.Tensor4D;
      return infoLoss(gan.discriminate(fake, undefined).info!, codes, gan.latentCodes);
    }, weights.map((w) => w.read() as tf.Variable));
    const norm = (weight: { read(): tf.Tensor }) => {
      const grad = grads[(weight.read() as tf.Variable).name];
      return grad ? tf.tidy(() => tf.norm(grad).dataSync()[0]) : 0;
    };
    const dKernels = gan.discriminator.trainableWeights.filter((w) => w.name.endsWith('kernel'));
    const [firstConv, logitHead, qHead] = [dKernels[0], dKernels[dKernels.length - 2], dKernels[dKernels.length - 1]];
    assert.deepEqual(qHead.shape, [gan.discriminator.outputs[1].shape[1], 7]);
    assert.deepEqual(logitHead.shape.slice(-1), [1]);
    assert.ok(norm(qHead) > 0, 'Q head');
    assert.ok(norm(firstConv) > 0, 'D\'s first convolution (its body, shared with the real/fake head)');
    assert.ok(norm(gan.generator.trainableWeights[0]) > 0, 'G\'s first layer');
    assert.equal(norm(logitHead), 0, 'the real/fake head is not on Q\'s path');
    tf.dispose([value, codes, noise, ...Object.values(grads)]);
    gan.dispose();
  });

  it('the D step moves D and Q, not G; the G step moves G, not D or Q; with λ = 0 the D step leaves Q as it was', () => {
    for (const infoWeight of [1, 0]) {
      const gan = tinyGan({ infoWeight });
      const batch = batchOf(SMALL);
      const qHead = gan.discriminator.trainableWeights.slice(-2);
      const [g0, d0, q0] = [snapshot(gan.generator.trainableWeights), snapshot(gan.discriminator.trainableWeights), snapshot(qHead)];
      const dLosses = gan.discriminatorStep(batch, new Rng(1));
      assert.deepEqual(snapshot(gan.generator.trainableWeights), g0, 'D step: G is frozen');
      assert.notDeepEqual(snapshot(gan.discriminator.trainableWeights.slice(0, 1)), d0.slice(0, 1));
      if (infoWeight > 0) assert.notDeepEqual(snapshot(qHead), q0, 'D step trains Q');
      else assert.deepEqual(snapshot(qHead), q0, 'λ = 0: Q gets no gradient');
      assert.equal(dLosses.dInfo.dataSync()[0] === 0, infoWeight === 0);
      const d1 = snapshot(gan.discriminator.trainableWeights);
      const gLosses = gan.generatorStep(batch, new Rng(2));
      assert.deepEqual(snapshot(gan.discriminator.trainableWeights), d1, 'G step: D and Q are frozen');
      assert.notDeepEqual(snapshot(gan.generator.trainableWeights), g0);
      tf.dispose([dLosses, gLosses, batch]);
      gan.dispose();
    }
  });

  it('λ reaches G: the same G step with and without the information term moves G differently', () => {
    const after = (infoWeight: number) => {
      const gan = tinyGan({ infoWeight });
      const batch = batchOf(SMALL);
      tf.dispose(gan.generatorStep(batch, new Rng(2)));
      const weights = snapshot(gan.generator.trainableWeights.slice(0, 1));
      tf.dispose(batch);
      gan.dispose();
      return weights;
    };
    assert.notDeepEqual(after(1), after(0));
  });

  it('D steps teach Q to read the codes back from fixed fakes', () => {
    const gan = tinyGan({ batchNorm: false, dropout: 0 });
    const codes = tf.tidy(() => drawCodes(64, gan.latentCodes, new Rng(7)));
    const fakes = tf.tidy(() => gan.sample(tf.concat([codes, tf.randomNormal([64, 100], 0, 1, 'float32', 8)], 1) as tf.Tensor2D));
    const qLoss = () => tf.tidy(() => infoLoss(gan.discriminate(fakes, undefined).info!, codes, gan.latentCodes).dataSync()[0]);
    const before = qLoss();
    const batch = batchOf(SMALL, 16);
    for (let i = 0; i < 30; i++) tf.dispose(gan.discriminatorStep(batch, new Rng(i)));
    const after = qLoss();
    assert.ok(after < before, `Q's loss on G's fakes: ${before} → ${after}`);
    tf.dispose([codes, fakes, batch]);
    gan.dispose();
  });
});

describe('one step with codes, and no tensors left behind', () => {
  const LITE: DataShape = { shape: [32, 32, 1], numClasses: 3 };
  const cases: [string, Partial<GanOptions>, DataShape][] = [
    ...GAN_LOSSES.map((loss): [string, Partial<GanOptions>, DataShape] => [`--loss ${loss}`, { loss }, SMALL]),
    ['--conditional cgan', { conditional: 'cgan' }, SMALL],
    ['--conditional acgan (the class head and Q side by side)', { conditional: 'acgan' }, SMALL],
    ['--augment diffaug', { augment: 'diffaug' }, SMALL],
    ['--augment ada', { augment: 'ada' }, SMALL],
    ['--spectral-norm both --r1 1 --r1-every 1', { spectralNorm: 'both', r1: 1, r1Every: 1 }, SMALL],
    ['--feature-matching with EMA', { featureMatching: true, ema: true }, SMALL],
    ['--preset seed', { preset: 'seed' }, SMALL],
    ['--preset lite (reconstruction, diffaug, hinge): Q and the decoders\' maps by name', { preset: 'lite', width: 2 }, LITE],
    ['--preset dcgan28 with only continuous codes', { preset: 'dcgan28', width: 2, infoCategorical: '', infoContinuous: 1 }, { shape: [28, 28, 1], numClasses: 3 }],
  ];
  for (const [name, options, data] of cases) {
    it(name, () => {
      const gan = tinyGan(options, data);
      const batch = batchOf(data);
      const rng = new Rng(3);
      const step = () => {
        const losses = gan.trainStep(batch, rng);
        const values = Object.fromEntries(Object.entries(losses).map(([key, v]) => [key, v.dataSync()[0]]));
        tf.dispose(losses);
        return values;
      };
      const first = step();
      assert.ok(Number.isFinite(first.dInfo) && Number.isFinite(first.gInfo), JSON.stringify(first));
      assert.ok(Object.values(first).every(Number.isFinite), JSON.stringify(first));
      if (options.preset === 'lite') assert.ok(first.reconstruction > 0, 'the decoders still read D\'s last outputs');
      step();
      const settled = tf.memory().numTensors;
      step();
      step();
      assert.equal(tf.memory().numTensors, settled);
      const images = gan.sample(tf.zeros([2, gan.latentSize]) as tf.Tensor2D, tf.tensor1d([0, 1], 'int32'));
      assert.deepEqual(images.shape, [2, ...data.shape]);
      tf.dispose([images, batch]);
      gan.dispose();
    });
  }
});
