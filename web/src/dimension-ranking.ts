// Which latent dimensions get a slider (and which two the VAE scatter plots) when there are too many.
// VAEs with encoded test images: the dimensions whose μ(x) varies most over the test set (the active
// units; the others sit at the prior and barely change the image). Otherwise: the most influential
// ones, measured as the mean pixel change when one coordinate moves by ±1 from a code.
import type { RunModel } from './run-model.ts';

/** Up to this many latent dimensions, every one gets a slider. */
export const ALL_SLIDERS_UP_TO = 16;
/** Sliders shown for larger latents. */
export const RANKED_SLIDERS = 10;

/** Variance of each column of rows [n, d] (flat). → [d]. */
export function columnVariance(rows: ArrayLike<number>, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  const variance = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += rows[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) variance[j] += (rows[i * d + j] - mean[j]) ** 2 / n;
  return variance;
}

/** Indices of the `k` largest scores, largest first (ties: lower index first). */
export function topIndices(scores: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b).slice(0, k);
}

/** Mean absolute pixel change when each coordinate of `base` [d] moves by −1 and +1 (label for conditional runs). → [d]. */
export async function influence(model: RunModel, base: Float32Array, label: number): Promise<Float64Array> {
  const d = base.length;
  const codes = new Float32Array(2 * d * d);
  for (let j = 0; j < d; j++) {
    codes.set(base, 2 * j * d);
    codes.set(base, (2 * j + 1) * d);
    codes[2 * j * d + j] -= 1;
    codes[(2 * j + 1) * d + j] += 1;
  }
  const labels = model.manifest.numClasses ? new Int32Array(2 * d).fill(label) : undefined;
  const images = await model.generate(codes, labels);
  const pixels = images.length / (2 * d);
  const scores = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let sum = 0;
    for (let p = 0; p < pixels; p++) sum += Math.abs(images[(2 * j + 1) * pixels + p] - images[2 * j * pixels + p]);
    scores[j] = sum / pixels;
  }
  return scores;
}
