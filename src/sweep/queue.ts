// Sweeps on many machines: trials as BullMQ jobs in Redis (one queue per sweep, named after it), run by
// `ganvae worker`s; each result is recorded once in a Redis hash, so the coordinator's table reads only Redis.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Sweep, Trial } from './spec.ts';
import type { SweepState, TrialFailure } from './table.ts';
import { type RunningTrial, threadsPerTrial, TrialProcess } from './trial-process.ts';
import type { TrialResult } from './trial.ts';

/** BullMQ's key prefix for ganvae's queues. */
const PREFIX = 'ganvae';
const SWEEPS_KEY = 'ganvae:sweeps';

export const queueName = (sweep: string) => `sweep-${sweep}`;
/** A trial's job id: its id, prefixed (BullMQ refuses ids that read as integers, and a hex id may be all digits). */
const jobIdOf = (trialId: string) => `trial-${trialId}`;
const keys = (sweep: string) => ({
  meta: `ganvae:sweep:${sweep}:meta`, results: `ganvae:sweep:${sweep}:results`, failedOn: `ganvae:sweep:${sweep}:failed-on`,
});

/** A Redis that cannot be used: unreachable (exit 1) or refusing the credentials (exit 2). */
export class RedisConnectError extends Error {
  constructor(message: string, readonly badCredentials: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisConnectError';
  }
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * Connects to the Redis at `url` (redis://[USER:PASSWORD@]HOST:PORT[/DB], rediss:// for TLS), failing
 * within `timeoutMs` with a clear error when it is unreachable or refuses the password. The connection it
 * returns reconnects on its own (a Redis restart does not end a sweep or a worker) and queues commands
 * meanwhile, as BullMQ requires (maxRetriesPerRequest: null).
 */
export async function connectRedis(url: string, timeoutMs = 5000): Promise<Redis> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisConnectError(`--redis ${url} is not a URL; write redis://HOST:PORT (rediss:// for TLS)`, true);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new RedisConnectError(`--redis ${redactUrl(url)}: the URL must start with redis:// or rediss:// (TLS)`, true);
  }
  const shown = redactUrl(url);
  // A probe that never retries, so a dead address fails fast instead of reconnecting forever.
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // A refused AUTH arrives as an 'error' event; the connect promise then only says the connection closed.
  let lastError: Error | undefined;
  probe.on('error', (err: Error) => { lastError = err; });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        await probe.connect();
        await probe.ping();
      })(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs); }),
    ]);
  } catch (err) {
    const message = /WRONGPASS|NOAUTH|AUTH/i.test(lastError?.message ?? '') ? lastError!.message : (err as Error).message;
    if (/WRONGPASS|NOAUTH|invalid password|invalid username-password|AUTH/i.test(message)) {
      throw new RedisConnectError(`Redis at ${shown} refused the credentials (${message.split('\n')[0]}); ` +
        'give its password in the URL: redis://:PASSWORD@HOST:PORT, or redis://USER:PASSWORD@HOST:PORT with an ACL user', true, { cause: err });
    }
    throw new RedisConnectError(`cannot reach Redis at ${shown} (${message.split('\n')[0]}); is redis-server running there, ` +
      'and is the port open to this machine? See the README\'s "Sweeps"', false, { cause: err });
  } finally {
    clearTimeout(timer);
    probe.disconnect();
  }
  const redis = new Redis(url, { maxRetriesPerRequest: null, connectTimeout: timeoutMs, retryStrategy: (times) => Math.min(200 * times, 2000) });
  redis.on('error', () => {});
  return redis;
}

function queueOf(redis: Redis, sweep: string): Queue {
  return new Queue(queueName(sweep), { connection: redis, prefix: PREFIX });
}

/** What one job carries: the trial and where its run folder goes. */
interface TrialJob {
  trial: Trial;
  runDir: string;
}

export interface EnqueueOptions {
  /** The folder of the trials' run folders, the same path on every worker. */
  runsDir: string;
  /** Tries of a trial before it is marked failed. */
  attempts: number;
}

/**
 * Records `sweep` in Redis and queues its trials that have no result yet (the job id is made of the trial id, so a
 * trial already waiting or running is not queued twice; a failed one is retried).
 */
