// Where evaluated images come from, as a stream of uint8 NHWC batches: rows of a dataset split
// (real data, or a folder of PNGs from any tool) or fresh samples from a trained run's generator.
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/dataset.ts';
import { permutation, Rng } from '../core/random.ts';
import { latentBatch } from '../training/latent.ts';
import type { Trainable } from '../training/trainable.ts';

/** A finite stream of uint8 images of one shape. */
export interface ImageSource {
  /** What the images are, for progress lines and metrics.json (e.g. "fashion-mnist test"). */
  description: string;
  /** [h, w, c] of every image. */
  shape: [number, number, number];
  count: number;
  /** Yields uint8 batches [≤ batchSize, h, w, c]; the last one may be shorter. */
  batches(batchSize: number): AsyncIterable<Uint8Array>;
}

/**
 * `count` images of `dataset`: its first rows, or a seeded random subset when `seed` is given (so a
 * train-split floor does not depend on the file's class ordering). Errors when it has too few.
 */
export function datasetSource(dataset: Dataset, description: string, count: number, seed?: number): ImageSource {
  if (count > dataset.count) {
    throw new Error(`${description} has ${dataset.count} images, fewer than the ${count} asked for; lower -n`);
  }
  const rows = seed === undefined ? null : permutation(dataset.count, new Rng(seed)).subarray(0, count);
  const rowSize = dataset.height * dataset.width * dataset.channels;
  return {
    description,
    shape: [dataset.height, dataset.width, dataset.channels],
    count,
    async *batches(batchSize) {
      for (let start = 0; start < count; start += batchSize) {
        const size = Math.min(batchSize, count - start);
        if (!rows) {
          yield dataset.images.subarray(start * rowSize, (start + size) * rowSize);
          continue;
        }
        const out = new Uint8Array(size * rowSize);
        for (let i = 0; i < size; i++) {
          const from = rows[start + i] * rowSize;
          out.set(dataset.images.subarray(from, from + rowSize), i * rowSize);
        }
        yield out;
      }
    },
  };
}

/** float images in [-1, 1] → uint8 0..255, rounded as PNG grids are (so eval scores what a saved sample shows). */
export function unitRangeToBytes(images: Float32Array): Uint8Array {
  const out = new Uint8Array(images.length);
  for (let i = 0; i < images.length; i++) {
    const unit = (images[i] + 1) / 2;
    out[i] = unit > 0 ? (unit < 1 ? Math.round(unit * 255) : 255) : 0;
  }
  return out;
}

/**
 * `count` samples of a trained model: latent vectors drawn from `seed` (its codes from their distributions, z from its
 * prior; latentVectors) and, when the dataset has classes, balanced labels 0, 1, …, k−1, 0, … (ignored by
 * unconditional models).
 */
export function trainableSource(trainable: Trainable, shape: [number, number, number], numClasses: number,
  description: string, count: number, seed: number): ImageSource {
  return {
    description,
    shape,
    count,
    async *batches(batchSize) {
      const rng = new Rng(seed);
      for (let start = 0; start < count; start += batchSize) {
        const size = Math.min(batchSize, count - start);
        const images = tf.tidy(() => {
          const noise = latentBatch(size, trainable, rng);
          const labels = numClasses > 0
            ? tf.tensor1d(Int32Array.from({ length: size }, (_, i) => (start + i) % numClasses), 'int32')
            : undefined;
          return trainable.sample(noise, labels);
        });
        const values = (await images.data()) as Float32Array;
        images.dispose();
        yield unitRangeToBytes(values);
      }
    },
  };
}
