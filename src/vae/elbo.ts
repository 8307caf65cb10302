// Test-set ELBO of a VAE in nats per image, with its reconstruction and KL terms reported separately:
// one reparameterised z per image for E_q[log p(x|z)], the KL in closed form; β is always 1 here.
import * as tf from '@tensorflow/tfjs-core';
import { mixSeed } from '../core/random.ts';
import { decode, encode, type Vae } from './vae.ts';
import { klToStandardNormal, reparameterize } from './latent.ts';
import { reconstructionLogProb } from './likelihood.ts';
import type { VaeEvalSet } from './eval-set.ts';

/** Means over the images, nats per image: elbo = −(reconstruction + kl). */
export interface ElboResult {
  elbo: number;
  /** E_q[−log p(x|z)]. */
  reconstruction: number;
  /** KL(q(z|x) ‖ N(0, I)). */
  kl: number;
  images: number;
}

/** The ELBO of every image of `set`, in batches of `batchSize`, noise drawn from `seed`. */
export async function evaluateElbo(vae: Vae, set: VaeEvalSet, { batchSize = 500, seed = 0 } = {}): Promise<ElboResult> {
  let reconstruction = 0;
  let kl = 0;
  let images = 0;
  let index = 0;
  for (const { x, labels } of set.batches(batchSize)) {
    const sums = tf.tidy(() => {
      const { mu, logVar } = encode(vae, x, labels);
      const z = reparameterize(mu, logVar, mixSeed(seed, index));
      const logPx = reconstructionLogProb(vae.architecture, x, decode(vae, z, labels));
      return tf.stack([tf.neg(tf.sum(logPx)), tf.sum(klToStandardNormal(mu, logVar))]);
    });
    const [r, k] = await sums.data();
    tf.dispose([sums, x, labels]);
    reconstruction += r;
    kl += k;
    images += x.shape[0];
    index++;
  }
  reconstruction /= images;
  kl /= images;
  return { elbo: -(reconstruction + kl), reconstruction, kl, images };
}
