// The contract between the shared training loop (src/training/loop.ts) and a model family (GAN, VAE).
// A family implements `Trainable` and registers a `TrainableKind`; the loop, checkpoints, sample grids
// and `ganvae train|sample|interpolate` then work for it unchanged.
import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { z } from 'zod';
import type { Rng } from '../core/random.ts';
import type { MemoryEstimate } from './memory-budget.ts';

/** One training batch, NHWC. */
export interface Batch {
  /** [batch, h, w, c] float32 in [-1, 1]. */
  images: tf.Tensor4D;
  /** [batch] int32 class labels, present when the dataset has labels. */
  labels?: tf.Tensor1D;
}

/** What a model needs to know about its dataset. */
export interface DataShape {
  /** [h, w, c] of one image. */
  shape: [number, number, number];
  /** Number of classes (0 when the dataset has no labels). */
  numClasses: number;
  /** Images in the training split, when training (trainRun sets it, so resolve can check options against it); absent when a run is reopened. */
  trainImages?: number;
}

/** Scalar losses of one step by name (e.g. `dLoss`, `gLoss`); the loop reads and disposes them. */
export type StepLosses = Record<string, tf.Scalar>;

/** Distribution of latent codes: N(0, I) or U(-1, 1) per coordinate. */
export type LatentPrior = 'normal' | 'uniform';

/**
 * One InfoGAN latent code (Chen et al. 2016), drawn from its own distribution instead of the prior: `categorical`
 * takes `size` entries of the latent vector holding a one-hot category (uniform over `size`), `continuous` one entry
 * (size 1) from U(-1, 1). `name` is what `ganvae sample --code name=value` and the explorer call it.
 */
export interface LatentCode {
  name: string;
  kind: 'categorical' | 'continuous';
  size: number;
}

/** A model family the training loop can drive. */
export interface Trainable {
  /** Length of the latent vector `sample` takes. */
  readonly latentSize: number;
  /** The prior `sample`'s noise is drawn from (grids, `ganvae sample`, interpolation); absent means 'normal'. */
  readonly prior?: LatentPrior;
  /**
   * Codes that fill the first entries of the latent vector, in order (InfoGAN); the prior fills the rest.
   * Absent or empty: every entry comes from the prior. Draw with `latentVectors` (latent.ts).
   */
  readonly latentCodes?: readonly LatentCode[];
  /** Number of classes `sample` can condition on (0: unconditional, labels are ignored). */
  readonly numClasses: number;
  /**
   * One optimisation iteration (all sub-steps, e.g. D then G) on `batch`. Draws all randomness
   * (noise, dropout) from `rng` (seed tfjs ops with `opSeed(rng)`) so a run is reproducible. Must not leak tensors; returns scalars the
   * caller disposes.
   */
  trainStep(batch: Batch, rng: Rng): StepLosses;
  /**
   * Images from latent codes for grids, `ganvae sample` and evaluation (EMA weights when kept).
   * noise [n, latentSize], labels [n] int32 (conditional models) → [n, h, w, c] in [-1, 1].
   */
  sample(noise: tf.Tensor2D, labels?: tf.Tensor1D): tf.Tensor4D;
  /**
   * n draws of z from a prior that `prior` cannot name (a learned one, such as a VAE's VampPrior, as it
   * stands now), flat [n · (latentSize − the codes' entries)], from `rng` alone; `truncation` t > 0 as
   * latentValues'. Absent: latentValues of `prior`. Callers draw whole vectors with `latentVectors` (latent.ts).
   */
  priorValues?(n: number, rng: Rng, truncation?: number): Float32Array;
  /** Models saved to `model/<part>/` and checkpoints, by part name (`generator`, `decoder`, ...). */
  models(): Record<string, LayersModel>;
  /**
   * The networks as model/ holds them, when models() has training-only layers (e.g. spectral norm): new plain
   * Layers models with the same outputs in inference, which the caller disposes. Absent or null: models() are plain.
   */
  plainModels?(): Record<string, LayersModel> | null;
  /** Optimisers whose state checkpoints save and restore, by name. */
  optimizers(): Record<string, tf.Optimizer>;
  /** State besides tensors that a resume must continue (e.g. ADA's augmentation probability), as plain JSON. */
  trainingState?(): Record<string, unknown>;
  /** Restores what trainingState returned; throws when `state` is not such a value. */
  restoreTrainingState?(state: Record<string, unknown>): void;
  /** Frees every tensor and variable the family holds. */
  dispose(): void;
}

/**
 * A model family as `ganvae train <kind>` sees it: its options (a strict zod object whose fields
 * all have defaults; each field becomes a `--kebab-case` flag and a key of the JSON config) and
 * a factory. `create` must draw weight-init seeds from `rng` only.
 */
export interface TrainableKind<Schema extends z.ZodObject = z.ZodObject> {
  readonly kind: 'gan' | 'vae';
  readonly options: Schema;
  /**
   * Fills in choices left open (e.g. a preset's learning rate when none was given) so run.json
   * records concrete values. Optional: without it the options are saved as given.
   */
  resolve?(options: z.infer<Schema>, data: DataShape): z.infer<Schema>;
  /** What the models of resolved `options` need, counted before building them (the memory check). */
  estimate(options: z.infer<Schema>, data: DataShape): MemoryEstimate;
  /** Options whose models() are the plainModels() of `options`' (what model/ loads into); absent: the same options. */
  plainOptions?(options: z.infer<Schema>): z.infer<Schema>;
  /** Builds a fresh model family from resolved options. */
  create(options: z.infer<Schema>, data: DataShape, rng: Rng): Trainable;
}
