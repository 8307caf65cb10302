// The embedded default of `ganvae sweep` (no Redis): the trials run on this machine, `workers` at a time,
// each in its own process with OMP_NUM_THREADS = cores / workers. Results are files in the sweep folder,
// so re-running the sweep skips the trials already done.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../core/atomic-file.ts';
import type { Sweep, Trial } from './spec.ts';
import type { SweepState, TrialFailure } from './table.ts';
import { type RunningTrial, startTrial, threadsPerTrial, type TrialResult } from './trial.ts';

/** The files of a sweep folder. */
export function sweepPaths(out: string) {
  return {
    out, sweepJson: join(out, 'sweep.json'), results: join(out, 'results'), failures: join(out, 'failures'),
    trials: join(out, 'trials'), csv: join(out, 'trials.csv'), plotSpec: join(out, 'ranking.vl.json'), plotSvg: join(out, 'ranking.svg'),
    report: join(out, 'report.html'),
  };
}

function readJsonFiles<T>(dir: string): Map<string, T> {
  const out = new Map<string, T>();
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    try {
      out.set(name.slice(0, -5), JSON.parse(readFileSync(join(dir, name), 'utf8')) as T);
    } catch {
      // Written atomically, so only a foreign file is unreadable; it is not a result.
    }
  }
  return out;
}

/** The results and failures recorded in the sweep folder `out`. */
export function readLocalState(out: string): SweepState {
  const p = sweepPaths(out);
  return { results: readJsonFiles<TrialResult>(p.results), failures: readJsonFiles<TrialFailure>(p.failures) };
}

/** What sweep.json of a sweep folder records: enough for `ganvae sweep status --out` to rebuild the table. */
export interface SweepRecord {
  formatVersion: 1;
  name: string;
  metric: Sweep['metric'];
  goal: Sweep['goal'];
  sweptKeys: string[];
  trials: Trial[];
  runsDir: string;
  redis: boolean;
  createdAt: string;
}

export function writeSweepRecord(out: string, sweep: Sweep, runsDir: string, redis: boolean): void {
  mkdirSync(out, { recursive: true });
  const record: SweepRecord = {
    formatVersion: 1, name: sweep.name, metric: sweep.metric, goal: sweep.goal, sweptKeys: sweep.sweptKeys, trials: sweep.trials,
    runsDir: resolve(runsDir), redis, createdAt: new Date().toISOString(),
  };
  writeFileAtomic(sweepPaths(out).sweepJson, `${JSON.stringify(record, null, 2)}\n`);
}

export interface LocalRunOptions {
  /** The sweep folder: results/, failures/, and (by default) trials/<id>/ run folders. */
  out: string;
  /** Where the trials' run folders go. Default <out>/trials. */
  runsDir?: string;
  /** Trials at a time. Default 1. */
  workers?: number;
  /** OMP threads per trial. Default cores / workers. */
  threads?: number;
  /** Tries per trial before it is marked failed. Default 2. */
  attempts?: number;
  log?: (message: string) => void;
  /** Called after each trial ends (done, failed or retried). */
  onChange?: (state: SweepState, running: number) => void;
  /** Polled between trials; when true, running trials are stopped (they checkpoint) and the rest wait. */
  shouldStop?: () => boolean;
}

/**
 * Runs the trials of `sweep` without a result in `o.out`, `workers` at a time; a trial that throws is
 * retried up to `attempts` tries, then recorded as failed with its error. Resolves to the sweep's state.
 */
export async function runLocalSweep(sweep: Sweep, o: LocalRunOptions): Promise<SweepState> {
  const paths = sweepPaths(o.out);
  const runsDir = resolve(o.runsDir ?? paths.trials);
  const workers = Math.max(1, o.workers ?? 1);
  const threads = o.threads ?? threadsPerTrial(workers);
  const attempts = Math.max(1, o.attempts ?? 2);
  const log = o.log ?? (() => {});
  writeSweepRecord(o.out, sweep, runsDir, false);
  mkdirSync(paths.results, { recursive: true });
  const state = readLocalState(o.out);
  // A re-run retries the failed trials: their failure may have been the machine's.
  const pending = sweep.trials.filter((t) => !state.results.has(t.id));
  for (const t of pending) state.failures.delete(t.id);
  const tries = new Map<string, number>();
  const running = new Set<RunningTrial>();
  let stopping = false;
  const stopAll = () => {
    if (stopping) return;
    stopping = true;
    for (const r of running) r.stop();
  };
  const poll = setInterval(() => { if (o.shouldStop?.()) stopAll(); }, 200);

  async function slot(): Promise<void> {
    for (;;) {
      if (stopping || o.shouldStop?.()) return stopAll();
      const trial = pending.shift();
      if (!trial) return;
      const attempt = (tries.get(trial.id) ?? 0) + 1;
      tries.set(trial.id, attempt);
      const runDir = join(runsDir, trial.id);
      log(`trial ${trial.id} ${JSON.stringify(trial.swept)}: started${attempt > 1 ? ` (attempt ${attempt} of ${attempts})` : ''}`);
      rmSync(join(paths.failures, `${trial.id}.json`), { force: true });
      const run = startTrial(trial, runDir, { threads, log: (m) => log(`trial ${trial.id}: ${m}`) });
      running.add(run);
      o.onChange?.(state, running.size);
      try {
        const result = await run.done;
        if (result) {
          writeFileAtomic(join(paths.results, `${trial.id}.json`), `${JSON.stringify(result, null, 2)}\n`);
          state.results.set(trial.id, result);
          log(`trial ${trial.id}: done in ${result.wallSeconds.toFixed(1)}s`);
        }
      } catch (err) {
        const message = (err as Error).message;
        if (attempt < attempts && !stopping) {
          log(`trial ${trial.id}: attempt ${attempt} failed (${message}); trying again`);
          pending.push(trial);
        } else if (!stopping) {
          const failure: TrialFailure = { id: trial.id, error: message, attempts: attempt, host: hostname(), failedAt: new Date().toISOString() };
          mkdirSync(paths.failures, { recursive: true });
          writeFileAtomic(join(paths.failures, `${trial.id}.json`), `${JSON.stringify(failure, null, 2)}\n`);
          state.failures.set(trial.id, failure);
          log(`trial ${trial.id}: failed after ${attempt} attempt${attempt > 1 ? 's' : ''}: ${message}`);
        }
      } finally {
        running.delete(run);
        o.onChange?.(state, running.size);
      }
    }
  }

  try {
    await Promise.all(Array.from({ length: Math.min(workers, Math.max(1, pending.length)) }, slot));
  } finally {
    clearInterval(poll);
  }
  return state;
}
