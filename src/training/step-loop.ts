// The step loop every training runs, in Node and in a browser tab: steps a Trainable over seeded batches until
// its epochs or its step/time budget end, averages the losses over logging windows, draws sample grids from
// fixed noise, checkpoints, pauses, resumes and stops on request, and stops on a non-finite loss. Free of Node
// imports: what it writes goes through `StepLoopHooks` (Node: the run folder, loop.ts; the studio: IndexedDB).
import * as tf from '@tensorflow/tfjs-core';
import type { Batcher } from '../data/batches.ts';
import { imageGrid } from '../data/image-grid.ts';
import type { RawImage } from '../data/image-codec.ts';
import { mixSeed, Rng } from '../core/random.ts';
import { batchTensors } from './batch-tensors.ts';
import type { TrainingOptions } from './config.ts';
import { NonFiniteStateError } from './finite-state.ts';
import { latentBatch } from './latent.ts';
import type { Progress } from './progress.ts';
import type { Trainable } from './trainable.ts';

export type StopReason = 'completed' | 'max-steps' | 'max-minutes' | 'interrupted' | 'diverged';

/** The loop options the step loop reads (a run's resolved configuration has them all). */
export type StepLoopSettings = Pick<TrainingOptions,
  'epochs' | 'batchSize' | 'seed' | 'maxSteps' | 'maxMinutes' | 'logEvery' | 'checkpointEvery' | 'checkpointMinutes' | 'sampleEvery' | 'sampleCount'>;

/** One metrics.jsonl row: the mean losses of a logging window. */
export interface MetricsRow {
  step: number;
  /** Epochs done, fractional. */
  epoch: number;
  /** Seconds of training in this invocation (paused time left out). */
  elapsedSec: number;
  imagesPerSec: number;
  [loss: string]: number;
}

/** What the loop writes, and how it lets other work run; each side (Node, a page) supplies its own. */
export interface StepLoopHooks {
  /** Saves a checkpoint of the trainable at `step` with the RNG state `rng`; throws NonFiniteStateError for a non-finite state. */
  checkpoint(step: number, rng: number): Promise<void>;
  /** A logging window closed (Node appends the row to metrics.jsonl). */
  metrics?(row: MetricsRow): void | Promise<void>;
  /** A sample grid from the fixed noise: `name` is its file name (epoch-0001.png, step-00000100.png, final.png). */
  grid?(name: string, grid: RawImage, step: number): void | Promise<void>;
  /** Runs between steps so signal handlers, input and painting get their turn (Node: setImmediate). */
  yieldBetweenSteps(): Promise<void>;
}

/**
 * Pause, resume and stop requests for a running loop, from another part of the program (a button, a signal
 * handler). A pause closes the logging window and checkpoints before waiting; a stop finishes the step,
 * checkpoints and ends the loop as 'interrupted'.
 */
export class LoopControl {
  private stopRequested = false;
  private pauseRequested = false;
  private wake: (() => void) | null = null;

  /** Asks the loop to stop after the current step (also while paused). */
  stop(): void {
    this.stopRequested = true;
    this.wake?.();
  }

  /** Asks the loop to pause after the current step. */
  pause(): void {
    this.pauseRequested = true;
  }

  /** Lets a paused loop go on. */
  resume(): void {
    this.pauseRequested = false;
    this.wake?.();
  }

  get stopping(): boolean {
    return this.stopRequested;
  }

  get pausing(): boolean {
    return this.pauseRequested;
  }

  /** Resolves when resumed or stopped (for the loop). */
  waitWhilePaused(): Promise<void> {
    if (!this.pauseRequested || this.stopRequested) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = null;
        resolve();
      };
    });
  }
}

export interface StepLoopOptions {
  trainable: Trainable;
  batcher: Batcher;
  options: StepLoopSettings;
  /** The run's training RNG (noise, dropout), already restored when resuming. */
  rng: Rng;
  /** Steps already done (0, or the checkpoint's step). */
  startStep: number;
  hooks: StepLoopHooks;
  control?: LoopControl;
  progress?: Progress;
  /** Polled between steps; true finishes the current step, checkpoints and stops ('interrupted'). */
  shouldStop?: () => boolean;
  /** Called after every step with its losses (read every step only when given: tests and debugging). */
  onStep?: (step: number, losses: Record<string, number>) => void;
  /** Called when a requested pause has checkpointed and the loop waits (the page shows "paused"). */
  onPaused?: (step: number) => void;
}

