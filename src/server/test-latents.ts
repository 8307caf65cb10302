// The VAE explorer's scatter: posterior means μ(x) of a seeded subset of the run's test images,
// encoded once in Node by `ganvae serve` (the page shows where an uploaded image lands among them).
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../env/backend.ts';
import { encode } from '../vae/vae.ts';
import { openVaeRun, vaeRunImages } from '../vae/vae-run.ts';
import type { TestLatents } from './explorer-api.ts';

/** How many test images the scatter shows at most. */
export const SCATTER_IMAGES = 1000;

/** Encodes up to SCATTER_IMAGES test images of the VAE run `runDir`; a missing dataset gives `available: false`. */
export async function encodeTestLatents(runDir: string): Promise<TestLatents> {
  let vaeRun;
  try {
    await initBackend();
    vaeRun = await openVaeRun(runDir);
  } catch (err) {
    return { available: false, reason: (err as Error).message };
  }
  try {
    const set = vaeRunImages(vaeRun, { subset: Math.min(SCATTER_IMAGES, vaeRun.test.count) });
    const mu: number[] = [];
    const labels: number[] = [];
    for (const { x, labels: batchLabels } of set.batches(250)) {
      const means = tf.tidy(() => encode(vaeRun.vae, x, batchLabels).mu);
      // Four decimals are plenty for a scatter plot and keep the JSON small.
      for (const v of await means.data()) mu.push(Math.round(v * 1e4) / 1e4);
      if (batchLabels) labels.push(...await batchLabels.data());
      tf.dispose([means, x, batchLabels]);
    }
    return { available: true, count: set.count, latentSize: vaeRun.vae.architecture.latentSize, mu, labels: labels.length ? labels : null, protocol: set.protocol };
  } finally {
    vaeRun.run.trainable.dispose();
  }
}
