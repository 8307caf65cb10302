// The fused spectral-norm kernels (native/src/kernels/spectral_norm.cc) against tfjs's composition on cpu, on kernels
// large enough for several blocks and long dot products; σ's own gradient; a gradient of the gradient; bad calls.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadAddon } from '../../src/native/addon.ts';
import { spectralNormConv2d, spectralNormConv2dTranspose, spectralNormDense } from '../../src/tfjs/spectral-norm-layers.ts';
import { maxRelativeError, nativeMissing, runOn } from '../helpers/backends.ts';

const normal = (shape: number[], seed: number, std = 1) => tf.randomNormal(shape, 0, std, 'float32', seed);
const f32 = (n: number) => new Float32Array(n);

/** Layers whose kernels cover both layouts, a single output channel and dot products longer than eight. */
const LAYERS = [
  { name: 'Conv2D [4, 4, 24, 40]', make: () => spectralNormConv2d({ filters: 40, kernelSize: 4, strides: 2, padding: 'same', seed: 1 }), input: [2, 8, 8, 24] },
  { name: 'Conv2DTranspose [4, 4, 20, 36]', make: () => spectralNormConv2dTranspose({ filters: 20, kernelSize: 4, strides: 2, padding: 'same', seed: 2 }), input: [2, 4, 4, 36] },
  { name: 'Dense [300, 1]', make: () => spectralNormDense({ units: 1, seed: 3 }), input: [3, 300] },
];

/** A built layer with seeded weights: kernel, bias, u and v. */
function seededLayer(spec: (typeof LAYERS)[number]): tfl.layers.Layer {
  const layer = spec.make();
  layer.apply(tfl.input({ shape: spec.input.slice(1) }));
  const [kernel, bias, u, v] = layer.getWeights();
  layer.setWeights([normal(kernel.shape, 10, 0.3), normal(bias.shape, 11, 0.1), normal(u.shape, 12), normal(v.shape, 13)]);
  return layer;
}

describe('fused spectral norm (native)', { skip: nativeMissing }, () => {
  for (const spec of LAYERS) {
    it(`${spec.name}: outputs, u, v and kernel gradients over three training calls match tfjs's ops on cpu`, async () => {
      const run = () => {
        const layer = seededLayer(spec);
        const x = normal(spec.input, 12);
        const kernel = layer.trainableWeights[0].read() as tf.Variable;
        const results: tf.Tensor[] = [];
        for (let i = 0; i < 3; i++) {
          const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, [kernel]);
          results.push(value, grads[kernel.name]);
        }
        return [...results, ...layer.getWeights().slice(-2)];
      };
      const expected = await runOn('cpu', run);
      const actual = await runOn('native', run);
      expected.forEach((e, i) => assert.ok(maxRelativeError(actual[i], e) < 2e-5, `result ${i} differs by ${maxRelativeError(actual[i], e)}`));
    });
  }

  it('runs as the two fused kernels on native, with σ\'s gradient v uᵀ', async () => {
    const run = () => {
      const layer = seededLayer(LAYERS[1]) as ReturnType<typeof spectralNormConv2dTranspose>;
      const kernel = layer.trainableWeights[0].read() as tf.Variable;
      return tf.grad((k: tf.Tensor) => layer.spectralNorm!.sigma(k))(kernel);
    };
    const native = await runOn('native', run);
    const cpu = await runOn('cpu', run);
    assert.ok(maxRelativeError(native[0], cpu[0]) < 1e-6, `differs by ${maxRelativeError(native[0], cpu[0])}`);
    await runOn('native', () => tf.zeros([1]));
    const layer = seededLayer(LAYERS[0]);
    const kernel = layer.trainableWeights[0].read() as tf.Variable;
    const x = normal(LAYERS[0].input, 1);
    const profile = await tf.profile(() => tf.tidy(() => tf.variableGrads(() => tf.sum(layer.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, [kernel]).value));
    const kernels = new Set(profile.kernels.map((k) => k.name));
    assert.ok(kernels.has('GanvaeSpectralNorm') && kernels.has('GanvaeSpectralNormGrad') && !kernels.has('Sqrt'), `kernels run: ${[...kernels].join()}`);
  });

  it('a gradient of the kernel gradient (the tape records the backward pass) matches tfjs\'s ops', async () => {
    const run = () => {
      const layer = seededLayer(LAYERS[1]) as ReturnType<typeof spectralNormConv2dTranspose>;
      const kernel = layer.trainableWeights[0].read() as tf.Variable;
      tf.dispose(layer.apply(normal(LAYERS[1].input, 13), { training: true }) as tf.Tensor);
      const weights = normal(kernel.shape, 14);
      // ‖∂⟨normalize(k), weights⟩/∂k‖², differentiated again in k: the fused gradient runs while a tape records it.
      const inner = tf.grad((k: tf.Tensor) => tf.sum(tf.mul(layer.spectralNorm!.normalize(k, false), weights)));
      return tf.grad((k: tf.Tensor) => tf.sum(tf.square(inner(k))))(kernel);
    };
    const expected = await runOn('cpu', run);
    const actual = await runOn('native', run);
    assert.ok(maxRelativeError(actual[0], expected[0]) < 1e-4, `differs by ${maxRelativeError(actual[0], expected[0])}`);
  });

  it('bad calls throw errors that name the argument', () => {
    const addon = loadAddon().addon!;
    // kernel [outer 2, out 3, inner 1]
    addon.spectralNorm(f32(6), f32(3), f32(2), 2, 3, 1, 1, f32(6), f32(1), f32(3), f32(2));
    assert.throws(() => addon.spectralNorm(f32(7), f32(3), f32(2), 2, 3, 1, 1, f32(6), f32(1), f32(3), f32(2)), /kernel has 7 elements, not outer·out·inner = 2·3·1/);
    assert.throws(() => addon.spectralNorm(f32(6), f32(2), f32(2), 2, 3, 1, 1, f32(6), f32(1), f32(3), f32(2)), /u has 2 elements, expected 3/);
    assert.throws(() => addon.spectralNorm(f32(6), f32(3), f32(2), 2, 3, 1, 2, f32(6), f32(1), f32(3), f32(2)), /iterate must be 0 or 1/);
    assert.throws(() => addon.spectralNorm(f32(6), f32(3), f32(2), 0, 3, 1, 1, f32(6), f32(1), f32(3), f32(2)), /outer is 0, must be at least 1/);
    assert.throws(() => addon.spectralNorm(f32(6), f32(3), f32(2), 2, 3, 1, 1, f32(6), f32(2), f32(3), f32(2)), /sigma has 2 elements, expected 1/);
    assert.throws(() => addon.spectralNorm(f32(6), f32(3), f32(2), 2 ** 40, 3, 1, 1, f32(6), f32(1), f32(3), f32(2)), /kernel has 6 elements/);
    assert.throws(() => addon.spectralNormGrad(f32(6), f32(5), f32(3), f32(2), f32(1), null, 2, 3, 1, f32(6)), /dNormalized has 5 elements, expected 6/);
    assert.throws(() => addon.spectralNormGrad(f32(6), f32(6), f32(3), f32(2), f32(1), f32(2), 2, 3, 1, f32(6)), /dSigma has 2 elements, expected 1/);
    assert.throws(() => (addon.spectralNormGrad as (...a: unknown[]) => void)(f32(6), f32(6)), /must be a Float32Array/);
  });
});
