// The VAE's encoder q(z|x) and decoder p(x|z) as tfjs-layers models (NHWC), from one options object.
// Presets live in vae-presets.ts; build with `buildVae(vaePreset('vae28', [28, 28, 1]), seed)`.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { LearnedLogScale } from './log-scale.ts';
import { PseudoInputs } from './pseudo-inputs.ts';
import { conv2dTranspose } from '../tfjs/conv2d-transpose.ts';

/** Output distribution of the decoder: Bernoulli (logits) or Gaussian (mean, σ fixed or learned). */
export type VaeLikelihood = 'bernoulli' | 'gaussian';
/** Gaussian σ: a fixed constant, one learned value for the whole image, or one learned per pixel. */
export type GaussianScale = 'fixed' | 'global' | 'per-pixel';

/** Everything that defines a VAE's architecture; stored in run.json, so plain JSON. */
export interface VaeArchitecture {
  /** [h, w, c] of the images. */
  imageShape: [number, number, number];
  /** Size of z. */
  latentSize: number;
  /** Square kernel of every (transposed) convolution. */
  kernelSize: number;
  /** Filters of the encoder's stride-2 'same' convolutions, each followed by ReLU. */
  encoderFilters: number[];
  /** Units of the encoder's ReLU dense layers between Flatten and the μ / log σ² heads (may be empty). */
  encoderDense: number[];
  /** Units of the decoder's ReLU dense layers before the dense layer that feeds the reshape (may be empty). */
  decoderDense: number[];
  /** Channels of the grid the decoder reshapes to; the grid is [h / 2^n, w / 2^n] for n = decoderFilters.length. */
  decoderBaseChannels: number;
  /** Filters of the decoder's stride-2 'same' transposed convolutions (ReLU); a stride-1 one to c channels follows. */
  decoderFilters: number[];
  /** Number of classes for a conditional VAE (one-hot label into encoder and decoder); 0 = unconditional. */
  numClasses: number;
  likelihood: VaeLikelihood;
  /** Only for the Gaussian likelihood. */
  gaussianScale: GaussianScale;
  /** σ of the fixed Gaussian, and the starting σ of a learned one. */
  gaussianSigma: number;
  /**
   * The prior p(z): 0 for N(0, I); K ≥ 1 for the VampPrior (Tomczak & Welling 2018), the mixture of the
   * encoder's posteriors at K learned pseudo-inputs (src/vae/prior.ts). Unconditional models only.
   */
  pseudoInputs: number;
}

/** A built VAE: the architecture and its two networks. */
export interface Vae {
  architecture: VaeArchitecture;
  /** inputs x [batch, h, w, c] (and labels one-hot [batch, classes]) → [μ, log σ²], each [batch, latent]. */
  encoder: tfl.LayersModel;
  /**
   * inputs z [batch, latent] (and labels one-hot [batch, classes]) → decoder parameters [batch, h, w, c]
   * (logits or Gaussian mean), plus log σ [batch, h, w, c] when σ is learned.
   */
  decoder: tfl.LayersModel;
  /**
   * The VampPrior's K pseudo-inputs (architecture.pseudoInputs ≥ 1, else absent): input [K, 1] (values
   * unused) → [K, h, w, c] images in (0, 1), u_k = sigmoid(w_k); w is its one weight (PseudoInputs).
   */
  pseudoInputs?: tfl.LayersModel;
}

/** Learned log σ never goes below log(0.001): see LearnedLogScale. */
const MIN_LOG_SCALE = Math.log(1e-3);

/** Checks an architecture and returns the decoder's starting grid [h0, w0]; errors name the field. */
export function decoderGrid(arch: VaeArchitecture): [number, number] {
  const [h, w, c] = arch.imageShape;
  const positive = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`VAE architecture: ${name} must be a positive integer, got ${v}`);
  };
  [h, w, c].forEach((v, i) => positive(`imageShape[${i}]`, v));
  positive('latentSize', arch.latentSize);
  positive('kernelSize', arch.kernelSize);
  positive('decoderBaseChannels', arch.decoderBaseChannels);
  [...arch.encoderFilters, ...arch.encoderDense, ...arch.decoderDense, ...arch.decoderFilters].forEach((v) => positive('every layer width', v));
  if (!Number.isInteger(arch.numClasses) || arch.numClasses < 0) throw new Error(`VAE architecture: numClasses must be 0 (unconditional) or more, got ${arch.numClasses}`);
  if (!Number.isInteger(arch.pseudoInputs) || arch.pseudoInputs < 0) throw new Error(`VAE architecture: pseudoInputs must be 0 (prior N(0, I)) or more, got ${arch.pseudoInputs}`);
  if (arch.pseudoInputs > 0 && arch.numClasses > 0) throw new Error('VAE architecture: the VampPrior (pseudoInputs ≥ 1) needs an unconditional model (numClasses 0)');
  if (arch.likelihood === 'gaussian' && !(arch.gaussianSigma > 0)) throw new Error(`VAE architecture: gaussianSigma must be > 0, got ${arch.gaussianSigma}`);
  const factor = 2 ** arch.decoderFilters.length;
  if (h % factor || w % factor) {
    throw new Error(`VAE architecture: image ${h}x${w} is not divisible by 2^${arch.decoderFilters.length} = ${factor} ` +
      `(one factor 2 per decoder transposed convolution); use ${arch.decoderFilters.length - 1} decoder layers or another image size`);
  }
  return [h / factor, w / factor];
}

