// The parent's side of a trial's process: a `TrialProcess` forks `ganvae worker --trial-child` once and runs trials
// in it one after another, so tfjs and the backend start once per worker slot, not once per trial (trial.ts is the child).
import { type ChildProcess, fork } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Trial } from './spec.ts';
import type { TrialResult } from './trial.ts';

/** The `ganvae` command of this package (bin/ganvae.js runs dist/, or src/ through tsx in a checkout with edits). */
export const GANVAE_BIN = fileURLToPath(new URL('../../bin/ganvae.js', import.meta.url));

/** Messages from a trial's parent to its child. */
export type ToChild = { type: 'run'; trial: Trial; runDir: string } | { type: 'stop' };
/**
 * Messages from the child. `reusable`: the child waits for the next trial (false after a stopped trial, a failure
 * other than bad input, a trial that left tensors behind, or when the child has run its share: it exits).
 */
export type FromChild = { type: 'log'; message: string } | { type: 'result'; result: TrialResult | null; reusable: boolean } |
  { type: 'error'; message: string; stack?: string; reusable: boolean };

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

/** The trial in flight in a TrialProcess: how it ends. */
interface Current {
  log?: (message: string) => void;
  resolve: (result: TrialResult | null) => void;
  reject: (err: Error) => void;
  /** What the child reported; settled on the report when the child stays, else when it has exited. */
  report: { result: TrialResult | null } | { error: Error } | null;
}

/**
 * One worker slot's child process, started on the first trial with OMP_NUM_THREADS = `threads` and kept for the
 * next ones. A trial that is stopped, or fails other than on bad input, ends its process (the next trial gets a fresh
 * one), so an error never leaves state behind for another trial; a trial's result does not depend on what ran before
 * it in the process.
 */
export class TrialProcess {
  private child: ChildProcess | null = null;
  private current: Current | null = null;
  private stderr = '';

  constructor(private readonly threads: number) {}

  /** The child's pid, while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private start(): ChildProcess {
    const child = fork(GANVAE_BIN, ['worker', '--trial-child'], {
      env: { ...process.env, OMP_NUM_THREADS: String(this.threads) }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: [],
    });
    this.stderr = '';
    child.stdout!.resume();
    child.stderr!.on('data', (chunk: Buffer) => { this.stderr = (this.stderr + chunk.toString()).slice(-4000); });
    child.on('message', (m: FromChild) => {
      const current = this.current;
      if (!current) return;
      if (m.type === 'log') return current.log?.(m.message);
      const report = m.type === 'result' ? { result: m.result } : { error: Object.assign(new Error(m.message), { childStack: m.stack }) };
      if (m.reusable) this.settle(report);
      else current.report = report;
    });
    child.on('error', (err) => { if (this.child === child) this.settle({ error: err }); });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = null;
      if (!this.current) return;
      if (this.current.report) return this.settle(this.current.report);
      const last = this.stderr.split(/[\r\n]/).map((l) => l.trim()).filter(Boolean).pop() ?? '';
      this.settle({ error: new Error(`the trial's process ${signal ? `was killed by ${signal}` : `exited ${code}`} before reporting${last ? `: ${last}` : ''}`) });
    });
    return child;
  }

  private settle(outcome: { result: TrialResult | null } | { error: Error }): void {
    const current = this.current;
    if (!current) return;
    this.current = null;
    // An idle child does not keep this process alive.
    this.child?.unref();
    (this.child?.channel as { unref?: () => void } | undefined)?.unref?.();
    if ('error' in outcome) current.reject(outcome.error);
    else current.resolve(outcome.result);
  }

  /** Runs `trial` in this slot's process (started now when it has none); `log` gets the trial's messages. */
  run(trial: Trial, runDir: string, o: { log?: (message: string) => void } = {}): RunningTrial {
    if (this.current) throw new Error('a TrialProcess runs one trial at a time');
    if (!this.child?.connected) this.child = this.start();
    const child = this.child;
    child.ref();
    (child.channel as { ref?: () => void } | undefined)?.ref?.();
    this.stderr = '';
    const done = new Promise<TrialResult | null>((resolve, reject) => { this.current = { log: o.log, resolve, reject, report: null }; });
    child.send({ type: 'run', trial, runDir } satisfies ToChild);
    return {
      done, pid: child.pid,
      stop: () => { if (child.connected) child.send({ type: 'stop' } satisfies ToChild); },
    };
  }

  /** Ends the idle child (a running trial is stopped first, at a checkpoint); resolves once it has exited. */
  async close(timeoutMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    if (this.current && child.connected) child.send({ type: 'stop' } satisfies ToChild);
    // The child exits when its channel closes.
    else if (child.connected) child.disconnect();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}