export async function enqueueSweep(redis: Redis, sweep: Sweep, o: EnqueueOptions): Promise<{ done: number; added: number; retried: number; inQueue: number }> {
  const k = keys(sweep.name);
  await redis.sadd(SWEEPS_KEY, sweep.name);
  await redis.hsetnx(k.meta, 'createdAt', new Date().toISOString());
  await redis.hset(k.meta, {
    trials: JSON.stringify(sweep.trials), sweptKeys: JSON.stringify(sweep.sweptKeys), metric: sweep.metric, goal: sweep.goal,
    runsDir: o.runsDir, cancelled: '0',
  });
  const queue = queueOf(redis, sweep.name);
  const counts = { done: 0, added: 0, retried: 0, inQueue: 0 };
  try {
    const toAdd: { name: string; data: TrialJob; opts: object }[] = [];
    const recorded = new Set(await redis.hkeys(k.results));
    for (const trial of sweep.trials) {
      if (recorded.has(trial.id)) {
        counts.done++;
        continue;
      }
      const job = await queue.getJob(jobIdOf(trial.id));
      if (job) {
        const state = await job.getState();
        if (state === 'failed') {
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
          counts.retried++;
          continue;
        }
        if (state !== 'completed' && state !== 'unknown') {
          counts.inQueue++;
          continue;
        }
        // Completed without a result (it was cancelled): queued again.
        await job.remove();
      }
      toAdd.push({
        name: 'trial', data: { trial, runDir: join(o.runsDir, trial.id) },
        opts: { jobId: jobIdOf(trial.id), attempts: o.attempts, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: true, removeOnFail: false },
      });
    }
    for (let i = 0; i < toAdd.length; i += 500) await queue.addBulk(toAdd.slice(i, i + 500));
    counts.added = toAdd.length;
  } finally {
    await queue.close();
  }
  return counts;
}

/** What Redis holds about a sweep. */
export interface RedisSweepInfo {
  name: string;
  trials: Trial[];
  sweptKeys: string[];
  metric: Sweep['metric'];
  goal: Sweep['goal'];
  runsDir: string;
  createdAt: string;
  cancelled: boolean;
  counts: { waiting: number; active: number; delayed: number; failed: number; prioritized: number };
}

export async function readRedisSweep(redis: Redis, name: string): Promise<RedisSweepInfo> {
  const meta = await redis.hgetall(keys(name).meta);
  if (!meta.trials) throw new RedisConnectError(`no sweep "${name}" in this Redis; \`ganvae sweep SPEC.json --redis URL\` queues one`, true);
  const queue = queueOf(redis, name);
  try {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
    return {
      name, trials: JSON.parse(meta.trials), sweptKeys: JSON.parse(meta.sweptKeys), metric: meta.metric as Sweep['metric'],
      goal: meta.goal as Sweep['goal'], runsDir: meta.runsDir, createdAt: meta.createdAt, cancelled: meta.cancelled === '1',
      counts: { waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0, prioritized: c.prioritized ?? 0 },
    };
  } finally {
    await queue.close();
  }
}

/** The trials that failed all their attempts: BullMQ's failed jobs, with their last error and the host it came from. */
async function failedTrials(redis: Redis, queue: Queue, name: string): Promise<Map<string, TrialFailure>> {
  const failures = new Map<string, TrialFailure>();
  const jobs = await queue.getFailed(0, -1);
  const ids = jobs.map((job) => (job?.data as TrialJob | undefined)?.trial?.id).filter((id): id is string => Boolean(id));
  const hosts = ids.length ? await redis.hmget(keys(name).failedOn, ...ids) : [];
  jobs.forEach((job) => {
    const id = (job?.data as TrialJob | undefined)?.trial?.id;
    if (!id) return;
    failures.set(id, {
      id, error: job.failedReason ?? 'failed', attempts: job.attemptsMade, host: hosts[ids.indexOf(id)] ?? '',
      failedAt: new Date(job.finishedOn ?? Date.now()).toISOString(),
    });
  });
  return failures;
}

/** Follows a sweep in Redis: `poll` resolves to where it stands now. */
export interface RedisSweepFollower {
  poll(): Promise<{ info: RedisSweepInfo; state: SweepState }>;
  close(): Promise<void>;
}

/**
 * Follows the sweep `name` cheaply, however many trials it has: its record (the trials) is read once; each poll reads
 * the queue's counts, the results not seen before, and the failed jobs only when their count changed.
 */
