// ganvae's browser entry (the `browser` condition of the package's exports, or `ganvae/browser`): models,
// the training step, metrics and data transforms; re-exports only. Nothing here reaches the native addon,
// sharp, node:fs or child_process (test/package/browser-entry.test.ts walks the imports); the Node entry,
// src/index.ts, has all of this with Node's backend choice, plus datasets, files, run folders and the CLI's jobs.

// Backend: WebGL when the page has it, else tfjs's cpu (same name as the Node entry's, browser choices).
export { BROWSER_BACKENDS, initBackend, webglAvailable, webgpuUnavailable, type BrowserBackendChoice, type BrowserBackendName } from './env/browser-backend.ts';

// Data transforms: in-memory datasets, the seeded batch pipeline, tensors, image grids, resizing, GIFs.
export { type Dataset, type DatasetSplits, splitDataset, takeRows } from './data/dataset.ts';
export { type Batch, type Batcher, type BatchOptions, createBatcher, type PixelRange } from './data/batches.ts';
export { batchTensors } from './training/batch-tensors.ts';
export { type GridOptions, imageGrid, type ImageBatch } from './data/image-grid.ts';
export { convertChannels, resizeCover } from './data/resize.ts';
export { FIT_MODES, fitImage, parseBackground, type FitMode, type FitOptions, type Rgb } from './data/fit-image.ts';
export { encodeGif, type GifOptions } from './data/gif.ts';
export { mixSeed, opSeed, permutation, Rng, shuffleInPlace } from './core/random.ts';
export { classCounts, pixelStats, type PixelStats } from './data/stats.ts';
export { ConfigError, DataError, RunFolderError } from './core/errors.ts';
export type { RawImage } from './data/image-codec.ts';
export { MAX_IMAGE_PIXELS, readImageHeader, sniffImageFormat, type ImageFormat, type ImageHeader } from './data/image-header.ts';

// Models: GAN and VAE builders and presets, latent and likelihood maths.
export { buildDiscriminator, buildGenerator, reseedDropout, type Conditioning, type DiscriminatorSpec, type GeneratorSpec, type WeightInit } from './gan/dcgan.ts';
export { GAN_PRESETS, ganPreset, type GanArchitecture, type GanPresetName } from './gan/presets.ts';
export { buildVae, decode, disposeVae, encode, pseudoInputImages, type DecoderOutput, type GaussianScale, type Vae, type VaeArchitecture, type VaeLikelihood } from './vae/vae.ts';
export { VAE_PRESETS, vaePreset, type VaePresetName } from './vae/presets.ts';
export { LearnedLogScale } from './vae/log-scale.ts';
export { PseudoInputs } from './vae/pseudo-inputs.ts';
export { disposePriorDensity, mixtureLogDensity, mixtureRanges, mixtureValues, priorDensity, priorLogDensity, priorValues, type MixtureComponents, type PriorDensity } from './vae/prior.ts';
export { logMeanExp, logWeights, logWeightTerms, type LogWeightTerms } from './vae/log-weights.ts';
export { diagonalGaussianLogDensity, klToStandardNormal, reparameterize, standardNormalLogDensity } from './vae/latent.ts';
export { decoderMeanImage, reconstructionLogProb } from './vae/likelihood.ts';
export { latentMapCodes, latentTraversal, normalQuantile } from './vae/latent-grids.ts';

// Training: the GAN and VAE trainables (`trainStep` on a batch is one step of the loop), losses, Adam, latents,
// the step loop itself (runStepLoop: budgets, windows, grids, pause/resume/stop; Node's trainLoop runs it with a
// run folder behind it), the run configuration schemas, and checkpoints and models as in-memory files in the CLI's layout.
export { classLoss, discriminatorLoss, featureMatchingLoss, GAN_LOSS_RECORDS, GAN_LOSSES, ganLoss, generatorLoss, gradientPenalty, type GanLoss, type GanLossRecord } from './gan/losses.ts';
export { ganArchitecture, ganKind, ganOptions, GanTrainable, resolveGanOptions, type GanOptions } from './gan/gan-family.ts';
export { klWeightAt, vaeLoss, type KlSchedule, type VaeLossSettings, type VaeLossTerms, type VaeObjective } from './vae/objective.ts';
export { vaeKind, vaeOptions, VaeTrainable, type VaeOptions } from './vae/vae-family.ts';
export { type Batch as TrainingBatch, type DataShape, type LatentCode, type LatentPrior, type StepLosses, type Trainable, type TrainableKind } from './training/trainable.ts';
export { createAdam } from './tfjs/fused-adam.ts';
export { interpolateLatents, latentBatch, latentNoise, latentValues, latentVectors, type FixedCodes, type LatentSpace } from './training/latent.ts';
export { gridInputs, LoopControl, runStepLoop, sampleGrid, totalStepsOf, type MetricsRow, type StepLoopHooks, type StepLoopOptions, type StepLoopResult, type StepLoopSettings, type StopReason } from './training/step-loop.ts';
export { findNonFinite, NonFiniteStateError } from './training/finite-state.ts';
export { INIT_STREAM, setUpRun, TRAIN_STREAM, type RunSetup } from './training/run-setup.ts';
export { flagName, flagsToConfig, parseConfig, RESUMABLE_KEYS, runConfigSchema, trainingOptions, type TrainingOptions } from './training/config.ts';
export { formatDuration, formatReport, type Progress, type ProgressReport } from './training/progress.ts';
export { encodeCheckpoint, encodeLayersModel, encodeModels, loadModelWeights, readCheckpointFileState, restoreCheckpointFiles, type CheckpointFileState, type FileMap } from './training/run-files.ts';
export { RUN_FORMAT_VERSION, type RunInfo } from './training/run-format.ts';

// Metrics on feature matrices and images (feature extractors load from files: Node entry).
export { featureMatrix, type FeatureMatrix, gaussianStats, type GaussianStats } from './metrics/features.ts';
export { frechetDistance, type FidResult, traceSqrtProduct } from './metrics/fid.ts';
export { kernelInceptionDistance, type KidOptions, type KidResult } from './metrics/kid.ts';
export { inceptionScore, type InceptionScoreOptions, type InceptionScoreResult } from './metrics/inception-score.ts';
export { type ManifoldResult, precisionRecallDensityCoverage, squaredKnnRadii } from './metrics/precision-recall.ts';
export { type DotProducts, float64Dots, tfjsDots } from './metrics/dot-products.ts';
export { sqrtmPsd, symmetricEigen } from './metrics/linalg.ts';
export { NumpyRandomState } from './metrics/numpy-random.ts';
export { evaluateElbo, type ElboResult } from './vae/elbo.ts';
export { evaluateIwae, type IwaeOptions, type IwaeResult } from './vae/iwae.ts';
export { evaluateReconstruction, reconstruct, type ReconstructionErrors } from './vae/reconstruction.ts';
export { vaeEvalSet, type VaeEvalSet, type VaeEvalSetOptions } from './vae/eval-set.ts';
export { ssim, STANDARD_SSIM, type SsimOptions } from './metrics/ssim.ts';
export { binaryCrossEntropy, meanSquaredError, psnr } from './metrics/pixel-errors.ts';
