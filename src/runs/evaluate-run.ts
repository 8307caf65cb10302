// Scores a run's samples (or a folder of images from any tool) against a dataset split with FID, KID, IS,
// precision/recall and density/coverage, next to the real-data floor, and writes metrics.json. VAE runs
// also get their likelihood metrics. `ganvae eval` is a thin CLI over `evaluateRun`; the demo calls it too.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadDataset } from '../data/sources.ts';
import { runFitOptions } from '../training/config.ts';
import { initBackend } from '../env/backend.ts';
import { DEFAULT_METRIC_SETTINGS, type MetricSettings, prepareReference, type Reference, scoreAgainst } from '../metrics/evaluate.ts';
import { extractFeatures } from '../metrics/extract-features.ts';
import { builtInExtractorDir, type FeatureExtractor, loadClassifierExtractor } from '../metrics/extractor.ts';
import { datasetSource, type ImageSource, trainableSource } from '../metrics/image-sources.ts';
import { loadInceptionExtractor } from '../metrics/inception.ts';
import { inceptionScore, type InceptionScoreResult } from '../metrics/inception-score.ts';
import { loadStats, saveStats } from '../metrics/stats-file.ts';
import type { OpenRun } from '../training/open-run.ts';
import { DEFAULT_IWAE_IMAGES, DEFAULT_IWAE_K, evaluateVae, type VaeEvaluation } from '../vae/evaluate.ts';
import { withTestSplit } from '../vae/vae-run.ts';
import type { EvaluationReport, SampleEvaluationReport, ScoredSet, VaeOnlyEvaluationReport } from './evaluation-report.ts';
import { openRun } from './open-run.ts';
import { checkOutputFile, checkOutputFolder } from '../core/output-paths.ts';
import { ConfigError, DataError, RunFolderError } from '../core/errors.ts';

// ---- request and result ----

/** Settings of a VAE run's likelihood evaluation (evaluateVae's). */
export interface VaeEvaluateOptions {
  /** Importance samples per image. Default DEFAULT_IWAE_K (5000). */
  k?: number;
  /** Test images for the IWAE bound: a count (seeded subset) or 'all'. Default DEFAULT_IWAE_IMAGES (50). */
  iwaeImages?: number | 'all';
  /** Test images for the ELBO and reconstruction errors: a count (the same seeded subsets) or 'all' (default). */
  elboImages?: number | 'all';
}

/** Progress of a slow phase: one set's features, or a VAE's IWAE bound. */
export type EvaluationProgress =
  | { phase: 'features'; label: string; done: number; total: number; seconds: number }
  | { phase: 'iwae'; k: number; done: number; total: number; seconds: number };

/**
 * What `evaluateRun` scores and how. Give exactly one of `run` and `images`. Error messages name the
 * `ganvae eval` flag of an option (`kidSubsetSize` is --kid-subset-size), as trainRun's do.
 */
export interface EvaluateRequest {
  /** A run folder: `n` samples from its generator (EMA weights when kept) or its VAE's decoder. */
  run?: string;
  /** A folder of PNG/JPEG images made by any tool, decoded at the reference's shape (square images only). */
  images?: string;
  /** The reference dataset source, as loadDataset names it. Default: the run's dataset, else 'fashion-mnist'. */
  data?: string;
  /** Folder of the dataset's files, for sources that need one. */
  dataDir?: string;
  /** The reference split; the floor draws from the other one. Default 'test'. */
  split?: 'test' | 'train';
  /** Images per scored set, at least 2 (fewer when a split or the image folder holds fewer). Default 10,000. */
  n?: number;
  /** Seed of the latent codes, of the floor's train subset and of the VAE evaluation. Default 0. */
  seed?: number;
  /** Images per extractor batch. Default 500. */
  batchSize?: number;
  /** A classifier extractor folder. Default: the built-in one of the source (models/extractors/<data>-v<N>). */
  extractor?: string;
  /** A tfjs Layers Inception-v3 (model.json or its folder) instead of a classifier extractor. */
  inception?: string;
  /** The folder metrics.json goes into. Default: <run>/eval, or <images>-eval. */
  out?: string;
  /** Also save the reference's FID statistics (μ, Σ) to this file. */
  saveStats?: string;
  /** Take the reference's FID statistics from this file: FID and IS only, and no floor. */
  refStats?: string;
  /** Score the real-data floor (N images of the other split against the same reference). Default true. */
  floor?: boolean;
  /** KID subsets. Default 100. */
  kidSubsets?: number;
  /** Samples per KID subset. Default min(1000, n), shrunk to the smallest scored set; a given size that does not fit is refused. */
  kidSubsetSize?: number;
  /** float64 JavaScript for the KID and k-NN products too (~30× slower than float32 tfjs products). Default false. */
  exact?: boolean;
  /** VAE runs: the likelihood evaluation's settings. */
  vae?: VaeEvaluateOptions;
  /** VAE likelihood metrics only, no sample metrics; needs a VAE `run`. Default false. */
  vaeOnly?: boolean;
  /** Notes for the user: what is scored against what, an image folder smaller than `n`. */
  log?: (message: string) => void;
  /** Progress of feature extraction and of the IWAE bound. */
  onProgress?: (progress: EvaluationProgress) => void;
  /** A VAE run's likelihood metrics as soon as they are done (before the sample metrics), with their seconds. */
  onVaeEvaluation?: (evaluation: VaeEvaluation, seconds: number) => void;
}

