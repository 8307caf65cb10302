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

/** A normalised 2-D Gaussian window as a depthwise filter: [size, size, channels, 1]. */
function gaussianWindow(size: number, sigma: number, channels: number): tf.Tensor4D {
  const half = (size - 1) / 2;
  const g = Array.from({ length: size }, (_, i) => Math.exp(-((i - half) ** 2) / (2 * sigma * sigma)));
  const total = g.reduce((a, b) => a + b, 0);
  const weights = new Float32Array(size * size * channels);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < channels; c++) weights[(y * size + x) * channels + c] = (g[y] * g[x]) / (total * total);
    }
  }
  return tf.tensor4d(weights, [size, size, channels, 1]);
}

/**
 * SSIM of each image pair: a, b [batch, h, w, c] with h, w ≥ windowSize → [batch] in [-1, 1]
 * (the mean of the SSIM map over positions and channels).
 */
export function ssim(a: tf.Tensor4D, b: tf.Tensor4D, options: SsimOptions = STANDARD_SSIM): tf.Tensor1D {
  const [, h, w, c] = a.shape;
  if (a.shape.join() !== b.shape.join()) throw new Error(`ssim: shapes differ, [${a.shape}] vs [${b.shape}]`);
  if (h < options.windowSize || w < options.windowSize) {
    throw new Error(`ssim: images ${h}x${w} are smaller than the ${options.windowSize}x${options.windowSize} window`);
  }
  return tf.tidy(() => {
    const window = gaussianWindow(options.windowSize, options.sigma, c);
    const filter = (x: tf.Tensor4D) => tf.depthwiseConv2d(x, window, 1, 'valid');
    const c1 = (options.k1 * options.dataRange) ** 2;
    const c2 = (options.k2 * options.dataRange) ** 2;
    const muA = filter(a);
    const muB = filter(b);
    const muAB = tf.mul(muA, muB);
    const muA2 = tf.square(muA);
    const muB2 = tf.square(muB);
    const varA = tf.sub(filter(tf.square(a)), muA2);
    const varB = tf.sub(filter(tf.square(b)), muB2);
    const covariance = tf.sub(filter(tf.mul(a, b)), muAB);
    const numerator = tf.mul(tf.add(tf.mul(muAB, 2), c1), tf.add(tf.mul(covariance, 2), c2));
    const denominator = tf.mul(tf.add(tf.add(muA2, muB2), c1), tf.add(tf.add(varA, varB), c2));
    return tf.mean(tf.div(numerator, denominator), [1, 2, 3]) as tf.Tensor1D;
  });
}