export interface StepLoopResult {
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

/** Steps of a run's budget: its epochs, cut to --max-steps when that is set. */
export function totalStepsOf(options: Pick<StepLoopSettings, 'epochs' | 'maxSteps'>, batchesPerEpoch: number): number {
  const epochSteps = options.epochs * batchesPerEpoch;
  return options.maxSteps ? Math.min(options.maxSteps, epochSteps) : epochSteps;
}

/**
 * The fixed noise (and class labels, one class per column) every sample grid of a run is drawn from: the same
 * seed each time, so the same codes under a fixed prior and, under a learned one (a VAE's VampPrior), the same
 * draws from the prior as it stands (the loop calls this for each grid).
 */
export function gridInputs(trainable: Trainable, options: Pick<StepLoopSettings, 'seed' | 'sampleCount'>): { noise: tf.Tensor2D; labels?: tf.Tensor1D; columns: number } {
  const n = options.sampleCount;
  const noise = latentBatch(n, trainable, new Rng(mixSeed(options.seed, 0x6a1d)));
  if (!trainable.numClasses) return { noise, columns: Math.ceil(Math.sqrt(n)) };
  const labels = tf.tensor1d(Array.from({ length: n }, (_, i) => i % trainable.numClasses), 'int32');
  return { noise, labels, columns: trainable.numClasses };
}

/** Samples `trainable` at `noise` (labels [n] when conditional) and lays the images out: uint8 grid image. */
export async function sampleGrid(trainable: Trainable, noise: tf.Tensor2D, labels: tf.Tensor1D | undefined, columns: number): Promise<RawImage> {
  const images = trainable.sample(noise, labels);
  try {
    return imageGrid({ data: await images.data(), shape: images.shape }, { range: '[-1,1]', columns });
  } finally {
    images.dispose();
  }
}

/** Runs the loop from `startStep` until the epochs, --max-steps or --max-minutes end, or a stop request. */
export async function runStepLoop(o: StepLoopOptions): Promise<StepLoopResult> {
  const { trainable, batcher, options, rng, hooks, control } = o;
  const perEpoch = batcher.batchesPerEpoch;
  const epochSteps = options.epochs * perEpoch;
  const totalSteps = totalStepsOf(options, perEpoch);
  // Time paused is not training time: budgets, throughput and the ETA count only the rest.
  let pausedMs = 0;
  const started = performance.now();
  const elapsed = () => (performance.now() - started - pausedMs) / 1000;

  let step = o.startStep;
  let checkpointed = o.startStep;
  let lastCheckpoint: number | null = o.startStep > 0 ? o.startStep : null;
  let lastCheckpointAt = 0;
  let reason: StopReason = totalSteps === epochSteps ? 'completed' : 'max-steps';
  let lastLosses: Record<string, number> = {};
  let divergence: StepLoopResult['divergence'];
  // Losses are summed as tensors and read once per window, so the hot loop never waits on a read.
  let sums: Record<string, tf.Scalar> = {};
  let windowStart = { step, time: elapsed() };

  let lastChecked = o.startStep;
  /** Checkpoints unless a weight or optimiser variable is not finite (a step's loss is computed before its
   * update, so a finite loss does not prove the updated state finite); false when the state diverged. */
  const checkpoint = async (): Promise<boolean> => {
    try {
      await hooks.checkpoint(step, rng.state);
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
  const writeGrid = async (name: string) => {
    if (!hooks.grid) return;
    const grid = gridInputs(trainable, options);
    try {
      await hooks.grid(name, await sampleGrid(trainable, grid.noise, grid.labels, grid.columns), step);
    } finally {
      tf.dispose([grid.noise, grid.labels].filter((t) => t !== undefined));
    }
  };

  /** Reads the window's mean losses; false when one is not finite. */
  const closeWindow = async (): Promise<boolean> => {
    const steps = step - windowStart.step;
    if (!steps) return true;
    const entries = Object.entries(sums);
    const means: Record<string, number> = {};
    for (const [k, v] of entries) means[k] = (await v.data())[0] / steps;
    tf.dispose(sums);
    sums = {};
    const now = elapsed();
    if (Object.values(means).some((v) => !Number.isFinite(v))) {
      divergence = { fromStep: windowStart.step + 1, toStep: step, losses: means, cause: 'loss' };
      return false;
    }
    const imagesPerSec = (steps * options.batchSize) / Math.max(now - windowStart.time, 1e-9);
    lastLosses = means;
    await hooks.metrics?.({ step, epoch: step / perEpoch, elapsedSec: +now.toFixed(3), imagesPerSec: +imagesPerSec.toFixed(1), ...means });
    const stepsPerSec = (step - o.startStep) / Math.max(now, 1e-9);
    const budgetLeft = options.maxMinutes ? options.maxMinutes * 60 - now : Infinity;
    o.progress?.update({
      step, totalSteps, epoch: Math.min(options.epochs, Math.floor(step / perEpoch) + 1), epochs: options.epochs, losses: means,
      imagesPerSec, etaSec: Math.min((totalSteps - step) / stepsPerSec, budgetLeft),
    });
    windowStart = { step, time: now };
    return true;
  };

  /** A requested pause: the window closes, a checkpoint is written, then the loop waits; false when it diverged. */
  const pause = async (): Promise<boolean> => {
    if (!(await closeWindow())) return false;
    if (step !== checkpointed && !(await checkpoint())) return false;
    o.onPaused?.(step);
    const pausedAt = performance.now();
    await control!.waitWhilePaused();
    pausedMs += performance.now() - pausedAt;
    windowStart = { step, time: elapsed() };
    return true;
  };

  try {
    while (step < totalSteps) {
      await hooks.yieldBetweenSteps();
      if (control?.pausing && !control.stopping && !(await pause())) {
        reason = 'diverged';
        break;
      }
      if (o.shouldStop?.() || control?.stopping) {
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
        if (!(await closeWindow())) {
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
    if (reason !== 'diverged' && !(await closeWindow())) reason = 'diverged';
    if (reason !== 'diverged' && (step !== checkpointed || step === 0) && !(await checkpoint())) reason = 'diverged';
    if (reason !== 'diverged') await writeGrid('final.png');
  } finally {
    o.progress?.done();
    tf.dispose(sums);
  }
  const seconds = elapsed();
  return {
    reason, step, totalSteps, losses: lastLosses, elapsedSec: seconds, divergence, checkpointStep: lastCheckpoint,
    imagesPerSec: ((step - o.startStep) * options.batchSize) / Math.max(seconds, 1e-9),
  };
}
