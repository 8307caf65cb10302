// The GAN as a model family of the shared training loop: its options (the `ganvae train gan` flags)
// and a Trainable whose step is n discriminator steps then one generator step, with the chosen loss.
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { Rng } from '../core/random.ts';
import {
  buildDiscriminator, buildGenerator, discriminatorOutputNames, discriminatorSize, generatorSize, reseedDropout, type DiscriminatorOutputName,
} from './dcgan.ts';
import { categoryCounts, drawCodes, infoHeadUnits, infoLoss, latentCodesOf } from './info-codes.ts';
import { buildReconstructionDecoders, reconstructionLoss, reconstructionSize } from './reconstruction.ts';
import {
  defaultGanPreset, GAN_PRESET_RECORDS, GAN_PRESETS, ganPreset, presetWidth, SPECTRAL_NORM_TARGETS, type GanArchitecture, type GanPresetName,
  type GanPresetRecord,
} from './presets.ts';
import {
  classLoss, featureMatchingLoss, GAN_LOSS_RECORDS, GAN_LOSSES, ganLoss, gradientPenalty, type GanLoss, type GanLossRecord,
} from './losses.ts';
import { createAdam } from '../tfjs/fused-adam.ts';
import { movingAverage } from '../tfjs/moving-average.ts';
import { isSpectralNormLayer } from '../tfjs/spectral-norm-layers.ts';
import { withoutSpectralNorm } from '../tfjs/without-spectral-norm.ts';
import { lazyPenaltyWeight, r1Penalty } from './r1-penalty.ts';
import { augmentOptionFields, createAugmenter, randomXFlip, resolveAugment, type Augmenter, type AugmentSpec } from './augment/index.ts';
import { withLoopDefaults } from '../training/config.ts';
import { codesSize } from '../training/latent.ts';
import {
  type Batch, type DataShape, type LatentCode, type LatentPrior, type StepLosses, type Trainable, type TrainableKind,
} from '../training/trainable.ts';
import { opSeed } from '../core/random.ts';

/** Loop defaults of a GAN run: a 9-minute budget, so `ganvae train gan` with no flags ends (exported) within 10 minutes. */
export const GAN_LOOP_DEFAULTS = { maxMinutes: 9 } as const;

/** `ganvae train gan` options; each is a --kebab-case flag. Unset optional ones take the preset's or the loss's value. */
/** --r1-every and --info-weight when not given. */
const DEFAULT_R1_EVERY = 16;
const DEFAULT_INFO_WEIGHT = 1;

