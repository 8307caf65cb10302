// GAN objectives on discriminator logits: minimax, non-saturating, least-squares, hinge, WGAN (clipping),
// WGAN-GP's gradient penalty, and Salimans et al.'s feature matching. All functions return scalars.
import * as tf from '@tensorflow/tfjs-core';

export const GAN_LOSSES = ['minimax', 'ns', 'lsgan', 'hinge', 'wgan', 'wgan-gp'] as const;
export type GanLoss = (typeof GAN_LOSSES)[number];

/** Whether `loss` reads D's output as a probability logit (so one-sided label smoothing applies). */
export function isCrossEntropyLoss(loss: GanLoss): boolean {
  return loss === 'minimax' || loss === 'ns';
}

/** Whether `loss` is a Wasserstein critic loss (several critic steps per generator step by default). */
export function isWassersteinLoss(loss: GanLoss): boolean {
  return loss === 'wgan' || loss === 'wgan-gp';
}

/** Mean sigmoid cross-entropy of logits [n, 1] against a constant target in [0, 1]: t·softplus(-x) + (1-t)·softplus(x). */
function sigmoidCrossEntropy(logits: tf.Tensor, target: number): tf.Scalar {
  return tf.tidy(() => {
    const positive = tf.mul(tf.softplus(tf.neg(logits)), target);
    return (target === 1 ? tf.mean(positive) : tf.mean(tf.add(positive, tf.mul(tf.softplus(logits), 1 - target)))) as tf.Scalar;
  });
}

/**
 * The discriminator's (critic's) loss to minimise, from logits on real [n, 1] and fake [n, 1] images.
 * `realTarget` < 1 is one-sided label smoothing (cross-entropy and least-squares losses only).
 */
export function discriminatorLoss(loss: GanLoss, real: tf.Tensor, fake: tf.Tensor, realTarget = 1): tf.Scalar {
  return tf.tidy((): tf.Scalar => {
    switch (loss) {
      case 'minimax':
      case 'ns':
        return tf.add(sigmoidCrossEntropy(real, realTarget), sigmoidCrossEntropy(fake, 0)) as tf.Scalar;
      case 'lsgan':
        // Mao et al. with a = 0 (fake), b = 1 (real); the 1/2 factors of the paper.
        return tf.add(tf.mul(tf.mean(tf.square(tf.sub(real, realTarget))), 0.5), tf.mul(tf.mean(tf.square(fake)), 0.5)) as tf.Scalar;
      case 'hinge':
        return tf.add(tf.mean(tf.relu(tf.sub(1, real))), tf.mean(tf.relu(tf.add(1, fake)))) as tf.Scalar;
      case 'wgan':
      case 'wgan-gp':
        return tf.sub(tf.mean(fake), tf.mean(real));
    }
  });
}

/** The generator's loss to minimise, from D's logits on fake images [n, 1]. */
export function generatorLoss(loss: GanLoss, fake: tf.Tensor): tf.Scalar {
  return tf.tidy((): tf.Scalar => {
    switch (loss) {
      case 'minimax':
        // Goodfellow et al.'s original: minimise log(1 - D(G(z))) = -softplus(logit).
        return tf.neg(tf.mean(tf.softplus(fake))) as tf.Scalar;
      case 'ns':
        return sigmoidCrossEntropy(fake, 1);
      case 'lsgan':
        return tf.mul(tf.mean(tf.square(tf.sub(fake, 1))), 0.5) as tf.Scalar;
      case 'hinge':
      case 'wgan':
      case 'wgan-gp':
        return tf.neg(tf.mean(fake)) as tf.Scalar;
    }
  });
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
