// The shared training loop: steps a Trainable over seeded batches until its epochs or budget end, logging
// metrics.jsonl, writing sample grids and checkpoints, stopping cleanly on request or on a non-finite loss.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Batcher } from '../data/batches.ts';
import { imageGrid } from '../data/image-grid.ts';
import { writePng } from '../data/image-codec.ts';
import { mixSeed, Rng } from '../core/random.ts';
import { batchTensors } from './batch-tensors.ts';
import { NonFiniteStateError, writeCheckpoint, writeError } from './checkpoint.ts';
import type { TrainingOptions } from './config.ts';
import { latentNoise } from './latent.ts';
import type { Progress } from './progress.ts';
import { runPaths } from './run-folder.ts';
import type { Trainable } from './trainable.ts';

export type StopReason = 'completed' | 'max-steps' | 'max-minutes' | 'interrupted' | 'diverged';

export interface LoopOptions {
  runDir: string;
  trainable: Trainable;
  batcher: Batcher;
  options: TrainingOptions;
  /** The run's training RNG (noise, dropout), already restored when resuming. */
  rng: Rng;
  /** Steps already done (0, or the checkpoint's step). */
  startStep: number;
  /** The resolved configuration, stored in each checkpoint. */
  config: Record<string, unknown>;
  progress?: Progress;
  /** Polled between steps; true finishes the current step, checkpoints and stops ('interrupted'). */
  shouldStop?: () => boolean;
  /** Called after every step with its losses (read every step only when given: tests and debugging). */
  onStep?: (step: number, losses: Record<string, number>) => void;
}

export interface LoopResult {
  reason: StopReason;
  /** Steps completed in total. */
  step: number;
  totalSteps: number;
  /** Mean losses of the last logged window. */
  losses: Record<string, number>;
  /** Mean training throughput of this invocation. */
  imagesPerSec: number;
  elapsedSec: number;
  /**
   * For 'diverged': the steps in which a loss (or, found before a checkpoint, a weight or optimiser variable,
   * named in `what`) became NaN or infinite.
   */
  divergence?: { fromStep: number; toStep: number; losses: Record<string, number>; cause: 'loss' | 'state'; what?: string };
  /** The step of the run's last checkpoint (0 with none: a run diverged before its first has none). */
  checkpointStep: number | null;
}

/** The fixed noise (and class labels, one class per column) every sample grid of a run is drawn from. */
function gridInputs(trainable: Trainable, options: TrainingOptions): { noise: tf.Tensor2D; labels?: tf.Tensor1D; columns: number } {
  const n = options.sampleCount;
  const noise = latentNoise(n, trainable.latentSize, trainable.prior ?? 'normal', new Rng(mixSeed(options.seed, 0x6a1d)));
  if (!trainable.numClasses) return { noise, columns: Math.ceil(Math.sqrt(n)) };
  const labels = tf.tensor1d(Array.from({ length: n }, (_, i) => i % trainable.numClasses), 'int32');
  return { noise, labels, columns: trainable.numClasses };
}

/** Samples `trainable` at `noise` and writes the grid PNG to `path`. */
export async function writeSampleGrid(trainable: Trainable, path: string, noise: tf.Tensor2D, labels: tf.Tensor1D | undefined, columns: number): Promise<void> {
  const images = trainable.sample(noise, labels);
  try {
    const grid = imageGrid({ data: await images.data(), shape: images.shape }, { range: '[-1,1]', columns });
    writePng(path, grid);
  } finally {
    images.dispose();
  }
}

