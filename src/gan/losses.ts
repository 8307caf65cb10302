// GAN objectives on discriminator logits, one record per --loss (its D and G terms, defaults and needs),
// WGAN-GP's gradient penalty, Salimans et al.'s feature matching and AC-GAN's class loss. All return scalars.
import * as tf from '@tensorflow/tfjs-core';

/** D's logits on a batch of real and of fake images, each [n, 1]; `realTarget` < 1 is one-sided label smoothing. */
export interface LossInputs {
  real: tf.Tensor;
  fake: tf.Tensor;
  realTarget: number;
}

/**
 * One GAN objective: its D and G terms, its defaults, and what the training step must do for it. The trainer
 * reads only these fields, so a new loss is one new record.
 */
export interface GanLossRecord {
  /** For --help. */
  summary: string;
  /** The discriminator's (critic's) loss to minimise. */
  discriminator(inputs: LossInputs): tf.Scalar;
  /** The generator's loss to minimise; `real` is D's logits on real images (relativistic losses read them). */
  generator(inputs: { fake: tf.Tensor; real?: tf.Tensor }): tf.Scalar;
  /** Adam settings replacing the preset's (learning rate, β1, β2), and discriminator steps per generator step. */
  defaults: { adam?: { learningRate?: number; beta1?: number; beta2?: number }; dSteps: number };
  /** Whether the G step needs D's logits on real images (feeds `generator`'s `real`). */
  generatorSeesReal: boolean;
  /** Whether one-sided label smoothing (a real target below 1) means something for this loss. */
  labelSmoothing: boolean;
  /** WGAN-GP's gradient penalty on the critic (which then has no batch norm: the penalty is per image). */
  gradientPenalty: boolean;
  /** WGAN's weight clipping of the critic after each of its steps. */
  weightClipping: boolean;
}

const NO_EXTRAS = { generatorSeesReal: false, gradientPenalty: false, weightClipping: false };
const criticLoss = ({ real, fake }: LossInputs) => tf.sub(tf.mean(fake), tf.mean(real)) as tf.Scalar;
const criticGeneratorLoss = ({ fake }: { fake: tf.Tensor }) => tf.neg(tf.mean(fake)) as tf.Scalar;
const crossEntropyD = ({ real, fake, realTarget }: LossInputs) =>
  tf.add(sigmoidCrossEntropy(real, realTarget), sigmoidCrossEntropy(fake, 0)) as tf.Scalar;
/** Relativistic average logits: how much more real x looks than the other side does on average. */
const relativeTo = (x: tf.Tensor, other: tf.Tensor) => tf.sub(x, tf.mean(other));

/** Every GAN loss by its --loss name. */
export const GAN_LOSS_RECORDS = {
  minimax: {
    summary: 'Goodfellow et al.\'s minimax: G minimises log(1 - D(G(z)))',
    discriminator: crossEntropyD,
    generator: ({ fake }) => tf.neg(tf.mean(tf.softplus(fake))) as tf.Scalar,
    defaults: { dSteps: 1 }, labelSmoothing: true, ...NO_EXTRAS,
  },
  ns: {
    summary: 'non-saturating: G maximises log D(G(z))',
    discriminator: crossEntropyD,
    generator: ({ fake }) => sigmoidCrossEntropy(fake, 1),
    defaults: { dSteps: 1 }, labelSmoothing: true, ...NO_EXTRAS,
  },
  lsgan: {
    summary: 'least squares (Mao et al., a = 0, b = 1)',
    discriminator: ({ real, fake, realTarget }) =>
      tf.add(tf.mul(tf.mean(tf.square(tf.sub(real, realTarget))), 0.5), tf.mul(tf.mean(tf.square(fake)), 0.5)) as tf.Scalar,
    generator: ({ fake }) => tf.mul(tf.mean(tf.square(tf.sub(fake, 1))), 0.5) as tf.Scalar,
    defaults: { dSteps: 1 }, labelSmoothing: true, ...NO_EXTRAS,
  },
  hinge: {
    summary: 'hinge (Lim & Ye; SAGAN, BigGAN)',
    discriminator: ({ real, fake }) => tf.add(tf.mean(tf.relu(tf.sub(1, real))), tf.mean(tf.relu(tf.add(1, fake)))) as tf.Scalar,
    generator: criticGeneratorLoss,
    defaults: { dSteps: 1 }, labelSmoothing: false, ...NO_EXTRAS,
  },
  rasgan: {
    summary: 'relativistic average GAN (Jolicoeur-Martineau): D and G judge reals relative to fakes',
    discriminator: ({ real, fake, realTarget }) => tf.add(sigmoidCrossEntropy(relativeTo(real, fake), realTarget),
      sigmoidCrossEntropy(relativeTo(fake, real), 0)) as tf.Scalar,
    generator: ({ real, fake }) => tf.add(sigmoidCrossEntropy(relativeTo(fake, real!), 1),
      sigmoidCrossEntropy(relativeTo(real!, fake), 0)) as tf.Scalar,
    defaults: { dSteps: 1 }, labelSmoothing: true, ...NO_EXTRAS, generatorSeesReal: true,
  },
  wgan: {
    summary: 'Wasserstein with weight clipping (--clip)',
    discriminator: criticLoss,
    generator: criticGeneratorLoss,
    defaults: { adam: { learningRate: 5e-5 }, dSteps: 5 }, labelSmoothing: false, ...NO_EXTRAS, weightClipping: true,
  },
  'wgan-gp': {
    summary: 'Wasserstein with gradient penalty (--gp-weight; no batch norm in the critic)',
    discriminator: criticLoss,
    generator: criticGeneratorLoss,
    defaults: { adam: { learningRate: 1e-4, beta1: 0, beta2: 0.9 }, dSteps: 5 }, labelSmoothing: false, ...NO_EXTRAS, gradientPenalty: true,
  },
} as const satisfies Record<string, GanLossRecord>;

