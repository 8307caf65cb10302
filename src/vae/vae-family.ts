// The VAE as a model family of the shared training loop: its options (the `ganvae train vae` flags),
// the architecture they resolve to, and a Trainable whose step minimises the β-weighted negative ELBO or
// the negative IWAE bound, under the N(0, I) prior or the VampPrior.
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import { buildVae, decode, disposeVae, vaeSize, type Vae, type VaeArchitecture } from './vae.ts';
import { decoderMeanImage } from './likelihood.ts';
import { VAE_PRESET_RECORDS, VAE_PRESETS, vaePreset } from './presets.ts';
import { klWeightAt, vaeLoss } from './objective.ts';
import { priorValues } from './prior.ts';
import type { Rng } from '../core/random.ts';
import { ConfigError } from '../core/errors.ts';
import { createAdam } from '../tfjs/fused-adam.ts';
import { withLoopDefaults } from '../training/config.ts';
import { type Batch, type DataShape, type StepLosses, type Trainable, type TrainableKind } from '../training/trainable.ts';
import { opSeed } from '../core/random.ts';

/** --k of --objective iwae when not given (Burda et al.'s k = 5). */
export const DEFAULT_TRAINING_K = 5;
/** The largest --k: a step decodes k · batch images. */
const MAX_IWAE_K = 1000;
/** --pseudo-inputs of --prior vamp when not given: the paper's K = 500 for MNIST. */
export const DEFAULT_PSEUDO_INPUTS = 500;

/** Loop defaults of a VAE run (the benchmark's W2 batch); --batch-size or a --config file override them. */
export const VAE_LOOP_DEFAULTS = { batchSize: 128 } as const;

/** `ganvae train vae` options; each is a --kebab-case flag. */
export const vaeOptions = withLoopDefaults(z.strictObject({
  preset: z.enum(VAE_PRESETS).default('vae28')
    .describe(`architecture: ${Object.entries(VAE_PRESET_RECORDS).map(([name, p]) => `${name} (${p.summary})`).join(', ')}`),
  latentSize: z.number().int().positive().max(4096).optional().describe('size of z (presets: vae28 16, seed 128)'),
  likelihood: z.enum(['bernoulli', 'gaussian']).default('bernoulli').describe('decoder distribution p(x|z)'),
  gaussianScale: z.enum(['fixed', 'global', 'per-pixel']).default('fixed').describe('Gaussian σ: fixed, or learned globally / per pixel'),
  gaussianSigma: z.number().positive().default(0.1).describe('Gaussian σ (fixed), or its starting value (learned)'),
  beta: z.number().min(0).default(1).describe('weight of the KL term (β-VAE; 1 = the ELBO)'),
  klWarmupSteps: z.number().int().min(0).default(0).describe('steps over which the KL weight rises linearly from 0 to β'),
  conditional: z.boolean().default(false).describe('condition encoder and decoder on the one-hot class label'),
  binarize: z.enum(['dynamic', 'off']).optional()
    .describe('dynamic (each batch re-drawn as Bernoulli(pixel)) or off (grey levels); unset: dynamic for bernoulli, off for gaussian'),
  learningRate: z.number().positive().default(1e-3).describe('Adam learning rate'),
  objective: z.enum(['elbo', 'iwae']).default('elbo')
    .describe('training objective: the ELBO, or the k-sample IWAE bound (Burda et al. 2015; --k samples per image)'),
  k: z.number().int().min(1, 'must be a whole number of at least 1 (importance samples per image; 1 is the ELBO)').max(MAX_IWAE_K).optional()
    .describe(`importance samples per image of --objective iwae (default ${DEFAULT_TRAINING_K}, at most ${MAX_IWAE_K})`),
  prior: z.enum(['normal', 'vamp']).default('normal')
    .describe('p(z): N(0, I), or the VampPrior (Tomczak & Welling 2018): a mixture of the encoder\'s posteriors at --pseudo-inputs learned images'),
  pseudoInputs: z.number().int().min(1, 'must be a whole number of at least 1').optional()
    .describe(`learned pseudo-inputs of --prior vamp (default ${DEFAULT_PSEUDO_INPUTS}, at most the training images)`),
}), VAE_LOOP_DEFAULTS);
export type VaeOptions = z.infer<typeof vaeOptions>;

