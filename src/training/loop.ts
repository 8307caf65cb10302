// The Node training loop: the shared step loop (step-loop.ts, which the browser studio runs too) with a run
// folder behind it: metrics.jsonl rows, sample grid PNGs in samples/, and atomic checkpoints on disk.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import type { Batcher } from '../data/batches.ts';
import { writePng } from '../data/image-codec.ts';
import type { Rng } from '../core/random.ts';
import { writeCheckpoint, writeError } from './checkpoint.ts';
import type { TrainingOptions } from './config.ts';
import type { Progress } from './progress.ts';
import { runPaths } from './run-folder.ts';
import { runStepLoop, sampleGrid, type StepLoopResult, type StopReason } from './step-loop.ts';
import type { Trainable } from './trainable.ts';

export type { StopReason };

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

export type LoopResult = StepLoopResult;

/** Samples `trainable` at `noise` and writes the grid PNG to `path`. */
export async function writeSampleGrid(trainable: Trainable, path: string, noise: tf.Tensor2D, labels: tf.Tensor1D | undefined, columns: number): Promise<void> {
  writePng(path, await sampleGrid(trainable, noise, labels, columns));
}

/** Runs the loop from `startStep` until the epochs, --max-steps or --max-minutes end, or a stop request, writing into `runDir`. */
export async function trainLoop(o: LoopOptions): Promise<LoopResult> {
  const paths = runPaths(o.runDir);
  mkdirSync(paths.samples, { recursive: true });
  return runStepLoop({
    trainable: o.trainable, batcher: o.batcher, options: o.options, rng: o.rng, startStep: o.startStep,
    progress: o.progress, shouldStop: o.shouldStop, onStep: o.onStep,
    hooks: {
      checkpoint: async (step, rng) => {
        await writeCheckpoint(o.runDir, o.trainable, { step, rng, config: o.config });
      },
      metrics: (row) => {
        try {
          appendFileSync(paths.metrics, `${JSON.stringify(row)}\n`);
        } catch (err) {
          throw writeError(err, `the metrics of step ${row.step}`, paths.metrics, 4096);
        }
      },
      grid: (name, grid) => writePng(join(paths.samples, name), grid),
      // Steps run synchronously; this turn of the event loop lets signal handlers (SIGINT) run between them.
      yieldBetweenSteps: () => new Promise((resolve) => setImmediate(resolve)),
    },
  });
}
