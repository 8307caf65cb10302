// The fused moving average (the EMA generator's update) gives tfjs's add(mul(average, d), mul(value, 1 − d)) bit for
// bit, on the native backend and through the fallback elsewhere; bad calls into the addon throw, never crash.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { loadAddon } from '../../src/native/addon.ts';
import { movingAverage } from '../../src/tfjs/moving-average.ts';
import { nativeMissing, runOn } from '../helpers/backends.ts';

// Sizes below and above the addon's parallel threshold (2^16 elements), and decays of the EMA's warm-up and its end.
const CASES: [number[], number][] = [[[7], 0.1], [[5, 5, 32, 64], 0.999], [[300, 257], 0.5], [[1], 0.9990000128746033]];

describe('movingAverage', { skip: nativeMissing }, () => {
  it('matches tfjs\'s three ops bit for bit on native and cpu', async () => {
    for (const [i, [shape, decay]] of CASES.entries()) {
      const inputs = () => [tf.randomNormal(shape, 0, 1, 'float32', 2 * i + 1), tf.randomNormal(shape, 0, 3, 'float32', 2 * i + 2)];
      const reference = () => {
        const [a, v] = inputs();
        return tf.add(tf.mul(a, decay), tf.mul(v, 1 - decay));
      };
      const fused = () => {
        const [a, v] = inputs();
        return movingAverage(a, v, decay);
      };
      const [expected] = await runOn('cpu', reference);
      for (const backend of ['native', 'cpu'] as const) {
        const [actual] = await runOn(backend, fused);
        assert.deepEqual(actual, expected, `${backend} [${shape}] decay ${decay}`);
      }
    }
  });

  it('leaks no tensors and refuses tensors of different shapes', async () => {
    await runOn('native', () => {
      const a = tf.ones([64, 64]);
      const v = tf.zeros([64, 64]);
      const before = tf.memory().numTensors;
      movingAverage(a, v, 0.9).dispose();
      assert.equal(tf.memory().numTensors, before);
      assert.throws(() => movingAverage(a, tf.zeros([64, 65]), 0.9), /the average has shape \[64,64\] and the value \[64,65\]/);
      return a;
    });
  });

  it('the addon checks its arguments', () => {
    const addon = loadAddon().addon!;
    const f32 = (n: number) => new Float32Array(n);
    assert.throws(() => addon.movingAverage(f32(4), f32(3), f32(4), 0.9, 0.1), /value has 3 elements, expected 4/);
    assert.throws(() => addon.movingAverage(f32(4), f32(4), f32(5), 0.9, 0.1), /out has 5 elements, expected 4/);
    assert.throws(() => addon.movingAverage(f32(4), new Float64Array(4) as unknown as Float32Array, f32(4), 0.9, 0.1), /value\) must be a Float32Array/);
    assert.throws(() => (addon.movingAverage as (...a: unknown[]) => void)(f32(4), f32(4), f32(4)), /decay/);
  });
});
