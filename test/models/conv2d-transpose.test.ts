// FusedConv2DTranspose (bias + activation as one op keeping only its output) against tfjs-layers' own layer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { conv2dTranspose, FusedConv2DTranspose } from '../../src/tfjs/conv2d-transpose.ts';
import { initBackend } from '../../src/env/backend.ts';
import { maxRelativeError } from '../helpers/backends.ts';

type Activation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'elu';

/** Output and gradients (input, kernel, bias) of one layer on a fixed input, its weights set from seeds. */
function outputAndGradients(layer: ReturnType<typeof tfl.layers.conv2dTranspose>): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.variable(tf.randomNormal([3, 5, 5, 4], 0, 1, 'float32', 1));
    layer.build([3, 5, 5, 4]);
    layer.setWeights([tf.randomNormal([3, 3, 6, 4], 0, 0.3, 'float32', 2), tf.randomNormal([6], 0, 0.5, 'float32', 3)]);
    const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const weights = tf.randomNormal([3, 10, 10, 6], 0, 1, 'float32', 4);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, weights)), [x, kernel, bias]);
    return [value, layer.apply(x) as tf.Tensor, grads[x.name], grads[kernel.name], grads[bias.name]].map((t) => t.dataSync() as Float32Array);
  });
}

describe('FusedConv2DTranspose', () => {
  for (const activation of ['linear', 'relu', 'sigmoid', 'tanh', 'elu'] as Activation[]) {
    it(`matches tfjs-layers' Conv2DTranspose with ${activation} (values and gradients)`, async () => {
      await initBackend('cpu');
      const args = { filters: 6, kernelSize: 3, strides: 2, padding: 'same' as const, activation };
      const expected = outputAndGradients(tfl.layers.conv2dTranspose(args));
      const actual = outputAndGradients(conv2dTranspose(args));
      ['loss', 'output', 'dx', 'dkernel', 'dbias'].forEach((name, i) => {
        assert.ok(maxRelativeError(actual[i], expected[i]) < 1e-5, `${name} differs by ${maxRelativeError(actual[i], expected[i])}`);
      });
    });
  }

  it('keeps only its output for the backward pass (no pre-bias or pre-activation copy)', async () => {
    await initBackend('cpu');
    const saved = (layer: ReturnType<typeof tfl.layers.conv2dTranspose>) => {
      const x = tf.randomNormal([2, 8, 8, 4], 0, 1, 'float32', 5);
      layer.build([2, 8, 8, 4]);
      const before = tf.memory().numBytes;
      let during = 0;
      const [kernel] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      tf.dispose(tf.variableGrads(() => {
        const y = tf.sum(layer.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
        during = tf.memory().numBytes - before;
        return y;
      }, [kernel]).grads);
      x.dispose();
      return during;
    };
    const args = { filters: 8, kernelSize: 3, strides: 2, padding: 'same' as const, activation: 'relu' as const };
    const outputBytes = 2 * 16 * 16 * 8 * 4;
    assert.ok(saved(tfl.layers.conv2dTranspose(args)) - saved(conv2dTranspose(args)) >= outputBytes, 'at least one output-sized tensor fewer');
  });

  it('saves as a standard Conv2DTranspose and loads back fused', async () => {
    await initBackend('cpu');
    const input = tfl.input({ shape: [4, 4, 2] });
    const model = tfl.model({ inputs: input, outputs: conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(input) as tfl.SymbolicTensor });
    const json = model.toJSON(null, false) as unknown as { config: { layers: { class_name: string }[] } };
    assert.equal(json.config.layers[1].class_name, 'Conv2DTranspose');
    const restored = await tfl.models.modelFromJSON({ modelTopology: model.toJSON(null, false) });
    assert.ok(restored.layers[1] instanceof FusedConv2DTranspose);
    model.dispose();
    restored.dispose();
  });
});
