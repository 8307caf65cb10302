// Gradients of gradients through the fused training-mode batch norm (src/native/batch-norm-training.ts): while a
// tape records its backward pass it runs in tfjs ops, whose results must equal tfjs's own composition's.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { batchNormTraining } from '../../src/native/batch-norm-training.ts';
import { maxRelativeError, nativeMissing, runOn } from '../helpers/backends.ts';

const normal = (shape: number[], seed: number, mean = 0, std = 1) => tf.randomNormal(shape, mean, std, 'float32', seed);

/**
 * Gradients w.r.t. x, gamma, beta and the weights of the mean and variance in L of ‖∂L/∂x‖² + Σ(∂L/∂gamma)², L
 * weighing y, the batch mean and the batch variance (so every path of the backward pass is differentiated), with
 * the fused op or with tf.moments + tf.batchNorm.
 */
function secondOrder(shape: number[], fused: boolean): tf.Tensor[] {
  const c = shape[shape.length - 1];
  const x = tf.variable(normal(shape, 1, 0.3, 1.5));
  const gamma = tf.variable(normal([c], 2, 1, 0.2));
  const beta = tf.variable(normal([c], 3));
  const wy = normal(shape, 4);
  const [wMean, wVariance] = [tf.variable(normal([c], 5)), tf.variable(normal([c], 6))];
  const axes = [...Array(shape.length - 1).keys()];
  const loss = (input: tf.Tensor, scale: tf.Tensor) => {
    let y: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor;
    if (fused) {
      [y, mean, variance] = batchNormTraining(input, scale as tf.Tensor1D, beta as tf.Tensor1D, 1e-3);
    } else {
      ({ mean, variance } = tf.moments(input, axes));
      y = tf.batchNorm(input, mean, variance, beta, scale, 1e-3);
    }
    return tf.addN([tf.sum(tf.mul(y, wy)), tf.sum(tf.mul(mean, wMean)), tf.sum(tf.mul(variance, wVariance))]);
  };
  const { grads } = tf.variableGrads(() => {
    const [dx, dGamma] = tf.grads(loss)([x, gamma]);
    return tf.add(tf.sum(tf.square(dx)), tf.sum(tf.square(dGamma))) as tf.Scalar;
  }, [x, gamma, beta, wMean, wVariance]);
  return [x, gamma, beta, wMean, wVariance].map((v) => grads[v.name] ?? tf.zeros(v.shape));
}

describe('fused batch norm: second-order gradients', { skip: nativeMissing }, () => {
  for (const shape of [[6, 4, 4, 5], [16, 3], [2, 3, 3, 1]]) {
    it(`[${shape}]: the fused op's match tfjs's composition on native and on cpu`, async () => {
      const expected = await runOn('cpu', () => secondOrder(shape, false));
      const composed = await runOn('native', () => secondOrder(shape, false));
      const actual = await runOn('native', () => secondOrder(shape, true));
      ['x', 'gamma', 'beta', 'wMean', 'wVariance'].forEach((name, i) => {
        assert.ok(maxRelativeError(actual[i], expected[i]) < 1e-4, `∂/∂${name} differs from cpu by ${maxRelativeError(actual[i], expected[i])}`);
        assert.ok(maxRelativeError(actual[i], composed[i]) < 1e-4, `∂/∂${name} differs from native's composition by ${maxRelativeError(actual[i], composed[i])}`);
      });
    });
  }

  it('a first-order backward pass still runs on the fused gradient kernel', async () => {
    await runOn('native', () => tf.zeros([1]));
    const profile = await tf.profile(() => {
      const x = tf.variable(normal([4, 3, 3, 2], 7));
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(batchNormTraining(x, tf.ones([2]), tf.zeros([2]), 1e-3)[0])) as tf.Scalar, [x]);
      tf.dispose([x, grads]);
    });
    const kernels = new Set(profile.kernels.map((k) => k.name));
    assert.ok(kernels.has('GanvaeBatchNormTrainingGrad') && !kernels.has('Rsqrt'), [...kernels].join());
  });
});
