// Latent codes for sampling: seeded draws from a model's prior (optionally truncated) and paths between
// two codes (linear or spherical), as used by sample grids, `ganvae sample` and `ganvae interpolate`.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../core/random.ts';
import type { LatentPrior } from './trainable.ts';

/**
 * n latent codes [n, size] from `prior`, drawn from `rng`. `truncation` t > 0 redraws normal coordinates
 * with |z| > t (the truncation trick: less variety, more typical samples).
 */
export function latentNoise(n: number, size: number, prior: LatentPrior, rng: Rng, truncation = 0): tf.Tensor2D {
  return tf.tensor2d(latentValues(n * size, prior, rng, truncation), [n, size]);
}

/** `count` prior draws as a flat array (see latentNoise). */
export function latentValues(count: number, prior: LatentPrior, rng: Rng, truncation = 0): Float32Array {
  if (truncation < 0) throw new Error(`truncation must be positive (or 0 for none), got ${truncation}`);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    if (prior === 'uniform') {
      values[i] = 2 * rng.next() - 1;
      continue;
    }
    let z = rng.normal();
    while (truncation > 0 && Math.abs(z) > truncation) z = rng.normal();
    values[i] = z;
  }
  return values;
}

/**
 * `steps` codes from a to b inclusive (each [size]): 'linear' mixes them; 'slerp' moves along the great
 * circle, which keeps Gaussian codes at a typical norm (White 2016). Returns [steps, size].
 */
export function interpolateLatents(a: Float32Array, b: Float32Array, steps: number, mode: 'linear' | 'slerp'): tf.Tensor2D {
  if (a.length !== b.length) throw new Error(`cannot interpolate codes of sizes ${a.length} and ${b.length}`);
  if (!(Number.isInteger(steps) && steps >= 2)) throw new Error(`steps must be an integer of at least 2, got ${steps}`);
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  const omega = Math.acos(Math.min(1, Math.max(-1, dot / (norm(a) * norm(b) || 1))));
  const out = new Float32Array(steps * a.length);
  for (let s = 0; s < steps; s++) {
    const t = s / (steps - 1);
    // slerp degenerates to linear when the codes are (anti)parallel.
    const useLinear = mode === 'linear' || Math.sin(omega) < 1e-6;
    const wa = useLinear ? 1 - t : Math.sin((1 - t) * omega) / Math.sin(omega);
    const wb = useLinear ? t : Math.sin(t * omega) / Math.sin(omega);
    for (let i = 0; i < a.length; i++) out[s * a.length + i] = wa * a[i] + wb * b[i];
  }
  return tf.tensor2d(out, [steps, a.length]);
}