export const ganOptions = withLoopDefaults(z.strictObject({
  preset: z.enum(GAN_PRESETS).optional()
    .describe(`architecture (default: lite for colour images or sides above 32, else dcgan): ${Object.entries(GAN_PRESET_RECORDS).map(([name, p]) => `${name} (${p.summary})`).join(', ')}`),
  loss: z.enum(GAN_LOSSES).optional()
    .describe(`${Object.entries(GAN_LOSS_RECORDS).map(([name, r]) => `${name} (${r.summary})`).join(', ')} (default: the preset's; lite hinge, the others ns)`),
  latentSize: z.number().int().positive().max(4096).optional().describe('size of z (presets: 100)'),
  width: z.number().int().positive().max(2048).optional().describe('base channel count; layer widths are multiples of it (dcgan, lite: 32, the others 64)'),
  batchNorm: z.boolean().optional().describe('batch norm in G and D (default: the preset\'s; always off in D for wgan-gp)'),
  dropout: z.number().min(0).max(0.9).optional().describe('discriminator dropout rate (dcgan28: 0.3, others 0)'),
  learningRate: z.number().positive().optional().describe('Adam learning rate for G and D (preset\'s; wgan-gp 1e-4, wgan 5e-5)'),
  lrG: z.number().positive().optional().describe('generator learning rate, for separate rates (TTUR; default: --learning-rate)'),
  lrD: z.number().positive().optional().describe('discriminator learning rate (default: --learning-rate)'),
  beta1: z.number().min(0).max(1).optional().describe('Adam β1 (preset\'s; wgan-gp 0)'),
  beta2: z.number().min(0).max(1).optional().describe('Adam β2 (0.999; wgan-gp 0.9)'),
  dSteps: z.number().int().min(1).optional().describe('discriminator (critic) steps per generator step (n_critic; wgan/wgan-gp 5, else 1)'),
  gpWeight: z.number().min(0).default(10).describe('λ of the WGAN-GP gradient penalty'),
  clip: z.number().positive().default(0.01).describe('WGAN weight clipping bound c: critic weights stay in [-c, c]'),
  labelSmoothing: z.number().min(0).max(0.5).default(0).describe('one-sided label smoothing s: real target 1 - s (minimax, ns, lsgan)'),
  featureMatching: z.boolean().default(false).describe('train G to match the mean of D\'s penultimate features (Salimans et al.)'),
  ema: z.boolean().default(true).describe('keep an exponential moving average of G\'s weights and sample from it'),
  emaDecay: z.number().min(0).max(1).default(0.999).describe('EMA decay (warmed up as min(decay, (1+t)/(10+t)))'),
  prior: z.enum(['normal', 'uniform']).default('normal').describe('latent prior: N(0, 1) or U(-1, 1)'),
  conditional: z.enum(['none', 'cgan', 'acgan']).default('none').describe('class conditioning: cgan (label into G and D) or acgan (label into G, class head on D)'),
  flip: z.boolean().default(false).describe('flip each training image left-right with probability 1/2'),
  ...augmentOptionFields,
  augment: augmentOptionFields.augment.unwrap().optional().describe(`${augmentOptionFields.augment.description} (default: the preset's; lite diffaug, the others none)`),
  spectralNorm: z.enum(SPECTRAL_NORM_TARGETS).default('none')
    .describe('spectral normalisation (Miyato et al.) of every kernel of D, G or both, one power iteration per step; model/ holds plain networks'),
  r1: z.number().min(0).optional()
    .describe('γ of the R1 penalty γ/2·E‖∇D(x_real)‖² (0: off), applied every --r1-every D steps, scaled by it (default: the preset\'s; dcgan 0.1, the others 0; always 0 for wgan and wgan-gp)'),
  reconstruction: z.number().min(0).optional()
    .describe('weight of FastGAN\'s self-supervision: decoders rebuild real images from D\'s 8x8 and 16x16 maps (0: plain D; default: lite 1, others 0)'),
  r1Every: z.number().int().min(1).default(DEFAULT_R1_EVERY).describe('D steps between R1 penalties (lazy regularisation; 1: every step)'),
  infoCategorical: z.string().default('')
    .describe('InfoGAN: categorical codes before z, their category counts K1,K2,.. (e.g. 10; none by default), one-hot, uniform'),
  infoContinuous: z.number().int().min(0).max(100).default(0).describe('InfoGAN: continuous codes before z (after the categorical ones), each U(-1, 1)'),
  infoWeight: z.number().min(0).default(DEFAULT_INFO_WEIGHT).describe('InfoGAN: λ of the mutual-information loss of D\'s Q head, added to D\'s and G\'s losses'),
}), GAN_LOOP_DEFAULTS);
export type GanOptions = z.infer<typeof ganOptions>;

/** The preset `options` name, or the default one for `data`. */
function presetOf(options: GanOptions, data: DataShape): GanPresetName {
  return options.preset ?? defaultGanPreset(data.shape);
}

/** The recipe of the preset `options` resolve to: what it trains with unless flags say otherwise. */
function recipeOf(options: GanOptions, data: DataShape): NonNullable<GanPresetRecord['recipe']> {
  const record: GanPresetRecord = GAN_PRESET_RECORDS[presetOf(options, data)];
  return record.recipe ?? {};
}

/** The --loss `options` name, else the preset's, else ns. */
function lossOf(options: GanOptions, data: DataShape): GanLoss {
  return options.loss ?? recipeOf(options, data).loss ?? 'ns';
}

/**
 * --r1, else the preset's R1 γ, else 0. A preset's R1 does not apply to the Wasserstein losses: their critic is
 * already constrained (by its gradient penalty or by weight clipping).
 */
function r1Of(options: GanOptions, data: DataShape, loss: GanLossRecord): number {
  if (options.r1 !== undefined) return options.r1;
  return loss.gradientPenalty || loss.weightClipping ? 0 : recipeOf(options, data).r1 ?? 0;
}