export interface EvaluationResult {
  /** What metrics.json holds; `'extractor' in report` tells a sample evaluation from a `vaeOnly` one. */
  report: EvaluationReport;
  /** The metrics.json written. */
  path: string;
}

/** The request's defaults. */
export const EVALUATE_DEFAULTS = {
  data: 'fashion-mnist', split: 'test', n: 10000, seed: 0, batchSize: 500, floor: true,
  kidSubsets: DEFAULT_METRIC_SETTINGS.kidSubsets, exact: false,
} as const;

// ---- checks ----

function checkWhole(name: string, value: number, min: number, max = Infinity): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `of at least ${min}` : `between ${min} and ${max}`;
    throw new ConfigError(`evaluateRun: ${name} must be a whole number ${range}, got ${value}`);
  }
  return value;
}

function checkImageCount(name: string, value: number | 'all' | undefined): void {
  if (value !== undefined && value !== 'all') checkWhole(name, value, 1);
}

/** The request with its defaults, checked before anything is read. */
function resolveRequest(request: EvaluateRequest) {
  if (!request.run === !request.images) throw new ConfigError('give exactly one of --run runs/NAME or --images DIR');
  const split = request.split ?? EVALUATE_DEFAULTS.split;
  if (split !== 'test' && split !== 'train') throw new ConfigError(`--split must be test or train, got "${split}"`);
  const n = checkWhole('n', request.n ?? EVALUATE_DEFAULTS.n, 2);
  const seed = checkWhole('seed', request.seed ?? EVALUATE_DEFAULTS.seed, 0, 2 ** 32 - 1);
  const batchSize = checkWhole('batchSize', request.batchSize ?? EVALUATE_DEFAULTS.batchSize, 1, 100000);
  // KID subsets hold torch-fidelity's 1000 samples, or all n when fewer images are scored.
  const kidSubsetSize = checkWhole('kidSubsetSize', request.kidSubsetSize ?? Math.min(DEFAULT_METRIC_SETTINGS.kidSubsetSize, n), 2);
  if (request.kidSubsetSize !== undefined && kidSubsetSize > n && !request.refStats) {
    throw new ConfigError(`--kid-subset-size ${kidSubsetSize} is larger than -n ${n}: each KID subset draws that many of the n images of a set; ` +
      `pass --kid-subset-size at most ${n}, or a larger -n`);
  }
  const settings: MetricSettings = {
    ...DEFAULT_METRIC_SETTINGS,
    kidSubsets: checkWhole('kidSubsets', request.kidSubsets ?? EVALUATE_DEFAULTS.kidSubsets, 1, 100000),
    kidSubsetSize,
    exact: request.exact ?? EVALUATE_DEFAULTS.exact,
  };
  if (request.extractor && request.inception) throw new ConfigError('use either --extractor or --inception, not both');
  const vae = { k: request.vae?.k ?? DEFAULT_IWAE_K, iwaeImages: request.vae?.iwaeImages ?? DEFAULT_IWAE_IMAGES, elboImages: request.vae?.elboImages ?? 'all' };
  checkWhole('vae.k', vae.k, 1);
  checkImageCount('vae.iwaeImages', vae.iwaeImages);
  checkImageCount('vae.elboImages', vae.elboImages);
  return {
    split, n, seed, batchSize, settings, vae,
    useFloor: (request.floor ?? EVALUATE_DEFAULTS.floor) && !request.refStats,
    out: request.out ?? (request.run ? join(request.run, 'eval') : `${resolve(request.images!)}-eval`),
  };
}

