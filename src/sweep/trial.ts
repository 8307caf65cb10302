// One trial: train (resuming the run folder when it exists) then evaluate (evaluateRun), in a child process of its own.
// `startTrial` forks `ganvae worker --trial-child`, which runs `runTrialChild`; the parent stays free to renew locks.
import { fork } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../env/backend.ts';
import { latestCheckpoint, readCheckpointState } from '../training/checkpoint.ts';
import { checkRunNotLocked, LOCK_FILE, RunLockedError } from '../training/run-lock.ts';
import { runPaths } from '../training/run-folder.ts';
import { evaluateRun } from '../runs/evaluate-run.ts';
import { modelsCurrent, trainRun } from '../runs/train-run.ts';
import { METRICS, type MetricName, type Trial } from './spec.ts';

/** The `ganvae` command of this package (bin/ganvae.js runs dist/, or src/ through tsx in a checkout with edits). */
export const GANVAE_BIN = fileURLToPath(new URL('../../bin/ganvae.js', import.meta.url));

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

/** Messages between a trial's parent and its child. */
type ToChild = { type: 'run'; trial: Trial; runDir: string } | { type: 'stop' };
type FromChild = { type: 'log'; message: string } | { type: 'result'; result: TrialResult | null } | { type: 'error'; message: string; stack?: string };

/**
 * The child side (`ganvae worker --trial-child`): runs the trial it is sent and reports back. When its parent
 * goes (killed, machine gone: the IPC channel closes) or sends 'stop', training stops at the next step with a
 * checkpoint (an evaluation is dropped), and the child exits: nothing is left holding the run lock.
 */
export async function runTrialChild(): Promise<number> {
  if (!process.send) throw new Error('--trial-child is started by `ganvae sweep` and `ganvae worker` over IPC, not by hand');
  let stop = false;
  let evaluating = false;
  const halt = () => {
    stop = true;
    // An evaluation has nothing to checkpoint: the next delivery evaluates again.
    if (evaluating) process.exit(0);
  };
  process.on('disconnect', halt);
  const send = (message: FromChild) => new Promise<void>((resolve) => {
    if (!process.connected) return resolve();
    process.send!(message, undefined, {}, () => resolve());
  });
  const request = await new Promise<ToChild>((resolve) => {
    process.on('message', (m: ToChild) => (m.type === 'stop' ? halt() : resolve(m)));
  });
  if (request.type !== 'run') return 0;
  try {
    const result = await runTrial(request.trial, request.runDir, {
      shouldStop: () => stop, log: (message) => void send({ type: 'log', message }), onPhase: (phase) => { evaluating = phase === 'eval'; },
    });
    await send({ type: 'result', result: stop ? null : result });
    return 0;
  } catch (err) {
    await send({ type: 'error', message: stop ? 'stopped' : (err as Error).message, stack: (err as Error).stack });
    return 1;
  } finally {
    process.disconnect?.();
  }
}

/** A trial running in its child process. */
export interface RunningTrial {
  /** The result; null when stopped. Rejects with the trial's error. */
  done: Promise<TrialResult | null>;
  /** Asks the child to checkpoint and exit. */
  stop(): void;
  pid: number | undefined;
}

/** Threads per trial: the cores divided among `concurrent` trials (at least 1). */
export function threadsPerTrial(concurrent: number): number {
  return Math.max(1, Math.floor(cpus().length / Math.max(1, concurrent)));
}

/** Starts `trial` in a child process with OMP_NUM_THREADS = `threads`; `log` gets its messages. */
export function startTrial(trial: Trial, runDir: string, o: { threads: number; log?: (message: string) => void }): RunningTrial {
  const child = fork(GANVAE_BIN, ['worker', '--trial-child'], {
    env: { ...process.env, OMP_NUM_THREADS: String(o.threads) }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: [],
  });
  let stderr = '';
  child.stdout!.resume();
  child.stderr!.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  const done = new Promise<TrialResult | null>((resolve, reject) => {
    let settled: { result?: TrialResult | null; error?: Error } | null = null;
    child.on('message', (m: FromChild) => {
      if (m.type === 'log') o.log?.(m.message);
      else if (m.type === 'result') settled = { result: m.result };
      else settled = { error: Object.assign(new Error(m.message), { childStack: m.stack }) };
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (settled?.error) reject(settled.error);
      else if (settled && 'result' in settled) resolve(settled.result ?? null);
      else {
        const last = stderr.split(/[\r\n]/).map((l) => l.trim()).filter(Boolean).pop() ?? '';
        reject(new Error(`the trial's process ${signal ? `was killed by ${signal}` : `exited ${code}`} before reporting${last ? `: ${last}` : ''}`));
      }
    });
  });
  child.send({ type: 'run', trial, runDir } satisfies ToChild);
  return {
    done, pid: child.pid,
    stop: () => { if (child.connected) child.send({ type: 'stop' } satisfies ToChild); },
  };
}
