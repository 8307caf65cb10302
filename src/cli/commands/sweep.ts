// `ganvae sweep SPEC.json`: a grid or random search of train flags × seeds, each trial trained and evaluated,
// on this machine (--workers N) or on a BullMQ queue in Redis served by `ganvae worker`s; then a ranked table.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../core/errors.ts';
import { readLocalRunning, readLocalState, runLocalSweep, sweepPaths, type SweepRecord, writeSweepRecord } from '../../sweep/local.ts';
import type { Redis } from 'ioredis';
import { parseSweepSpec, type Sweep } from '../../sweep/spec.ts';
import { progressLine, rankingPlotSpec, rankTrials, type SweepState, tableCsv, tableText } from '../../sweep/table.ts';
import { CliError, type Command, numberFlag, parseFlags } from '../command.ts';

const help = `usage: ganvae sweep SPEC.json [--out runs/sweep-NAME] [--workers N] [options]
       ganvae sweep SPEC.json --redis redis://HOST:PORT [--runs-dir DIR] [--detach] [options]
       ganvae sweep status (--out DIR | NAME --redis URL) [--watch [--timeout S]]
       ganvae sweep cancel NAME --redis URL   (waiting trials removed; queue the spec again to go on)

Trains and evaluates one trial per configuration of SPEC.json (a grid or seeded random draws over any
\`ganvae train\` flags, times its seeds), then writes a table ranked by the spec's metric (trials.csv),
a plot of the metric against each swept flag (ranking.svg) and a report of the top trials (report.html)
into --out. A trial's id is a hash of its resolved configuration: a re-run skips the trials already done.

Without --redis the trials run here, --workers at a time; each worker is a process of its own with
OMP_NUM_THREADS = cores / workers, kept for its next trials. With --redis they go on a BullMQ queue named after the sweep, and
\`ganvae worker --redis URL\` on any number of machines runs them; --runs-dir must then be a folder
every worker reaches at the same path (a shared filesystem). See the README's "Sweeps".

  --out DIR          the sweep folder                        [runs/sweep-<name>]
  --workers N        trials at a time on this machine (no --redis)                 [1]
  --threads N        OMP threads per trial (no --redis)            [cores / workers]
  --attempts N       tries of a trial before it is marked failed                   [2]
  --top K            trials in report.html (0: no report)                          [3]
  --redis URL        enqueue on this Redis (redis://[:PASSWORD@]HOST:PORT, rediss:// for TLS)
  --runs-dir DIR     where trials' run folders go (shared by all workers)   [<out>/trials]
  --detach           with --redis: enqueue and return; \`ganvae sweep status\` shows progress
  --watch            status: print progress as it changes (checked every second) until the
                     sweep ends, then the table; exit 0 when every trial is done, 1 when
                     one failed, the sweep was cancelled or its process is gone
  --timeout S        status --watch: stop watching after S seconds (exit 1 if not finished)`;

const FLAGS = {
  out: { type: 'string' }, workers: { type: 'string' }, threads: { type: 'string' }, attempts: { type: 'string' }, top: { type: 'string' },
  redis: { type: 'string' }, 'runs-dir': { type: 'string' }, detach: { type: 'boolean' }, watch: { type: 'boolean' }, timeout: { type: 'string' },
} as const;

function integer(name: string, value: string | undefined, fallback: number, min: number, max = 100000): number {
  const n = numberFlag(name, value, fallback, min, max);
  if (!Number.isInteger(n)) throw new CliError(`--${name} must be a whole number, got "${value}"`);
  return n;
}

/** The Redis side of sweeps (BullMQ, ioredis), loaded by the commands that use it. */
const queueModule = () => import('../../sweep/queue.ts');