/** The architecture `options` describe for images of `data`; errors name the option that does not fit. */
export function vaeArchitecture(options: VaeOptions, data: DataShape): VaeArchitecture {
  if (options.conditional && data.numClasses < 2) {
    throw new Error(`--conditional needs a labelled dataset, but this one has ${data.numClasses} classes`);
  }
  if (options.conditional && options.prior === 'vamp') {
    throw new ConfigError('--prior vamp needs an unconditional VAE: its pseudo-inputs carry no class label; drop --conditional or use --prior normal');
  }
  const overrides: Partial<VaeArchitecture> = {
    numClasses: options.conditional ? data.numClasses : 0,
    likelihood: options.likelihood,
    gaussianScale: options.gaussianScale,
    gaussianSigma: options.gaussianSigma,
    pseudoInputs: options.prior === 'vamp' ? options.pseudoInputs ?? DEFAULT_PSEUDO_INPUTS : 0,
  };
  if (options.latentSize !== undefined) overrides.latentSize = options.latentSize;
  return vaePreset(options.preset, data.shape, overrides);
}

/**
 * `options` with the preset's latent size, the likelihood's binarisation, --k of IWAE and the VampPrior's
 * --pseudo-inputs filled in, for run.json. ConfigErrors name a flag that does not fit: --k without
 * --objective iwae, --pseudo-inputs without --prior vamp or beyond `data.trainImages`.
 */
export function resolveVaeOptions(options: VaeOptions, data: DataShape): VaeOptions {
  if (options.k !== undefined && options.objective !== 'iwae') {
    throw new ConfigError(`--k ${options.k} sets the importance samples of the IWAE objective: pass --objective iwae with it, or drop --k to train on the ELBO`);
  }
  if (options.pseudoInputs !== undefined && options.prior !== 'vamp') {
    throw new ConfigError(`--pseudo-inputs ${options.pseudoInputs} sets the VampPrior's size: pass --prior vamp with it, or drop --pseudo-inputs for the N(0, I) prior`);
  }
  const pseudoInputs = options.prior === 'vamp' ? options.pseudoInputs ?? DEFAULT_PSEUDO_INPUTS : undefined;
  if (pseudoInputs !== undefined && data.trainImages !== undefined && pseudoInputs > data.trainImages) {
    throw new ConfigError(`--pseudo-inputs ${pseudoInputs} is larger than the ${data.trainImages} training images: ` +
      `the VampPrior's mixture needs no more components than there are images; pass --pseudo-inputs at most ${data.trainImages}`);
  }
  return {
    ...options,
    latentSize: vaeArchitecture(options, data).latentSize,
    binarize: binarization(options),
    k: options.objective === 'iwae' ? options.k ?? DEFAULT_TRAINING_K : undefined,
    pseudoInputs,
  };
}

/** The training-data binarisation `options` ask for: dynamic by default for Bernoulli, off (grey levels) for Gaussian. */
export function binarization(options: VaeOptions): 'dynamic' | 'off' {
  return options.binarize ?? (options.likelihood === 'bernoulli' ? 'dynamic' : 'off');
}

/** Maps loop images [batch, h, w, c] in [-1, 1] to [0, 1] (clipped: (x + 1) / 2 can round just outside). */
export function toUnitInterval(images: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.clipByValue(tf.mul(tf.add(images, 1), 0.5) as tf.Tensor4D, 0, 1));
}

/**
 * One binarisation of x [batch, h, w, c] in [0, 1]: each pixel 1 with probability x (u < x for u ~ U[0, 1)),
 * from `seed`. step(x − u) gives a true Float32Array; cast(less(u, x)) would keep tfjs's Uint8Array
 * under a float32 dtype, which slowed the native convolution gradients ~300x before 4208395.
 */
export function binarize(x: tf.Tensor4D, seed: number): tf.Tensor4D {
  return tf.tidy(() => tf.step(tf.sub(x, tf.randomUniform(x.shape, 0, 1, 'float32', seed)) as tf.Tensor4D));
}

/** A VAE with its Adam optimiser, driven by the shared loop. */
export class VaeTrainable implements Trainable {
  readonly latentSize: number;
  readonly numClasses: number;
  private readonly optimizer: tf.AdamOptimizer;
  private readonly variables: tf.Variable[];
  private readonly binarizeDynamically: boolean;