export async function followRedisSweep(redis: Redis, name: string): Promise<RedisSweepFollower> {
  const k = keys(name);
  const first = await readRedisSweep(redis, name);
  const queue = queueOf(redis, name);
  const results = new Map<string, TrialResult>();
  let failures = new Map<string, TrialFailure>();
  let failedCount = -1;
  return {
    async poll() {
      const [cancelled, c, recorded] = await Promise.all([
        redis.hget(k.meta, 'cancelled'), queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized'), redis.hlen(k.results),
      ]);
      if (recorded !== results.size) {
        const fresh = (await redis.hkeys(k.results)).filter((id) => !results.has(id));
        const values = fresh.length ? await redis.hmget(k.results, ...fresh) : [];
        fresh.forEach((id, i) => { if (values[i]) results.set(id, JSON.parse(values[i]!) as TrialResult); });
      }
      if ((c.failed ?? 0) !== failedCount) {
        failures = await failedTrials(redis, queue, name);
        failedCount = c.failed ?? 0;
      }
      // A result is recorded just before its job completes: an active job whose result is in is not running.
      const active = c.active ? (await queue.getActive(0, -1)).filter((job) => job && !results.has((job.data as TrialJob).trial.id)).length : 0;
      const counts = { waiting: c.waiting ?? 0, active, delayed: c.delayed ?? 0, failed: c.failed ?? 0, prioritized: c.prioritized ?? 0 };
      return {
        info: { ...first, cancelled: cancelled === '1', counts },
        state: { results: new Map(results), failures: new Map([...failures].filter(([id]) => !results.has(id))) },
      };
    },
    close: () => queue.close(),
  };
}

/** The results (Redis hash) and failures (BullMQ's failed jobs, with their last error) of a sweep. */
export async function redisSweepState(redis: Redis, name: string): Promise<SweepState> {
  const follower = await followRedisSweep(redis, name);
  try {
    return (await follower.poll()).state;
  } finally {
    await follower.close();
  }
}

/** Marks the sweep cancelled and removes its waiting trials; running ones finish. Resolves to how many were removed. */
export async function cancelSweep(redis: Redis, name: string): Promise<number> {
  const info = await readRedisSweep(redis, name);
  await redis.hset(keys(name).meta, 'cancelled', '1');
  const queue = queueOf(redis, name);
  try {
    await queue.drain(true);
  } finally {
    await queue.close();
  }
  return info.counts.waiting + info.counts.delayed + info.counts.prioritized;
}

/** Removes everything of a sweep from Redis (its queue, results and record). */
export async function forgetSweep(redis: Redis, name: string): Promise<void> {
  const queue = queueOf(redis, name);
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
  }
  await redis.del(keys(name).meta, keys(name).results, keys(name).failedOn);
  await redis.srem(SWEEPS_KEY, name);
}