/**
 * Checks, before any features are computed, that every scored set (`sets`: a name, its image count and
 * what to do about it) is large enough for the metrics: the Inception Score's splits, and (`kid`, when
 * the reference has features) KID's subsets. The default subset size shrinks to the smallest set; a
 * given one (`explicitKid`) that does not fit is refused.
 */
function checkSetSizes(settings: MetricSettings, explicitKid: boolean, sets: { name: string; count: number; hint: string }[], kid: boolean): void {
  for (const set of sets) {
    if (set.count < settings.isSplits) {
      throw new ConfigError(`${set.name}: ${set.count} images, fewer than the ${settings.isSplits} that the Inception Score's ${settings.isSplits} splits need; ${set.hint}`);
    }
  }
  if (!kid) return;
  const smallest = sets.reduce((a, b) => (b.count < a.count ? b : a));
  if (smallest.count >= settings.kidSubsetSize) return;
  if (explicitKid) {
    throw new ConfigError(`--kid-subset-size ${settings.kidSubsetSize} is larger than the ${smallest.count} images of ${smallest.name}; ` +
      `pass --kid-subset-size at most ${smallest.count}, or ${smallest.hint}`);
  }
  settings.kidSubsetSize = smallest.count;
}

/** `err` as bad input (exit 2 in the CLI): the user-facing error classes stay, anything else becomes a DataError with its message. */
function asInputError(err: unknown): Error {
  if (err instanceof ConfigError || err instanceof DataError || err instanceof RunFolderError) return err;
  return new DataError((err as Error).message, { cause: err });
}

// ---- steps ----

/** The Inception-v3 of `inception`, else the classifier extractor `extractor` (default: `data`'s built-in one). */
async function loadExtractor(request: EvaluateRequest, data: string): Promise<FeatureExtractor> {
  try {
    if (request.inception) return await loadInceptionExtractor(request.inception);
    return await loadClassifierExtractor(request.extractor ?? builtInExtractorDir(data));
  } catch (err) {
    const hint = request.extractor || request.inception ? '' : `; no built-in extractor for --data ${data} (train one with \`ganvae train classifier --data ${data}\`, or pass --inception)`;
    throw new ConfigError(`${(err as Error).message}${hint}`, { cause: err });
  }
}

/** A VAE run's likelihood metrics (evaluateVae on its test split) and their seconds. */
async function likelihoodMetrics(run: OpenRun, runDir: string, options: Required<VaeEvaluateOptions>, seed: number,
  onProgress: EvaluateRequest['onProgress']): Promise<{ evaluation: VaeEvaluation; seconds: number }> {
  const vaeRun = await withTestSplit(run, runDir);
  const training = vaeRun.binarized
    ? 'trained with dynamic binarisation (each batch re-drawn as Bernoulli(pixel)); evaluated on the test set binarised once with a fixed seed'
    : `trained and evaluated on grey levels in [0, 1] (${vaeRun.vae.architecture.likelihood} likelihood)`;
  const started = performance.now();
  const evaluation = await evaluateVae(vaeRun.vae, vaeRun.test, {
    binarize: vaeRun.binarized, training, ...options, seed, trainedOn: vaeRun.trainedOn,
    onProgress: (done, total, seconds) => onProgress?.({ phase: 'iwae', k: options.k, done, total, seconds }),
  });
  return { evaluation, seconds: (performance.now() - started) / 1000 };
}

/** The images to score: `n` samples of the run (checked against the reference's shape), or the image folder's. */
async function candidateSource(request: EvaluateRequest, run: OpenRun | undefined, data: string, shape: [number, number, number],
  n: number, seed: number, log: (message: string) => void): Promise<ImageSource> {
  const [h, w, c] = shape;
  if (run) {
    const runShape = run.data.shape;
    if (runShape.some((v, i) => v !== shape[i])) {
      throw new ConfigError(`${request.run} generates ${runShape.join('×')} images, but --data ${data} holds ${h}×${w}×${c} images`);
    }
    return trainableSource(run.trainable, runShape, run.data.numClasses, `${request.run} samples (weights from ${run.weightsFrom})`, n, seed);
  }
  const folder = await loadDataset(`folder:${request.images}`, { size: h, channels: c === 1 ? 1 : 3, testFraction: 0, cacheDir: false });
  if (w !== h) throw new ConfigError(`--images resizes to square images, but --data ${data} holds ${h}×${w} images`);
  const count = Math.min(n, folder.train.count);
  if (count < n) log(`${request.images} holds ${folder.train.count} images; scoring all of them instead of ${n}`);
  if (count < 2) throw new ConfigError(`${request.images} holds ${folder.train.count} usable images; need at least 2`);
  return datasetSource(folder.train, `images in ${request.images}`, count);
}

