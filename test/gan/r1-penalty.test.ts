// The R1 penalty (src/gan/r1-penalty.ts) against a closed form and finite differences on tiny discriminators, and
// its second-order gradients on `native` (fused batch norm, LeakyReLU, strided Conv2D, Dense, spectral norm) against cpu.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/env/backend.ts';
import { lazyPenaltyWeight, r1Penalty } from '../../src/gan/r1-penalty.ts';
import { batchNormalization } from '../../src/tfjs/batch-norm.ts';
import { spectralNormConv2d, spectralNormDense } from '../../src/tfjs/spectral-norm-layers.ts';
import { maxRelativeError, nativeMissing, runOn } from '../helpers/backends.ts';

type Backend = 'cpu' | 'native';
type Kind = 'plain' | 'batch norm' | 'spectral norm';

const BACKENDS: Backend[] = nativeMissing ? ['cpu'] : ['cpu', 'native'];
const IMAGES = [3, 4, 4, 2];
const GAMMA = 10;
const normal = (shape: number[], seed: number, std = 1) => tf.randomNormal(shape, 0, std, 'float32', seed);

/**
 * A seeded discriminator images [n, 4, 4, 2] → logits [n, 1]: Conv2D (3 filters, 3×3, stride 2, 'same'), then batch
 * norm for 'batch norm', LeakyReLU(0.2), Flatten, Dense(1); 'spectral norm' uses the SN Conv2D and Dense.
 */
function tinyDiscriminator(kind: Kind): tfl.LayersModel {
  const init = (seed: number) => tfl.initializers.randomNormal({ mean: 0, stddev: 0.5, seed });
  const conv = { filters: 3, kernelSize: 3, strides: 2, padding: 'same' as const, kernelInitializer: init(1), biasInitializer: init(2) };
  const dense = { units: 1, kernelInitializer: init(3), biasInitializer: init(4) };
  const input = tfl.input({ shape: IMAGES.slice(1) });
  let x = (kind === 'spectral norm' ? spectralNormConv2d({ ...conv, seed: 5 }) : tfl.layers.conv2d(conv)).apply(input);
  if (kind === 'batch norm') x = batchNormalization({ gammaInitializer: tfl.initializers.randomNormal({ mean: 1, stddev: 0.2, seed: 6 }), betaInitializer: init(7) }).apply(x);
  x = tfl.layers.flatten().apply(tfl.layers.leakyReLU({ alpha: 0.2 }).apply(x));
  x = (kind === 'spectral norm' ? spectralNormDense({ ...dense, seed: 8 }) : tfl.layers.dense(dense)).apply(x);
  return tfl.model({ inputs: input, outputs: x as tfl.SymbolicTensor });
}

/** The inputs of D's LeakyReLU [n, 2, 2, 3] on `images` (batch norm in training mode). */
function preActivations(model: tfl.LayersModel, images: tf.Tensor): Float32Array {
  const leaky = model.layers.find((layer) => layer.getClassName() === 'LeakyReLU')!;
  const upToLeaky = tfl.model({ inputs: model.inputs, outputs: leaky.input as tfl.SymbolicTensor });
  return tf.tidy(() => (upToLeaky.apply(images, { training: true }) as tf.Tensor).dataSync() as Float32Array);
}

/** D as r1Penalty takes it; batch norm in training mode, spectral norm with its stored u and v unless `training`. */
function logitsOf(model: tfl.LayersModel, kind: Kind, training = kind !== 'spectral norm') {
  return (images: tf.Tensor4D) => model.apply(images, { training }) as tf.Tensor;
}

