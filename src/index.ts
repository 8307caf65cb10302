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
