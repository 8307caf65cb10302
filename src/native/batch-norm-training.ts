// The training-mode batch-norm op on the native backend's fused kernels, and its gradient. One kernel call
// replaces tf.moments + tf.batchNorm (and ~15 full-size ops in their gradient), and the backward pass keeps
// only x, gamma and the batch statistics instead of every intermediate. A backward pass that is itself being
// differentiated (R1, WGAN-GP) runs in tfjs ops instead, which have gradients of every order.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';
import { BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD, type BatchNormTrainingAttrs } from './kernels/batch-norm-training.ts';

/** Whether the active backend has the fused kernels (the `native` backend does; cpu/webgl fall back to tfjs's ops). */
export function hasFusedBatchNormTraining(): boolean {
  return tf.getKernel(BATCH_NORM_TRAINING, tf.getBackend()) !== undefined;
}

/**
 * Batch norm with batch statistics over all but the last axis: x [.., C], gamma [C], beta [C] →
 * [y (x's shape), mean [C], variance [C]] (biased variance, as tf.moments). Differentiable in all three outputs.
 */
export function batchNormTraining(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  const attrs = { epsilon } as unknown as NamedAttrMap;
  return tf.engine().runKernel(BATCH_NORM_TRAINING, { x, gamma, beta }, attrs) as unknown as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
}

/**
 * The gradient: saves x, gamma and the batch mean/variance (no intermediate of x's size). While a tape records
 * the backward pass (a gradient of a gradient), it is composed of tfjs ops (`differentiableGradient`) instead of
 * the fused kernel, which has no gradient of its own.
 */
export const batchNormTrainingGrad: GradConfig = {
  kernelName: BATCH_NORM_TRAINING,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [dy, dMean, dVariance] = dys as tf.Tensor[];
    const [x, gamma, mean, variance] = saved;
    const [dx, dGamma, dBeta] = tf.engine().isTapeOn()
      ? differentiableGradient(x, gamma as tf.Tensor1D, dy, dMean as tf.Tensor1D, dVariance as tf.Tensor1D, (attrs as unknown as BatchNormTrainingAttrs).epsilon)
      : tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD, { x, dy, gamma, mean, variance, dMean, dVariance }, attrs as NamedAttrMap) as unknown as tf.Tensor[];
    return { x: () => dx, gamma: () => dGamma, beta: () => dBeta };
  },
};

/**
 * The fused kernel's gradient in differentiable tfjs ops: x, dy [.., C], gamma, dMean, dVariance [C] → [dx [.., C],
 * dGamma [C], dBeta [C]]. The batch statistics are recomputed from x: a saved output is a copy that an outer
 * gradient would not trace back to x, so its dependence on x would be lost.
 */
function differentiableGradient(x: tf.Tensor, gamma: tf.Tensor1D, dy: tf.Tensor, dMean: tf.Tensor1D, dVariance: tf.Tensor1D, epsilon: number): tf.Tensor[] {
  const axes = [...Array(x.rank - 1).keys()];
  const n = x.size / gamma.size;
  const { mean, variance } = tf.moments(x, axes);
  const centered = tf.sub(x, mean);
  const invStd = tf.rsqrt(tf.add(variance, epsilon));
  const normalized = tf.mul(centered, invStd);
  const dBeta = tf.sum(dy, axes);
  const dGamma = tf.sum(tf.mul(dy, normalized), axes);
  // dx = γ/s·(dy − Σdy/n − x̂·Σ(dy·x̂)/n) + dMean/n + 2·dVariance·(x − μ)/n, with s = √(variance + ε).
  const throughY = tf.mul(tf.mul(gamma, invStd), tf.sub(tf.sub(dy, tf.div(dBeta, n)), tf.mul(normalized, tf.div(dGamma, n))));
  const throughStatistics = tf.add(tf.div(dMean, n), tf.mul(centered, tf.mul(dVariance, 2 / n)));
  return [tf.add(throughY, throughStatistics), dGamma, dBeta];
}
