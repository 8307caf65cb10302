// Runs the same computation on two tfjs backends so tests can compare them value by value.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/env/backend.ts';
import { loadAddon } from '../../src/native/addon.ts';

/** Whether the native addon is built here; tests of it are skipped (with this reason) when not. */
export const nativeMissing: string | false = loadAddon().addon ? false : `native addon not built: ${loadAddon().error}`;

/** Runs `fn` with `backend` active and returns its results as plain typed arrays (tensors disposed). */
export async function runOn<T extends tf.Tensor | tf.Tensor[]>(backend: 'native' | 'cpu', fn: () => T): Promise<Float32Array[]> {
  await initBackend(backend);
  const out = tf.tidy(fn);
  const list = Array.isArray(out) ? out : [out];
  const arrays = list.map((t) => t.dataSync() as Float32Array);
  tf.dispose(list);
  return arrays;
}

/**
 * Largest |a - b| relative to the reference's scale max(1, max|b|): float32 sums taken in another
 * order differ by a few ulps of the largest terms, not of each small result.
 */
export function maxRelativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    if (Object.is(a[i], b[i]) || a[i] === b[i]) continue;
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) return Infinity;
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return worst / scale;
}

/** A small seeded PRNG (mulberry32) for choosing test shapes. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
