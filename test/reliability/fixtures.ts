// Fixtures for the read-side reliability tests: tiny GAN and VAE run folders written directly (models
// freshly initialised from a seed and saved as `ganvae train` saves them, no training), and the CLI
// run in a child process.
import { join } from 'node:path';
import { Rng } from '../../src/core/random.ts';
import { saveLayersModel } from '../../src/core/layers-model-files.ts';
import { ganKind } from '../../src/gan/gan-family.ts';
import { RUN_FORMAT_VERSION, writeRunInfo } from '../../src/training/run-folder.ts';
import type { TrainableKind } from '../../src/training/trainable.ts';
import { vaeKind } from '../../src/vae/vae-family.ts';

import { startGanvae } from '../training/fixtures.ts';

export { tempFolder, writeImageFolder } from '../training/fixtures.ts';


/** The 8x8 grey, 3-class shape of writeImageFolder's images. */
const DATA = { shape: [8, 8, 1] as [number, number, number], numClasses: 3 };

async function writeRun(dir: string, kind: 'gan' | 'vae', images: string, flags: Record<string, unknown>): Promise<void> {
  const family = (kind === 'gan' ? ganKind : vaeKind) as unknown as TrainableKind;
  const options = family.resolve!(family.options.parse(flags), DATA);
  const trainable = family.create(options, DATA, new Rng(7));
  try {
    for (const [part, model] of Object.entries(trainable.models())) await saveLayersModel(model, join(dir, 'model', part));
  } finally {
    trainable.dispose();
  }
  writeRunInfo(dir, {
    formatVersion: RUN_FORMAT_VERSION, kind, config: { ...options, data: `folder:${images}` },
    dataset: { name: `folder:${images}`, shape: DATA.shape, classes: ['class-0', 'class-1', 'class-2'] },
    backend: 'test', createdAt: new Date(0).toISOString(),
  });
}

/** A GAN run folder on the 8x8 image folder `images` (dcgan, width 4, 8 latents, no EMA), untrained. */
export function writeGanRun(dir: string, images: string): Promise<void> {
  return writeRun(dir, 'gan', images, { preset: 'dcgan', width: 4, latentSize: 8, ema: false });
}

/** A VAE run folder on the 8x8 image folder `images` (vae28 layers, 2 latents), untrained. */
export function writeVaeRun(dir: string, images: string): Promise<void> {
  return writeRun(dir, 'vae', images, { preset: 'vae28', latentSize: 2 });
}

/** Runs `ganvae ...args` in `cwd` with `env` added; resolves to its exit code and output. */
export async function ganvae(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await startGanvae(args, cwd, env).done;
  return { code, stdout, stderr };
}

/** Runs `run` with console.log/error and stderr silenced; resolves to its result and what console.log printed. */
export async function quietly<T>(run: () => Promise<T>): Promise<{ result: T; stdout: string }> {
  const [log, error, write] = [console.log, console.error, process.stderr.write];
  let stdout = '';
  console.log = (...parts: unknown[]) => { stdout += `${parts.join(' ')}\n`; };
  console.error = () => {};
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return { result: await run(), stdout };
  } finally {
    [console.log, console.error, process.stderr.write] = [log, error, write];
  }
}
