// The latent side of a VAE: the diagonal Gaussian posterior q(z|x) = N(μ, σ²), the prior N(0, I),
// reparameterised sampling and the closed-form KL between them. All densities in nats.
import * as tf from '@tensorflow/tfjs-core';

const LOG_2PI = Math.log(2 * Math.PI);

/** z = μ + σ·ε with ε ~ N(0, I) drawn from `seed`: μ, log σ² [batch, latent] → z [batch, latent]. */
export function reparameterize(mu: tf.Tensor2D, logVar: tf.Tensor2D, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const eps = tf.randomNormal(mu.shape, 0, 1, 'float32', seed);
    return tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
  });
}

/** KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ (μ² + σ² − log σ² − 1): μ, log σ² [batch, latent] → [batch]. */
export function klToStandardNormal(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.mul(tf.sum(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(logVar, 1)), -1), 0.5));
}

/** log N(z; μ, diag σ²) summed over latents: z, μ, log σ² [..., latent] (broadcastable) → [...]. */
export function diagonalGaussianLogDensity(z: tf.Tensor, mu: tf.Tensor, logVar: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const perDim = tf.add(tf.div(tf.square(tf.sub(z, mu)), tf.exp(logVar)), tf.add(logVar, LOG_2PI));
    return tf.mul(tf.sum(perDim, -1), -0.5);
  });
}

/** log N(z; 0, I) summed over latents: z [..., latent] → [...]. */
export function standardNormalLogDensity(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.sum(tf.add(tf.square(z), LOG_2PI), -1), -0.5));
}
