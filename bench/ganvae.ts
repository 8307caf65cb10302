// The ganvae side of the benchmark: a workload trained by ganvae's own model families (src/training/) on a
// tfjs backend, timed. bench/ganvae-worker.ts runs it in a child process; bench/profile.ts reuses its pieces.
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../src/core/random.ts';
import { initBackend } from '../src/env/backend.ts';
import { useComputePrecision, type ComputePrecision } from '../src/env/precision.ts';
import { loadAddon } from '../src/native/addon.ts';
import { ganKind } from '../src/gan/gan-family.ts';
import type { Batch, Trainable } from '../src/training/trainable.ts';
import { trainRun } from '../src/runs/train-run.ts';
import { vaeKind } from '../src/vae/vae-family.ts';
import { peakRssBytes, TIMING_STARTED, type Measurement, type TimingPlan } from './measurement.ts';
import { tfjsLayerShapes, trainableParams } from './tfjs-layers.ts';
import { workload, type Workload, type WorkloadId } from './workloads.ts';

const SEED = 1;

/** ganvae's model family for `w`, built exactly as `ganvae train` builds it. */
export function createTrainable(w: Workload, rng: Rng): Trainable {
  const data = { shape: w.imageShape, numClasses: 0 };
  return w.family === 'gan' ? ganKind.create(w.options, data, rng) : vaeKind.create(w.options, data, rng);
}

/** The networks a training step runs, by ganvae's model names: every model but the EMA generator (which only samples). */
export function trainedNetworks(models: Record<string, unknown>): string[] {
  return Object.keys(models).filter((name) => name !== 'generator-ema');
}

/** A fixed random training batch [batch, h, w, c] in [-1, 1]: data loading is excluded on every system. */
export function randomBatch(w: Workload): Batch {
  return { images: tf.randomUniform([w.batch, ...w.imageShape], -1, 1, 'float32', SEED) as tf.Tensor4D };
}

/** One training iteration, finished: the losses are read back (a no-op wait on the synchronous CPU backends). */
export function trainIteration(trainable: Trainable, batch: Batch, rng: Rng): void {
  const losses = trainable.trainStep(batch, rng);
  for (const loss of Object.values(losses)) loss.dataSync();
  tf.dispose(losses);
}

/**
 * Runs the warm-up, then times iterations as `plan` says; returns [steps, wall seconds, CPU seconds of this
 * process]. Says on stderr when timing starts, so that the parent can bound the speed of a child it has to kill.
 */
export function timeIterations(step: () => void, plan: TimingPlan): [number, number, number] {
  for (let i = 0; i < plan.warmupSteps; i++) step();
  process.stderr.write(`${TIMING_STARTED}\n`);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let steps = 0;
  for (;;) {
    step();
    steps++;
    const seconds = (performance.now() - start) / 1000;
    if (steps >= plan.minSteps && seconds >= plan.seconds) {
      const cpu = process.cpuUsage(cpuStart);
      return [steps, seconds, (cpu.user + cpu.system) / 1e6];
    }
  }
}

/**
 * Times `ganvae train <family>` with its defaults (a loop workload, D1 or D2) as a user runs it: trainRun into a
 * temporary run folder, on Fashion-MNIST, with the loop's own batches, logging, checkpoints and sample grids.
 * The timing starts after `plan.warmupSteps` steps of the loop and ends when the loop polls for a stop after
 * `plan.seconds`; data loading before the first step and the final checkpoint and export after it are not timed.
 * Returns [steps, wall seconds, CPU seconds].
 */
export async function timeLoop(w: Workload, plan: TimingPlan, precision: ComputePrecision = 'fp32'): Promise<[number, number, number]> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), `ganvae-bench-${w.id}-`));
  let polls = 0;
  let start = 0;
  let cpuStart: NodeJS.CpuUsage | undefined;
  let result: [number, number, number] | undefined;
  // Polled before every step: poll k comes after k − 1 steps.
  const shouldStop = (): boolean => {
    polls++;
    if (polls === plan.warmupSteps + 1) {
      process.stderr.write(`${TIMING_STARTED}\n`);
      start = performance.now();
      cpuStart = process.cpuUsage();
      return false;
    }
    if (!cpuStart) return false;
    const steps = polls - plan.warmupSteps - 1;
    const seconds = (performance.now() - start) / 1000;
    if (steps < plan.minSteps || seconds < plan.seconds) return false;
    const cpu = process.cpuUsage(cpuStart);
    result = [steps, seconds, (cpu.user + cpu.system) / 1e6];
    return true;
  };
  try {
    // The loop's batch size is the workload's (its default unless --batch replaced it); --max-minutes 0 so that a
    // long --seconds is not cut at the GAN family's 9 minutes.
    const outcome = await trainRun({
      family: w.family, outDir, flags: { batchSize: w.batch, maxMinutes: 0, precision }, shouldStop, dataCache: false,
    });
    if (!result) throw new Error(`the ${w.id} loop stopped (${outcome.result.reason}) after ${outcome.result.step} steps, before its timing ended`);
    return result;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/**
 * Times workload `id` (with `batch` replacing its batch size when given) on `backend` and returns the
 * Measurement, with the layers of the networks the step trains.
 */
export async function measureGanvae(id: WorkloadId, backend: 'native' | 'cpu', threads: number, plan: TimingPlan, batch?: number,
  precision: ComputePrecision = 'fp32'): Promise<Measurement> {
  const choice = await initBackend(backend);
  if (backend === 'native') loadAddon().addon!.setThreads(threads);
  // A loop workload's trainRun sets the precision from its flags (and back to fp32 after).
  const restorePrecision = useComputePrecision(precision);
  const w = workload(id, batch);
  const rng = new Rng(SEED);
  let steps: number, seconds: number, cpuSeconds: number;
  const data = w.loop ? undefined : randomBatch(w);
  // A loop workload builds its own models inside trainRun; these (built after it) only report the layers.
  let trainable: Trainable;
  if (data) {
    trainable = createTrainable(w, rng);
    [steps, seconds, cpuSeconds] = timeIterations(() => trainIteration(trainable, data, rng), plan);
  } else {
    [steps, seconds, cpuSeconds] = await timeLoop(w, plan, precision);
    trainable = createTrainable(w, rng);
  }
  const models = trainable.models();
  const networks = trainedNetworks(models);
  const measurement: Measurement = {
    steps, seconds, cpuSeconds, warmupSteps: plan.warmupSteps,
    threads: backend === 'native' ? loadAddon().addon!.info().threads : 1,
    peakRssBytes: peakRssBytes(),
    layers: Object.fromEntries(networks.map((n) => [n, tfjsLayerShapes(models[n])])),
    params: Object.fromEntries(networks.map((n) => [n, trainableParams(models[n])])),
    details: { backend: choice.name, ...(choice.native ?? {}), precision, tfjs: tf.version_core },
  };
  restorePrecision();
  if (data) tf.dispose(data.images);
  trainable.dispose();
  return measurement;
}