export type GanLoss = keyof typeof GAN_LOSS_RECORDS;
/** The --loss names, in the order --help lists them. */
export const GAN_LOSSES = Object.keys(GAN_LOSS_RECORDS) as [GanLoss, ...GanLoss[]];

/** The record of `loss`. */
export function ganLoss(loss: GanLoss): GanLossRecord {
  return GAN_LOSS_RECORDS[loss];
}

/** Mean sigmoid cross-entropy of logits [n, 1] against a constant target in [0, 1]: t·softplus(-x) + (1-t)·softplus(x). */
function sigmoidCrossEntropy(logits: tf.Tensor, target: number): tf.Scalar {
  return tf.tidy(() => {
    const positive = tf.mul(tf.softplus(tf.neg(logits)), target);
    return (target === 1 ? tf.mean(positive) : tf.mean(tf.add(positive, tf.mul(tf.softplus(logits), 1 - target)))) as tf.Scalar;
  });
}

/** `loss`'s discriminator term from D's logits on real [n, 1] and fake [n, 1] images; `realTarget` < 1 smooths labels. */
export function discriminatorLoss(loss: GanLoss, real: tf.Tensor, fake: tf.Tensor, realTarget = 1): tf.Scalar {
  return tf.tidy(() => ganLoss(loss).discriminator({ real, fake, realTarget }));
}

/** `loss`'s generator term from D's logits on fake images [n, 1] (and on real ones [n, 1], which relativistic losses need). */
export function generatorLoss(loss: GanLoss, fake: tf.Tensor, real?: tf.Tensor): tf.Scalar {
  const record = ganLoss(loss);
  if (record.generatorSeesReal && !real) throw new Error(`--loss ${loss}: the generator's loss needs D's logits on real images`);
  return tf.tidy(() => record.generator({ fake, real }));
}

/**
 * WGAN-GP's penalty λ·E[(‖∇ₓ D(x̂)‖₂ − 1)²] at x̂ = real + α(fake − real), α ~ U(0, 1) per image (seeded).
 * `critic` maps images [n, h, w, c] to scores [n, 1]; real and fake are [n, h, w, c]. Differentiable with respect
 * to the critic's weights (tf.grad nests inside tf.variableGrads: the inner backward pass is recorded on the tape).
 */
export function gradientPenalty(critic: (images: tf.Tensor4D) => tf.Tensor, real: tf.Tensor4D, fake: tf.Tensor4D, weight: number, seed: number): tf.Scalar {
  return tf.tidy(() => {
    const alpha = tf.randomUniform([real.shape[0], 1, 1, 1], 0, 1, 'float32', seed);
    const mixed = tf.add(real, tf.mul(alpha, tf.sub(fake, real))) as tf.Tensor4D;
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(critic(x as tf.Tensor4D)))(mixed);
    // The small constant keeps the norm's own gradient finite where the gradient vanishes.
    const norm = tf.sqrt(tf.add(tf.sum(tf.square(gradient), [1, 2, 3]), 1e-12));
    return tf.mul(tf.mean(tf.square(tf.sub(norm, 1))), weight);
  });
}

/** Salimans et al.'s feature matching: ‖mean(real features) − mean(fake features)‖², features [n, F]. */
export function featureMatchingLoss(realFeatures: tf.Tensor2D, fakeFeatures: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.square(tf.sub(tf.mean(realFeatures, 0), tf.mean(fakeFeatures, 0)))));
}

/** Mean softmax cross-entropy of class logits [n, K] against integer labels [n] (AC-GAN's auxiliary loss). */
export function classLoss(logits: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number): tf.Scalar {
  return tf.tidy((): tf.Scalar => {
    const logProbs = tf.logSoftmax(logits);
    return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(tf.cast(labels, 'int32'), numClasses), logProbs), 1))) as tf.Scalar;
  });
}
