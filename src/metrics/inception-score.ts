// Inception Score (Salimans et al. 2016) as torch-fidelity's `isc_features_to_metric`: logits are
// shuffled with RandomState(seed), cut into contiguous splits, and each split scores
// exp(mean_x KL(p(y|x) ‖ p(y))); the result is the mean ± population std (np.std) of the splits.
import type { FeatureMatrix } from './features.ts';
import { NumpyRandomState } from './numpy-random.ts';

/** IS options; the defaults are torch-fidelity's. */
export interface InceptionScoreOptions {
  /** Number of contiguous splits (10). */
  splits?: number;
  /** Shuffle the samples before splitting, as torch-fidelity's `samples_shuffle` (true). */
  shuffle?: boolean;
  /** Seed of the shuffle (2020). */
  seed?: number;
}

/** IS mean and population standard deviation over the splits. */
export interface InceptionScoreResult {
  mean: number;
  std: number;
  splits: number;
}

/** Inception Score of classifier logits `[n, classes]` (softmax is taken here, in float64). */
export function inceptionScore(logits: FeatureMatrix, options: InceptionScoreOptions = {}): InceptionScoreResult {
  const splits = options.splits ?? 10;
  const { n, dim: classes } = logits;
  if (n < splits) throw new Error(`Inception Score needs at least one sample per split: ${n} samples for ${splits} splits`);
  const order = options.shuffle ?? true ? new NumpyRandomState(options.seed ?? 2020).permutation(n) : null;
  const { probs, logProbs } = softmaxRows(logits, order);
  const scores: number[] = [];
  for (let s = 0; s < splits; s++) {
    const start = Math.floor((s * n) / splits);
    const end = Math.floor(((s + 1) * n) / splits);
    const count = end - start;
    // p(y) of this split: the mean of p(y|x) over its rows.
    const marginal = new Float64Array(classes);
    for (let i = start; i < end; i++) {
      for (let c = 0; c < classes; c++) marginal[c] += probs[i * classes + c];
    }
    for (let c = 0; c < classes; c++) marginal[c] = Math.log(marginal[c] / count);
    let klSum = 0;
    for (let i = start; i < end; i++) {
      for (let c = 0; c < classes; c++) {
        const p = probs[i * classes + c];
        klSum += p * (logProbs[i * classes + c] - marginal[c]);
      }
    }
    scores.push(Math.exp(klSum / count));
  }
  const mean = scores.reduce((sum, v) => sum + v, 0) / splits;
  const variance = scores.reduce((sum, v) => sum + (v - mean) ** 2, 0) / splits;
  return { mean, std: Math.sqrt(variance), splits };
}

// Row-wise softmax and log-softmax in float64, rows taken in `order` when given.
function softmaxRows(logits: FeatureMatrix, order: Int32Array | null): { probs: Float64Array; logProbs: Float64Array } {
  const { n, dim, data } = logits;
  const probs = new Float64Array(n * dim);
  const logProbs = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    const src = (order ? order[i] : i) * dim;
    let max = -Infinity;
    for (let c = 0; c < dim; c++) max = Math.max(max, data[src + c]);
    let sum = 0;
    for (let c = 0; c < dim; c++) sum += Math.exp(data[src + c] - max);
    const logSum = Math.log(sum) + max;
    // As torch: softmax as exp(x − max)/Σ, log-softmax as x − logΣexp, each on its own.
    for (let c = 0; c < dim; c++) {
      probs[i * dim + c] = Math.exp(data[src + c] - max) / sum;
      logProbs[i * dim + c] = data[src + c] - logSum;
    }
  }
  return { probs, logProbs };
}
