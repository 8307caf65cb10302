// Training on the native backend leaks neither tensors nor memory: a small conv GAN-like step
// (conv, conv-transpose, dense, Adam) repeated two hundred times.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/env/backend.ts';
import { nativeMissing } from '../helpers/backends.ts';

describe('native training step', { skip: nativeMissing }, () => {
  it('keeps tf.memory().numTensors and RSS flat over 200 steps', async () => {
    await initBackend('native');
    const weights = {
      conv: tf.variable(tf.randomNormal([3, 3, 1, 8], 0, 0.1, 'float32', 1)),
      convT: tf.variable(tf.randomNormal([3, 3, 1, 8], 0, 0.1, 'float32', 2)),
      dense: tf.variable(tf.randomNormal([7 * 7 * 8, 1], 0, 0.1, 'float32', 3)),
    };
    const optimizer = tf.train.adam(1e-3);
    const x = tf.randomNormal([16, 14, 14, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    const step = () => optimizer.minimize(() => {
      const h = tf.relu(tf.conv2d(x, weights.conv as tf.Tensor4D, 2, 'same'));
      const back = tf.conv2dTranspose(h, weights.convT as tf.Tensor4D, [16, 14, 14, 1], 2, 'same');
      const logits = tf.matMul(tf.reshape(h, [16, -1]), weights.dense);
      return tf.add(tf.mean(tf.square(tf.sub(back, x))), tf.mean(tf.sigmoid(logits)));
    }, true)!.dispose();

    for (let i = 0; i < 30; i++) step();
    const tensorsAfterWarmup = tf.memory().numTensors;
    global.gc?.();
    const rssAfterWarmup = process.memoryUsage().rss;
    for (let i = 0; i < 200; i++) step();
    global.gc?.();
    const rssGrowthMiB = (process.memoryUsage().rss - rssAfterWarmup) / 2 ** 20;
    assert.equal(tf.memory().numTensors, tensorsAfterWarmup, 'tensor count grew across training steps');
    assert.ok(rssGrowthMiB < 32, `RSS grew by ${rssGrowthMiB.toFixed(1)} MiB over 200 steps`);
    optimizer.dispose();
    tf.dispose([x, ...Object.values(weights)]);
  });
});
