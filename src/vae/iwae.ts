// Negative log-likelihood of a VAE by importance sampling (the IWAE bound, Burda et al. 2015):
// log p(x) ≥ log (1/k) Σ_i p(x, z_i) / q(z_i|x), z_i ~ q(z|x), tighter as k grows (k = 1: the ELBO),
// under the model's prior (N(0, I) or its VampPrior, encoded once for the whole evaluation).
// Samples go through the decoder in chunks; each image's log-mean-exp is streamed in float64.
import * as tf from '@tensorflow/tfjs-core';
import { mixSeed } from '../core/random.ts';
import { encode, type Vae } from './vae.ts';
import { logWeights, logWeightTerms } from './log-weights.ts';
import { disposePriorDensity, priorDensity } from './prior.ts';
import type { VaeEvalSet } from './eval-set.ts';

export interface IwaeOptions {
  /** Importance samples per image. */
  k: number;
  /** Decoder passes per chunk (images x samples); bounds memory. Default 1000. */
  decoderBatch?: number;
  /** Seed of the samples. Default 0. */
  seed?: number;
  /** Called after each group of images with the images done, the total and the seconds so far. */
  onProgress?: (done: number, total: number, seconds: number) => void;
}

export interface IwaeResult {
  /** −mean over images of the IWAE estimate of log p(x), nats per image (an upper bound on the true NLL in expectation). */
  nll: number;
  /** Standard error of `nll` over the images (spread of per-image estimates / √n). */
  nllStandardError: number;
  /** −mean of the k single-sample log weights: a k-sample estimate of the negative ELBO. */
  negativeElbo: number;
  k: number;
  images: number;
  seconds: number;
}

/** Running log-sum-exp of a stream of log weights per image, in float64 so k = 5000 loses nothing. */
export class LogSumExp {
  readonly max: Float64Array;
  readonly sum: Float64Array;
  readonly total: Float64Array;

  constructor(size: number) {
    this.max = new Float64Array(size).fill(-Infinity);
    this.sum = new Float64Array(size);
    this.total = new Float64Array(size);
  }

  /** Adds log weights laid out [samples, images] (image index fastest). */
  add(values: Float32Array, images: number): void {
    const samples = values.length / images;
    for (let b = 0; b < images; b++) {
      let chunkMax = -Infinity;
      for (let i = 0; i < samples; i++) chunkMax = Math.max(chunkMax, values[i * images + b]);
      const max = Math.max(this.max[b], chunkMax);
      let sum = this.sum[b] * Math.exp(this.max[b] - max);
      for (let i = 0; i < samples; i++) {
        sum += Math.exp(values[i * images + b] - max);
        this.total[b] += values[i * images + b];
      }
      this.max[b] = max;
      this.sum[b] = sum;
    }
  }

  /** log Σ exp for image b. */
  value(b: number): number {
    return this.max[b] + Math.log(this.sum[b]);
  }
}

/** The IWAE estimate of −log p(x) averaged over `set`, with k samples per image. */
export async function evaluateIwae(vae: Vae, set: VaeEvalSet, options: IwaeOptions): Promise<IwaeResult> {
  const { k, decoderBatch = 1000, seed = 0, onProgress } = options;
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`IWAE: k must be a positive integer, got ${k}`);
  if (!(Number.isInteger(decoderBatch) && decoderBatch >= 1)) throw new Error(`IWAE: decoderBatch must be a positive integer, got ${decoderBatch}`);
  // Many images per chunk when k is small; one image split over several chunks when k is large.
  const imagesPerGroup = Math.max(1, Math.floor(decoderBatch / k));
  const chunkCount = Math.ceil(k / decoderBatch);
  const chunkSize = Math.ceil(k / chunkCount);
  const started = performance.now();
  const estimates: number[] = [];
  let negativeElboSum = 0;
  let group = 0;
  const prior = priorDensity(vae);
  try {
    for (const { x, labels } of set.batches(imagesPerGroup)) {
      const images = x.shape[0];
      const { mu, logVar } = encode(vae, x, labels);
      const stream = new LogSumExp(images);
      for (let chunk = 0, done = 0; done < k; chunk++, done += chunkSize) {
        const samples = Math.min(chunkSize, k - done);
        const weights = tf.tidy(() => logWeights(logWeightTerms(vae, prior, x, labels, mu, logVar, samples, mixSeed(seed, group, chunk))));
        stream.add(await weights.data() as Float32Array, images);
        weights.dispose();
      }
      tf.dispose([x, labels, mu, logVar]);
      for (let b = 0; b < images; b++) {
        estimates.push(stream.value(b) - Math.log(k));
        negativeElboSum -= stream.total[b] / k;
      }
      group++;
      onProgress?.(estimates.length, set.count, (performance.now() - started) / 1000);
    }
  } finally {
    disposePriorDensity(prior);
  }
  const n = estimates.length;
  const mean = estimates.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? estimates.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return {
    nll: -mean, nllStandardError: Math.sqrt(variance / n), negativeElbo: negativeElboSum / n,
    k, images: n, seconds: (performance.now() - started) / 1000,
  };
}