/** `options` with every choice a preset or loss leaves open filled in; errors name the option that does not fit. */
export function resolveGanOptions(options: GanOptions, data: DataShape): GanOptions {
  if (options.conditional !== 'none' && data.numClasses < 2) {
    throw new Error(`--conditional ${options.conditional} needs a labelled dataset, but this one has ${data.numClasses} classes`);
  }
  const preset = presetOf(options, data);
  const lossName = lossOf(options, data);
  const loss = ganLoss(lossName);
  if (options.labelSmoothing > 0 && !loss.labelSmoothing) {
    const smoothable = GAN_LOSSES.filter((name) => ganLoss(name).labelSmoothing);
    throw new Error(`--label-smoothing applies to ${smoothable.slice(0, -1).join(', ')} and ${smoothable[smoothable.length - 1]} losses, not --loss ${lossName}`);
  }
  if (loss.gradientPenalty && options.batchNorm === true) {
    throw new Error(`--batch-norm true cannot be used with --loss ${lossName}: the gradient penalty is per image, batch norm mixes images`);
  }
  const augment = options.augment ?? recipeOf(options, data).augment ?? 'none';
  resolveAugment({ ...options, augment }, data.shape);
  // Throws a ConfigError naming --info-categorical when a count is not a whole number of at least 2.
  categoryCounts(options.infoCategorical);
  // Settings of a technique that is off would be silently ignored; their defaults are what older run.json files hold.
  if (options.infoWeight !== DEFAULT_INFO_WEIGHT && !options.infoCategorical && !options.infoContinuous) {
    throw new ConfigError(`--info-weight ${options.infoWeight} weighs InfoGAN's codes, and this run has none: add --info-categorical or --info-continuous, or drop --info-weight`);
  }
  const r1 = r1Of(options, data, loss);
  if (options.r1Every !== DEFAULT_R1_EVERY && r1 === 0) {
    throw new ConfigError(`--r1-every ${options.r1Every} spaces the R1 penalty, which is off: add --r1 γ (e.g. --r1 10), or drop --r1-every`);
  }
  const arch = ganPreset(preset, data.shape, presetOverrides(options, data));
  const lossAdam = { ...arch.adam, ...loss.defaults.adam };
  const learningRate = options.learningRate ?? lossAdam.learningRate;
  return {
    ...options,
    preset,
    loss: lossName,
    augment,
    reconstruction: options.reconstruction ?? recipeOf(options, data).reconstruction ?? 0,
    r1,
    latentSize: arch.generator.latentSize,
    width: options.width ?? presetWidth(preset),
    dropout: arch.discriminator.dropout,
    learningRate,
    lrG: options.lrG ?? learningRate,
    lrD: options.lrD ?? learningRate,
    beta1: options.beta1 ?? lossAdam.beta1,
    beta2: options.beta2 ?? lossAdam.beta2,
    dSteps: options.dSteps ?? loss.defaults.dSteps,
  };
}

function presetOverrides(options: GanOptions, data: DataShape) {
  return {
    latentSize: options.latentSize, width: options.width, batchNorm: options.batchNorm, dropout: options.dropout,
    conditioning: options.conditional, numClasses: options.conditional === 'none' ? 0 : data.numClasses, spectralNorm: options.spectralNorm,
  };
}

/** The networks `options` describe for `data` (WGAN-GP's critic without batch norm). */
export function ganArchitecture(options: GanOptions, data: DataShape): GanArchitecture {
  const arch = ganPreset(presetOf(options, data), data.shape, presetOverrides(options, data));
  if (ganLoss(lossOf(options, data)).gradientPenalty) arch.discriminator.batchNorm = false;
  arch.discriminator.reconstruction = (options.reconstruction ?? recipeOf(options, data).reconstruction ?? 0) > 0;
  // InfoGAN: G's input starts with the codes; D gets the Q head.
  const codes = latentCodesOf(options);
  arch.generator.latentSize += codesSize(codes);
  if (codes.length) arch.discriminator.infoUnits = infoHeadUnits(codes);
  return arch;
}

/** D's outputs of one pass by name (discriminatorOutputNames): each is present when the architecture has it. */
export type DiscriminatorOutputs = { logit: tf.Tensor2D; features: tf.Tensor2D } & Partial<Record<'classes' | 'info', tf.Tensor2D>> &
  Partial<Record<'map16' | 'map8', tf.Tensor4D>>;