describe('R1 penalty', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: is γ/2·‖w‖² for a linear D (∇ₓ D = w for every image)`, async () => {
      await initBackend(backend);
      const model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: IMAGES.slice(1) }), tfl.layers.dense({ units: 1 })] });
      const w = Array.from(model.getWeights()[0].dataSync());
      const value = tf.tidy(() => r1Penalty((x) => model.predict(x) as tf.Tensor, normal(IMAGES, 1) as tf.Tensor4D, GAMMA).dataSync()[0]);
      const expected = (GAMMA / 2) * w.reduce((sum, e) => sum + e * e, 0);
      assert.ok(Math.abs(value - expected) < 1e-5 * expected, `R1 ${value}, closed form ${expected}`);
      model.dispose();
    });

    for (const kind of ['plain', 'batch norm', 'spectral norm'] as Kind[]) {
      it(`${backend}, ${kind}: the value matches finite differences of D in x`, async () => {
        await initBackend(backend);
        const model = tinyDiscriminator(kind);
        const d = logitsOf(model, kind);
        const real = normal(IMAGES, 2);
        const pixels = real.dataSync().slice() as Float32Array;
        const summed = (values: Float32Array) => tf.tidy(() => tf.sum(d(tf.tensor4d(values, IMAGES as [number, number, number, number]))).dataSync()[0]);
        const h = 1e-2;
        let squares = 0;
        for (let i = 0; i < pixels.length; i++) {
          const [up, down] = [h, -h].map((delta) => {
            const shifted = pixels.slice();
            shifted[i] += delta;
            return summed(shifted);
          });
          squares += ((up - down) / (2 * h)) ** 2;
        }
        const expected = (GAMMA / 2) * (squares / IMAGES[0]);
        const value = tf.tidy(() => r1Penalty(d, real as tf.Tensor4D, GAMMA).dataSync()[0]);
        assert.ok(Math.abs(value - expected) < 2e-3 * expected, `R1 ${value}, finite differences ${expected}`);
        model.dispose();
      });

      it(`${backend}, ${kind}: the gradient w.r.t. D's weights matches finite differences`, async () => {
        await initBackend(backend);
        const model = tinyDiscriminator(kind);
        const d = logitsOf(model, kind);
        // Images (seed 70) for which every LeakyReLU input lies ≥ 0.05 from the kink, so that no step ±h of a weight
        // moves one across it (the penalty jumps there: the mask in ∇ₓ D flips).
        const real = normal(IMAGES, 70) as tf.Tensor4D;
        assert.ok(Math.min(...Array.from(preActivations(model, real), Math.abs)) > 0.05, 'a LeakyReLU input lies near its kink');
        const penalty = () => r1Penalty(d, real, GAMMA);
        const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const { grads } = tf.variableGrads(penalty, weights);
        const h = 2e-3;
        for (const weight of weights) {
          // No gradient: the penalty does not depend on the weight (the output bias) or only through the mask.
          const analytic = grads[weight.name]?.dataSync() ?? new Float32Array(weight.size);
          const values = weight.dataSync().slice();
          const at = (i: number, delta: number) => {
            const shifted = values.slice();
            shifted[i] += delta;
            weight.assign(tf.tensor(shifted, weight.shape));
            return tf.tidy(() => penalty().dataSync()[0]);
          };
          const scale = Math.max(1, ...Array.from(analytic, Math.abs));
          for (let i = 0; i < values.length; i++) {
            const numeric = (at(i, h) - at(i, -h)) / (2 * h);
            assert.ok(Math.abs(numeric - analytic[i]) < 3e-3 * scale, `∂R1/∂${weight.name}[${i}]: analytic ${analytic[i]}, numeric ${numeric}`);
          }
          weight.assign(tf.tensor(values, weight.shape));
        }
        tf.dispose(grads);
        model.dispose();
      });
    }
  }

  for (const kind of ['plain', 'batch norm', 'spectral norm'] as Kind[]) {
    it(`native matches cpu: value and gradients w.r.t. D's weights, ${kind} (D in training mode)`, { skip: nativeMissing }, async () => {
      const run = (backend: Backend) => runOn(backend, () => {
        const model = tinyDiscriminator(kind);
        const { value, grads } = tf.variableGrads(() => r1Penalty(logitsOf(model, kind, true), normal(IMAGES, 4) as tf.Tensor4D, GAMMA));
        return [value, ...model.trainableWeights.map((w) => grads[w.name] ?? tf.zeros(w.shape as number[]))];
      });
      const expected = await run('cpu');
      const actual = await run('native');
      expected.forEach((e, i) => assert.ok(maxRelativeError(actual[i], e) < 1e-4, `${i === 0 ? 'R1' : `gradient ${i}`} differs by ${maxRelativeError(actual[i], e)}`));
    });
  }

  it('a D step with the penalty leaves no tensors behind (batch norm and spectral norm on native where built)', async () => {
    await initBackend(BACKENDS[BACKENDS.length - 1]);
    for (const kind of ['batch norm', 'spectral norm'] as Kind[]) {
      const model = tinyDiscriminator(kind);
      const real = normal(IMAGES, 5) as tf.Tensor4D;
      const step = () => {
        const { value, grads } = tf.variableGrads(() => r1Penalty(logitsOf(model, kind, true), real, GAMMA));
        tf.dispose([value, grads]);
      };
      step();
      const before = tf.memory().numTensors;
      step();
      step();
      assert.equal(tf.memory().numTensors, before, kind);
      model.dispose();
    }
  });

  it('lazy regularisation: weight k on every k-th D step from step 0, 0 between', () => {
    assert.deepEqual([0, 1, 15, 16, 17, 32].map((step) => lazyPenaltyWeight(step, 16)), [16, 0, 0, 16, 0, 16]);
    assert.deepEqual([0, 1, 2].map((step) => lazyPenaltyWeight(step, 1)), [1, 1, 1]);
    assert.throws(() => lazyPenaltyWeight(3, 0), /interval must be an integer ≥ 1, got 0/);
  });
});
