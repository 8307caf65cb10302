// One trial: train (resuming the run folder when it exists) then evaluate (evaluateRun); `runTrialChild` runs trials
// so in the child process that trial-process.ts forks (`ganvae worker --trial-child`), one after another.
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DataError, RunFolderError } from '../core/errors.ts';
import { initBackend } from '../env/backend.ts';
import { latestCheckpoint, readCheckpointState } from '../training/checkpoint.ts';
import { checkRunNotLocked, LOCK_FILE, RunLockedError } from '../training/run-lock.ts';
import { runPaths } from '../training/run-folder.ts';
import { evaluateRun } from '../runs/evaluate-run.ts';
import { modelsCurrent, trainRun } from '../runs/train-run.ts';
import { METRICS, type MetricName, type Trial } from './spec.ts';
import type { FromChild, ToChild } from './trial-process.ts';

/** What a finished trial records: its flags, metrics and how it ran. */
export interface TrialResult {
  id: string;
  sweep: string;
  swept: Record<string, unknown>;
  /** The evaluated set's metrics from eval/metrics.json (kid and is: their means). */
  metrics: Record<MetricName, number | null>;
  /** Training steps done in total. */
  steps: number;
  /** The step this delivery resumed the run from (0: a new run). */
  resumedFrom: number;
  trainSeconds: number;
  evalSeconds: number;
  wallSeconds: number;
  host: string;
  runDir: string;
  finishedAt: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits while another process holds `runDir`'s lock: a re-delivered trial may start while the process it
 * replaces is still writing its last checkpoint. Gives up with the lock's error after `timeoutMs`.
 */
async function waitForUnlock(runDir: string, timeoutMs: number, shouldStop: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      checkRunNotLocked(runDir);
      return;
    } catch (err) {
      if (!(err instanceof RunLockedError) || Date.now() > deadline || shouldStop()) throw err;
      await sleep(500);
    }
  }
}

/** The evaluated set's metrics of a metrics.json written by `ganvae eval`. */
export function metricsOf(report: { evaluated?: object }): Record<MetricName, number | null> {
  const m = ((report.evaluated as { metrics?: object } | undefined)?.metrics ?? {}) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const mean = (v: unknown) => num((v as { mean?: unknown } | null | undefined)?.mean);
  const out = {} as Record<MetricName, number | null>;
  for (const name of Object.keys(METRICS) as MetricName[]) {
    out[name] = name === 'kid' ? mean(m.kid) : name === 'is' ? mean(m.inceptionScore) : num(m[name]);
  }
  return out;
}

/**
 * Trains and evaluates `trial` in `runDir`. A run folder left by an earlier delivery is resumed from its
 * latest checkpoint (from step 0 when it has none); a finished one is only evaluated. Resolves to null when
 * `shouldStop` stopped the training (the run has a checkpoint to resume from).
 */
export async function runTrial(trial: Trial, runDir: string, o: {
  shouldStop?: () => boolean; log?: (message: string) => void; onPhase?: (phase: 'train' | 'eval') => void;
} = {}): Promise<TrialResult | null> {
  const shouldStop = o.shouldStop ?? (() => false);
  const log = o.log ?? (() => {});
  const started = performance.now();
  if (existsSync(runDir)) await waitForUnlock(runDir, 120_000, shouldStop);
  const paths = runPaths(runDir);
  // A folder without run.json holds nothing to resume (a delivery stopped before its run began).
  if (existsSync(runDir) && !existsSync(paths.runJson) && readdirSync(runDir).every((f) => f === LOCK_FILE || f.startsWith('.'))) {
    rmSync(runDir, { recursive: true, force: true });
  }
  const resume = existsSync(paths.runJson);
  const checkpoint = resume ? latestCheckpoint(runDir) : null;
  const resumedFrom = checkpoint ? readCheckpointState(checkpoint).step : 0;
  const maxSteps = Number(trial.config.maxSteps ?? 0);
  let steps = resumedFrom;
  await initBackend();
  // Done when the budget is reached and model/ was exported from the last checkpoint; otherwise trainRun trains
  // on, or exports model/ again from a checkpoint a killed delivery did not export.
  if (!(maxSteps > 0 && resumedFrom >= maxSteps && checkpoint && modelsCurrent(runDir, checkpoint))) {
    // A resumed run keeps its saved configuration: the same as the trial's.
    const outcome = await trainRun({ family: trial.family, outDir: runDir, flags: resume ? {} : trial.config, resume, shouldStop, log });
    if (outcome.result.reason === 'interrupted') return null;
    if (outcome.result.reason === 'diverged') {
      throw new Error(`training diverged at step ${outcome.result.step}${outcome.result.divergence ? ` (${JSON.stringify(outcome.result.divergence)})` : ''}`);
    }
    steps = outcome.result.step;
  }
  const trainSeconds = (performance.now() - started) / 1000;
  if (shouldStop()) return null;
  const evalStarted = performance.now();
  o.onPhase?.('eval');
  const { report } = await evaluateRun({ run: runDir, out: join(runDir, 'eval'), ...trial.eval, log });
  const round = (s: number) => Math.round(s * 1000) / 1000;
  return {
    id: trial.id, sweep: trial.sweep, swept: trial.swept, metrics: metricsOf(report), steps, resumedFrom,
    trainSeconds: round(trainSeconds), evalSeconds: round((performance.now() - evalStarted) / 1000),
    wallSeconds: round((performance.now() - started) / 1000), host: hostname(), runDir, finishedAt: new Date().toISOString(),
  };
}

