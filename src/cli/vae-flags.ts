// What the VAE commands (reconstruct, traverse, latent-map, interpolate --images, eval of a VAE run) share:
// opening the run with clean errors, parsing test-image indices, encoding chosen images, the likelihood evaluation's flags.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../env/backend.ts';
import { encode } from '../vae/vae.ts';
import { DEFAULT_IWAE_IMAGES, DEFAULT_IWAE_K } from '../vae/evaluate.ts';
import type { VaeEvaluateOptions } from '../runs/evaluate-run.ts';
import type { OpenRun } from '../training/open-run.ts';
import { openVaeRun, vaeRunImages, withTestSplit, type VaeRun } from '../vae/vae-run.ts';
import { CliError, numberFlag } from './command.ts';
import { asCliError } from './open-run.ts';

/**
 * Opens the VAE run `runDir`, runs `job` on it and disposes it. Errors become CliErrors: exit 2 for a
 * folder that is not a usable VAE run or data that cannot be read, 1 for anything else.
 */
export async function withVaeRun<T>(runDir: string, job: (vaeRun: VaeRun) => Promise<T>): Promise<T> {
  await initBackend();
  let vaeRun: VaeRun;
  try {
    vaeRun = await openVaeRun(runDir);
  } catch (err) {
    throw asCliError(err);
  }
  try {
    return await job(vaeRun);
  } catch (err) {
    throw asCliError(err);
  } finally {
    vaeRun.run.trainable.dispose();
  }
}

/**
 * Parses `--flag` as comma-separated indices, each below `count`: test-image indices (`count` is the test
 * split's size), 'latent dimensions' of z (`count` is the latent size) or 'class indices'.
 */
export function parseIndices(flag: string, value: string, count: number, what: 'test-image indices' | 'latent dimensions' | 'class indices' = 'test-image indices'): number[] {
  const indices = value.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
  const bad = indices.find((i) => !Number.isInteger(i) || i < 0 || i >= count);
  if (bad !== undefined) throw new CliError(`--${flag} must be comma-separated ${what} in 0..${count - 1}, got "${value}"`);
  return indices;
}

/**
 * For `ganvae interpolate --images I,J`: the posterior means μ(x) [latent] of test images I and J of the
 * VAE `run`, and image I's class (conditional runs decode the whole path with it).
 */
export async function encodeImagePair(run: OpenRun, runDir: string, value: string): Promise<{ codes: [Float32Array, Float32Array]; label?: number }> {
  let vaeRun: VaeRun;
  try {
    vaeRun = await withTestSplit(run, runDir);
  } catch (err) {
    throw asCliError(err, '--images: ');
  }
  const pair = parseIndices('images', value, vaeRun.test.count);
  if (pair.length !== 2) throw new CliError(`--images takes two test-image indices, like 3,17; got "${value}"`);
  const { x, labels } = vaeRunImages(vaeRun, { indices: pair }).batches(2).next().value!;
  const mu = tf.tidy(() => encode(vaeRun.vae, x, labels).mu);
  const [values, classes] = [await mu.data() as Float32Array, labels && await labels.data()];
  tf.dispose([mu, x, labels]);
  const size = vaeRun.vae.architecture.latentSize;
  return { codes: [values.slice(0, size), values.slice(size)], label: vaeRun.vae.architecture.numClasses ? classes?.[0] : undefined };
}

/** The `ganvae eval` flags of the VAE likelihood evaluation (help lines and parseArgs options). */
export const VAE_EVAL_HELP = `VAE runs also get test-set ELBO (reconstruction + KL), NLL by importance sampling (IWAE) and
reconstruction MSE/PSNR/BCE/SSIM, in nats per image, printed first and stored under "vae":
  --iwae-k K           importance samples per image                             [${DEFAULT_IWAE_K}]
  --iwae-images N|all  test images for the IWAE bound (seeded subset)           [${DEFAULT_IWAE_IMAGES}]
  --elbo-images N|all  test images for the ELBO and reconstruction errors (the same seeded subsets) [all]
  --vae-only           VAE likelihood metrics only: skip FID and the other sample metrics`;
export const VAE_EVAL_FLAGS = {
  'iwae-k': { type: 'string' }, 'iwae-images': { type: 'string' }, 'elbo-images': { type: 'string' }, 'vae-only': { type: 'boolean' },
} as const;

/**
 * The --iwae-k, --iwae-images and --elbo-images flags of `ganvae eval` as evaluateRun's `vae` settings;
 * an absent flag leaves evaluateRun's default.
 */
export function vaeEvaluateOptions(flags: { 'iwae-k'?: string; 'iwae-images'?: string; 'elbo-images'?: string }): VaeEvaluateOptions {
  const imageCount = (flag: 'iwae-images' | 'elbo-images'): number | 'all' | undefined => {
    const text = flags[flag];
    if (text === undefined || text === 'all') return text;
    const value = numberFlag(flag, text, 0, 1);
    if (!Number.isInteger(value)) throw new CliError(`--${flag} must be an integer or all, got "${text}"`);
    return value;
  };
  const k = flags['iwae-k'] === undefined ? undefined : numberFlag('iwae-k', flags['iwae-k'], 0, 1, 1e7);
  const iwaeImages = imageCount('iwae-images');
  const elboImages = imageCount('elbo-images');
  if (k !== undefined && !Number.isInteger(k)) throw new CliError(`--iwae-k must be an integer, got "${flags['iwae-k']}"`);
  return { k, iwaeImages, elboImages };
}
