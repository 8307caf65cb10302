// The fused training-mode batch norm (native kernels + FusedBatchNormalization layer) against tfjs's own
// composition (tf.moments + tf.batchNorm and their gradients) on the cpu backend.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNormalization, FusedBatchNormalization } from '../../src/tfjs/batch-norm.ts';
import { batchNormTraining } from '../../src/native/batch-norm-training.ts';
import { loadAddon } from '../../src/native/addon.ts';
import { maxRelativeError, nativeMissing, runOn } from '../helpers/backends.ts';

const normal = (shape: number[], seed: number, mean = 0, std = 1) => tf.randomNormal(shape, mean, std, 'float32', seed);

/** Output, input/gamma/beta gradients and updated moving statistics of one training call of the layer. */
function layerStep(shape: number[]): tf.Tensor[] {
  const c = shape[shape.length - 1];
  const layer = batchNormalization({ momentum: 0.9, epsilon: 1e-3 });
  const x = tf.variable(normal(shape, 1, 0.5, 2));
  layer.build(shape);
  layer.setWeights([normal([c], 2, 1, 0.3), normal([c], 3), normal([c], 4), tf.abs(normal([c], 5, 1))]);
  const weights = normal(shape, 6);
  const [gamma, beta] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, weights)), [x, gamma, beta]);
  const y = layer.apply(x, { training: false }) as tf.Tensor;
  return [value, y, grads[x.name], grads[gamma.name], grads[beta.name], ...layer.getWeights().slice(2)];
}

describe('fused training-mode batch norm', { skip: nativeMissing }, () => {
  it('the layer matches tfjs-layers (cpu) in output, gradients and moving statistics', async () => {
    for (const shape of [[8, 5, 5, 3], [16, 4], [4, 7, 7, 64], [2, 3, 3, 1], [600, 2, 2, 8]]) {
      const expected = await runOn('cpu', () => layerStep(shape));
      const actual = await runOn('native', () => layerStep(shape));
      const names = ['loss', 'inference output', 'dx', 'dgamma', 'dbeta', 'moving mean', 'moving variance'];
      expected.forEach((e, i) => {
        const error = maxRelativeError(actual[i], e);
        assert.ok(error < 2e-5, `[${shape}] ${names[i]} differs by ${error}`);
      });
    }
  });

  it('the layer runs on the fused kernels on native (and only there)', async () => {
    const kernelsOn = async (backend: 'native' | 'cpu') => {
      await runOn(backend, () => tf.zeros([1]));
      const profile = await tf.profile(() => tf.dispose(layerStep([4, 3, 3, 2])));
      return new Set(profile.kernels.map((k) => k.name));
    };
    const native = await kernelsOn('native');
    assert.ok(native.has('GanvaeBatchNormTraining') && native.has('GanvaeBatchNormTrainingGrad'), [...native].join());
    assert.ok(!native.has('Square'), 'no composed moments on native');
    assert.ok(!(await kernelsOn('cpu')).has('GanvaeBatchNormTraining'));
  });

  it('its mean and variance outputs are differentiable like tf.moments', async () => {
    const shape = [6, 4, 4, 5];
    const loss = (fused: boolean) => () => {
      const x = tf.variable(normal(shape, 11, 0.3, 1.5));
      const gamma = tf.variable(normal([5], 12, 1, 0.2));
      const beta = tf.variable(normal([5], 13));
      const { grads } = tf.variableGrads(() => {
        let y: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor;
        if (fused) {
          [y, mean, variance] = batchNormTraining(x, gamma as tf.Tensor1D, beta as tf.Tensor1D, 1e-3);
        } else {
          ({ mean, variance } = tf.moments(x, [0, 1, 2]));
          y = tf.batchNorm(x, mean, variance, beta, gamma, 1e-3);
        }
        return tf.sum(tf.add(tf.add(tf.sum(tf.mul(y, normal(shape, 14))), tf.sum(tf.mul(mean, normal([5], 15)))), tf.sum(tf.mul(variance, normal([5], 16)))));
      }, [x, gamma, beta]);
      return [grads[x.name], grads[gamma.name], grads[beta.name]];
    };
    const expected = await runOn('native', loss(false));
    const actual = await runOn('native', loss(true));
    expected.forEach((e, i) => assert.ok(maxRelativeError(actual[i], e) < 2e-5, `gradient ${i} differs by ${maxRelativeError(actual[i], e)}`));
  });

  it('keeps tfjs-layers\' class name, so saved models stay standard, and loads back as the fused layer', async () => {
    await runOn('native', () => tf.zeros([1]));
    const input = tfl.input({ shape: [4, 4, 2] });
    const model = tfl.model({ inputs: input, outputs: batchNormalization().apply(input) as tfl.SymbolicTensor });
    const json = model.toJSON(null, false) as unknown as { config: { layers: { class_name: string }[] } };
    assert.deepEqual(json.config.layers.map((l) => l.class_name), ['InputLayer', 'BatchNormalization']);
    const restored = await tfl.models.modelFromJSON({ modelTopology: model.toJSON(null, false) });
    assert.ok(restored.layers[1] instanceof FusedBatchNormalization);
    model.dispose();
    restored.dispose();
  });

  it('the C++ kernels reject inconsistent lengths with clear errors', () => {
    const addon = loadAddon().addon!;
    const f = (n: number) => new Float32Array(n);
    assert.throws(() => addon.batchNormTraining(f(10), f(3), f(3), 1e-3, f(10), f(3), f(3)), /x has 10 elements, not a positive multiple of the 3 channels/);
    assert.throws(() => addon.batchNormTraining(f(12), f(3), f(2), 1e-3, f(12), f(3), f(3)), /beta/);
    assert.throws(() => addon.batchNormTraining(f(12), f(3), f(3), -1, f(12), f(3), f(3)), /epsilon/);
    assert.throws(() => addon.batchNormTrainingGrad(f(12), f(11), f(3), f(3), f(3), 1e-3, null, null, f(12), f(3), f(3)), /dy/);
    assert.throws(() => addon.batchNormTrainingGrad(f(12), f(12), f(3), f(3), f(3), 1e-3, f(2), null, f(12), f(3), f(3)), /dMean/);
  });
});