/** A GAN with its two Adam optimisers (and the EMA generator), driven by the shared loop. */
export class GanTrainable implements Trainable {
  /** Codes plus z (InfoGAN's codes first). */
  readonly latentSize: number;
  readonly numClasses: number;
  readonly prior: LatentPrior;
  /** InfoGAN's codes (--info-categorical, --info-continuous), first in G's input; empty without them. */
  readonly latentCodes: LatentCode[];
  readonly generator: LayersModel;
  readonly discriminator: LayersModel;
  /** FastGAN's decoders, trained with D (--reconstruction > 0). */
  readonly decoders?: { whole: LayersModel; part: LayersModel };
  /** EMA copy of the generator, used by `sample` (absent with --ema false). */
  readonly generatorEma?: LayersModel;
  private readonly gOptimizer: tf.AdamOptimizer;
  private readonly dOptimizer: tf.AdamOptimizer;
  private readonly loss: GanLossRecord;
  /** γ of the lazy R1 penalty (0: off). */
  private readonly r1Gamma: number;
  private readonly augmentSpec: AugmentSpec;
  /** The names of D's outputs, in order. */
  private readonly dOutputs: DiscriminatorOutputName[];
  /** What D's inputs go through (--augment); replaced when a checkpoint restores ADA's state. */
  private augmenter: Augmenter;

  /** `options` must be resolved (resolveGanOptions). Weights are drawn from `rng`. */
  constructor(private readonly options: GanOptions, data: DataShape, rng: Rng) {
    const arch = ganArchitecture(options, data);
    this.loss = ganLoss(options.loss!);
    this.r1Gamma = options.r1!;
    this.augmentSpec = resolveAugment({ ...options, augment: options.augment ?? 'none' }, data.shape);
    this.augmenter = createAugmenter(this.augmentSpec);
    this.latentSize = arch.generator.latentSize;
    this.latentCodes = latentCodesOf(options);
    this.dOutputs = discriminatorOutputNames(arch.discriminator);
    this.numClasses = options.conditional === 'none' ? 0 : data.numClasses;
    this.prior = options.prior;
    this.generator = buildGenerator(arch.generator, rng);
    this.discriminator = buildDiscriminator(arch.discriminator, rng);
    if (arch.discriminator.reconstruction) this.decoders = buildReconstructionDecoders(arch.discriminator, rng);
    if (options.ema) {
      // Its initial weights are overwritten by G's, so it draws from its own generator, not the run's.
      this.generatorEma = buildGenerator(arch.generator, new Rng(0));
      this.generatorEma.setWeights(this.generator.getWeights());
    }
    this.gOptimizer = createAdam(options.lrG!, options.beta1, options.beta2);
    this.dOptimizer = createAdam(options.lrD!, options.beta1, options.beta2);
  }

  /**
   * n_critic discriminator steps (each with fresh fakes; they share the batch's real images, where
   * Gulrajani et al. draw a real batch per critic step), then one generator step and the EMA update.
   */
  trainStep(batch: Batch, rng: Rng): StepLosses {
    const flipped = this.options.flip ? { ...batch, images: randomXFlip(batch.images, rng) } : batch;
    try {
      let dLosses: StepLosses = {};
      for (let i = 0; i < (this.options.dSteps ?? 1); i++) {
        tf.dispose(dLosses);
        dLosses = this.discriminatorStep(flipped, rng);
      }
      const gLosses = this.generatorStep(flipped, rng);
      if (this.generatorEma) this.updateEma();
      return { ...dLosses, ...gLosses, ...(this.augmentSpec.kind === 'ada' ? { adaP: tf.scalar(this.augmenter.p) } : {}) };
    } finally {
      if (flipped !== batch) flipped.images.dispose();
    }
  }

  /** ADA's adaptive state, the one thing besides tensors a resume must continue. */
  trainingState(): Record<string, unknown> {
    const ada = this.augmenter.state();
    return ada ? { ada } : {};
  }

