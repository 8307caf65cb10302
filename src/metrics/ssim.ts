// Structural similarity (Wang et al. 2004) as the standard reference computes it: an 11x11 Gaussian
// window with σ = 1.5, K1 = 0.01, K2 = 0.03, 'valid' filtering, averaged over the map and channels.
import * as tf from '@tensorflow/tfjs-core';

/** The standard SSIM constants; `dataRange` is L, the span of pixel values (1 for images in [0, 1]). */
export interface SsimOptions {
  windowSize: number;
  sigma: number;
  k1: number;
  k2: number;
  dataRange: number;
}

export const STANDARD_SSIM: SsimOptions = { windowSize: 11, sigma: 1.5, k1: 0.01, k2: 0.03, dataRange: 1 };

/** A normalised 1-D Gaussian window as a one-channel conv2d filter along one axis: [size, 1, 1, 1] or [1, size, 1, 1]. */
function gaussianWindow(size: number, sigma: number, axis: 'rows' | 'columns'): tf.Tensor4D {
  const half = (size - 1) / 2;
  const g = Array.from({ length: size }, (_, i) => Math.exp(-((i - half) ** 2) / (2 * sigma * sigma)));
  const total = g.reduce((a, b) => a + b, 0);
  return tf.tensor4d(g.map((v) => v / total), axis === 'rows' ? [size, 1, 1, 1] : [1, size, 1, 1]);
}

/**
 * SSIM of each image pair: a, b [batch, h, w, c] with h, w ≥ windowSize → [batch] in [-1, 1]
 * (the mean of the SSIM map over positions and channels).
 */
export function ssim(a: tf.Tensor4D, b: tf.Tensor4D, options: SsimOptions = STANDARD_SSIM): tf.Tensor1D {
  const [batch, h, w, c] = a.shape;
  if (a.shape.join() !== b.shape.join()) throw new Error(`ssim: shapes differ, [${a.shape}] vs [${b.shape}]`);
  if (h < options.windowSize || w < options.windowSize) {
    throw new Error(`ssim: images ${h}x${w} are smaller than the ${options.windowSize}x${options.windowSize} window`);
  }
  return tf.tidy(() => {
    // The 2-D Gaussian is separable: a column pass then a row pass, 2·11 instead of 121 products per pixel.
    // Channels go into the batch so each pass is a one-channel conv2d (a native kernel; depthwise is not).
    const down = gaussianWindow(options.windowSize, options.sigma, 'rows');
    const across = gaussianWindow(options.windowSize, options.sigma, 'columns');
    const perChannel = (x: tf.Tensor4D) => (c === 1 ? x : tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [-1, h, w, 1]) as tf.Tensor4D);
    const filter = (x: tf.Tensor4D) => tf.conv2d(tf.conv2d(x, down, 1, 'valid'), across, 1, 'valid');
    const [x, y] = [perChannel(a), perChannel(b)];
    const c1 = (options.k1 * options.dataRange) ** 2;
    const c2 = (options.k2 * options.dataRange) ** 2;
    const muA = filter(x);
    const muB = filter(y);
    const muAB = tf.mul(muA, muB);
    const muA2 = tf.square(muA);
    const muB2 = tf.square(muB);
    const varA = tf.sub(filter(tf.square(x)), muA2);
    const varB = tf.sub(filter(tf.square(y)), muB2);
    const covariance = tf.sub(filter(tf.mul(x, y)), muAB);
    const numerator = tf.mul(tf.add(tf.mul(muAB, 2), c1), tf.add(tf.mul(covariance, 2), c2));
    const denominator = tf.mul(tf.add(tf.add(muA2, muB2), c1), tf.add(tf.add(varA, varB), c2));
    // The map is [batch·c, h', w'] with each image's channels adjacent: average them together.
    return tf.mean(tf.reshape(tf.div(numerator, denominator), [batch, -1]), 1) as tf.Tensor1D;
  });
}
