// The fused native Adam gives the same weights and optimizer state as tfjs's AdamOptimizer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/env/backend.ts';
import { createAdam } from '../../src/tfjs/fused-adam.ts';
import { nativeMissing } from '../helpers/backends.ts';

/** Trains a tiny least-squares model for `steps` with `makeOptimizer`; returns weights and Adam state. */
async function train(makeOptimizer: () => tf.Optimizer, steps: number) {
  const w = tf.variable(tf.randomNormal([5, 3], 0, 1, 'float32', 1), true, 'adam-test-w');
  const b = tf.variable(tf.zeros([3]), true, 'adam-test-b');
  const x = tf.randomNormal([16, 5], 0, 1, 'float32', 2);
  const y = tf.randomNormal([16, 3], 0, 1, 'float32', 3);
  const optimizer = makeOptimizer();
  for (let i = 0; i < steps; i++) {
    optimizer.minimize(() => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), y))) as tf.Scalar);
  }
  const state = await optimizer.getWeights();
  const result = {
    weights: [w.dataSync(), b.dataSync()].map((a) => Array.from(a)),
    state: state.map((s) => [s.name, Array.from(s.tensor.dataSync())]),
  };
  optimizer.dispose();
  tf.dispose([w, b, x, y]);
  return result;
}

describe('fused Adam', { skip: nativeMissing }, () => {
  it('matches tf.train.adam bit for bit on the native backend, with the same saved state', async () => {
    await initBackend('native');
    const reference = await train(() => tf.train.adam(0.01, 0.5, 0.999), 25);
    const fused = await train(() => createAdam(0.01, 0.5, 0.999), 25);
    assert.deepEqual(fused, reference);
  });

  it('leaks no tensors per step', async () => {
    await initBackend('native');
    const w = tf.variable(tf.ones([100]));
    const optimizer = createAdam(0.1);
    const step = () => optimizer.minimize(() => tf.sum(tf.square(w)) as tf.Scalar);
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) step();
    assert.equal(tf.memory().numTensors, before);
    assert.ok(w.dataSync()[0] < 1, 'the loss must have been minimised');
    optimizer.dispose();
    w.dispose();
  });
});
