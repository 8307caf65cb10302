// The HTTP API between `ganvae serve` and the explorer page: its routes and the JSON they return.
// Free of Node imports, so the page's bundle can share it.
import type { RunInfo } from '../training/run-folder.ts';
import type { LatentCode } from '../training/trainable.ts';

/** URL prefix under which the run folder is served. */
export const RUN_ROUTE = '/run/';
/** URL of the manifest and of the VAE's encoded test images. */
export const MANIFEST_ROUTE = '/api/explorer.json';
export const TEST_LATENTS_ROUTE = '/api/test-latents.json';

/** The page's description of a run (GET /api/explorer.json). */
export interface ExplorerManifest {
  /** The run folder's name. */
  name: string;
  kind: 'gan' | 'vae';
  dataset: RunInfo['dataset'];
  config: Record<string, unknown>;
  /** Backend the run was trained on. */
  trainedOn: string;
  /** Length of the latent vector the generator or decoder takes: InfoGAN's codes first, then z. */
  latentSize: number;
  /** z's prior: the VampPrior's components come from encoding `models.pseudoInputs` (a mixture, src/vae/prior.ts). */
  prior: 'normal' | 'uniform' | 'vamp';
  /** InfoGAN's codes at the start of the latent vector, in order (latent.ts draws them); empty without. */
  latentCodes: LatentCode[];
  /** Classes the model is conditioned on (0: unconditional). */
  numClasses: number;
  /** model.json URLs: GAN `generator` (EMA weights when kept); VAE `encoder` and `decoder`, and `pseudoInputs` with the VampPrior. */
  models: { generator?: string; encoder?: string; decoder?: string; pseudoInputs?: string };
  /** Where the weights come from: the finished model/ or the latest checkpoint of an unfinished run. */
  weightsFrom: string;
  /**
   * How the image-producing model's first output becomes pixels in [0, 1]: tanh output (x + 1) / 2
   * (GAN), sigmoid of Bernoulli logits, or the Gaussian mean clipped (VAE) — as `ganvae sample` does.
   */
  output: 'tanh' | 'bernoulli-logits' | 'gaussian-mean';
  /** Whether the VAE was trained on binarised images. */
  binarized: boolean;
  /** eval/metrics.json, or null before `ganvae eval`. */
  metrics: unknown;
  /** URL of the encoded test images (VAEs), or null. */
  testLatents: string | null;
}

/** GET /api/test-latents.json: μ of test images, row-major [count, latentSize], with their labels. */
export type TestLatents =
  | { available: true; count: number; latentSize: number; mu: number[]; labels: number[] | null; protocol: string }
  | { available: false; reason: string };

