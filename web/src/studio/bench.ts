// `ganvae studio --bench` (the page at ?bench=1): images/s of benchmark workloads W1 (DCGAN-28) and W2 (the default
// VAE, vae28) trained in this tab on its backend, each one iteration being one `trainStep` of ganvae's own family on
// a fixed random batch, as `npm run bench` measures them in Node (bench/workloads.ts gives the same options).
import * as tf from '@tensorflow/tfjs-core';
import { ganKind, Rng, vaeKind, type StepLosses, type Trainable } from '../../../src/browser.ts';
import { workload, type WorkloadId } from '../../../bench/workloads.ts';

/** One workload's measurement in this tab. */
export interface BenchResult {
  id: WorkloadId;
  title: string;
  backend: string;
  batch: number;
  /** Timed iterations and their seconds (after 2 untimed warm-up iterations). */
  steps: number;
  seconds: number;
  imagesPerSec: number;
}

/** Runs `step` and waits until the backend has finished it (reads one loss). */
async function finished(losses: StepLosses): Promise<void> {
  await Object.values(losses)[0].data();
  tf.dispose(Object.values(losses));
}

/** Trains workload `id` for about `seconds` after a warm-up, on the active backend. */
export async function benchWorkload(id: WorkloadId, seconds: number, onProgress?: (text: string) => void): Promise<BenchResult> {
  const w = workload(id);
  const data = { shape: w.imageShape, numClasses: 0 };
  const trainable: Trainable = w.family === 'gan'
    ? ganKind.create(w.options, data, new Rng(1))
    : vaeKind.create(w.options, data, new Rng(1));
  const images = tf.randomUniform([w.batch, ...w.imageShape], -1, 1, 'float32', 7) as tf.Tensor4D;
  const rng = new Rng(2);
  try {
    for (let i = 0; i < 2; i++) {
      const t = performance.now();
      await finished(trainable.trainStep({ images }, rng));
      onProgress?.(`warm-up iteration ${i + 1} of 2 took ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    let steps = 0;
    const start = performance.now();
    while (performance.now() - start < seconds * 1000) {
      await finished(trainable.trainStep({ images }, rng));
      steps++;
      onProgress?.(`${steps} timed iteration(s), ${((performance.now() - start) / 1000).toFixed(1)} s`);
      // Lets the page paint its progress between iterations.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const elapsed = (performance.now() - start) / 1000;
    return { id, title: w.title, backend: tf.getBackend(), batch: w.batch, steps, seconds: elapsed, imagesPerSec: (steps * w.batch) / elapsed };
  } finally {
    images.dispose();
    trainable.dispose();
  }
}
