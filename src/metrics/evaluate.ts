// All metrics of one evaluated feature set against a reference set: FID, KID, IS, precision/recall,
// density/coverage. The reference's moments and k-NN radii are computed once and reused (e.g. for
// the generated samples and for the real-data floor).
import { float64Dots, tfjsDots } from './dot-products.ts';
import { frechetDistance } from './fid.ts';
import type { ExtractedFeatures } from './extract-features.ts';
import { gaussianStats, type GaussianStats } from './features.ts';
import { inceptionScore } from './inception-score.ts';
import { kernelInceptionDistance } from './kid.ts';
import { precisionRecallDensityCoverage, squaredKnnRadii, type SquaredRadii } from './precision-recall.ts';

/** Settings of the metrics; defaults are the reference implementations'. */
export interface MetricSettings {
  kidSubsets: number;
  kidSubsetSize: number;
  isSplits: number;
  precisionRecallK: number;
  densityCoverageK: number;
  /** Seed of numpy's RandomState for KID subsets and the IS shuffle (torch-fidelity: 2020). */
  seed: number;
  /** float64 JavaScript for KID's and the k-NN distances' products instead of float32 tf.matMul (~30× slower). */
  exact: boolean;
}

export const DEFAULT_METRIC_SETTINGS: MetricSettings = {
  kidSubsets: 100, kidSubsetSize: 1000, isSplits: 10, precisionRecallK: 3, densityCoverageK: 5, seed: 2020, exact: false,
};

/** What the candidate set is compared with: moments always, features when KID and PR/DC are wanted. */
export interface Reference {
  stats: GaussianStats;
  /** Absent when only cached statistics were loaded (then only FID and IS are computed). */
  features?: ExtractedFeatures;
  radii?: SquaredRadii;
}

/** Scores of one candidate set; null where the reference lacked what the metric needs. */
export interface MetricValues {
  fid: number;
  kid: { mean: number; std: number } | null;
  inceptionScore: { mean: number; std: number };
  precision: number | null;
  recall: number | null;
  density: number | null;
  coverage: number | null;
}

function dotsFor(settings: MetricSettings) {
  return settings.exact ? float64Dots : tfjsDots;
}

/** Moments and k-NN radii of reference features, computed once. */
export function prepareReference(features: ExtractedFeatures, settings: MetricSettings): Reference {
  return {
    stats: gaussianStats(features.features),
    features,
    radii: squaredKnnRadii(features.features, [settings.precisionRecallK, settings.densityCoverageK], dotsFor(settings)),
  };
}

/** Every metric of `candidate` against `reference`; warnings (e.g. FID's) are appended to `warnings`. */
export function scoreAgainst(reference: Reference, candidate: ExtractedFeatures, settings: MetricSettings, warnings: string[]): MetricValues {
  const fid = frechetDistance(gaussianStats(candidate.features), reference.stats);
  warnings.push(...fid.warnings);
  const is = inceptionScore(candidate.logits, { splits: settings.isSplits, seed: settings.seed });
  const values: MetricValues = {
    fid: fid.fid, kid: null, inceptionScore: { mean: is.mean, std: is.std },
    precision: null, recall: null, density: null, coverage: null,
  };
  if (!reference.features) return values;
  const kid = kernelInceptionDistance(candidate.features, reference.features.features, {
    subsets: settings.kidSubsets, subsetSize: settings.kidSubsetSize, seed: settings.seed, dots: dotsFor(settings),
  });
  values.kid = { mean: kid.mean, std: kid.std };
  const manifold = precisionRecallDensityCoverage(reference.features.features, candidate.features,
    { precisionRecallK: settings.precisionRecallK, densityCoverageK: settings.densityCoverageK, dots: dotsFor(settings) }, reference.radii);
  return { ...values, ...manifold };
}
