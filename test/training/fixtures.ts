// Fixtures for the training tests: a tiny labelled image folder (8x8 grey PNGs in three class folders)
// and the options of a tiny GAN run on it, so a whole run takes seconds.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { encodePng } from '../../src/data/image-codec.ts';
import { Rng } from '../../src/core/random.ts';

/** A new empty folder under the OS temp dir, and a function removing it. */
export function tempFolder(prefix = 'ganvae-train-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Writes `count` 8x8 grey PNGs into `dir`/class-{0,1,2}/: each class a bright stripe in its own place
 * (left column, top row, diagonal) on seeded noise. With the folder source's 10% test split, 20 images
 * leave 18 for training.
 */
export function writeImageFolder(dir: string, count = 20, seed = 1): string {
  const rng = new Rng(seed);
  for (let i = 0; i < count; i++) {
    const label = i % 3;
    const pixels = new Uint8Array(64);
    for (let p = 0; p < 64; p++) {
      const [y, x] = [Math.floor(p / 8), p % 8];
      const stripe = label === 0 ? x < 3 : label === 1 ? y < 3 : Math.abs(x - y) < 2;
      pixels[p] = stripe ? 200 + rng.int(56) : rng.int(60);
    }
    const folder = join(dir, `class-${label}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `${String(i).padStart(3, '0')}.png`), encodePng(pixels, 8, 8, 1));
  }
  return dir;
}

/** Options of a tiny GAN run on `imageDir` (flags of `ganvae train gan`, camelCase). */
export function tinyRunOptions(imageDir: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    data: `folder:${imageDir}`, imageSize: 8, grey: true, preset: 'dcgan', width: 4, batchSize: 4,
    logEvery: 1, checkpointEvery: 1000, sampleCount: 9, ...extra,
  };
}

/** The same options as `ganvae train gan` command-line arguments. */
export function tinyRunArgs(imageDir: string, extra: Record<string, unknown> = {}): string[] {
  return Object.entries(tinyRunOptions(imageDir, extra)).flatMap(([key, value]) => [`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, String(value)]);
}

/** A `ganvae` child process: its end (exit code or signal, and all output), a signal sender, its pid and output so far. */
export interface GanvaeChild {
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  kill(signal: NodeJS.Signals): void;
  pid: number;
  stderr(): string;
}

const BIN = resolve(import.meta.dirname, '../../bin/ganvae.js');

/** Starts `ganvae ...args` in `cwd` (so a data cache lands there) with `env` added; GANVAE_DEBUG is unset unless given. */
export function startGanvae(args: string[], cwd: string, env: Record<string, string> = {}): GanvaeChild {
  const base: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
  delete base.GANVAE_DEBUG;
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...base, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<Awaited<GanvaeChild['done']>>((res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr })));
  return { done, kill: (signal) => child.kill(signal), pid: child.pid!, stderr: () => stderr };
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds (or fails after `timeoutMs`, naming `what`). */
export async function until(check: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