  constructor(readonly vae: Vae, readonly options: VaeOptions) {
    this.latentSize = vae.architecture.latentSize;
    this.numClasses = vae.architecture.numClasses;
    this.optimizer = createAdam(options.learningRate);
    this.binarizeDynamically = binarization(options) === 'dynamic';
    const networks = [vae.encoder, vae.decoder, ...(vae.pseudoInputs ? [vae.pseudoInputs] : [])];
    this.variables = networks.flatMap((m) => m.trainableWeights).map((w) => w.read() as tf.Variable);
  }

  /**
   * One Adam step on the objective of `batch` (the negative ELBO, or the negative IWAE bound with k
   * samples per image; the VampPrior's pseudo-inputs are trained with the networks). The KL warm-up reads
   * the step from the optimiser's iteration count, which checkpoints restore, so a resumed run continues
   * the same schedule. Returns `loss`, `reconstruction`, `kl` (nats per image) and `klWeight`.
   */
  trainStep(batch: Batch, rng: Rng): StepLosses {
    const klWeight = klWeightAt(this.optimizer.iterations, { beta: this.options.beta, warmupSteps: this.options.klWarmupSteps });
    // Draw both seeds every step so the RNG stream does not depend on the options.
    const binarizeSeed = opSeed(rng);
    const noiseSeed = opSeed(rng);
    return tf.tidy(() => {
      const unit = toUnitInterval(batch.images);
      const x = this.binarizeDynamically ? binarize(unit, binarizeSeed) : unit;
      let terms: { reconstruction: tf.Scalar; kl: tf.Scalar } | undefined;
      const loss = this.optimizer.minimize(() => {
        const settings = { objective: this.options.objective, k: this.options.k ?? DEFAULT_TRAINING_K, klWeight };
        const result = vaeLoss(this.vae, x, batch.labels, settings, noiseSeed);
        terms = { reconstruction: tf.keep(result.reconstruction), kl: tf.keep(result.kl) };
        return result.loss;
      }, true, this.variables) as tf.Scalar;
      return { loss, reconstruction: terms!.reconstruction, kl: terms!.kl, klWeight: tf.scalar(klWeight) };
    });
  }

  /** Decoder mean images: codes z [n, latent] (labels [n] if conditional) → [n, h, w, c] in [-1, 1]. */
  sample(noise: tf.Tensor2D, labels?: tf.Tensor1D): tf.Tensor4D {
    return tf.tidy(() => tf.sub(tf.mul(decoderMeanImage(this.vae.architecture, decode(this.vae, noise, labels)), 2), 1));
  }

  /** n codes z from the model's prior, flat [n · latent]: N(0, I), or the VampPrior's mixture as it stands (src/vae/prior.ts). */
  priorValues(n: number, rng: Rng, truncation = 0): Float32Array {
    return priorValues(this.vae, n, rng, truncation);
  }

  /** encoder, decoder, and `pseudo-inputs` (the VampPrior's u_k) when the prior has them. */
  models(): Record<string, LayersModel> {
    const parts: Record<string, LayersModel> = { encoder: this.vae.encoder, decoder: this.vae.decoder };
    if (this.vae.pseudoInputs) parts['pseudo-inputs'] = this.vae.pseudoInputs;
    return parts;
  }

  optimizers(): Record<string, tf.Optimizer> {
    return { vae: this.optimizer };
  }

  dispose(): void {
    this.optimizer.dispose();
    disposeVae(this.vae);
  }
}

/** `ganvae train vae`: the options schema and the factory the loop calls. */
export const vaeKind: TrainableKind<typeof vaeOptions> = {
  kind: 'vae',
  options: vaeOptions,
  resolve: resolveVaeOptions,
  estimate(options, data) {
    const arch = vaeArchitecture(options, data);
    const { parameters, activations, decoderActivations } = vaeSize(arch);
    // IWAE decodes k draws per image; the VampPrior's log p(z) broadcasts each draw against K components.
    const draws = options.objective === 'iwae' ? options.k ?? DEFAULT_TRAINING_K : 1;
    const mixture = 3 * draws * arch.pseudoInputs * arch.latentSize;
    return { parameters, activationsPerImage: activations + (draws - 1) * decoderActivations + mixture };
  },
  create(options: VaeOptions, data: DataShape, rng: Rng): Trainable {
    return new VaeTrainable(buildVae(vaeArchitecture(options, data), opSeed(rng)), options);
  },
};