/** Errors of bad input (core/errors.ts): thrown while a trial's configuration, data or run folder is checked. */
const isInputError = (err: unknown) => err instanceof ConfigError || err instanceof DataError || err instanceof RunFolderError;

/** Trials one child process runs before it makes way for a fresh one (a bound on what a long sweep could accumulate). */
export const TRIALS_PER_PROCESS = 100;

/**
 * The child side (`ganvae worker --trial-child`, started by TrialProcess): runs the trials it is sent, one after
 * another, and reports each back. When its parent goes (killed, machine gone: the IPC channel closes) or sends
 * 'stop', training stops at the next step with a checkpoint (an evaluation is dropped), and the child exits: nothing
 * is left holding the run lock. It also exits after a trial that failed (other than on bad input), after one that left
 * tensors behind, and after `maxTrials`, so that the next trial starts from a clean process.
 */
export async function runTrialChild(maxTrials = TRIALS_PER_PROCESS): Promise<number> {
  if (!process.send) throw new Error('--trial-child is started by `ganvae sweep` and `ganvae worker` over IPC, not by hand');
  let stop = false;
  let running = false;
  let evaluating = false;
  const requests: Extract<ToChild, { type: 'run' }>[] = [];
  let wake: (() => void) | null = null;
  const halt = () => {
    stop = true;
    // Idle, or in an evaluation (nothing to checkpoint: the next delivery evaluates again): leave now.
    if (!running || evaluating) process.exit(0);
  };
  process.on('disconnect', halt);
  process.on('message', (m: ToChild) => {
    if (m.type === 'stop') return halt();
    requests.push(m);
    wake?.();
  });
  // The parent went while this process was loading.
  if (!process.connected) halt();
  const send = (message: FromChild) => new Promise<void>((resolve) => {
    if (!process.connected) return resolve();
    process.send!(message, undefined, {}, () => resolve());
  });
  for (let done = 0; ; done++) {
    if (!requests.length) await new Promise<void>((resolve) => { wake = resolve; });
    wake = null;
    const request = requests.shift()!;
    running = true;
    const tensorsBefore = tf.memory().numTensors;
    try {
      const result = await runTrial(request.trial, request.runDir, {
        shouldStop: () => stop, log: (message) => void send({ type: 'log', message }), onPhase: (phase) => { evaluating = phase === 'eval'; },
      });
      const reusable = !stop && result !== null && done + 1 < maxTrials && tf.memory().numTensors <= tensorsBefore;
      await send({ type: 'result', result: stop ? null : result, reusable });
      if (!reusable) return 0;
    } catch (err) {
      // Bad input (a missing data folder, a bad value) is refused before training changes anything: the process can go on.
      const reusable = !stop && isInputError(err) && done + 1 < maxTrials && tf.memory().numTensors <= tensorsBefore;
      await send({ type: 'error', message: stop ? 'stopped' : (err as Error).message, stack: (err as Error).stack, reusable });
      if (!reusable) return 1;
    } finally {
      running = false;
      evaluating = false;
    }
    if (stop) return 0;
  }
}