function writeReport(out: string, report: EvaluationReport): string {
  mkdirSync(out, { recursive: true });
  const path = join(out, 'metrics.json');
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}

const secondsSince = (t: number) => Math.round((performance.now() - t) / 100) / 10;

// ---- the evaluation ----

type Resolved = ReturnType<typeof resolveRequest>;

/** What evaluateRun has opened before the sample metrics: the run (absent for an image folder), the extractor, the VAE's metrics. */
interface Opened {
  run: OpenRun | undefined;
  extractor: FeatureExtractor;
  data: string;
  vae: VaeEvaluation | null;
  backend: string;
  started: number;
}

/**
 * The sample metrics of `request`: loads the reference split, checks every set's size, then scores the
 * candidate images and the floor against the reference's features (or cached statistics).
 */
async function scoreSamples(request: EvaluateRequest, resolved: Resolved, opened: Opened): Promise<SampleEvaluationReport> {
  const { split, n, seed, batchSize, settings, useFloor } = resolved;
  const { run, extractor, data } = opened;
  const log = request.log ?? (() => {});
  const progress = (label: string) => (done: number, total: number, seconds: number) =>
    request.onProgress?.({ phase: 'features', label, done, total, seconds });
  // An image-folder reference is decoded at the shape the run or the extractor needs.
  const folderShape = run?.data.shape ?? extractor.imageShape;
  // Images composited and fitted as the run's training images were (--background, --fit).
  const fitted = run ? runFitOptions(run.info.config) : {};
  const splits = await loadDataset(data, {
    dataDir: request.dataDir,
    ...(folderShape ? { size: folderShape[0], channels: folderShape[2] === 1 ? 1 : 3 } : {}),
    ...fitted,
  });
  const referenceSplit = split === 'test' ? splits.test : splits.train;
  const shape: [number, number, number] = [referenceSplit.height, referenceSplit.width, referenceSplit.channels];
  try {
    extractor.checkImageShape(shape);
  } catch (err) {
    throw new ConfigError(`--data ${data}: ${(err as Error).message}`, { cause: err });
  }
  const candidate = await candidateSource(request, run, data, shape, n, seed, log);

  const realCount = Math.min(n, referenceSplit.count);
  const warnings: string[] = [];
  if (realCount < n) warnings.push(`${data} ${split} split holds ${referenceSplit.count} images: the reference uses all of them, not ${n}`);
  const otherName = split === 'test' ? 'train' : 'test';
  const otherSplit = split === 'test' ? splits.train : splits.test;
  const floorCount = Math.min(candidate.count, otherSplit.count);
  checkSetSizes(settings, request.kidSubsetSize !== undefined, [
    { name: `the evaluated images (${candidate.description})`, count: candidate.count, hint: run ? 'pass a larger -n' : `put more images in ${request.images}` },
    ...(request.refStats ? [] : [{ name: `the reference (${data} ${split} split)`, count: realCount, hint: 'evaluate against a larger split (--split)' }]),
    ...(useFloor ? [{ name: `the real-data floor (${data} ${otherName} split)`, count: floorCount, hint: 'pass --no-floor to skip it' }] : []),
  ], !request.refStats);
  log(`${candidate.description} vs ${data} ${split} split, extractor ${extractor.id}, ${opened.backend} backend`);

  // Reference: features of the split (or cached statistics).
  const timings: Record<string, number> = {};
  let reference: Reference;
  let realIs: InceptionScoreResult | null = null;
  let t = performance.now();
  const referenceDescription = `${data} ${split} split, first ${realCount} images`;
  try {
    if (request.refStats) {
      reference = { stats: loadStats(request.refStats, extractor.id, extractor.featureDim).stats };
    } else {
      const real = await extractFeatures(extractor, datasetSource(referenceSplit, `${data} ${split}`, realCount), batchSize, progress(`features of ${data} ${split}`));
      reference = prepareReference(real, settings);
      realIs = inceptionScore(real.logits, { splits: settings.isSplits, seed: settings.seed });
    }
  } catch (err) {
    throw asInputError(err);
  }
  if (request.saveStats) {
    mkdirSync(dirname(request.saveStats), { recursive: true });
    saveStats(request.saveStats, reference.stats, extractor.id, referenceDescription);
  }
  timings.reference = secondsSince(t);

  t = performance.now();
  const generatedFeatures = await extractFeatures(extractor, candidate, batchSize, progress('features of the evaluated images'));
  let generated: ScoredSet;
  try {
    generated = { description: candidate.description, n: candidate.count, metrics: scoreAgainst(reference, generatedFeatures, settings, warnings) };
  } catch (err) {
    throw asInputError(err);
  }
  timings.evaluated = secondsSince(t);

  let floor: ScoredSet | null = null;
  if (useFloor) {
    t = performance.now();
    const floorSource = datasetSource(otherSplit, `${data} ${otherName}`, floorCount, seed);
    const floorFeatures = await extractFeatures(extractor, floorSource, batchSize, progress(`features of ${data} ${otherName} (floor)`));
    floor = {
      description: `${floorCount} random ${data} ${otherName}-split images (seed ${seed}) vs the same reference`,
      n: floorCount, metrics: scoreAgainst(reference, floorFeatures, settings, warnings),
    };
    timings.floor = secondsSince(t);
  }

  return {
    formatVersion: 1,
    extractor: extractor.id,
    evaluated: { kind: run ? 'run' : 'images', path: (request.run ?? request.images)!, ...generated },
    reference: { data, split, n: realCount, description: referenceDescription, statsFile: request.refStats ?? null },
    floor,
    vae: opened.vae,
    referenceInceptionScore: realIs,
    settings: { ...settings, batchSize, seed, precisionRecallRule: 'distance <= k-NN radius', densityCoverageRule: 'distance < k-NN radius' },
    warnings: [...new Set(warnings)],
    backend: opened.backend,
    seconds: secondsSince(opened.started),
    timings,
    createdAt: new Date().toISOString(),
  };
}

