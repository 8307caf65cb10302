// Test-set ELBO of a VAE in nats per image, with its reconstruction and KL terms reported separately:
// one reparameterised z per image for E_q[log p(x|z)]; the KL in closed form under N(0, I), the
// Monte-Carlo estimate log q(z|x) − log p(z) at the same z under the VampPrior; β is always 1 here.
import * as tf from '@tensorflow/tfjs-core';
import { mixSeed } from '../core/random.ts';
import { encode, type Vae } from './vae.ts';
import { klToStandardNormal } from './latent.ts';
import { logWeightTerms } from './log-weights.ts';
import { disposePriorDensity, priorDensity } from './prior.ts';
import type { VaeEvalSet } from './eval-set.ts';

/** How the KL term was computed. */
export type KlEstimate = 'closed form' | 'Monte Carlo, one z per image';

/** Means over the images, nats per image: elbo = −(reconstruction + kl). */
export interface ElboResult {
  elbo: number;
  /** E_q[−log p(x|z)]. */
  reconstruction: number;
  /** KL(q(z|x) ‖ p(z)). */
  kl: number;
  /** Closed form (N(0, I)) or Monte Carlo (VampPrior); absent in metrics.json files written before the VampPrior (closed form). */
  klEstimate?: KlEstimate;
  images: number;
}

/** The ELBO of every image of `set`, in batches of `batchSize`, noise drawn from `seed`. */
export async function evaluateElbo(vae: Vae, set: VaeEvalSet, { batchSize = 500, seed = 0 } = {}): Promise<ElboResult> {
  let reconstruction = 0;
  let kl = 0;
  let images = 0;
  let index = 0;
  const prior = priorDensity(vae);
  try {
    for (const { x, labels } of set.batches(batchSize)) {
      const sums = tf.tidy(() => {
        const { mu, logVar } = encode(vae, x, labels);
        const terms = logWeightTerms(vae, prior, x, labels, mu, logVar, 1, mixSeed(seed, index));
        const klSum = prior.kind === 'normal' ? tf.sum(klToStandardNormal(mu, logVar)) : tf.sum(tf.sub(terms.logQz, terms.logPz));
        return tf.stack([tf.neg(tf.sum(terms.logPx)), klSum]);
      });
      const [r, k] = await sums.data();
      tf.dispose([sums, x, labels]);
      reconstruction += r;
      kl += k;
      images += x.shape[0];
      index++;
    }
  } finally {
    disposePriorDensity(prior);
  }
  reconstruction /= images;
  kl /= images;
  const klEstimate: KlEstimate = prior.kind === 'normal' ? 'closed form' : 'Monte Carlo, one z per image';
  return { elbo: -(reconstruction + kl), reconstruction, kl, klEstimate, images };
}