/** Connects to --redis: an unreachable Redis is exit 1, refused credentials exit 2, each one line. */
export async function connectRedis(url: string): Promise<Redis> {
  const { connectRedis: connect, RedisConnectError } = await queueModule();
  try {
    return await connect(url);
  } catch (err) {
    if (err instanceof RedisConnectError) throw new CliError(err.message, err.badCredentials ? 2 : 1, { cause: err });
    throw err;
  }
}

/** Runs `job` on a connection to --redis; a sweep it does not hold (RedisConnectError) is exit 2. */
async function withRedis<T>(url: string, job: (redis: Redis, queue: Awaited<ReturnType<typeof queueModule>>) => Promise<T>): Promise<T> {
  const queue = await queueModule();
  const redis = await connectRedis(url);
  try {
    return await job(redis, queue);
  } catch (err) {
    if (err instanceof queue.RedisConnectError) throw new CliError(err.message, 2, { cause: err });
    throw err;
  } finally {
    redis.disconnect();
  }
}

/** Reads and validates SPEC.json; a bad spec is exit 2 with the key named. */
async function readSpec(path: string): Promise<Sweep> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(code ? `cannot read ${path}: ${code}` : `${path} is not valid JSON: ${(err as Error).message}`, 2, { cause: err });
  }
  try {
    return await parseSweepSpec(raw, path);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, 2, { cause: err });
    throw err;
  }
}

/** Writes trials.csv, ranking.vl.json + ranking.svg and (top > 0) report.html; prints the table. */
async function writeOutputs(out: string, record: Pick<SweepRecord, 'trials' | 'metric' | 'goal' | 'sweptKeys'>, state: SweepState, top: number): Promise<void> {
  // Loaded at the end only (Vega and the report's modules take seconds to load on a busy machine).
  const [{ renderSvg }, { writeReport }] = await Promise.all([import('../../report/charts.ts'), import('../../report/build-report.ts')]);
  const p = sweepPaths(out);
  const rows = rankTrials(record, state);
  writeFileSync(p.csv, tableCsv(rows, record.sweptKeys));
  const plot = rankingPlotSpec(rows, record.sweptKeys, record.metric);
  writeFileSync(p.plotSpec, `${JSON.stringify(plot, null, 2)}\n`);
  if (rows.some((r) => r.rank !== null)) writeFileSync(p.plotSvg, await renderSvg(plot));
  const best = rows.filter((r) => r.rank !== null && r.runDir && existsSync(r.runDir)).slice(0, top);
  if (best.length) await writeReport(best.map((r) => r.runDir!), p.report, { title: `sweep: top ${best.length} by ${record.metric}`, maxGrids: 4 });
  console.log(tableText(rows, record.sweptKeys, record.metric));
  console.log(`\n${progressLine(rows, record.metric)}\nwrote ${p.csv}, ${p.plotSvg}${best.length ? `, ${p.report}` : ''}`);
}

/** Exit code of a sweep that has ended: 0 when every trial is done, 1 when one failed or is not finished (cancelled). */
function exitCode(record: Pick<SweepRecord, 'trials'>, state: SweepState): number {
  return record.trials.every((t) => state.results.has(t.id)) ? 0 : 1;
}

/** Why a watch ended: the sweep finished (every trial done or failed), or not. */
type WatchEnd = 'finished' | 'cancelled' | 'gone' | 'timeout' | 'stopped';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reports progress on `onLine` (each time it changes) until every trial is done or failed, the sweep is cancelled,
 * `stop` says so, or `timeoutMs` passes; resolves to the last state and why it ended.
 */
