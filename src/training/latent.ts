// Latent codes for sampling: seeded draws from a model's prior (optionally truncated), a model's whole latent
// vectors (InfoGAN codes first, then the prior's z), and paths between two codes (linear or spherical), as used by
// sample grids, `ganvae sample|interpolate|traverse`, evaluation and the explorer.
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../core/errors.ts';
import type { Rng } from '../core/random.ts';
import type { LatentCode, LatentPrior, Trainable } from './trainable.ts';

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

/** What latentVectors draws for: a model's latent vector length, its prior and its leading codes (a Trainable is one). */
export type LatentSpace = Pick<Trainable, 'latentSize' | 'prior' | 'latentCodes' | 'priorValues'>;

/** Code values chosen by code name: a category index (0-based) for a categorical code, the value for a continuous one. */
export type FixedCodes = Readonly<Record<string, number>>;

/** Entries of the latent vector the codes fill, at its start. */
export function codesSize(codes: readonly LatentCode[] = []): number {
  return codes.reduce((sum, code) => sum + code.size, 0);
}

/** Where each code starts in the latent vector (the codes in order, from entry 0). */
export function codeOffsets(codes: readonly LatentCode[]): number[] {
  let offset = 0;
  return codes.map((code) => (offset += code.size) - code.size);
}

/** Writes `value` of `code` into `vector` from `offset`: a categorical code's one-hot of category `value`, a continuous code's value. */
export function writeCode(vector: Float32Array, offset: number, code: LatentCode, value: number): void {
  if (code.kind === 'continuous') {
    vector[offset] = value;
    return;
  }
  vector.fill(0, offset, offset + code.size);
  vector[offset + value] = 1;
}

/**
 * Throws a ConfigError when `fixed` does not fit `codes`: a name that is no code, a categorical value that is not a
 * category index 0..size−1, a continuous value that is not finite.
 */
export function checkFixedCodes(codes: readonly LatentCode[], fixed: FixedCodes): void {
  for (const [name, value] of Object.entries(fixed)) {
    const code = codes.find((c) => c.name === name);
    if (!code) {
      throw new ConfigError(codes.length ? `there is no code "${name}": the codes are ${codes.map((c) => c.name).join(', ')}` : `there is no code "${name}": the model has no latent codes`);
    }
    if (code.kind === 'categorical' && !(Number.isInteger(value) && value >= 0 && value < code.size)) {
      throw new ConfigError(`code ${name} is categorical with ${code.size} categories: give an index 0..${code.size - 1}, got ${value}`);
    }
    if (!Number.isFinite(value)) throw new ConfigError(`code ${name} is continuous: give a finite number (it is drawn from [-1, 1]), got ${value}`);
  }
}

/**
 * n latent vectors [n, latentSize] flat, drawn from `rng`: in each, the codes (categorical: a uniform category as
 * one-hot; continuous: U(−1, 1)) or their `fixed` values, then z from the prior (truncated as in latentValues; a
 * learned prior's z from `space.priorValues`). All z are drawn before the codes, and fixed codes are drawn too, so a
 * seed gives the same z and free codes whatever is fixed; without codes this is latentValues(n · latentSize, prior,
 * rng, truncation), or priorValues(n, rng, truncation).
 */
export function latentVectors(n: number, space: LatentSpace, rng: Rng, options: { truncation?: number; fixed?: FixedCodes } = {}): Float32Array {
  const codes = space.latentCodes ?? [];
  const fixed = options.fixed ?? {};
  checkFixedCodes(codes, fixed);
  const start = codesSize(codes);
  const zSize = space.latentSize - start;
  if (zSize < 0) throw new Error(`latent codes of ${start} entries do not fit a latent vector of ${space.latentSize}`);
  const z = space.priorValues ? space.priorValues(n, rng, options.truncation) : latentValues(n * zSize, space.prior ?? 'normal', rng, options.truncation);
  if (!codes.length) return z;
  const out = new Float32Array(n * space.latentSize);
  const offsets = codeOffsets(codes);
  for (let i = 0; i < n; i++) out.set(z.subarray(i * zSize, (i + 1) * zSize), i * space.latentSize + start);
  for (let i = 0; i < n; i++) {
    const row = out.subarray(i * space.latentSize, (i + 1) * space.latentSize);
    codes.forEach((code, j) => {
      const drawn = code.kind === 'categorical' ? rng.int(code.size) : 2 * rng.next() - 1;
      writeCode(row, offsets[j], code, fixed[code.name] ?? drawn);
    });
  }
  return out;
}

/** latentVectors as a tensor [n, latentSize]. */
export function latentBatch(n: number, space: LatentSpace, rng: Rng, options: { truncation?: number; fixed?: FixedCodes } = {}): tf.Tensor2D {
  return tf.tensor2d(latentVectors(n, space, rng, options), [n, space.latentSize]);
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
