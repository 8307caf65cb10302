// The embedded default of `ganvae sweep` (no Redis): the trials run on this machine, `workers` at a time, each
// worker a process of its own (kept for its next trials) with OMP_NUM_THREADS = cores / workers. Results are files
// in the sweep folder, so re-running the sweep skips the trials already done.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../core/atomic-file.ts';
import { ConfigError } from '../core/errors.ts';
import type { Sweep, Trial } from './spec.ts';
import type { SweepState, TrialFailure } from './table.ts';
import { type RunningTrial, threadsPerTrial, TrialProcess } from './trial-process.ts';
import type { TrialResult } from './trial.ts';

/** The files of a sweep folder. */
export function sweepPaths(out: string) {
  return {
    out, sweepJson: join(out, 'sweep.json'), results: join(out, 'results'), failures: join(out, 'failures'),
    trials: join(out, 'trials'), running: join(out, 'running.json'), csv: join(out, 'trials.csv'), plotSpec: join(out, 'ranking.vl.json'), plotSvg: join(out, 'ranking.svg'),
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

/** running.json of a sweep folder: the sweep's process and its trials under way, while it runs. */
interface RunningRecord {
  pid: number;
  host: string;
  /** Trial id → when it started. */
  trials: Record<string, string>;
}

/**
 * The trials under way in the sweep folder `out`, and whether its `ganvae sweep` process is alive (on another
 * machine it is taken to be). Not alive: the sweep ended, or was killed; running it again continues it.
 */
export function readLocalRunning(out: string): { alive: boolean; trials: string[] } {
  let record: RunningRecord;
  try {
    record = JSON.parse(readFileSync(sweepPaths(out).running, 'utf8')) as RunningRecord;
  } catch {
    return { alive: false, trials: [] };
  }
  let alive = record.host !== hostname();
  if (!alive) {
    try {
      process.kill(record.pid, 0);
      alive = true;
    } catch (err) {
      // EPERM: the process exists, another user's.
      alive = (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  return { alive, trials: alive ? Object.keys(record.trials ?? {}) : [] };
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
  const other = readLocalRunning(o.out);
  if (other.alive) {
    const { pid, host } = JSON.parse(readFileSync(paths.running, 'utf8')) as RunningRecord;
    throw new ConfigError(`${o.out} is being run by another \`ganvae sweep\` (pid ${pid} on ${host}); follow it with \`ganvae sweep status --out ${o.out} --watch\``);
  }
  // running.json first: a `sweep status --watch` that finds sweep.json then finds this process.
  mkdirSync(o.out, { recursive: true });
  const underWay: RunningRecord = { pid: process.pid, host: hostname(), trials: {} };
  const writeRunning = () => writeFileAtomic(paths.running, `${JSON.stringify(underWay)}\n`);
  writeRunning();
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

  async function slot(child: TrialProcess): Promise<void> {
    for (;;) {
      if (stopping || o.shouldStop?.()) return stopAll();
      const trial = pending.shift();
      if (!trial) return;
      const attempt = (tries.get(trial.id) ?? 0) + 1;
      tries.set(trial.id, attempt);
      const runDir = join(runsDir, trial.id);
      rmSync(join(paths.failures, `${trial.id}.json`), { force: true });
      const run = child.run(trial, runDir, { log: (m) => log(`trial ${trial.id}: ${m}`) });
      log(`trial ${trial.id} ${JSON.stringify(trial.swept)}: started in process ${run.pid}${attempt > 1 ? ` (attempt ${attempt} of ${attempts})` : ''}`);
      running.add(run);
      underWay.trials[trial.id] = new Date().toISOString();
      writeRunning();
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
        delete underWay.trials[trial.id];
        writeRunning();
        o.onChange?.(state, running.size);
      }
    }
  }

  const children = Array.from({ length: Math.min(workers, Math.max(1, pending.length)) }, () => new TrialProcess(threads));
  try {
    await Promise.all(children.map(slot));
  } finally {
    clearInterval(poll);
    await Promise.all(children.map((c) => c.close()));
    rmSync(paths.running, { force: true });
  }
  return state;
}