export interface WorkerOptions {
  /** Trials at a time. Default 1. */
  concurrency?: number;
  /** OMP threads per trial. Default cores / concurrency. */
  threads?: number;
  /** This machine's path of the shared runs folder, when it differs from the sweep's --runs-dir. */
  runsDir?: string;
  /** A trial whose worker has not renewed its lock for this long is re-delivered. Default 30 s. */
  lockSeconds?: number;
  log?: (message: string) => void;
  /** Polled every second; when true the worker stops its trials (they checkpoint) and resolves. */
  shouldStop?: () => boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Serves the sweeps queued in `redis` until `shouldStop`: one sweep at a time, the oldest with trials to run;
 * each trial in a child process, one per slot and kept for the slot's next trials (this process only renews the
 * jobs' locks). A result is recorded with HSETNX, so a trial delivered twice is recorded once.
 */
export async function runWorker(redis: Redis, o: WorkerOptions = {}): Promise<void> {
  const concurrency = Math.max(1, o.concurrency ?? 1);
  const threads = o.threads ?? threadsPerTrial(concurrency);
  const lockDuration = Math.round((o.lockSeconds ?? 30) * 1000);
  const log = o.log ?? (() => {});
  const running = new Set<RunningTrial>();
  let stopping = false;
  let current: { name: string; worker: Worker<TrialJob, { recorded: boolean }> } | null = null;

  // One process per slot, kept from trial to trial (BullMQ runs at most `concurrency` jobs at a time).
  const idle: TrialProcess[] = Array.from({ length: concurrency }, () => new TrialProcess(threads));
  const slots = [...idle];

  async function processTrial(job: Job<TrialJob>): Promise<{ recorded: boolean }> {
    const { trial } = job.data;
    const k = keys(trial.sweep);
    if (await redis.hexists(k.results, trial.id)) return { recorded: false };
    if ((await redis.hget(k.meta, 'cancelled')) === '1') return { recorded: false };
    const runDir = o.runsDir ? join(o.runsDir, trial.id) : job.data.runDir;
    let slot = idle.pop();
    if (!slot) slots.push(slot = new TrialProcess(threads));
    const run = slot.run(trial, runDir, { log: (m) => log(`${trial.sweep} trial ${trial.id}: ${m}`) });
    log(`${trial.sweep} trial ${trial.id} ${JSON.stringify(trial.swept)}: started in process ${run.pid} (delivery ${job.attemptsStarted ?? 1})`);
    running.add(run);
    let result: TrialResult | null;
    try {
      result = await run.done;
    } catch (err) {
      // Ended because this worker is going (an evaluation is dropped, not checkpointed): not an attempt that failed.
      if (stopping) return new Promise(() => {});
      await redis.hset(k.failedOn, trial.id, hostname());
      throw err;
    } finally {
      running.delete(run);
      idle.push(slot);
    }
    // Stopped because this worker is going: the job stays active until its lock lapses, then is re-delivered.
    if (!result) return new Promise(() => {});
    const recorded = (await redis.hsetnx(k.results, trial.id, JSON.stringify(result))) === 1;
    log(`${trial.sweep} trial ${trial.id}: done in ${result.wallSeconds.toFixed(1)}s${recorded ? '' : ' (already recorded by another delivery)'}`);
    return { recorded };
  }

  /** The oldest sweep, not cancelled, with trials waiting or running (a running one may stall and come back). */
  async function pickSweep(): Promise<string | null> {
    const candidates: { name: string; createdAt: string }[] = [];
    for (const name of await redis.smembers(SWEEPS_KEY)) {
      const meta = await redis.hmget(keys(name).meta, 'cancelled', 'createdAt');
      if (meta[0] === '1') continue;
      const queue = queueOf(redis, name);
      try {
        const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        if ((c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0) > 0) candidates.push({ name, createdAt: meta[1] ?? '' });
      } finally {
        await queue.close();
      }
    }
    candidates.sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
    return candidates[0]?.name ?? null;
  }

  // Resolves once shouldStop says so: a Redis that is down must not hold a stopping worker in a command.
  let poll: NodeJS.Timeout | undefined;
  const stopRequested = new Promise<undefined>((resolve) => {
    poll = setInterval(() => { if (o.shouldStop?.()) resolve(undefined); }, 200);
  });
  const orStop = <T>(p: Promise<T>) => Promise.race([p, stopRequested]);
  try {
    while (!stopping) {
      if (o.shouldStop?.()) break;
      const next = await orStop(pickSweep());
      if (next === undefined) break;
      if (current && current.name !== next && running.size === 0) {
        await orStop(current.worker.close());
        log(`sweep ${current.name}: nothing left to run here`);
        current = null;
      }
      if (!current && next) {
        log(`sweep ${next}: serving its queue (${concurrency} at a time, ${threads} thread${threads > 1 ? 's' : ''} each)`);
        const worker: Worker<TrialJob, { recorded: boolean }> = new Worker<TrialJob, { recorded: boolean }>(queueName(next), processTrial, {
          connection: redis, prefix: PREFIX, concurrency, lockDuration, stalledInterval: Math.max(1000, Math.round(lockDuration / 2)), maxStalledCount: 5,
        });
        worker.on('error', (err) => log(`sweep ${next}: ${err.message}`));
        worker.on('failed', (job, err) => { if (job) log(`${next} trial ${job.data.trial.id}: attempt ${job.attemptsMade} of ${job.opts.attempts ?? 1} failed: ${err.message}`); });
        current = { name: next, worker };
      }
      for (let i = 0; i < 2 && !o.shouldStop?.(); i++) await sleep(1000);
    }
  } finally {
    stopping = true;
    for (const run of running) run.stop();
    const deadline = Date.now() + 60_000;
    while (running.size && Date.now() < deadline) await sleep(200);
    clearInterval(poll);
    await Promise.all(slots.map((slot) => slot.close()));
    if (current) await Promise.race([current.worker.close(true), sleep(5000)]);
  }
}
