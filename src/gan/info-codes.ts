// InfoGAN (Chen et al. 2016): the latent codes `--info-categorical K1,K2.. --info-continuous N` put before z in
// G's input, their training draws, and the mutual-information loss of D's Q head that makes G keep them visible.
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../core/errors.ts';
import { opSeed, type Rng } from '../core/random.ts';
import type { LatentCode } from '../training/trainable.ts';

/** The InfoGAN options as run.json holds them (`ganOptions`' fields). */
export interface InfoCodeOptions {
  /** Category counts of the categorical codes, comma-separated ("10", "10,4"); '' for none. */
  infoCategorical: string;
  /** Number of continuous codes. */
  infoContinuous: number;
}

/** `--info-categorical`'s value as category counts; throws a ConfigError naming the flag when one is not a whole number ≥ 2. */
export function categoryCounts(flag: string): number[] {
  if (flag.trim() === '') return [];
  return flag.split(',').map((part) => {
    const count = Number(part.trim());
    if (part.trim() === '' || !Number.isInteger(count) || count < 2 || count > 1000) {
      throw new ConfigError(`--info-categorical takes category counts K1,K2,.., each a whole number from 2 to 1000, got "${flag}"`);
    }
    return count;
  });
}

/** The codes `options` ask for, in G's input order: categorical cat0, cat1, .. then continuous cont0, cont1, ... */
export function latentCodesOf(options: InfoCodeOptions): LatentCode[] {
  return [
    ...categoryCounts(options.infoCategorical).map((size, i): LatentCode => ({ name: `cat${i}`, kind: 'categorical', size })),
    ...Array.from({ length: options.infoContinuous }, (_, i): LatentCode => ({ name: `cont${i}`, kind: 'continuous', size: 1 })),
  ];
}

/**
 * Outputs of the Q head for `codes`: each categorical code's logits (K entries), then the means of the continuous
 * codes, then their log standard deviations (the factored Gaussian of Chen et al.).
 */
export function infoHeadUnits(codes: readonly LatentCode[]): number {
  return codes.reduce((sum, code) => sum + (code.kind === 'categorical' ? code.size : 2), 0);
}

/**
 * Fresh codes for n fakes, seeded from `rng`: [n, Σ sizes] with each categorical code one-hot of a uniform category
 * and each continuous code from U(−1, 1), in `codes`' order (what G's input starts with).
 */
export function drawCodes(n: number, codes: readonly LatentCode[], rng: Rng): tf.Tensor2D {
  return tf.tidy(() => tf.concat(codes.map((code) => {
    if (code.kind === 'continuous') return tf.randomUniform([n, 1], -1, 1, 'float32', opSeed(rng));
    const category = tf.minimum(tf.floor(tf.randomUniform([n], 0, code.size, 'float32', opSeed(rng))), code.size - 1);
    return tf.cast(tf.oneHot(tf.cast(category, 'int32'), code.size), 'float32');
  }), 1) as tf.Tensor2D);
}

/**
 * The mutual-information loss −E[log Q(c | x)] (minimised; H(c) − this is InfoGAN's lower bound on I(c; G(z, c))),
 * averaged over the batch and summed over the codes. `head` [n, infoHeadUnits] is Q's output on the fakes made from
 * `codes` [n, Σ sizes] (drawCodes' layout). Categorical codes: cross-entropy of softmax(logits) with the one-hot; continuous
 * codes: the Gaussian negative log-likelihood log σ + (c − μ)² / (2σ²) + log(2π) / 2 with σ = exp(log-std). `layout`
 * lists the codes as latentCodesOf does, categorical ones first.
 */
export function infoLoss(head: tf.Tensor2D, codes: tf.Tensor2D, layout: readonly LatentCode[]): tf.Scalar {
  const firstContinuous = layout.findIndex((code) => code.kind === 'continuous');
  if (!layout.length || (firstContinuous >= 0 && layout.slice(firstContinuous).some((code) => code.kind === 'categorical'))) {
    throw new Error('infoLoss: the codes must be one or more, categorical ones first (latentCodesOf\'s order)');
  }
  return tf.tidy(() => {
    const terms: tf.Tensor1D[] = [];
    let headAt = 0;
    let codeAt = 0;
    const continuous = layout.filter((code) => code.kind === 'continuous').length;
    for (const code of layout.filter((c) => c.kind === 'categorical')) {
      const logits = tf.slice(head, [0, headAt], [-1, code.size]);
      const target = tf.slice(codes, [0, codeAt], [-1, code.size]);
      terms.push(tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1)) as tf.Tensor1D);
      headAt += code.size;
      codeAt += code.size;
    }
    if (continuous > 0) {
      const mean = tf.slice(head, [0, headAt], [-1, continuous]);
      const logStd = tf.slice(head, [0, headAt + continuous], [-1, continuous]);
      const value = tf.slice(codes, [0, codeAt], [-1, continuous]);
      const scaled = tf.mul(tf.sub(value, mean), tf.exp(tf.neg(logStd)));
      terms.push(tf.sum(tf.add(logStd, tf.add(tf.mul(tf.square(scaled), 0.5), 0.5 * Math.log(2 * Math.PI))), 1) as tf.Tensor1D);
    }
    return tf.mean(tf.addN(terms));
  });
}
