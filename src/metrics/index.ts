// The public API of ganvae's evaluation metrics: FID, KID, IS, precision/recall, density/coverage,
// feature extractors and reference-statistics files.
export { featureMatrix, type FeatureMatrix, gaussianStats, type GaussianStats } from './features.ts';
export { frechetDistance, type FidResult, traceSqrtProduct } from './fid.ts';
export { kernelInceptionDistance, type KidOptions, type KidResult } from './kid.ts';
export { inceptionScore, type InceptionScoreOptions, type InceptionScoreResult } from './inception-score.ts';
export { type ManifoldResult, precisionRecallDensityCoverage, squaredKnnRadii } from './precision-recall.ts';
export { type DotProducts, float64Dots, tfjsDots } from './dot-products.ts';
export { sqrtmPsd, symmetricEigen } from './linalg.ts';
export { NumpyRandomState } from './numpy-random.ts';
export { builtInExtractorDir, type FeatureExtractor, loadClassifierExtractor } from './extractor.ts';
export { loadInceptionExtractor } from './inception.ts';
export { extractFeatures, type ExtractedFeatures } from './extract-features.ts';
export { DEFAULT_METRIC_SETTINGS, type MetricSettings, prepareReference, scoreAgainst } from './evaluate.ts';
export { loadStats, saveStats } from './stats-file.ts';
export { loadLayersModel, saveLayersModel } from '../core/layers-model-files.ts';
