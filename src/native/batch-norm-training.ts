// The training-mode batch-norm op on the native backend's fused kernels, and its gradient. One kernel call
// replaces tf.moments + tf.batchNorm (and ~15 full-size ops in their gradient), and the backward pass keeps
// only x, gamma and the batch statistics instead of every intermediate.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';
import { BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD } from './kernels/batch-norm-training.ts';

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

/** The gradient: saves x, gamma and the batch mean/variance (no intermediate of x's size). */
export const batchNormTrainingGrad: GradConfig = {
  kernelName: BATCH_NORM_TRAINING,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [dy, dMean, dVariance] = dys as tf.Tensor[];
    const [x, gamma, mean, variance] = saved;
    const [dx, dGamma, dBeta] = tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD,
      { x, dy, gamma, mean, variance, dMean, dVariance }, attrs as NamedAttrMap) as unknown as tf.Tensor[];
    return { x: () => dx, gamma: () => dGamma, beta: () => dBeta };
  },
};
