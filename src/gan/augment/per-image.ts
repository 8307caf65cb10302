// Per-image pieces the augmentations share: which images of a batch an op touches (seeded coins), normal draws,
// and per-image values as tensors that broadcast over each image.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../core/random.ts';

/** n per-image coins, true with probability p (p ≥ 1: all true, p ≤ 0: all false, neither drawing from `rng`). */
export function drawGate(rng: Rng, n: number, p: number): boolean[] {
  if (p >= 1 || p <= 0) return new Array<boolean>(n).fill(p >= 1);
  return Array.from({ length: n }, () => rng.next() < p);
}

/**
 * n standard normal draws (Box-Muller in pairs, the odd one's partner dropped): unlike Rng.normal, no spare is left
 * behind, so `rng.state` alone (what a checkpoint saves) continues the stream exactly.
 */
export function drawNormals(rng: Rng, n: number): number[] {
  const values: number[] = [];
  while (values.length < n) {
    const radius = Math.sqrt(-2 * Math.log(1 - rng.next()));
    const angle = 2 * Math.PI * rng.next();
    values.push(radius * Math.cos(angle), radius * Math.sin(angle));
  }
  return values.slice(0, n);
}

/** values [n] as a [n, 1, 1, 1] tensor that broadcasts over each image of a batch [n, h, w, c]. */
export function perImage(values: readonly number[]): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(values), [values.length, 1, 1, 1]);
}
