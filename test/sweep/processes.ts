// Helpers of the sweep tests: `ganvae` child processes with their output collected, bounded waits, and the
// parts of a sweep's files that tests compare.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GANVAE_BIN } from '../../src/sweep/trial-process.ts';

/** A `ganvae` process with its output collected. */
export interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function ganvae(args: string[]): Proc {
  const child = spawn(process.execPath, [GANVAE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => { output += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { output += c.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

export async function within<T>(what: string, ms: number, p: Promise<T>, logs: () => string = () => ''): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms / 1000} s\n${logs()}`)), ms);
    })]);
  } finally {
    clearTimeout(timer);
  }
}

export async function until(what: string, ms: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The CSV's rows without the columns that differ between machines and runs (seconds, host, run folder). */
export function comparable(csvPath: string): string[][] {
  const [header, ...rows] = readFileSync(csvPath, 'utf8').trim().split('\n').map((l) => l.split(','));
  const keep = header.map((h, i) => (['wallSeconds', 'host', 'runDir'].includes(h) ? -1 : i)).filter((i) => i >= 0);
  return [header, ...rows].map((r) => keep.map((i) => r[i]));
}

export function steps(runDir: string): number[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step);
}

/** Runs `job` with console.log and console.error collected (a command run in this process); resolves to both. */
export async function captured<T>(job: () => Promise<T>): Promise<{ value: T; output: string }> {
  const { log, error } = console;
  let output = '';
  console.log = console.error = (...args: unknown[]) => { output += `${args.map(String).join(' ')}\n`; };
  try {
    return { value: await job(), output };
  } finally {
    Object.assign(console, { log, error });
  }
}
