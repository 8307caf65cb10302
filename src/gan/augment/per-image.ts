// Per-image pieces every augmentation shares: which images of a batch it touches (seeded coins) and per-image
// values as tensors that broadcast over each image.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../core/random.ts';

/** n per-image coins, true with probability p (p ≥ 1: all true, p ≤ 0: all false, neither drawing from `rng`). */
export function drawGate(rng: Rng, n: number, p: number): boolean[] {
  if (p >= 1 || p <= 0) return new Array<boolean>(n).fill(p >= 1);
  return Array.from({ length: n }, () => rng.next() < p);
}

/** values [n] as a [n, 1, 1, 1] tensor that broadcasts over each image of a batch [n, h, w, c]. */
export function perImage(values: readonly number[]): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(values), [values.length, 1, 1, 1]);
}
