// The images a VAE is evaluated on: a test split, optionally a seeded subset, binarised once with a
// fixed seed for Bernoulli models (the standard protocol), served in a fixed order as [0, 1] tensors.
import type * as tf from '@tensorflow/tfjs-core';
import { takeRows, type Dataset } from '../data/dataset.ts';
import { createBatcher } from '../data/batches.ts';
import { batchTensors } from '../training/batch-tensors.ts';
import { permutation, Rng } from '../core/random.ts';

/** Fixed seeds of the protocol, so every run is evaluated on the same subset and the same binarisation. */
export const EVAL_SUBSET_SEED = 1234;
export const EVAL_BINARIZE_SEED = 4321;

export interface VaeEvalSetOptions {
  /** Binarise the images once (seeded Bernoulli(pixel/255) draws), as for a Bernoulli decoder. */
  binarize: boolean;
  /** Evaluate on this many images drawn without replacement (seeded); undefined = the whole split. */
  subset?: number;
  /** Or exactly these rows of the split, in this order (for pictures of chosen images). */
  indices?: number[];
}

/** A fixed sequence of evaluation images. */
export interface VaeEvalSet {
  count: number;
  /** How the images were chosen and binarised, in words, for reports. */
  protocol: string;
  /** The images in batches of `batchSize`, x [n, h, w, c] in [0, 1] (labels [n]); the caller disposes them. */
  batches(batchSize: number): Generator<{ x: tf.Tensor4D; labels?: tf.Tensor1D }>;
}

/** The evaluation set drawn from `test` under `options`; errors name a subset larger than the split. */
export function vaeEvalSet(test: Dataset, options: VaeEvalSetOptions): VaeEvalSet {
  const subset = options.subset;
  if (subset !== undefined && !(Number.isInteger(subset) && subset >= 1 && subset <= test.count)) {
    throw new Error(`subset of ${subset} images: must be an integer in 1..${test.count} (the size of ${test.name}'s test split)`);
  }
  const bad = options.indices?.find((i) => !(Number.isInteger(i) && i >= 0 && i < test.count));
  if (bad !== undefined) throw new Error(`test image ${bad} does not exist: ${test.name}'s test split holds images 0..${test.count - 1}`);
  // Binarise the whole split before choosing images, so an image gets the same draw in every subset.
  const source = options.binarize ? binarizedOnce(test) : test;
  let images = source;
  let chosen = `all ${test.count} test images of ${test.name}`;
  if (options.indices) {
    images = takeRows(source, options.indices);
    chosen = `test images ${options.indices.join(', ')} of ${test.name}`;
  } else if (subset !== undefined && subset < test.count) {
    images = takeRows(source, permutation(test.count, new Rng(EVAL_SUBSET_SEED)).slice(0, subset).sort());
    chosen = `${subset} of ${test.count} test images of ${test.name} (seeded subset, seed ${EVAL_SUBSET_SEED})`;
  }
  const binarized = options.binarize ? `, binarised once with fixed seed ${EVAL_BINARIZE_SEED} (Bernoulli(pixel/255))` : ', grey levels scaled to [0, 1]';
  return {
    count: images.count,
    protocol: chosen + binarized,
    *batches(batchSize: number) {
      const batcher = createBatcher(images, { batchSize, shuffle: false, range: '[0,1]' });
      for (const batch of batcher.epoch(0)) {
        const { images: x, labels } = batchTensors(batch);
        yield { x, labels };
      }
    },
  };
}

/** Binarised copies by source split: an evaluation draws its ELBO and IWAE sets from one binarisation (~25 s under load). */
const binarizedSplits = new WeakMap<Dataset, Dataset>();

/** `dataset` with every pixel replaced by one seeded Bernoulli(pixel/255) draw, stored as 0 or 255. */
function binarizedOnce(dataset: Dataset): Dataset {
  const cached = binarizedSplits.get(dataset);
  if (cached) return cached;
  const all = createBatcher(dataset, { batchSize: dataset.count, shuffle: false, range: '[0,1]', binarize: 'fixed', seed: EVAL_BINARIZE_SEED }).batch(0, 0);
  const binarized = { ...dataset, images: Uint8Array.from(all.images, (v) => v * 255) };
  binarizedSplits.set(dataset, binarized);
  return binarized;
}
