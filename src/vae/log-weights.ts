// Importance log weights log w = log p(x|z) + log p(z) − log q(z|x) of reparameterised draws z ~ q(z|x):
// the one implementation behind the training objectives (ELBO, IWAE) and the evaluator's ELBO and IWAE bound.
import * as tf from '@tensorflow/tfjs-core';
import { decode, type Vae } from './vae.ts';
import { diagonalGaussianLogDensity } from './latent.ts';
import { reconstructionLogProb } from './likelihood.ts';
import { priorLogDensity, type PriorDensity } from './prior.ts';

/** The three terms of log w for each draw, nats, each [samples, b]. */
export interface LogWeightTerms {
  /** log p(x|z). */
  logPx: tf.Tensor2D;
  /** log p(z) under the model's prior. */
  logPz: tf.Tensor2D;
  /** log q(z|x). */
  logQz: tf.Tensor2D;
}

/**
 * `samples` draws per image, z = μ + σ·ε with ε ~ N(0, I) drawn from `seed` as one [samples, b, latent]
 * tensor (sample-major, so tiling x and the labels lines them up; samples = 1 draws what
 * `reparameterize(μ, log σ², seed)` draws), and their terms: x [b, h, w, c] in [0, 1] (labels [b] if
 * conditional), μ, log σ² [b, latent] of q(z|x), the prior `prior` → each term [samples, b].
 */
export function logWeightTerms(vae: Vae, prior: PriorDensity, x: tf.Tensor4D, labels: tf.Tensor1D | undefined,
  mu: tf.Tensor2D, logVar: tf.Tensor2D, samples: number, seed: number): LogWeightTerms {
  return tf.tidy(() => {
    const [images, latent] = mu.shape;
    const eps = tf.randomNormal([samples, images, latent], 0, 1, 'float32', seed);
    const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
    const flat = tf.reshape(z, [samples * images, latent]) as tf.Tensor2D;
    const tiledLabels = labels && samples > 1 ? tf.tile(labels, [samples]) as tf.Tensor1D : labels;
    const tiledX = samples > 1 ? tf.tile(x, [samples, 1, 1, 1]) as tf.Tensor4D : x;
    const shape: [number, number] = [samples, images];
    return {
      logPx: tf.reshape(reconstructionLogProb(vae.architecture, tiledX, decode(vae, flat, tiledLabels)), shape),
      logPz: tf.reshape(priorLogDensity(prior, flat), shape),
      logQz: diagonalGaussianLogDensity(z, mu, logVar),
    };
  }) as unknown as LogWeightTerms;
}

/**
 * log w = log p(x|z) + klWeight·(log p(z) − log q(z|x)) → [samples, b]. klWeight 1 gives the true log
 * weight; another value weights the prior's share as β (and a KL warm-up) weight the ELBO's KL.
 */
export function logWeights(terms: LogWeightTerms, klWeight = 1): tf.Tensor2D {
  return tf.tidy(() => tf.add(terms.logPx, tf.mul(tf.sub(terms.logPz, terms.logQz), klWeight)));
}

/**
 * log (1/s) Σ_i exp(v_i) over the samples: v [s, b] → [b]. Stable: log-sum-exp takes out the largest
 * weight before exponentiating, and for s = 1 it returns v itself exactly.
 */
export function logMeanExp(values: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sub(tf.logSumExp(values, 0), Math.log(values.shape[0])) as tf.Tensor1D);
}
