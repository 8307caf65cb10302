// ganvae's public API: re-exports only; each area's own index says what it offers.
export * from './data/index.ts';
export * from './metrics/index.ts';
// VAE: builder and presets, latent and likelihood maths, objective and training family, evaluation.
export { buildVae, decode, disposeVae, encode, type DecoderOutput, type GaussianScale, type Vae, type VaeArchitecture, type VaeLikelihood } from './vae/vae.ts';
export { VAE_PRESETS, vaePreset, type VaePresetName } from './vae/presets.ts';
export { LearnedLogScale } from './vae/log-scale.ts';
export { diagonalGaussianLogDensity, klToStandardNormal, reparameterize, standardNormalLogDensity } from './vae/latent.ts';
export { decoderMeanImage, reconstructionLogProb } from './vae/likelihood.ts';
export { latentMapCodes, latentTraversal, normalQuantile } from './vae/latent-grids.ts';
export { klWeightAt, vaeLoss, type KlSchedule, type VaeLossTerms } from './vae/objective.ts';
export { vaeKind, vaeOptions, VaeTrainable, type VaeOptions } from './vae/vae-family.ts';
export { openVaeRun, type VaeRun } from './vae/vae-run.ts';
export { evaluateVae, formatVaeEvaluation, type VaeEvaluation, type VaeEvaluationOptions } from './vae/evaluate.ts';
export { evaluateElbo, type ElboResult } from './vae/elbo.ts';
export { evaluateIwae, type IwaeOptions, type IwaeResult } from './vae/iwae.ts';
export { evaluateReconstruction, reconstruct, type ReconstructionErrors } from './vae/reconstruction.ts';
export { vaeEvalSet, type VaeEvalSet, type VaeEvalSetOptions } from './vae/eval-set.ts';
export { ssim, STANDARD_SSIM, type SsimOptions } from './metrics/ssim.ts';
export { binaryCrossEntropy, meanSquaredError, psnr } from './metrics/pixel-errors.ts';
// GANs and the shared training loop: builders and presets, losses, the GAN family, the loop, run folders.
export { initBackend, type BackendChoice, type BackendName } from './env/backend.ts';
export { buildDiscriminator, buildGenerator, reseedDropout, type Conditioning, type DiscriminatorSpec, type GeneratorSpec, type WeightInit } from './gan/dcgan.ts';
export { GAN_PRESETS, ganPreset, type GanArchitecture, type GanPresetName } from './gan/presets.ts';
export { classLoss, discriminatorLoss, featureMatchingLoss, GAN_LOSS_RECORDS, GAN_LOSSES, ganLoss, generatorLoss, gradientPenalty, type GanLoss, type GanLossRecord } from './gan/losses.ts';
export { ganArchitecture, ganKind, ganOptions, GanTrainable, resolveGanOptions, type GanOptions } from './gan/gan-family.ts';
export { type Batch as TrainingBatch, type DataShape, type LatentPrior, type StepLosses, type Trainable, type TrainableKind } from './training/trainable.ts';
export { batchTensors } from './training/batch-tensors.ts';
export { opSeed } from './core/random.ts';
export { trainRun, type TrainOutcome, type TrainRequest } from './runs/train-run.ts';
export { evaluateRun, EVALUATE_DEFAULTS, type EvaluateRequest, type EvaluationProgress, type EvaluationResult, type VaeEvaluateOptions } from './runs/evaluate-run.ts';
export { type EvaluationReport, type SampleEvaluationReport, type ScoredSet, type VaeOnlyEvaluationReport } from './runs/evaluation-report.ts';
export { formatEvaluation } from './runs/evaluation-output.ts';
export { trainLoop, writeSampleGrid, type LoopOptions, type LoopResult, type StopReason } from './training/loop.ts';
export { createAdam } from './tfjs/fused-adam.ts';
export { latestCheckpoint, loadWeightsInto, restoreCheckpoint, writeCheckpoint, type CheckpointState } from './training/checkpoint.ts';
export { readRunInfo, RUN_FORMAT_VERSION, runPaths, writeRunInfo, type RunInfo } from './training/run-folder.ts';
export { openRun } from './runs/open-run.ts';
export { openRunOf, type OpenRun } from './training/open-run.ts';
export { interpolateLatents, latentNoise, latentValues } from './training/latent.ts';
export { runConfigSchema, trainingOptions, type TrainingOptions } from './training/config.ts';
export { FAMILIES, loadFamily } from './runs/families.ts';
// The browser explorer's server (`ganvae serve`): the read-only HTTP server and the run manifest the page reads.
export { createExplorerServer, type ExplorerServerOptions } from './server/explorer-server.ts';
export { explorerManifest } from './server/explorer-manifest.ts';
export { MANIFEST_ROUTE, RUN_ROUTE, TEST_LATENTS_ROUTE, type ExplorerManifest, type TestLatents } from './server/explorer-api.ts';
