// ganvae's public API: re-exports only; each area's own index says what it offers.
export * from './data/index.ts';
export * from './metrics/index.ts';
// VAE: builder and presets, latent and likelihood maths, objective and training family, evaluation.
export { buildVae, decode, disposeVae, encode, type DecoderOutput, type GaussianScale, type Vae, type VaeArchitecture, type VaeLikelihood } from './models/vae.ts';
export { VAE_PRESETS, vaePreset, type VaePresetName } from './models/vae-presets.ts';
export { LearnedLogScale } from './models/vae-log-scale.ts';
export { diagonalGaussianLogDensity, klToStandardNormal, reparameterize, standardNormalLogDensity } from './models/vae-latent.ts';
export { decoderMeanImage, reconstructionLogProb } from './models/vae-likelihood.ts';
export { latentMapCodes, latentTraversal, normalQuantile } from './models/vae-latent-grids.ts';
export { klWeightAt, vaeLoss, type KlSchedule, type VaeLossTerms } from './training/vae-objective.ts';
export { vaeKind, vaeOptions, VaeTrainable, type VaeOptions } from './training/vae-trainable.ts';
export { openVaeRun, type VaeRun } from './training/vae-run.ts';
export { evaluateVae, formatVaeEvaluation, type VaeEvaluation, type VaeEvaluationOptions } from './metrics/vae-evaluate.ts';
export { evaluateElbo, type ElboResult } from './metrics/vae-elbo.ts';
export { evaluateIwae, type IwaeOptions, type IwaeResult } from './metrics/vae-iwae.ts';
export { evaluateReconstruction, reconstruct, type ReconstructionErrors } from './metrics/vae-reconstruction.ts';
export { vaeEvalSet, type VaeEvalSet, type VaeEvalSetOptions } from './metrics/vae-eval-set.ts';
export { ssim, STANDARD_SSIM, type SsimOptions } from './metrics/vae-ssim.ts';
export { binaryCrossEntropy, meanSquaredError, psnr } from './metrics/vae-pixel-errors.ts';
// GANs and the shared training loop: builders and presets, losses, the GAN family, the loop, run folders.
export { initBackend, type BackendChoice, type BackendName } from './env/backend.ts';
export { buildDiscriminator, buildGenerator, reseedDropout, type Conditioning, type DiscriminatorSpec, type GeneratorSpec, type WeightInit } from './models/dcgan.ts';
export { GAN_PRESETS, ganPreset, type GanArchitecture, type GanPresetName } from './models/presets.ts';
export { classLoss, discriminatorLoss, featureMatchingLoss, GAN_LOSSES, generatorLoss, gradientPenalty, type GanLoss } from './training/gan-losses.ts';
export { ganArchitecture, ganKind, ganOptions, GanTrainable, resolveGanOptions, type GanOptions } from './training/gan.ts';
export { opSeed, type Batch as TrainingBatch, type DataShape, type LatentPrior, type StepLosses, type Trainable, type TrainableKind } from './training/trainable.ts';
export { trainRun, type TrainOutcome, type TrainRequest } from './training/train-run.ts';
export { trainLoop, writeSampleGrid, type LoopOptions, type LoopResult, type StopReason } from './training/loop.ts';
export { createAdam } from './training/adam.ts';
export { latestCheckpoint, loadWeightsInto, restoreCheckpoint, writeCheckpoint, type CheckpointState } from './training/checkpoint.ts';
export { readRunInfo, RUN_FORMAT_VERSION, runPaths, writeRunInfo, type RunInfo } from './training/run-folder.ts';
export { openRun, type OpenRun } from './training/open-run.ts';
export { interpolateLatents, latentNoise, latentValues } from './training/latent.ts';
export { runConfigSchema, trainingOptions, type TrainingOptions } from './training/config.ts';
export { FAMILIES, loadFamily } from './training/families.ts';
// The browser explorer's server (`ganvae serve`): the read-only HTTP server and the run manifest the page reads.
export { createExplorerServer, type ExplorerServerOptions } from './web/explorer-server.ts';
export { explorerManifest } from './web/explorer-manifest.ts';
export { MANIFEST_ROUTE, RUN_ROUTE, TEST_LATENTS_ROUTE, type ExplorerManifest, type TestLatents } from './web/explorer-api.ts';
