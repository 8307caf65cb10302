// The VAE's training objectives, nats per image (summed over pixels/latents, mean over the batch): the
// negative ELBO with a β weight on the KL term (β-VAE) and an optional linear KL warm-up, or the negative
// k-sample IWAE bound (Burda et al. 2015). Under N(0, I) the ELBO's KL is in closed form; under the
// VampPrior it is the Monte-Carlo estimate log q(z|x) − log p(z) at the sampled z.
import * as tf from '@tensorflow/tfjs-core';
import { encode, type Vae } from './vae.ts';
import { klToStandardNormal } from './latent.ts';
import { logMeanExp, logWeights, logWeightTerms } from './log-weights.ts';
import { priorDensity } from './prior.ts';

/** What `--objective` names: the ELBO, or the k-sample IWAE bound. */
export type VaeObjective = 'elbo' | 'iwae';

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

/** The objective of one step: which bound, its samples per image, and the KL weight now. */
export interface VaeLossSettings {
  objective: VaeObjective;
  /** Importance samples per image for 'iwae' (1 gives the single-sample ELBO exactly); ignored by 'elbo'. */
  k: number;
  /** β at this step: weights the KL (ELBO) or log p(z) − log q(z|x) inside each log weight (IWAE). */
  klWeight: number;
}

/** The objective's scalars for one batch, each in nats per image. */
export interface VaeLossTerms {
  /**
   * The quantity minimised: reconstruction + klWeight · kl (ELBO), or −mean over images of
   * log (1/k) Σ_i w_i with log w_i = log p(x|z_i) + klWeight·(log p(z_i) − log q(z_i|x)) (IWAE).
   */
  loss: tf.Scalar;
  /** E_q[−log p(x|z)], the mean over the step's draws (one per image for the ELBO, k for IWAE). */
  reconstruction: tf.Scalar;
  /** KL(q(z|x) ‖ p(z)): in closed form under N(0, I) with the ELBO, else the mean of log q(z|x) − log p(z) over the draws. */
  kl: tf.Scalar;
}

/**
 * The objective of images x [batch, h, w, c] in [0, 1] (labels [batch] if conditional) under `settings`,
 * z drawn from `noiseSeed` (one per image for the ELBO, k for IWAE). With k = 1 the IWAE loss is the
 * single-sample ELBO −(log p(x|z) + log p(z) − log q(z|x)) at the same z, computed by the same ops.
 */
export function vaeLoss(vae: Vae, x: tf.Tensor4D, labels: tf.Tensor1D | undefined, settings: VaeLossSettings, noiseSeed: number): VaeLossTerms {
  return tf.tidy(() => {
    const { mu, logVar } = encode(vae, x, labels);
    const prior = priorDensity(vae);
    const samples = settings.objective === 'iwae' ? settings.k : 1;
    const terms = logWeightTerms(vae, prior, x, labels, mu, logVar, samples, noiseSeed);
    const reconstruction = tf.neg(tf.mean(terms.logPx)) as tf.Scalar;
    if (settings.objective === 'elbo' && prior.kind === 'normal') {
      const kl = tf.mean(klToStandardNormal(mu, logVar)) as tf.Scalar;
      return { loss: tf.add(reconstruction, tf.mul(kl, settings.klWeight)) as tf.Scalar, reconstruction, kl };
    }
    const kl = tf.mean(tf.sub(terms.logQz, terms.logPz)) as tf.Scalar;
    const loss = tf.neg(tf.mean(logMeanExp(logWeights(terms, settings.klWeight)))) as tf.Scalar;
    return { loss, reconstruction, kl };
  }) as unknown as VaeLossTerms;
}