async function watchRedis(url: string, name: string, o: { onLine: (line: string) => void; stop?: () => boolean; timeoutMs?: number; everyMs?: number }) {
  const deadline = o.timeoutMs === undefined ? Infinity : Date.now() + o.timeoutMs;
  return withRedis(url, async (redis, { followRedisSweep }) => {
    const follower = await followRedisSweep(redis, name);
    let last = '';
    try {
      for (;;) {
        const { info, state } = await follower.poll();
        const line = progressLine(rankTrials(info, state), info.metric, info.counts.active);
        if (line !== last) o.onLine(line);
        last = line;
        const finished = info.trials.every((t) => state.results.has(t.id) || state.failures.has(t.id));
        const end: WatchEnd | null = finished ? 'finished' : info.cancelled ? 'cancelled' : o.stop?.() ? 'stopped' : Date.now() >= deadline ? 'timeout' : null;
        if (end) return { info, state, end };
        await sleep(Math.min(o.everyMs ?? 1000, Math.max(0, deadline - Date.now())));
      }
    } finally {
      await follower.close();
    }
  });
}

/** What a watch that ended early says (stderr), and the hint to go on. */
function endNote(end: WatchEnd, timeoutSeconds: number | undefined): string | null {
  if (end === 'timeout') return `not finished after ${timeoutSeconds} s (--timeout)`;
  if (end === 'gone') return 'its `ganvae sweep` process is not running; run the sweep again to continue it';
  if (end === 'cancelled') return 'cancelled; `ganvae sweep SPEC.json --redis URL` queues its remaining trials again';
  return null;
}

async function statusCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS, true);
  if (values.help) {
    console.log(help);
    return 0;
  }
  const timeout = values.timeout === undefined ? undefined : numberFlag('timeout', values.timeout, 0, 0, 1e7);
  if (timeout !== undefined && !values.watch) throw new CliError('--timeout goes with --watch: ganvae sweep status ... --watch --timeout SECONDS');
  const timeoutMs = timeout === undefined ? undefined : timeout * 1000;
  if (values.redis) {
    const name = positionals[0];
    if (!name) throw new CliError('give the sweep\'s name: ganvae sweep status NAME --redis URL');
    const { info, state, end } = await watchRedis(values.redis, name, {
      onLine: (line) => { if (values.watch) console.error(`sweep ${name}: ${line}`); }, stop: () => !values.watch, timeoutMs,
    });
    const rows = rankTrials(info, state);
    console.log(tableText(rows, info.sweptKeys, info.metric));
    console.log(`\n${progressLine(rows, info.metric, info.counts.active)}${info.cancelled ? ' (cancelled)' : ''}`);
    if (!values.watch) return 0;
    const note = endNote(end, timeout);
    if (note) console.error(`ganvae sweep status: ${name}: ${note}`);
    return exitCode(info, state);
  }
  const out = values.out ?? positionals[0];
  if (!out) throw new CliError('give the sweep folder (--out DIR), or NAME --redis URL');
  const recordPath = sweepPaths(out).sweepJson;
  if (!existsSync(recordPath)) throw new CliError(`${out} is not a sweep folder (no sweep.json); pass the --out of \`ganvae sweep\``);
  const record = JSON.parse(readFileSync(recordPath, 'utf8')) as SweepRecord;
  const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    // Read before the state: a trial that ends in between is then counted done, not lost from both.
    const running = readLocalRunning(out);
    const state = readLocalState(out);
    const rows = rankTrials(record, state);
    const line = progressLine(rows, record.metric, running.trials.length);
    const finished = rows.every((r) => r.status !== 'pending');
    const end: WatchEnd | null = !values.watch ? 'stopped' : finished ? 'finished' : !running.alive ? 'gone' : Date.now() >= deadline ? 'timeout' : null;
    if (end) {
      console.log(tableText(rows, record.sweptKeys, record.metric));
      console.log(`\n${line}`);
      if (!values.watch) return 0;
      const note = endNote(end, timeout);
      if (note) console.error(`ganvae sweep status: ${record.name}: ${note}`);
      return exitCode(record, state);
    }
    if (line !== last) console.error(`sweep ${record.name}: ${line}`);
    last = line;
    await sleep(Math.min(1000, Math.max(0, deadline - Date.now())));
  }
}