/** Runs the loop from `startStep` until the epochs, --max-steps or --max-minutes end, or a stop request. */
export async function trainLoop(o: LoopOptions): Promise<LoopResult> {
  const { trainable, batcher, options, rng } = o;
  const paths = runPaths(o.runDir);
  mkdirSync(paths.samples, { recursive: true });
  const perEpoch = batcher.batchesPerEpoch;
  const epochSteps = options.epochs * perEpoch;
  const totalSteps = options.maxSteps ? Math.min(options.maxSteps, epochSteps) : epochSteps;
  const grid = gridInputs(trainable, options);
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;

  let step = o.startStep;
  let checkpointed = o.startStep;
  let lastCheckpoint: number | null = o.startStep > 0 ? o.startStep : null;
  let lastCheckpointAt = 0;
  let reason: StopReason = totalSteps === epochSteps ? 'completed' : 'max-steps';
  let lastLosses: Record<string, number> = {};
  let divergence: LoopResult['divergence'];
  // Losses are summed as tensors and read once per window, so the hot loop never waits on a read.
  let sums: Record<string, tf.Scalar> = {};
  let windowStart = { step, time: elapsed() };

  let lastChecked = o.startStep;
  /** Checkpoints unless a weight or optimiser variable is not finite (a step's loss is computed before its
   * update, so a finite loss does not prove the updated state finite); false when the state diverged. */
  const checkpoint = async (): Promise<boolean> => {
    try {
      await writeCheckpoint(o.runDir, trainable, { step, rng: rng.state, config: o.config });
    } catch (err) {
      if (!(err instanceof NonFiniteStateError)) throw err;
      divergence = { fromStep: lastChecked + 1, toStep: step, losses: lastLosses, cause: 'state', what: err.what };
      return false;
    }
    lastChecked = step;
    checkpointed = step;
    lastCheckpointAt = elapsed();
    lastCheckpoint = step;
    return true;
  };
  const writeGrid = (name: string) => writeSampleGrid(trainable, join(paths.samples, name), grid.noise, grid.labels, grid.columns);

  /** Reads the window's mean losses; false when one is not finite. */
  const closeWindow = (): boolean => {
    const steps = step - windowStart.step;
    if (!steps) return true;
    const means = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v.dataSync()[0] / steps]));
    tf.dispose(sums);
    sums = {};
    const now = elapsed();
    if (Object.values(means).some((v) => !Number.isFinite(v))) {
      divergence = { fromStep: windowStart.step + 1, toStep: step, losses: means, cause: 'loss' };
      return false;
    }
    const imagesPerSec = (steps * options.batchSize) / Math.max(now - windowStart.time, 1e-9);
    lastLosses = means;
    const row = { step, epoch: step / perEpoch, elapsedSec: +now.toFixed(3), imagesPerSec: +imagesPerSec.toFixed(1), ...means };
    try {
      appendFileSync(paths.metrics, `${JSON.stringify(row)}\n`);
    } catch (err) {
      throw writeError(err, `the metrics of step ${step}`, paths.metrics, 4096);
    }
    const stepsPerSec = (step - o.startStep) / Math.max(now, 1e-9);
    const budgetLeft = options.maxMinutes ? options.maxMinutes * 60 - now : Infinity;
    o.progress?.update({
      step, totalSteps, epoch: Math.min(options.epochs, Math.floor(step / perEpoch) + 1), epochs: options.epochs, losses: means,
      imagesPerSec, etaSec: Math.min((totalSteps - step) / stepsPerSec, budgetLeft),
    });
    windowStart = { step, time: now };
    return true;
  };

  try {
    while (step < totalSteps) {
      // Steps run synchronously; this turn of the event loop lets signal handlers (SIGINT) run between them.
      await new Promise((resolve) => setImmediate(resolve));
      if (o.shouldStop?.()) {
        reason = 'interrupted';
        break;
      }
      if (options.maxMinutes && elapsed() >= options.maxMinutes * 60) {
        reason = 'max-minutes';
        break;
      }
      const batch = batchTensors(batcher.batch(Math.floor(step / perEpoch), step % perEpoch));
      const losses = trainable.trainStep({ images: batch.images, labels: batch.labels }, rng);
      tf.dispose([batch.images, batch.labels].filter((t) => t !== undefined));
      step++;
      if (o.onStep) o.onStep(step, Object.fromEntries(Object.entries(losses).map(([k, v]) => [k, v.dataSync()[0]])));
      for (const [name, value] of Object.entries(losses)) {
        const previous = sums[name];
        sums[name] = previous ? tf.add(previous, value) : tf.clone(value);
        previous?.dispose();
      }
      tf.dispose(Object.values(losses));
      const epochEnd = step % perEpoch === 0;
      // Bounded by time as well as by steps: a slow model killed before --checkpoint-every steps still resumes.
      const wantsCheckpoint = step % options.checkpointEvery === 0 ||
        (options.checkpointMinutes > 0 && elapsed() - lastCheckpointAt >= options.checkpointMinutes * 60);
      const wantsGrid = epochEnd || (options.sampleEvery > 0 && step % options.sampleEvery === 0);
      // A window closes before anything is written, so no checkpoint or grid ever holds diverged weights.
      if (step % options.logEvery === 0 || wantsCheckpoint || wantsGrid) {
        if (!closeWindow()) {
          reason = 'diverged';
          break;
        }
      }
      if (epochEnd) await writeGrid(`epoch-${String(step / perEpoch).padStart(4, '0')}.png`);
      else if (wantsGrid) await writeGrid(`step-${String(step).padStart(8, '0')}.png`);
      if (wantsCheckpoint && !(await checkpoint())) {
        reason = 'diverged';
        break;
      }
    }
    if (reason !== 'diverged' && !closeWindow()) reason = 'diverged';
    if (reason !== 'diverged' && (step !== checkpointed || step === 0) && !(await checkpoint())) reason = 'diverged';
    if (reason !== 'diverged') await writeGrid('final.png');
  } finally {
    o.progress?.done();
    tf.dispose(sums);
    tf.dispose([grid.noise, grid.labels].filter((t) => t !== undefined));
  }
  const seconds = elapsed();
  return {
    reason, step, totalSteps, losses: lastLosses, elapsedSec: seconds, divergence, checkpointStep: lastCheckpoint,
    imagesPerSec: ((step - o.startStep) * options.batchSize) / Math.max(seconds, 1e-9),
  };
}