  restoreTrainingState(state: Record<string, unknown>): void {
    if (this.augmentSpec.kind === 'ada' && this.augmentSpec.adaptive && state.ada === undefined) {
      throw new Error('it lacks the ADA state (p) that --augment ada adapts');
    }
    this.augmenter = createAugmenter(this.augmentSpec, state.ada);
  }

  /** Images [n, h, w, c] as D sees them: augmented (--augment) with fresh draws from `rng`, or as they are. */
  private augment(images: tf.Tensor4D, rng: Rng): tf.Tensor4D {
    return this.augmentSpec.kind === 'none' ? images : this.augmenter.augment(images, rng);
  }

  /** noise [n, latentSize] (+ labels [n] when conditional) → images [n, h, w, c] in [-1, 1], EMA weights when kept. */
  sample(noise: tf.Tensor2D, labels?: tf.Tensor1D): tf.Tensor4D {
    return tf.tidy(() => {
      const inputs = this.generatorInputs(noise, labels ?? tf.zeros([noise.shape[0]], 'int32'));
      return (this.generatorEma ?? this.generator).apply(inputs, { training: false }) as tf.Tensor4D;
    });
  }

  models(): Record<string, LayersModel> {
    return {
      generator: this.generator,
      ...(this.generatorEma ? { 'generator-ema': this.generatorEma } : {}),
      discriminator: this.discriminator,
      ...(this.decoders ? { 'decoder-whole': this.decoders.whole, 'decoder-part': this.decoders.part } : {}),
    };
  }

  /** With spectral norm, new plain twins of the networks with kernel / σ folded in (the caller disposes them); else null. */
  plainModels(): Record<string, LayersModel> | null {
    if (this.options.spectralNorm === 'none') return null;
    return Object.fromEntries(Object.entries(this.models()).map(([part, model]) => [part, withoutSpectralNorm(model)]));
  }

  optimizers(): Record<string, tf.Optimizer> {
    return { generator: this.gOptimizer, discriminator: this.dOptimizer };
  }

  dispose(): void {
    for (const model of Object.values(this.models())) model.dispose();
    this.gOptimizer.dispose();
    this.dOptimizer.dispose();
  }

  /**
   * G's latent input for n fakes: noise [n, latentSize] (InfoGAN's codes, then z from the prior) and the codes alone
   * [n, codesSize] that Q must recover (absent without codes).
   */
  private noise(n: number, rng: Rng): { noise: tf.Tensor2D; codes?: tf.Tensor2D } {
    const zSize = this.latentSize - codesSize(this.latentCodes);
    const z = this.prior === 'uniform'
      ? tf.randomUniform([n, zSize], -1, 1, 'float32', opSeed(rng))
      : tf.randomNormal([n, zSize], 0, 1, 'float32', opSeed(rng));
    if (!this.latentCodes.length) return { noise: z as tf.Tensor2D };
    const codes = drawCodes(n, this.latentCodes, rng);
    return { noise: tf.concat([codes, z], 1) as tf.Tensor2D, codes };
  }

  /** λ · InfoGAN's mutual-information loss of D's Q head `info` [n, units] on fakes made from `codes` [n, codesSize]. */
  private infoTerm(info: tf.Tensor2D, codes: tf.Tensor2D): tf.Scalar {
    return tf.mul(infoLoss(info, codes, this.latentCodes), this.options.infoWeight);
  }

  /** Uniform class labels [n] int32 for fake images. */
  private fakeLabels(n: number, rng: Rng): tf.Tensor1D {
    return tf.tidy(() => tf.cast(tf.floor(tf.randomUniform([n], 0, this.numClasses - 1e-3, 'float32', opSeed(rng))), 'int32') as tf.Tensor1D);
  }