async function cancelCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS, true);
  if (values.help) {
    console.log(help);
    return 0;
  }
  const name = positionals[0];
  if (!name || !values.redis) throw new CliError('usage: ganvae sweep cancel NAME --redis URL (a sweep without Redis stops with Ctrl-C)');
  const removed = await withRedis(values.redis, (redis, { cancelSweep }) => cancelSweep(redis, name));
  console.log(`sweep ${name}: cancelled; ${removed} waiting trial${removed === 1 ? '' : 's'} removed, running ones finish`);
  return 0;
}

export const command: Command = {
  name: 'sweep',
  summary: 'train and evaluate a grid or random search of flags × seeds, here or on workers via Redis; a ranked table',
  async run(argv) {
    if (argv[0] === 'status') return statusCommand(argv.slice(1));
    if (argv[0] === 'cancel') return cancelCommand(argv.slice(1));
    const { values, positionals } = parseFlags(argv, FLAGS, true);
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (positionals.length !== 1) throw new CliError(`give one SPEC.json\n${help.split('\n')[0]}`);
    const workers = integer('workers', values.workers, 1, 1, 1024);
    const threads = values.threads === undefined ? undefined : integer('threads', values.threads, 1, 1, 1024);
    const attempts = integer('attempts', values.attempts, 2, 1, 100);
    const top = integer('top', values.top, 3, 0, 100);
    if (values.redis && (values.workers || values.threads)) throw new CliError('--workers and --threads are for a sweep without --redis; give them to `ganvae worker` (--concurrency, --threads)');
    if (!values.redis && values.detach) throw new CliError('--detach needs --redis (without it the trials run in this process)');
    const sweep = await readSpec(positionals[0]);
    const out = resolve(values.out ?? join('runs', `sweep-${sweep.name}`));
    const runsDir = resolve(values['runs-dir'] ?? sweepPaths(out).trials);
    console.error(`ganvae sweep: ${sweep.name}: ${sweep.trials.length} trial${sweep.trials.length === 1 ? '' : 's'}, ranked by ${sweep.metric} (${sweep.goal})`);
    let interrupted: NodeJS.Signals | null = null;
    const onSignal = (signal: NodeJS.Signals) => {
      if (interrupted) return;
      interrupted = signal;
      console.error(`ganvae sweep: ${signal}: stopping the running trials (they checkpoint; run the sweep again to continue)`);
    };
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
    try {
      if (values.redis) {
        const queued = await withRedis(values.redis, (redis, { enqueueSweep }) => enqueueSweep(redis, sweep, { runsDir, attempts }));
        console.error(`ganvae sweep: ${queued.done} done already, ${queued.added} queued, ${queued.retried} failed ones retried, ` +
          `${queued.inQueue} already in the queue; run \`ganvae worker --redis URL\` on each machine`);
        writeSweepRecord(out, sweep, runsDir, true);
        if (values.detach) {
          console.log(`queued sweep ${sweep.name}; follow it with \`ganvae sweep status ${sweep.name} --redis URL --watch\``);
          return 0;
        }
        const { info, state, end } = await watchRedis(values.redis, sweep.name, {
          onLine: (line) => console.error(`sweep ${sweep.name}: ${line}`), stop: () => interrupted !== null,
        });
        if (interrupted) return interrupted === 'SIGINT' ? 130 : 143;
        await writeOutputs(out, info, state, top);
        const note = endNote(end, undefined);
        if (note) console.error(`ganvae sweep: ${sweep.name}: ${note}`);
        return exitCode(info, state);
      }
      const state = await runLocalSweep(sweep, {
        out, runsDir, workers, threads, attempts, log: (m) => console.error(`ganvae sweep: ${m}`),
        shouldStop: () => interrupted !== null,
      });
      if (interrupted) return interrupted === 'SIGINT' ? 130 : 143;
      await writeOutputs(out, sweep, state, top);
      return exitCode(sweep, state);
    } finally {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    }
  },
};