/**
 * Evaluates a run folder's samples (`run`) or a folder of images (`images`) against a dataset split and
 * writes metrics.json into `out`. Everything that can be refused is refused before features are
 * computed: the request (ConfigError), the outputs (`out`, `saveStats`: ConfigError), the run folder
 * (RunFolderError), the data (DataError) and the sizes of the scored sets for IS and KID (ConfigError).
 * VAE runs get their likelihood metrics first (`onVaeEvaluation`); `vaeOnly` stops after them. Every
 * number is named after the extractor (`report.extractor`) and is not comparable across extractors.
 */
export async function evaluateRun(request: EvaluateRequest): Promise<EvaluationResult> {
  const resolved = resolveRequest(request);
  const out = resolved.out;
  // The outputs are checked before anything is computed, so a bad path does not cost the evaluation.
  const checkOut = () => checkOutputFolder(request.out ? '--out' : 'the output folder (--out)', out, ['metrics.json']);
  // The default <run>/eval is checked once the run folder is known to be one (its own error comes first).
  if (request.out || !request.run) checkOut();
  if (request.saveStats) checkOutputFile('--save-stats', request.saveStats, 'reference.stats');
  const started = performance.now();
  const backend = (await initBackend()).name;

  let run: OpenRun | undefined;
  let extractor: FeatureExtractor | undefined;
  try {
    if (request.run) {
      run = await openRun(request.run);
      if (!request.out) checkOut();
    }
    let vae: VaeEvaluation | null = null;
    if (run?.info.kind === 'vae') {
      const { evaluation, seconds } = await likelihoodMetrics(run, request.run!, resolved.vae, resolved.seed, request.onProgress);
      request.onVaeEvaluation?.(evaluation, seconds);
      vae = evaluation;
    }
    if (request.vaeOnly) {
      if (!vae) throw new ConfigError('--vae-only needs --run with a VAE run (`ganvae train vae`)');
      const report: VaeOnlyEvaluationReport = {
        formatVersion: 1, evaluated: { kind: 'run', path: request.run! }, vae, backend, seconds: secondsSince(started), createdAt: new Date().toISOString(),
      };
      return { report, path: writeReport(out, report) };
    }
    const data = request.data ?? run?.info.dataset.name ?? EVALUATE_DEFAULTS.data;
    extractor = await loadExtractor(request, data);
    const report = await scoreSamples(request, resolved, { run, extractor, data, vae, backend, started });
    return { report, path: writeReport(out, report) };
  } finally {
    run?.trainable.dispose();
    extractor?.dispose();
  }
}