  /** The generator's inputs: noise, plus labels as [n, 1] for its embedding when conditional. */
  private generatorInputs(noise: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor[] {
    return this.numClasses ? [noise, tf.reshape(tf.cast(labels, 'float32'), [-1, 1])] : [noise];
  }

  /** D's outputs in training mode by name (DiscriminatorOutputs): logit [n, 1], features [n, F], and those the architecture adds. */
  discriminate(images: tf.Tensor4D, labels: tf.Tensor1D | undefined): DiscriminatorOutputs {
    const inputs = this.options.conditional === 'cgan' ? [images, tf.reshape(tf.cast(labels!, 'float32'), [-1, 1])] : images;
    const outputs = this.discriminator.apply(inputs, { training: true }) as tf.Tensor[];
    return Object.fromEntries(this.dOutputs.map((name, i) => [name, outputs[i]])) as DiscriminatorOutputs;
  }

  /** One discriminator (critic) update against fresh fakes; trainStep runs dSteps of these. Returns dLoss (and its parts). */
  discriminatorStep(batch: Batch, rng: Rng): StepLosses {
    return tf.tidy(() => {
      const n = batch.images.shape[0];
      reseedDropout(this.discriminator, rng);
      const fakeLabels = this.numClasses ? this.fakeLabels(n, rng) : undefined;
      const { noise, codes } = this.noise(n, rng);
      // Its own scope: G's intermediate activations are garbage once the fakes exist (D's step keeps only these).
      const fake = tf.tidy(() => this.generator.apply(this.generatorInputs(noise, fakeLabels!), { training: true }) as tf.Tensor4D);
      const gpSeed = opSeed(rng);
      // D's gradients do not reach its inputs' augmentation, so it runs outside the tape.
      const real = this.augment(batch.images, rng);
      const fakeSeen = this.augment(fake, rng);
      const parts: StepLosses = {};
      const decoderWeights = this.decoders ? [...this.decoders.whole.trainableWeights, ...this.decoders.part.trainableWeights] : [];
      const variables = [...this.discriminator.trainableWeights, ...decoderWeights].map((w) => w.read() as tf.Variable);
      const quarter = this.decoders ? rng.int(4) : 0;
      let realLogits: tf.Tensor | undefined;
      // D's optimiser counts its steps, checkpointed, so a resumed run keeps the lazy schedule.
      const r1Weight = this.r1Gamma > 0 ? lazyPenaltyWeight(this.dOptimizer.iterations, this.options.r1Every) : 0;
      const { value, grads } = tf.variableGrads(() => {
        const realOutputs = this.discriminate(real, batch.labels);
        realLogits = tf.keep(realOutputs.logit);
        // Q sees the fakes as D sees them (augmented), in the same pass.
        const fakeOutputs = this.discriminate(fakeSeen, fakeLabels);
        let total = this.loss.discriminator({ real: realOutputs.logit, fake: fakeOutputs.logit, realTarget: 1 - this.options.labelSmoothing });
        // Reported apart from dLoss only when other terms join it.
        if (this.loss.gradientPenalty || this.options.conditional === 'acgan' || this.r1Gamma > 0 || this.decoders || codes) {
          parts.dAdversarial = tf.keep(total);
        }
        if (this.loss.gradientPenalty) {
          const critic = (x: tf.Tensor4D) => this.discriminate(x, batch.labels).logit;
          parts.gradientPenalty = tf.keep(gradientPenalty(critic, real, fakeSeen, this.options.gpWeight, gpSeed));
          total = tf.add(total, parts.gradientPenalty);
        }
        if (this.decoders) {
          parts.reconstruction = tf.keep(tf.mul(reconstructionLoss(this.decoders, realOutputs.map16!, realOutputs.map8!, real, quarter), this.options.reconstruction!));
          total = tf.add(total, parts.reconstruction);
        }
        if (this.r1Gamma > 0) {
          // Lazy (StyleGAN2): on every r1Every-th D step, weighted by r1Every; the reported r1 is 0 on the others, so
          // a logging window's mean is the penalty's average pull.
          parts.r1 = tf.keep(r1Weight > 0 ? r1Penalty((x) => this.discriminate(x, batch.labels).logit, real, this.r1Gamma * r1Weight) : tf.scalar(0));
          total = tf.add(total, parts.r1);
        }
        if (this.options.conditional === 'acgan') {
          parts.dClass = tf.keep(tf.add(classLoss(realOutputs.classes!, batch.labels!, this.numClasses),
            classLoss(fakeOutputs.classes!, fakeLabels!, this.numClasses)));
          total = tf.add(total, parts.dClass);
        }
        if (codes) {
          parts.dInfo = tf.keep(this.infoTerm(fakeOutputs.info!, codes));
          total = tf.add(total, parts.dInfo);
        }
        return total;
      }, variables);
      this.dOptimizer.applyGradients(grads as Record<string, tf.Variable>);
      this.augmenter.observeReal(realLogits!);
      realLogits!.dispose();
      if (this.loss.weightClipping) {
        const c = this.options.clip;
        for (const v of variables) v.assign(tf.clipByValue(v, -c, c));
      }
      return { dLoss: value, ...parts };
    });
  }

  /** One generator update (real images only feed feature matching). Returns gLoss (and its parts). */
  generatorStep(batch: Batch, rng: Rng): StepLosses {
    return tf.tidy(() => {
      const n = batch.images.shape[0];
      reseedDropout(this.discriminator, rng);
      const fakeLabels = this.numClasses ? this.fakeLabels(n, rng) : undefined;
      const { noise, codes } = this.noise(n, rng);
      const parts: StepLosses = {};
      const variables = this.generator.trainableWeights.map((w) => w.read() as tf.Variable);
      const needsReal = this.options.featureMatching || this.loss.generatorSeesReal;
      const real = needsReal ? this.augment(batch.images, rng) : batch.images;
      const { value, grads } = tf.variableGrads(() => {
        const fake = this.generator.apply(this.generatorInputs(noise, fakeLabels!), { training: true }) as tf.Tensor4D;
        // Augmented on the tape: G's gradient flows through the (differentiable) augmentation.
        const fakeOutputs = this.discriminate(this.augment(fake, rng), fakeLabels);
        let total: tf.Scalar;
        if (this.options.featureMatching) {
          // Real features do not depend on G's weights, so no gradient flows through them.
          const realFeatures = this.discriminate(real, batch.labels).features;
          total = featureMatchingLoss(realFeatures, fakeOutputs.features);
        } else {
          // D's view of real images does not depend on G's weights: for relativistic losses it is a constant here.
          const realLogit = this.loss.generatorSeesReal ? this.discriminate(real, batch.labels).logit : undefined;
          total = this.loss.generator({ fake: fakeOutputs.logit, real: realLogit });
        }
        if (this.options.conditional === 'acgan') {
          parts.gClass = tf.keep(classLoss(fakeOutputs.classes!, fakeLabels!, this.numClasses));
          total = tf.add(total, parts.gClass);
        }
        if (codes) {
          parts.gInfo = tf.keep(this.infoTerm(fakeOutputs.info!, codes));
          total = tf.add(total, parts.gInfo);
        }
        return total;
      }, variables);
      this.gOptimizer.applyGradients(grads as Record<string, tf.Variable>);
      return { gLoss: value, ...parts };
    });
  }

  /**
   * ema ← d·ema + (1 − d)·G for every weight (batch-norm statistics too), d warmed up over the first steps. Spectral
   * norm's u and v are copied: they are unit vectors an average would shrink, and σ = uᵀWv would shrink with them.
   */
  private updateEma(): void {
    const t = this.gOptimizer.iterations;
    const decay = Math.min(this.options.emaDecay, (1 + t) / (10 + t));
    const copied = new Set(this.generator.layers.filter(isSpectralNormLayer).flatMap((layer) => layer.nonTrainableWeights));
    tf.tidy(() => {
      const source = this.generator.weights;
      this.generatorEma!.weights.forEach((ema, i) => {
        ema.write(copied.has(source[i]) ? source[i].read() : movingAverage(ema.read(), source[i].read(), decay));
      });
    });
  }
}

/** The GAN family for `ganvae train gan`. */
export const ganKind: TrainableKind<typeof ganOptions> = {
  kind: 'gan',
  options: ganOptions,
  resolve: resolveGanOptions,
  estimate(options, data) {
    const arch = ganArchitecture(options, data);
    const [g, d] = [generatorSize(arch.generator), discriminatorSize(arch.discriminator)];
    const r = arch.discriminator.reconstruction ? reconstructionSize(arch.discriminator) : { parameters: 0, activations: 0 };
    return {
      parameters: g.parameters * (options.ema ? 2 : 1) + d.parameters + r.parameters,
      activationsPerImage: g.activations + d.activations + r.activations,
    };
  },
  create: (options, data, rng) => new GanTrainable(resolveGanOptions(options, data), data, rng),
  // model/ holds the plain twins (plainModels): the same networks without spectral norm.
  plainOptions: (options) => ({ ...options, spectralNorm: 'none' }),
};
