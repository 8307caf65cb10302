// The lean backward pass (src/tfjs/lean-gradients.ts): same gradients as tfjs, intermediate gradients freed as
// soon as they are consumed. (tfjs-core's own gradient specs also run through it in test/conformance.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/env/backend.ts';

const N = 100_000;
const DEPTH = 30;

/**
 * neg applied DEPTH times, each intermediate disposed once used: Neg's gradient saves nothing, so the forward
 * pass holds two arrays of N floats at a time, and the backward pass's peak is what it keeps of the dys.
 */
const chain = (x: tf.Tensor) => {
  let y = x;
  for (let i = 0; i < DEPTH; i++) {
    const next = tf.neg(y);
    if (y !== x) y.dispose();
    y = next;
  }
  return tf.sum(y);
};

describe('lean backward pass', () => {
  it('holds a few gradients at a time where tfjs holds every intermediate one until the end', async () => {
    await initBackend('cpu');
    const x = tf.randomNormal([N], 0, 1, 'float32', 1);
    const before = tf.memory().numTensors;
    const engine = tf.engine();
    // The instance method is ganvae's; tfjs's own stays on the prototype.
    const tfjsGradients = Object.getPrototypeOf(engine).gradients as typeof engine.gradients;
    const peakArrays = async (run: () => void) => (await tf.profile(run)).peakBytes / (4 * N);
    const lean = await peakArrays(() => tf.dispose(tf.grad(chain)(x)));
    const original = await peakArrays(() => {
      const { value, grads } = tfjsGradients.call(engine, () => chain(x), [x]);
      tf.dispose([value, ...grads]);
    });
    assert.ok(original - lean >= DEPTH - 3, `tfjs peaked at ${original.toFixed(1)} arrays of N floats, the lean pass at ${lean.toFixed(1)}`);
    assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
    x.dispose();
  });

  it('gives the analytic gradient, keeps a caller\'s dy, and supports second derivatives', async () => {
    await initBackend('cpu');
    const x = tf.tensor1d([0.3, -1.2, 2]);
    const dy = tf.tensor1d([1, 2, 3]);
    const { grads } = tf.engine().gradients(() => tf.mul(tf.reshape(tf.square(x), [3]), 1), [x], dy);
    assert.deepEqual([...grads[0].dataSync()].map((v) => +v.toFixed(5)), [0.6, -4.8, 12]);
    assert.ok(!dy.isDisposed, 'the caller\'s dy is not disposed');
    const second = tf.grad(tf.grad((t: tf.Tensor) => tf.sum(tf.pow(t, 3)) as tf.Scalar))(x);
    assert.deepEqual([...second.dataSync()].map((v) => +v.toFixed(5)), [1.8, -7.2, 12]);
    // A gradient function that returns its dy unchanged: that tensor must survive for the next op.
    const passThrough = tf.customGrad((...inputs) => ({ value: tf.mul(inputs[0] as tf.Tensor, 1), gradFunc: (g: tf.Tensor) => g }));
    const passthrough = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(passThrough(passThrough(t) as tf.Tensor) as tf.Tensor, 2)))(x);
    assert.deepEqual([...passthrough.dataSync()], [2, 2, 2]);
    tf.dispose([x, dy, grads[0], second, passthrough]);
  });
});