/** Whether the decoder has a learned σ output. */
export function hasLearnedScale(arch: VaeArchitecture): boolean {
  return arch.likelihood === 'gaussian' && arch.gaussianScale !== 'fixed';
}

/**
 * Builds encoder and decoder with weights drawn from `seed` (Glorot-uniform kernels, zero biases), and
 * the VampPrior's pseudo-inputs when the architecture has them (seeded after the decoder's layers).
 */
export function buildVae(arch: VaeArchitecture, seed: number): Vae {
  const [h0, w0] = decoderGrid(arch);
  let layerSeed = seed;
  // Each layer gets its own seed so the whole model is reproducible and layers are not identical.
  const init = () => tfl.initializers.glorotUniform({ seed: layerSeed++ });
  const conv = (filters: number, strides: number, name: string, activation: 'relu' | 'linear' = 'relu') => ({
    filters, kernelSize: arch.kernelSize, strides, padding: 'same' as const, activation, kernelInitializer: init(), name,
  });
  const dense = (units: number, name: string, activation: 'relu' | 'linear' = 'relu') => ({ units, activation, kernelInitializer: init(), name });
  const conditional = arch.numClasses > 0;

  // Encoder: conv stack → flatten → [label] → dense → μ, log σ².
  const image = tfl.input({ shape: arch.imageShape, name: 'image' });
  const encoderLabel = conditional ? tfl.input({ shape: [arch.numClasses], name: 'label' }) : undefined;
  let x = image;
  arch.encoderFilters.forEach((f, i) => { x = tfl.layers.conv2d(conv(f, 2, `enc_conv${i + 1}`)).apply(x) as tfl.SymbolicTensor; });
  x = tfl.layers.flatten({ name: 'enc_flatten' }).apply(x) as tfl.SymbolicTensor;
  if (encoderLabel) x = tfl.layers.concatenate({ name: 'enc_with_label' }).apply([x, encoderLabel]) as tfl.SymbolicTensor;
  arch.encoderDense.forEach((u, i) => { x = tfl.layers.dense(dense(u, `enc_dense${i + 1}`)).apply(x) as tfl.SymbolicTensor; });
  const mu = tfl.layers.dense(dense(arch.latentSize, 'z_mean', 'linear')).apply(x) as tfl.SymbolicTensor;
  const logVar = tfl.layers.dense(dense(arch.latentSize, 'z_log_var', 'linear')).apply(x) as tfl.SymbolicTensor;
  const encoder = tfl.model({ inputs: encoderLabel ? [image, encoderLabel] : image, outputs: [mu, logVar], name: 'encoder' });

  // Decoder: [label] → dense → dense to the grid → reshape → transposed conv stack → stride-1 output layer.
  const z = tfl.input({ shape: [arch.latentSize], name: 'z' });
  const decoderLabel = conditional ? tfl.input({ shape: [arch.numClasses], name: 'label' }) : undefined;
  let y = decoderLabel ? tfl.layers.concatenate({ name: 'dec_with_label' }).apply([z, decoderLabel]) as tfl.SymbolicTensor : z;
  arch.decoderDense.forEach((u, i) => { y = tfl.layers.dense(dense(u, `dec_dense${i + 1}`)).apply(y) as tfl.SymbolicTensor; });
  y = tfl.layers.dense(dense(h0 * w0 * arch.decoderBaseChannels, 'dec_to_grid')).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.reshape({ targetShape: [h0, w0, arch.decoderBaseChannels], name: 'dec_reshape' }).apply(y) as tfl.SymbolicTensor;
  arch.decoderFilters.forEach((f, i) => { y = conv2dTranspose(conv(f, 2, `dec_deconv${i + 1}`)).apply(y) as tfl.SymbolicTensor; });
  const params = conv2dTranspose(conv(arch.imageShape[2], 1, 'dec_output', 'linear')).apply(y) as tfl.SymbolicTensor;
  const outputs = [params];
  if (hasLearnedScale(arch)) {
    const shape: [number, number, number] = arch.gaussianScale === 'global' ? [1, 1, 1] : [...arch.imageShape];
    const logScale = new LearnedLogScale({ shape, initialLogScale: Math.log(arch.gaussianSigma), minLogScale: MIN_LOG_SCALE, name: 'dec_log_scale' });
    outputs.push(logScale.apply(params) as tfl.SymbolicTensor);
  }
  const decoder = tfl.model({ inputs: decoderLabel ? [z, decoderLabel] : z, outputs, name: 'decoder' });
  if (arch.pseudoInputs === 0) return { architecture: arch, encoder, decoder };
  return { architecture: arch, encoder, decoder, pseudoInputs: buildPseudoInputs(arch, layerSeed) };
}

