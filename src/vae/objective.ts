// The VAE's training objective: the negative ELBO with a β weight on the KL term (β-VAE) and an
// optional linear KL warm-up. Losses are nats per image: summed over pixels/latents, mean over the batch.
import * as tf from '@tensorflow/tfjs-core';
import { decode, encode, type Vae } from './vae.ts';
import { klToStandardNormal, reparameterize } from './latent.ts';
import { reconstructionLogProb } from './likelihood.ts';

/** β and its warm-up: the KL weight rises linearly from 0 to β over `warmupSteps` steps (0 = β from the start). */
export interface KlSchedule {
  beta: number;
  warmupSteps: number;
}

/** The KL weight at optimisation step `step` (0-based). */
export function klWeightAt(step: number, schedule: KlSchedule): number {
  if (schedule.warmupSteps <= 0) return schedule.beta;
  return schedule.beta * Math.min(1, step / schedule.warmupSteps);
}

/** The objective's scalars for one batch, each in nats per image. */
export interface VaeLossTerms {
  /** reconstruction + klWeight · kl, the quantity minimised. */
  loss: tf.Scalar;
  /** E_q[−log p(x|z)] estimated with one z per image. */
  reconstruction: tf.Scalar;
  /** KL(q(z|x) ‖ N(0, I)) in closed form. */
  kl: tf.Scalar;
}

/**
 * The β-weighted negative ELBO of images x [batch, h, w, c] in [0, 1] (labels [batch] if conditional),
 * with one reparameterised z per image drawn from `noiseSeed`.
 */
export function vaeLoss(vae: Vae, x: tf.Tensor4D, labels: tf.Tensor1D | undefined, klWeight: number, noiseSeed: number): VaeLossTerms {
  return tf.tidy(() => {
    const { mu, logVar } = encode(vae, x, labels);
    const z = reparameterize(mu, logVar, noiseSeed);
    const reconstruction = tf.neg(tf.mean(reconstructionLogProb(vae.architecture, x, decode(vae, z, labels)))) as tf.Scalar;
    const kl = tf.mean(klToStandardNormal(mu, logVar)) as tf.Scalar;
    const loss = tf.add(reconstruction, tf.mul(kl, klWeight)) as tf.Scalar;
    return { loss, reconstruction, kl };
  }) as unknown as VaeLossTerms;
}
