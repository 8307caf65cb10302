// The VAE's prior p(z): N(0, I), or the VampPrior (Tomczak & Welling 2018), the equal-weight mixture
// (1/K) Σ_k q(z|u_k) of the encoder's posteriors at K learned pseudo-inputs u_k. Densities and draws.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../core/random.ts';
import { latentValues } from '../training/latent.ts';
import { encode, pseudoInputImages, type Vae } from './vae.ts';
import { diagonalGaussianLogDensity, standardNormalLogDensity } from './latent.ts';

/** p(z) as the log weights need it: N(0, I), or the mixture's components μ_k, log σ²_k, each [K, latent]. */
export type PriorDensity = { kind: 'normal' } | { kind: 'vamp'; mu: tf.Tensor2D; logVar: tf.Tensor2D };

/**
 * The prior of `vae` as it stands: for the VampPrior, its pseudo-inputs encoded now, so inside a gradient
 * tape the density is differentiable in the pseudo-inputs and the encoder. The caller disposes the
 * components (or calls this inside tf.tidy).
 */
export function priorDensity(vae: Vae): PriorDensity {
  if (!vae.pseudoInputs) return { kind: 'normal' };
  return { kind: 'vamp', ...tf.tidy(() => encode(vae, pseudoInputImages(vae))) };
}

/** Frees a PriorDensity's components (nothing for N(0, I)). */
export function disposePriorDensity(prior: PriorDensity): void {
  if (prior.kind === 'vamp') tf.dispose([prior.mu, prior.logVar]);
}

/** log p(z): z [n, latent] → [n]. */
export function priorLogDensity(prior: PriorDensity, z: tf.Tensor2D): tf.Tensor1D {
  if (prior.kind === 'normal') return standardNormalLogDensity(z) as tf.Tensor1D;
  return mixtureLogDensity(z, prior.mu, prior.logVar);
}

/**
 * log (1/K) Σ_k N(z; μ_k, diag σ²_k), the log-sum-exp over components taken stably:
 * z [n, latent], μ, log σ² [K, latent] → [n].
 */
export function mixtureLogDensity(z: tf.Tensor2D, mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const perComponent = diagonalGaussianLogDensity(tf.expandDims(z, 1), tf.expandDims(mu, 0), tf.expandDims(logVar, 0));
    return tf.sub(tf.logSumExp(perComponent, 1), Math.log(mu.shape[0])) as tf.Tensor1D;
  });
}

/** The VampPrior's components as plain arrays: μ_k and log σ²_k, each [K, latent] flat. */
export interface MixtureComponents {
  count: number;
  latentSize: number;
  mu: Float32Array;
  logVar: Float32Array;
}

/**
 * n draws from the prior of `vae`, flat [n · latent], from `rng` alone. N(0, I): latentValues' draws. The
 * VampPrior: mixtureValues of its components as they stand.
 */
export function priorValues(vae: Vae, n: number, rng: Rng, truncation = 0): Float32Array {
  const size = vae.architecture.latentSize;
  const prior = priorDensity(vae);
  if (prior.kind === 'normal') return latentValues(n * size, 'normal', rng, truncation);
  // Copies: a backend may reuse a disposed tensor's buffer.
  const components = { count: vae.architecture.pseudoInputs, latentSize: size, mu: Float32Array.from(prior.mu.dataSync()), logVar: Float32Array.from(prior.logVar.dataSync()) };
  disposePriorDensity(prior);
  return mixtureValues(components, n, rng, truncation);
}

/**
 * n draws from the equal-weight mixture of diagonal Gaussians, flat [n · latent]: per code a uniform component k,
 * then μ_k + σ_k·ε with ε ~ N(0, I). `truncation` t > 0 redraws each coordinate of ε beyond ±t (per component).
 * The browser explorer draws with it too, so the page and `ganvae sample` give the same codes for a seed.
 */
export function mixtureValues(components: MixtureComponents, n: number, rng: Rng, truncation = 0): Float32Array {
  const { count, latentSize: size, mu, logVar } = components;
  const values = new Float32Array(n * size);
  for (let i = 0; i < n; i++) {
    const k = rng.int(count);
    const eps = latentValues(size, 'normal', rng, truncation);
    for (let d = 0; d < size; d++) values[i * size + d] = mu[k * size + d] + Math.exp(0.5 * logVar[k * size + d]) * eps[d];
  }
  return values;
}

/** Per latent entry, the interval [min_k μ_k − 3σ_k, max_k μ_k + 3σ_k] that holds nearly all of the mixture's mass: [latent] each. */
export function mixtureRanges(components: MixtureComponents): { low: Float32Array; high: Float32Array } {
  const { count, latentSize: size, mu, logVar } = components;
  const low = new Float32Array(size).fill(Infinity);
  const high = new Float32Array(size).fill(-Infinity);
  for (let k = 0; k < count; k++) {
    for (let d = 0; d < size; d++) {
      const centre = mu[k * size + d];
      const spread = 3 * Math.exp(0.5 * logVar[k * size + d]);
      low[d] = Math.min(low[d], centre - spread);
      high[d] = Math.max(high[d], centre + spread);
    }
  }
  return { low, high };
}
