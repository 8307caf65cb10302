// Latent codes laid out for pictures of a VAE's latent space: traversals (one coordinate swept while
// the others stay at a base code) and the 2-D map (a grid of Gaussian quantiles, as in Kingma & Welling).
import * as tf from '@tensorflow/tfjs-core';

/** `steps` evenly spaced values from `from` to `to` inclusive. */
export function linspace(from: number, to: number, steps: number): number[] {
  if (!(Number.isInteger(steps) && steps >= 2)) throw new Error(`steps must be an integer of at least 2, got ${steps}`);
  return Array.from({ length: steps }, (_, i) => from + ((to - from) * i) / (steps - 1));
}

/**
 * Traversal codes: for each dimension d of `dims`, `values.length` copies of `base` [latent] with
 * coordinate d set to each value. → [dims.length · values.length, latent], one row of the grid per d.
 */
export function latentTraversal(base: ArrayLike<number>, dims: number[], values: number[]): tf.Tensor2D {
  const size = base.length;
  const bad = dims.find((d) => !(Number.isInteger(d) && d >= 0 && d < size));
  if (bad !== undefined) throw new Error(`latent dimension ${bad} does not exist: this model's z has dimensions 0..${size - 1}`);
  const codes = new Float32Array(dims.length * values.length * size);
  dims.forEach((d, row) => values.forEach((v, col) => {
    const offset = (row * values.length + col) * size;
    codes.set(Array.from(base), offset);
    codes[offset + d] = v;
  }));
  return tf.tensor2d(codes, [dims.length * values.length, size]);
}

/**
 * Inverse CDF of N(0, 1) (Acklam's rational approximation, relative error < 1.2e-9), for p in (0, 1).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * The 2-D latent map's codes: z₁ = Φ⁻¹(p) across columns and z₂ = Φ⁻¹(p) down rows (high values at
 * the top), p evenly spaced in [0.05, 0.95], so equal areas of prior mass get equal room.
 * → [steps², 2], row-major.
 */
export function latentMapCodes(steps: number): tf.Tensor2D {
  const quantiles = linspace(0.05, 0.95, steps).map(normalQuantile);
  const codes = new Float32Array(steps * steps * 2);
  for (let row = 0; row < steps; row++) {
    for (let col = 0; col < steps; col++) {
      codes[(row * steps + col) * 2] = quantiles[col];
      codes[(row * steps + col) * 2 + 1] = quantiles[steps - 1 - row];
    }
  }
  return tf.tensor2d(codes, [steps * steps, 2]);
}
