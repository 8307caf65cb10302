// What a GAN trainer holds for --augment: one object that augments every batch D sees (real and fake alike, each
// call its own draws) and, for adaptive ADA, learns p from D's logits on real images and checkpoints it.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../core/random.ts';
import { adaAugment } from './ada-augment.ts';
import { AdaController, type AdaState } from './ada-controller.ts';
import type { AugmentSpec } from './augment-options.ts';
import { diffAugment } from './diff-augment.ts';

/** Augmentation as the trainer sees it; call `augment` inside tf.variableGrads: it is differentiable in the images. */
export interface Augmenter {
  readonly spec: AugmentSpec;
  /** The probability an op touches an image now (adaptive ADA: the controller's current p; none: 0). */
  readonly p: number;
  /** A batch [n, h, w, c] augmented with fresh draws from `rng` → [n, h, w, c] (none: a clone). */
  augment(images: tf.Tensor4D, rng: Rng): tf.Tensor4D;
  /** Feeds one D step's logits on real images [n, 1] to adaptive ADA's controller (nothing otherwise). */
  observeReal(realLogits: tf.Tensor): void;
  /** Adaptive ADA's state for a checkpoint (plain JSON), null when nothing adapts. */
  state(): AdaState | null;
}

/** The Augmenter of `spec`; `saved` is what `state()` returned into the checkpoint being resumed (adaptive ADA continues it exactly). */
export function createAugmenter(spec: AugmentSpec, saved?: unknown): Augmenter {
  if (spec.kind === 'ada' && spec.adaptive) {
    const controller = saved === undefined || saved === null ? new AdaController(spec.p) : AdaController.restore(saved);
    return {
      spec,
      get p() {
        return controller.p;
      },
      augment: (images, rng) => adaAugment(images, spec.policy, controller.p, rng),
      observeReal: (realLogits) => controller.observe(realLogits),
      state: () => controller.state,
    };
  }
  const augment = spec.kind === 'ada' ? (images: tf.Tensor4D, rng: Rng) => adaAugment(images, spec.policy, spec.p, rng)
    : spec.kind === 'diffaug' ? (images: tf.Tensor4D, rng: Rng) => diffAugment(images, spec.policy, rng, spec.p)
      : (images: tf.Tensor4D) => tf.clone(images);
  return { spec, p: spec.kind === 'none' ? 0 : spec.p, augment, observeReal: () => undefined, state: () => null };
}