/** The VampPrior's pseudo-inputs as a Layers model: [K, 1] (values unused) → [K, h, w, c] in (0, 1). */
function buildPseudoInputs(arch: VaeArchitecture, seed: number): tfl.LayersModel {
  const rows = tfl.input({ shape: [1], name: 'pseudo_input_rows' });
  const layer = new PseudoInputs({ count: arch.pseudoInputs, imageShape: arch.imageShape, seed, name: 'pseudo_inputs' });
  return tfl.model({ inputs: rows, outputs: layer.apply(rows) as tfl.SymbolicTensor, name: 'pseudo_inputs' });
}

/** Disposes the networks' weights. */
export function disposeVae(vae: Vae): void {
  vae.encoder.dispose();
  vae.decoder.dispose();
  vae.pseudoInputs?.dispose();
}

/** The VampPrior's pseudo-inputs u_k as images: [K, h, w, c] in [0, 1]; errors when `vae` has the N(0, I) prior. */
export function pseudoInputImages(vae: Vae): tf.Tensor4D {
  if (!vae.pseudoInputs) throw new Error('this VAE has the N(0, I) prior: it has no pseudo-inputs');
  const model = vae.pseudoInputs;
  return tf.tidy(() => model.apply(tf.zeros([vae.architecture.pseudoInputs, 1])) as tf.Tensor4D);
}

/** One-hot labels for a conditional VAE: class indices [batch] → [batch, classes]; errors name the mismatch. */
function labelInputs(arch: VaeArchitecture, labels: tf.Tensor1D | undefined): tf.Tensor[] {
  if (arch.numClasses === 0) return [];
  if (!labels) throw new Error(`this VAE is conditional on ${arch.numClasses} classes: pass labels (class indices [batch])`);
  return [tf.oneHot(tf.cast(labels, 'int32'), arch.numClasses).toFloat()];
}

/** q(z|x): images x [batch, h, w, c] in [0, 1] (labels [batch] if conditional) → μ, log σ² [batch, latent]. */
export function encode(vae: Vae, x: tf.Tensor4D, labels?: tf.Tensor1D): { mu: tf.Tensor2D; logVar: tf.Tensor2D } {
  return tf.tidy(() => {
    const [mu, logVar] = vae.encoder.apply([x, ...labelInputs(vae.architecture, labels)]) as tf.Tensor2D[];
    return { mu, logVar };
  }) as unknown as { mu: tf.Tensor2D; logVar: tf.Tensor2D };
}

/** What the decoder gives for z: logits or Gaussian mean [batch, h, w, c], and log σ [batch, h, w, c] when learned. */
export interface DecoderOutput {
  params: tf.Tensor4D;
  logScale?: tf.Tensor4D;
}

/** p(x|z): z [batch, latent] (labels [batch] if conditional) → the decoder's output distribution. */
export function decode(vae: Vae, z: tf.Tensor2D, labels?: tf.Tensor1D): DecoderOutput {
  return tf.tidy(() => {
    const out = vae.decoder.apply([z, ...labelInputs(vae.architecture, labels)]);
    const [params, logScale] = (Array.isArray(out) ? out : [out]) as tf.Tensor4D[];
    return logScale ? { params, logScale } : { params };
  }) as unknown as DecoderOutput;
}

/**
 * Parameter and activation counts of encoder plus decoder (and pseudo-inputs), from the architecture
 * without allocating anything; `decoderActivations` is the decoder's share of `activations` (one z).
 */
export function vaeSize(arch: VaeArchitecture): { parameters: number; activations: number; decoderActivations: number } {
  const [h0, w0] = decoderGrid(arch);
  const [h, w, c] = arch.imageShape;
  const k2 = arch.kernelSize ** 2;
  let parameters = 0;
  let activations = h * w * c;
  const dense = (inputs: number, units: number) => {
    parameters += inputs * units + units;
    activations += units;
    return units;
  };
  let channels = c;
  let [sideH, sideW] = [h, w];
  for (const f of arch.encoderFilters) {
    [sideH, sideW] = [Math.ceil(sideH / 2), Math.ceil(sideW / 2)];
    parameters += k2 * channels * f + f;
    activations += sideH * sideW * f;
    channels = f;
  }
  let width = sideH * sideW * channels + arch.numClasses;
  for (const u of arch.encoderDense) width = dense(width, u);
  dense(width, 2 * arch.latentSize);
  const encoderActivations = activations;
  width = arch.latentSize + arch.numClasses;
  for (const u of arch.decoderDense) width = dense(width, u);
  dense(width, h0 * w0 * arch.decoderBaseChannels);
  channels = arch.decoderBaseChannels;
  arch.decoderFilters.forEach((f, i) => {
    parameters += k2 * channels * f + f;
    activations += h0 * w0 * 4 ** (i + 1) * f;
    channels = f;
  });
  parameters += k2 * channels * c + c + (hasLearnedScale(arch) ? h * w * c : 0);
  activations += 2 * h * w * c;
  parameters += arch.pseudoInputs * h * w * c;
  return { parameters, activations, decoderActivations: activations - encoderActivations };
}
