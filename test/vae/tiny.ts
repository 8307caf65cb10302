// Tiny VAEs and data for the VAE tests: 8x8 images of bars, a model with a few hundred weights.
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../../src/data/dataset.ts';
import { Rng } from '../../src/core/random.ts';
import type { VaeArchitecture } from '../../src/vae/vae.ts';
import { vaePreset } from '../../src/vae/presets.ts';

/** An 8x8x1 VAE with 2 latents and one layer of each kind. */
export function tinyArchitecture(overrides: Partial<VaeArchitecture> = {}): VaeArchitecture {
  return vaePreset('vae28', [8, 8, 1], {
    latentSize: 2, encoderFilters: [4], encoderDense: [16], decoderDense: [16], decoderBaseChannels: 4, decoderFilters: [4], ...overrides,
  });
}

/** `count` 8x8 grey images, each one bright horizontal or vertical bar at a seeded position; label = orientation. */
export function barDataset(count: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * 64);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const vertical = rng.int(2);
    const at = rng.int(8);
    labels[n] = vertical;
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) images[n * 64 + y * 8 + x] = (vertical ? x : y) === at ? 230 : 10;
    }
  }
  return { name: 'bars', images, labels, count, height: 8, width: 8, channels: 1, classNames: ['horizontal', 'vertical'] };
}

/** The first `count` bar images as a loop batch: images [count, 8, 8, 1] in [-1, 1], labels [count]. */
export function barBatch(count: number, seed: number): { images: tf.Tensor4D; labels: tf.Tensor1D } {
  const data = barDataset(count, seed);
  return {
    images: tf.tensor4d(Float32Array.from(data.images, (v) => v / 127.5 - 1), [count, 8, 8, 1]),
    labels: tf.tensor1d(data.labels!, 'int32'),
  };
}
