// Latent codes and labels for the sample grid, drawn exactly as `ganvae sample --seed S --n N [--class K]`
// draws them (same seeded generator, same label cycling), so the page and the CLI show the same images.
import { Rng } from '../../src/core/random.ts';
import { latentVectors, type LatentSpace } from '../../src/training/latent.ts';

/** n latent vectors [n, latentSize] flat (InfoGAN's codes first, then z), and their labels [n] for conditional runs. */
export interface CodeBatch {
  n: number;
  codes: Float32Array;
  labels?: Int32Array;
}

/**
 * n codes from `space` (a VampPrior's mixture included) for a model on `numClasses` classes (0: unconditional);
 * `classChoice` −1 cycles through the classes (one per column), else every image gets that class.
 */
export function sampleCodes(space: LatentSpace, numClasses: number, seed: number, n: number, classChoice: number): CodeBatch {
  const codes = latentVectors(n, space, new Rng(seed));
  if (!numClasses) return { n, codes };
  const labels = Int32Array.from({ length: n }, (_, i) => (classChoice < 0 ? i % numClasses : classChoice));
  return { n, codes, labels };
}

/** Code i of a batch as its own array [latentSize]. */
export function codeAt(batch: CodeBatch, i: number): Float32Array {
  const size = batch.codes.length / batch.n;
  return batch.codes.slice(i * size, (i + 1) * size);
}
