// Per-image pixel errors between an image and its reconstruction: MSE, PSNR and binary cross-entropy.
// Images are in [0, 1]; each function maps two [batch, h, w, c] tensors to one value per image, [batch].
import * as tf from '@tensorflow/tfjs-core';

/** BCE clips probabilities to [ε, 1 − ε] so a confident wrong pixel costs log(1/ε) ≈ 16 nats, not ∞. */
const BCE_EPSILON = 1e-7;

/** Mean squared error per image: [batch, h, w, c] x2 → [batch]. */
export function meanSquaredError(x: tf.Tensor4D, reconstruction: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => tf.mean(tf.squaredDifference(x, reconstruction), [1, 2, 3]) as tf.Tensor1D);
}

/** PSNR per image in dB, 10·log10(L² / MSE) with `dataRange` L: [batch, h, w, c] x2 → [batch] (∞ when identical). */
export function psnr(x: tf.Tensor4D, reconstruction: tf.Tensor4D, dataRange = 1): tf.Tensor1D {
  return tf.tidy(() => tf.mul(tf.log(tf.div(dataRange * dataRange, meanSquaredError(x, reconstruction))), 10 / Math.LN10) as tf.Tensor1D);
}

/**
 * Binary cross-entropy per image in nats, summed over pixels: targets x in [0, 1] and predicted
 * probabilities [batch, h, w, c] → [batch]. Equals −log p(x|·) of a Bernoulli decoder.
 */
export function binaryCrossEntropy(x: tf.Tensor4D, probabilities: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => {
    const p = tf.clipByValue(probabilities, BCE_EPSILON, 1 - BCE_EPSILON);
    const perPixel = tf.add(tf.mul(x, tf.log(p)), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, p))));
    return tf.neg(tf.sum(perPixel, [1, 2, 3])) as tf.Tensor1D;
  });
}
