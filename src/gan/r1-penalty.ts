// Mescheder et al.'s R1 penalty on the discriminator's gradient at real images, and StyleGAN2's lazy schedule for it
// (the penalty on every k-th D step only, weighted by k so that its average pull stays the same).
import * as tf from '@tensorflow/tfjs-core';

/**
 * R1 = γ/2 · mean over the batch of ‖∇ₓ D(x)‖² (summed over pixels and channels) at the real images `real`
 * [n, h, w, c]; `discriminator` maps images [n, h, w, c] to logits [n, 1]. The gradient is that of the batch's
 * summed logits, as in the reference implementations (per image unless D mixes images, e.g. batch norm in
 * training mode). Differentiable with respect to D's weights (tf.grad nested inside tf.variableGrads) → scalar.
 */
export function r1Penalty(discriminator: (images: tf.Tensor4D) => tf.Tensor, real: tf.Tensor4D, gamma: number): tf.Scalar {
  return tf.tidy(() => {
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(discriminator(x as tf.Tensor4D)))(real);
    return tf.mul(tf.mean(tf.sum(tf.square(gradient), [1, 2, 3])), gamma / 2) as tf.Scalar;
  });
}

/**
 * StyleGAN2's lazy regularisation: the weight of the penalty on D step `step` (counted from 0) when it is applied
 * every `interval` steps: `interval` on steps 0, interval, 2·interval, …, and 0 (skip it) on the others.
 */
export function lazyPenaltyWeight(step: number, interval: number): number {
  if (!(Number.isInteger(interval) && interval >= 1)) throw new Error(`R1: the lazy regularisation interval must be an integer ≥ 1, got ${interval}`);
  return step % interval === 0 ? interval : 0;
}
