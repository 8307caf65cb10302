// One measurement = one child process (its own peak RSS) timing one workload on one system and thread count.
// A child prints one JSON line (the Measurement fields it knows) as the last line of its stdout.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { NetworkLayers } from './flops.ts';

/** What the bench can time: ganvae on native (fp32, or bf16 as `--precision bf16` runs it), PyTorch, tfjs's cpu. */
export const SYSTEMS = ['native', 'native-bf16', 'pytorch', 'cpu'] as const;
export type SystemName = (typeof SYSTEMS)[number];
/** The systems timed unless --systems says otherwise (native-bf16 on request: it needs a CPU with bf16). */
export const DEFAULT_SYSTEMS: SystemName[] = ['native', 'pytorch', 'cpu'];

/** What a child reports. */
export interface Measurement {
  /** Timed iterations (after the untimed warm-up). */
  steps: number;
  seconds: number;
  /**
   * CPU time (user + system, all threads) the child spent in the timed iterations. At one thread, images per
   * CPU-second is the speed on an idle core, much less sensitive than wall time to other load on the machine.
   */
  cpuSeconds: number;
  warmupSteps: number;
  threads: number;
  /** Peak resident set size of the child process (VmHWM), or null where /proc is missing. */
  peakRssBytes: number | null;
  layers: NetworkLayers;
  /** Parameter count of each network. */
  params: Record<string, number>;
  /** System-specific facts (backend, oneDNN ISA, torch version, BLAS library). */
  details: Record<string, unknown>;
}

/** How long to time and how: shared by the ganvae and the PyTorch child. */
export interface TimingPlan {
  warmupSteps: number;
  /** Keep stepping until this many seconds have passed... */
  seconds: number;
  /** ...and at least this many steps ran. */
  minSteps: number;
}

/** The line a child writes to stderr when its timed iterations begin (after model building and warm-up). */
export const TIMING_STARTED = 'bench: timing started';

/** A child that was killed at its timeout; `timedSeconds` is how long its timed iterations had run (0 if never started). */
export class ChildTimeout extends Error {
  constructor(readonly timeoutSeconds: number, readonly timedSeconds: number) {
    super(`timed out after ${timeoutSeconds} s (${timedSeconds.toFixed(0)} s of it in timed iterations)`);
    this.name = 'ChildTimeout';
  }
}

/** VmHWM (peak resident set size) of this process in bytes, or null where /proc is missing. */
export function peakRssBytes(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Parses a child's stdout: its last non-empty line must be the Measurement JSON. */
export function parseMeasurement(stdout: string): Measurement {
  const last = stdout.trim().split('\n').pop() ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(last);
  } catch {
    throw new Error(`the child's last output line is not JSON: ${JSON.stringify(last.slice(0, 200))}`);
  }
  const m = parsed as Measurement;
  if (typeof m.steps !== 'number' || typeof m.seconds !== 'number' || !(m.seconds > 0) || typeof m.layers !== 'object') {
    throw new Error(`the child's result lacks steps/seconds/layers: ${last.slice(0, 200)}`);
  }
  return m;
}

/**
 * Runs `command args` with `env` added, killing it after `timeoutSeconds`. Resolves to its Measurement; rejects
 * with a ChildTimeout, or with the child's last stderr lines (what a user needs to see when e.g. torch is missing).
 */
export function runChild(command: string, args: string[], env: Record<string, string>, timeoutSeconds: number): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timingStart: number | undefined;
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (timingStart === undefined && stderr.includes(TIMING_STARTED)) timingStart = performance.now();
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${command}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        try {
          resolve(parseMeasurement(stdout));
        } catch (err) {
          reject(err);
        }
        return;
      }
      if (timedOut) {
        reject(new ChildTimeout(timeoutSeconds, timingStart === undefined ? 0 : (performance.now() - timingStart) / 1000));
        return;
      }
      const tail = stderr.split('\n').filter((l) => l.trim() && !l.includes(TIMING_STARTED)).slice(-4).join(' | ');
      reject(new Error(`exited with ${code ?? signal}${tail ? `: ${tail}` : ''}`));
    });
  });
}
