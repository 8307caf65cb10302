// What the VAE commands (reconstruct, traverse, latent-map, interpolate --images, eval of a VAE run) share:
// opening the run with clean errors, parsing test-image indices, encoding chosen images, the likelihood evaluation.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../env/backend.ts';
import { encode } from '../vae/vae.ts';
import { DEFAULT_IWAE_IMAGES, DEFAULT_IWAE_K, evaluateVae, formatVaeEvaluation, type VaeEvaluation } from '../vae/evaluate.ts';
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
 * Runs the VAE evaluation of `ganvae eval` on the opened VAE `run` (from `runDir`) with the --iwae-* flags,
 * prints it, and returns it for metrics.json. IWAE progress goes to stderr.
 */
export async function vaeEvaluation(run: OpenRun, runDir: string, flags: { 'iwae-k'?: string; 'iwae-images'?: string; 'elbo-images'?: string; seed?: string }): Promise<VaeEvaluation> {
  const k = numberFlag('iwae-k', flags['iwae-k'], DEFAULT_IWAE_K, 1, 1e7);
  const imageCount = (flag: 'iwae-images' | 'elbo-images', fallback: number | 'all'): number | 'all' => {
    const value = flags[flag] === undefined ? fallback : flags[flag] === 'all' ? 'all' : numberFlag(flag, flags[flag], 0, 1);
    if (value !== 'all' && !Number.isInteger(value)) throw new CliError(`--${flag} must be an integer or all, got "${flags[flag]}"`);
    return value;
  };
  const images = imageCount('iwae-images', DEFAULT_IWAE_IMAGES);
  const elboImages = imageCount('elbo-images', 'all');
  const seed = numberFlag('seed', flags.seed, 0, 0, 2 ** 32 - 1);
  if (!Number.isInteger(k)) throw new CliError(`--iwae-k must be an integer, got "${flags['iwae-k']}"`);
  let vaeRun: VaeRun;
  try {
    vaeRun = await withTestSplit(run, runDir);
  } catch (err) {
    throw asCliError(err);
  }
  const training = vaeRun.binarized
    ? 'trained with dynamic binarisation (each batch re-drawn as Bernoulli(pixel)); evaluated on the test set binarised once with a fixed seed'
    : `trained and evaluated on grey levels in [0, 1] (${vaeRun.vae.architecture.likelihood} likelihood)`;
  const started = performance.now();
  const evaluation = await evaluateVae(vaeRun.vae, vaeRun.test, {
    binarize: vaeRun.binarized, training, k, iwaeImages: images, elboImages, seed,
    onProgress: (done, total, seconds) => {
      // Spaces before the end overwrite a longer previous line; the last update ends the line.
      const eta = done < total ? `, ~${Math.round((seconds / done) * (total - done))} s left   ` : '   \n';
      process.stderr.write(`\rIWAE k=${k}: ${done}/${total} images in ${seconds.toFixed(0)} s${eta}`);
    },
  });
  console.log(`${formatVaeEvaluation(evaluation)}\n(VAE evaluation took ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  return evaluation;
}
