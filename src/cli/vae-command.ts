// What the VAE commands (reconstruct, traverse, latent-map) share: opening the run with clean errors,
// always disposing it, and parsing lists of test-image indices.
import { initBackend } from '../env/backend.ts';
import { openVaeRun, type VaeRun } from '../training/vae-run.ts';
import { CliError } from './command.ts';

/** Opens the VAE run `runDir`, runs `job` on it and disposes it; errors that are not CliErrors become exit 1. */
export async function withVaeRun<T>(runDir: string, job: (vaeRun: VaeRun) => Promise<T>): Promise<T> {
  await initBackend();
  let vaeRun: VaeRun;
  try {
    vaeRun = await openVaeRun(runDir);
  } catch (err) {
    throw new CliError((err as Error).message, 1);
  }
  try {
    return await job(vaeRun);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError((err as Error).message, 1);
  } finally {
    vaeRun.run.trainable.dispose();
  }
}

/** Parses `--flag` as comma-separated test-image indices, each below `count` (the test split's size). */
export function parseIndices(flag: string, value: string, count: number): number[] {
  const indices = value.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
  const bad = indices.find((i) => !Number.isInteger(i) || i < 0 || i >= count);
  if (bad !== undefined) throw new CliError(`--${flag} must be comma-separated test-image indices in 0..${count - 1}, got "${value}"`);
  return indices;
}
