// Reconstruction error of a VAE on an evaluation set: each image is encoded to its posterior mean μ
// and decoded to the decoder's mean image, then compared with MSE, PSNR, BCE and SSIM.
import * as tf from '@tensorflow/tfjs-core';
import { decode, encode, type Vae } from './vae.ts';
import { decoderMeanImage } from './likelihood.ts';
import type { VaeEvalSet } from './eval-set.ts';
import { binaryCrossEntropy, meanSquaredError, psnr } from '../metrics/pixel-errors.ts';
import { ssim, STANDARD_SSIM } from '../metrics/ssim.ts';

/** Means over the images of per-image errors (images in [0, 1]). */
export interface ReconstructionErrors {
  /** Mean squared error per pixel. */
  mse: number;
  /** Mean of per-image PSNR, dB (data range 1). */
  psnr: number;
  /** Binary cross-entropy, nats per image (summed over pixels). */
  bce: number;
  /** Mean of per-image SSIM (11x11 Gaussian window, σ 1.5, K1 0.01, K2 0.03); null for images smaller than the window. */
  ssim: number | null;
  images: number;
}

/** x [n, h, w, c] (labels [n]) → the decoder's mean image at z = μ(x), [n, h, w, c] in [0, 1]. */
export function reconstruct(vae: Vae, x: tf.Tensor4D, labels?: tf.Tensor1D): tf.Tensor4D {
  return tf.tidy(() => decoderMeanImage(vae.architecture, decode(vae, encode(vae, x, labels).mu, labels)));
}

/** Reconstruction errors over every image of `set`, in batches of `batchSize`. */
export async function evaluateReconstruction(vae: Vae, set: VaeEvalSet, { batchSize = 500 } = {}): Promise<ReconstructionErrors> {
  const [h, w] = vae.architecture.imageShape;
  const hasSsim = h >= STANDARD_SSIM.windowSize && w >= STANDARD_SSIM.windowSize;
  const sums = [0, 0, 0, 0];
  let images = 0;
  for (const { x, labels } of set.batches(batchSize)) {
    const perBatch = tf.tidy(() => {
      const xHat = reconstruct(vae, x, labels);
      const errors = [meanSquaredError(x, xHat), psnr(x, xHat), binaryCrossEntropy(x, xHat)];
      if (hasSsim) errors.push(ssim(x, xHat));
      return tf.stack(errors.map((t) => tf.sum(t)));
    });
    const values = await perBatch.data();
    tf.dispose([perBatch, x, labels]);
    values.forEach((v, i) => { sums[i] += v; });
    images += x.shape[0];
  }
  const [mse, psnrSum, bce, ssimSum] = sums.map((s) => s / images);
  return { mse, psnr: psnrSum, bce, ssim: hasSsim ? ssimSum : null, images };
}
