// The fused native Adam gives the same weights and optimizer state as tfjs's AdamOptimizer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/env/backend.ts';
import { loadAddon } from '../../src/native/addon.ts';
import { createAdam } from '../../src/tfjs/fused-adam.ts';
import { nativeMissing } from '../helpers/backends.ts';

/**
 * Trains a least-squares model x [16, inputs] → [16, outputs] for `steps` with `makeOptimizer`; returns weights and
 * Adam state.
 */
async function train(makeOptimizer: () => tf.Optimizer, steps: number, inputs = 5, outputs = 3) {
  const w = tf.variable(tf.randomNormal([inputs, outputs], 0, 1, 'float32', 1), true, 'adam-test-w');
  const b = tf.variable(tf.zeros([outputs]), true, 'adam-test-b');
  const x = tf.randomNormal([16, inputs], 0, 1, 'float32', 2);
  const y = tf.randomNormal([16, outputs], 0, 1, 'float32', 3);
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

  it('matches it bit for bit on variables that fill vectors and leave a tail (37 × 29, 29)', async () => {
    await initBackend('native');
    const reference = await train(() => tf.train.adam(0.01, 0.5, 0.999), 10, 37, 29);
    const fused = await train(() => createAdam(0.01, 0.5, 0.999), 10, 37, 29);
    assert.deepEqual(fused, reference);
  });

  it('updates in place, and refuses outputs that overlap other arrays', () => {
    const addon = loadAddon().addon!;
    const constants = [0.5, 0.5, 0.999, 0.001, 0.5, 0.001, -0.01, 1e-7] as const;
    const arrays = () => [0, 1, 2, 3].map((k) => Float32Array.from({ length: 40 }, (_, i) => 0.1 * (((i * 7 + k * 3) % 11) + 1)));
    const [value, m, v, g] = arrays();
    const out = [new Float32Array(40), new Float32Array(40), new Float32Array(40)];
    addon.adamUpdate(value, m, v, g, out[0], out[1], out[2], ...constants);
    const [value2, m2, v2, g2] = arrays();
    addon.adamUpdate(value2, m2, v2, g2, value2, m2, v2, ...constants);
    assert.deepEqual([value2, m2, v2], out, 'in place gives the same values');
    const big = new Float32Array(80);
    assert.throws(() => addon.adamUpdate(value, m, v, g, big.subarray(0, 40), big.subarray(20, 60), out[2], ...constants), /newValue overlaps newM/);
    assert.throws(() => addon.adamUpdate(value, m, v, g, out[0], v, out[2], ...constants), /newM overlaps v/);
    assert.throws(() => addon.adamUpdate(value, m, v, g, out[0], out[1], g.subarray(0, 40), ...constants), /newV overlaps gradient/);
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
