// DCGAN-style generator and discriminator (tfjs-layers, NHWC) from one options object each.
// Presets (dcgan28, dcgan64, seed) live in presets.ts; build with `buildGenerator(spec, rng)`.
import * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '../core/random.ts';
import { opSeed } from '../core/random.ts';
import { batchNormalization } from '../tfjs/batch-norm.ts';
import { conv2dTranspose } from '../tfjs/conv2d-transpose.ts';
import { spectralNormConv2d, spectralNormConv2dTranspose, spectralNormDense } from '../tfjs/spectral-norm-layers.ts';

/** How class labels enter the networks: not at all, cGAN (G and D), or AC-GAN (G, plus an auxiliary head on D). */
export type Conditioning = 'none' | 'cgan' | 'acgan';
/** Weight initialisation: Glorot-uniform (Keras default) or N(0, 0.02) as in Radford et al. */
export type WeightInit = 'glorot' | 'normal002';

/** Everything that defines a generator; plain JSON (stored in run.json). */
export interface GeneratorSpec {
  /** [h, w, c] of the generated images. */
  imageShape: [number, number, number];
  /** Length of the input vector: InfoGAN's codes first when there are any (info-codes.ts), then z. */
  latentSize: number;
  /** Hidden Dense layers between the latent input and the projection (e.g. [128, 1024]); may be empty. */
  denseUnits: number[];
  /** Side of the square feature map the projection is reshaped to (7 for 28×28, 4 for 32/64). */
  baseSize: number;
  /**
   * Channels of the reshaped map, then of each hidden ConvT layer. Without an output convolution the last ConvT
   * outputs c channels (strides.length entries); with one every ConvT is hidden (strides.length + 1 entries).
   */
  filters: number[];
  /** Stride of each ConvT layer. */
  strides: number[];
  kernelSize: number;
  /** Batch norm after the projection and each hidden ConvT; with it no layer carries a bias (as in both references). */
  batchNorm: boolean;
  /**
   * Normalise the projection per channel after the reshape (PyTorch's BatchNorm2d after its first ConvT) rather
   * than per feature before it (the TF tutorial's BatchNormalization after Dense).
   */
  normalizeAfterReshape: boolean;
  activation: 'relu' | 'leakyRelu';
  leakyAlpha: number;
  init: WeightInit;
  /**
   * 0: the last ConvT makes the image (DCGAN). k > 0: a k×k 'same' convolution with tanh maps the last hidden
   * map to the image (FastGAN's to-RGB).
   */
  outputKernel: number;
  /**
   * FastGAN's skip-layer excitations: the map at index `from` gates the channels of the map at index `to`
   * (index 0 is the reshaped base map, i the output of the i-th hidden ConvT), after `to`'s activation.
   */
  excitations: Excitation[];
  /** Spectral normalisation (Miyato et al.) of every convolution and Dense kernel. */
  spectralNorm: boolean;
  conditioning: Conditioning;
  /** Number of classes when conditioning is not 'none'. */
  numClasses: number;
  /** Size of the learned label embedding concatenated with the latent vector. */
  embeddingSize: number;
}

/** One skip-layer excitation between two of the generator's feature maps (indices as in GeneratorSpec.excitations). */
export interface Excitation {
  from: number;
  to: number;
}

/** Everything that defines a discriminator (critic); plain JSON. */
export interface DiscriminatorSpec {
  imageShape: [number, number, number];
  /** Channels of each stride-2 'same' convolution. */
  filters: number[];
  kernelSize: number;
  /** Batch norm after every convolution but the first (as in Radford et al.); off for WGAN-GP. */
  batchNorm: boolean;
  /** Biases in the convolutions without batch norm and in the output layer (Keras: yes; PyTorch's DCGAN: none). */
  bias: boolean;
  leakyAlpha: number;
  /** Dropout rate after each convolution's activation (0 = none). */
  dropout: number;
  init: WeightInit;
  /** Spectral normalisation (Miyato et al.) of every convolution and Dense kernel. */
  spectralNorm: boolean;
  /** Also output the maps of sides 16 and 8, for FastGAN's reconstruction decoders (reconstruction.ts). */
  reconstruction: boolean;
  /** Units of InfoGAN's Q head, a Dense layer on the features (info-codes.ts infoHeadUnits); absent or 0: none. */
  infoUnits?: number;
  conditioning: Conditioning;
  numClasses: number;
  embeddingSize: number;
}

/**
 * What buildDiscriminator's outputs are, by name: the real/fake `logit` [batch, 1], the `features` [batch, F], AC-GAN's
 * `classes` logits [batch, numClasses], InfoGAN's Q head `info` [batch, infoUnits], and the reconstruction maps
 * `map16` [batch, 16, 16, C16] and `map8` [batch, 8, 8, C8].
 */
export type DiscriminatorOutputName = 'logit' | 'features' | 'classes' | 'info' | 'map16' | 'map8';

/** The names of buildDiscriminator(spec)'s outputs, in its output order. */
export function discriminatorOutputNames(spec: DiscriminatorSpec): DiscriminatorOutputName[] {
  return [
    'logit', 'features',
    ...(spec.conditioning === 'acgan' ? ['classes' as const] : []),
    ...((spec.infoUnits ?? 0) > 0 ? ['info' as const] : []),
    ...(spec.reconstruction ? ['map16' as const, 'map8' as const] : []),
  ];
}

/** The sides of a generator's feature maps, from the base map through each ConvT layer. */
export function generatorSides(spec: GeneratorSpec): number[] {
  const sides = [spec.baseSize];
  for (const stride of spec.strides) sides.push(sides[sides.length - 1] * stride);
  return sides;
}

/** Throws an error naming the field when a generator spec cannot produce its image shape. */
export function checkGeneratorSpec(spec: GeneratorSpec): void {
  const [h, w] = spec.imageShape;
  if (h !== w) throw new Error(`generator: images must be square, got ${h}x${w}`);
  const expectedFilters = spec.strides.length + (spec.outputKernel > 0 ? 1 : 0);
  if (spec.filters.length !== expectedFilters) {
    throw new Error(`generator: ${spec.strides.length} ConvT layers${spec.outputKernel > 0 ? ' and an output convolution' : ''} need ${expectedFilters} ` +
      `filters entries, got ${spec.filters.length}`);
  }
  const sides = generatorSides(spec);
  if (sides[sides.length - 1] !== h) {
    throw new Error(`generator: base ${spec.baseSize} with strides [${spec.strides}] gives ${sides.join('→')}, not the image size ${h}; ` +
      'change baseSize or strides');
  }
  const hiddenMaps = hiddenMapCount(spec);
  for (const { from, to } of spec.excitations) {
    if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from < to && to < hiddenMaps && sides[from] >= 4 && sides[from] % 4 === 0)) {
      throw new Error(`generator: excitation ${from}→${to} must join two of the ${hiddenMaps} hidden maps, lower to higher, ` +
        `from a side that is a multiple of 4 (sides ${sides.slice(0, hiddenMaps).join(', ')})`);
    }
  }
  checkConditioning('generator', spec);
}

/** Feature maps before the image: the base map and each ConvT output that is not the image itself. */
function hiddenMapCount(spec: GeneratorSpec): number {
  return spec.strides.length + (spec.outputKernel > 0 ? 1 : 0);
}

function checkConditioning(part: string, spec: { conditioning: Conditioning; numClasses: number }): void {
  if (spec.conditioning !== 'none' && !(spec.numClasses >= 2)) {
    throw new Error(`${part}: conditioning "${spec.conditioning}" needs a dataset with labels (2+ classes), got ${spec.numClasses}`);
  }
}

/** The kernel initialiser of `init`, seeded from `rng`. */
export function kernelInit(init: WeightInit, rng: Rng) {
  const seed = opSeed(rng);
  return init === 'glorot' ? tfl.initializers.glorotUniform({ seed }) : tfl.initializers.randomNormal({ mean: 0, stddev: 0.02, seed });
}

/** Radford et al. draw BN's scale from N(1, 0.02); Keras starts it at 1. */
export function gammaInit(init: WeightInit, rng: Rng) {
  return init === 'glorot' ? tfl.initializers.ones() : tfl.initializers.randomNormal({ mean: 1, stddev: 0.02, seed: opSeed(rng) });
}

type DenseArgs = Parameters<typeof tfl.layers.dense>[0];
type ConvArgs = Parameters<typeof tfl.layers.conv2d>[0];

/** The kernel layers of a network: plain, or spectrally normalised with u drawn from `rng`. */
function kernelLayers(spectralNorm: boolean, rng: Rng) {
  return spectralNorm
    ? {
      dense: (args: DenseArgs) => spectralNormDense({ ...args, seed: opSeed(rng) }),
      conv2d: (args: ConvArgs) => spectralNormConv2d({ ...args, seed: opSeed(rng) }),
      conv2dTranspose: (args: ConvArgs) => spectralNormConv2dTranspose({ ...args, seed: opSeed(rng) }),
    }
    : { dense: tfl.layers.dense, conv2d: tfl.layers.conv2d, conv2dTranspose };
}

function activation(kind: 'relu' | 'leakyRelu', alpha: number): tfl.layers.Layer {
  return kind === 'relu' ? tfl.layers.reLU() : tfl.layers.leakyReLU({ alpha });
}

/** label [batch, 1] → embedding [batch, embeddingSize]. */
function labelEmbedding(label: tfl.SymbolicTensor, numClasses: number, size: number, rng: Rng): tfl.SymbolicTensor {
  const embedded = tfl.layers.embedding({
    inputDim: numClasses, outputDim: size, embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: opSeed(rng) }),
  }).apply(label) as tfl.SymbolicTensor;
  return tfl.layers.flatten().apply(embedded) as tfl.SymbolicTensor;
}

/**
 * Builds the generator with weights drawn from `rng`.
 * Inputs: noise [batch, latentSize] (and, when conditional, label [batch, 1] holding class indices).
 * Output: images [batch, h, w, c] in [-1, 1] (tanh).
 */
export function buildGenerator(spec: GeneratorSpec, rng: Rng): tfl.LayersModel {
  checkGeneratorSpec(spec);
  const layers = kernelLayers(spec.spectralNorm, rng);
  const [, , channels] = spec.imageShape;
  const noise = tfl.input({ shape: [spec.latentSize], name: 'noise' });
  const inputs = [noise];
  let x: tfl.SymbolicTensor = noise;
  if (spec.conditioning !== 'none') {
    const label = tfl.input({ shape: [1], name: 'label' });
    inputs.push(label);
    const embedded = labelEmbedding(label, spec.numClasses, spec.embeddingSize, rng);
    x = tfl.layers.concatenate().apply([noise, embedded]) as tfl.SymbolicTensor;
  }
  const normAct = (t: tfl.SymbolicTensor): tfl.SymbolicTensor => {
    if (spec.batchNorm) t = batchNormalization({ gammaInitializer: gammaInit(spec.init, rng) }).apply(t) as tfl.SymbolicTensor;
    return activation(spec.activation, spec.leakyAlpha).apply(t) as tfl.SymbolicTensor;
  };
  for (const units of spec.denseUnits) {
    x = normAct(layers.dense({ units, useBias: !spec.batchNorm, kernelInitializer: kernelInit(spec.init, rng) }).apply(x) as tfl.SymbolicTensor);
  }
  const [baseChannels] = spec.filters;
  x = layers.dense({
    units: spec.baseSize * spec.baseSize * baseChannels, useBias: !spec.batchNorm, kernelInitializer: kernelInit(spec.init, rng),
  }).apply(x) as tfl.SymbolicTensor;
  const reshape = tfl.layers.reshape({ targetShape: [spec.baseSize, spec.baseSize, baseChannels] });
  x = spec.normalizeAfterReshape ? normAct(reshape.apply(x) as tfl.SymbolicTensor) : reshape.apply(normAct(x)) as tfl.SymbolicTensor;
  const maps = [x];
  const excite = () => {
    for (const { from, to } of spec.excitations) {
      if (to === maps.length - 1) maps[to] = skipLayerExcitation(maps[from], maps[to], spec, layers, rng);
    }
  };
  excite();
  spec.strides.forEach((stride, i) => {
    const makesImage = spec.outputKernel === 0 && i === spec.strides.length - 1;
    const conv = layers.conv2dTranspose({
      filters: makesImage ? channels : spec.filters[i + 1], kernelSize: spec.kernelSize, strides: stride, padding: 'same',
      useBias: !spec.batchNorm, kernelInitializer: kernelInit(spec.init, rng),
      activation: makesImage ? 'tanh' : undefined,
    });
    const out = conv.apply(maps[maps.length - 1]) as tfl.SymbolicTensor;
    maps.push(makesImage ? out : normAct(out));
    excite();
  });
  if (spec.outputKernel > 0) {
    maps.push(layers.conv2d({
      filters: channels, kernelSize: spec.outputKernel, padding: 'same', activation: 'tanh', kernelInitializer: kernelInit(spec.init, rng),
    }).apply(maps[maps.length - 1]) as tfl.SymbolicTensor);
  }
  return tfl.model({ inputs, outputs: maps[maps.length - 1], name: 'generator' });
}

/**
 * FastGAN's skip-layer excitation: `source` [n, s, s, a] is pooled to 4×4, a 4×4 valid convolution, LeakyReLU(0.1), a 1×1
 * convolution and a sigmoid give per-channel gates [n, 1, 1, b] that multiply `target` [n, S, S, b].
 */
function skipLayerExcitation(
  source: tfl.SymbolicTensor, target: tfl.SymbolicTensor, spec: GeneratorSpec, layers: ReturnType<typeof kernelLayers>, rng: Rng,
): tfl.SymbolicTensor {
  const side = source.shape[1]!;
  const channels = target.shape[3]!;
  let x = side > 4 ? tfl.layers.averagePooling2d({ poolSize: side / 4, strides: side / 4 }).apply(source) as tfl.SymbolicTensor : source;
  x = layers.conv2d({ filters: channels, kernelSize: 4, padding: 'valid', useBias: false, kernelInitializer: kernelInit(spec.init, rng) }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.leakyReLU({ alpha: 0.1 }).apply(x) as tfl.SymbolicTensor;
  x = layers.conv2d({
    filters: channels, kernelSize: 1, useBias: false, activation: 'sigmoid', kernelInitializer: kernelInit(spec.init, rng),
  }).apply(x) as tfl.SymbolicTensor;
  return tfl.layers.multiply().apply([target, x]) as tfl.SymbolicTensor;
}

/** Length of the discriminator's penultimate feature vector (what feature matching compares). */
export function discriminatorFeatureSize(spec: DiscriminatorSpec): number {
  let side = spec.imageShape[0];
  for (let i = 0; i < spec.filters.length; i++) side = Math.ceil(side / 2);
  return side * side * spec.filters[spec.filters.length - 1];
}

/**
 * Builds the discriminator (critic) with weights drawn from `rng`.
 * Inputs: images [batch, h, w, c] in [-1, 1] (and, for cGAN, label [batch, 1]).
 * Outputs, as discriminatorOutputNames(spec) names them: [logit [batch, 1] (no sigmoid: the losses apply it), features
 * [batch, F] (the flattened last convolution, for feature matching)] plus, for AC-GAN, class logits [batch, numClasses],
 * with `infoUnits` InfoGAN's Q head [batch, infoUnits] (a Dense layer on the features, as AC-GAN's head), and with
 * `reconstruction` the activations of sides 16 and 8 ([batch, 16, 16, C16], [batch, 8, 8, C8]).
 */
export function buildDiscriminator(spec: DiscriminatorSpec, rng: Rng): tfl.LayersModel {
  checkConditioning('discriminator', spec);
  const layers = kernelLayers(spec.spectralNorm, rng);
  const [h, w, c] = spec.imageShape;
  const image = tfl.input({ shape: [h, w, c], name: 'image' });
  const inputs = [image];
  let x: tfl.SymbolicTensor = image;
  if (spec.conditioning === 'cgan') {
    // The label becomes one extra image channel (embedding → Dense(h·w) → reshape), as in the Keras cGAN example.
    const label = tfl.input({ shape: [1], name: 'label' });
    inputs.push(label);
    const embedded = labelEmbedding(label, spec.numClasses, spec.embeddingSize, rng);
    const plane = layers.dense({ units: h * w, kernelInitializer: kernelInit(spec.init, rng) }).apply(embedded) as tfl.SymbolicTensor;
    const map = tfl.layers.reshape({ targetShape: [h, w, 1] }).apply(plane) as tfl.SymbolicTensor;
    x = tfl.layers.concatenate().apply([image, map]) as tfl.SymbolicTensor;
  }
  const maps: Record<number, tfl.SymbolicTensor> = {};
  spec.filters.forEach((filters, i) => {
    const norm = spec.batchNorm && i > 0;
    x = layers.conv2d({
      filters, kernelSize: spec.kernelSize, strides: 2, padding: 'same', useBias: spec.bias && !norm, kernelInitializer: kernelInit(spec.init, rng),
    }).apply(x) as tfl.SymbolicTensor;
    if (norm) x = batchNormalization({ gammaInitializer: gammaInit(spec.init, rng) }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.leakyReLU({ alpha: spec.leakyAlpha }).apply(x) as tfl.SymbolicTensor;
    // Dropout's seed is replaced before every training step (see reseedDropout) so masks differ per step.
    if (spec.dropout > 0) x = tfl.layers.dropout({ rate: spec.dropout, seed: opSeed(rng) }).apply(x) as tfl.SymbolicTensor;
    maps[x.shape[1]!] = x;
  });
  const features = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  const logit = layers.dense({ units: 1, useBias: spec.bias, kernelInitializer: kernelInit(spec.init, rng) }).apply(features) as tfl.SymbolicTensor;
  const outputs = [logit, features];
  if (spec.conditioning === 'acgan') {
    outputs.push(layers.dense({
      units: spec.numClasses, kernelInitializer: kernelInit(spec.init, rng),
    }).apply(features) as tfl.SymbolicTensor);
  }
  if ((spec.infoUnits ?? 0) > 0) {
    outputs.push(layers.dense({ units: spec.infoUnits!, kernelInitializer: kernelInit(spec.init, rng) }).apply(features) as tfl.SymbolicTensor);
  }
  if (spec.reconstruction) {
    if (!maps[16] || !maps[8]) throw new Error(`discriminator: reconstruction needs maps of sides 16 and 8, but its are ${Object.keys(maps).join(', ')}`);
    outputs.push(maps[16], maps[8]);
  }
  return tfl.model({ inputs, outputs, name: 'discriminator' });
}

/**
 * Gives every Dropout layer of `model` a fresh seed from `rng`. tfjs reuses a Dropout layer's seed on
 * every call (the same mask each step) and draws from Math.random without one, so seeded,
 * reproducible training re-seeds before each step.
 */
export function reseedDropout(model: tfl.LayersModel, rng: Rng): void {
  for (const layer of model.layers) {
    if (layer.getClassName() === 'Dropout') Reflect.set(layer, 'seed', opSeed(rng));
  }
}

/** Parameter and activation counts of a network, for the memory check before it is built. */
export interface NetworkSize {
  /** Weights (BN statistics included). */
  parameters: number;
  /** Floats of layer outputs per image in one forward pass. */
  activations: number;
}

/** What `buildGenerator(spec)` would hold, counted from the spec without allocating anything. */
export function generatorSize(spec: GeneratorSpec): NetworkSize {
  const conditional = spec.conditioning !== 'none';
  let parameters = conditional ? spec.numClasses * spec.embeddingSize : 0;
  let activations = 0;
  let width = spec.latentSize + (conditional ? spec.embeddingSize : 0);
  const norm = (units: number) => (spec.batchNorm ? 4 * units : 0);
  const projection = spec.baseSize * spec.baseSize * spec.filters[0];
  for (const units of [...spec.denseUnits, projection]) {
    const normalized = units === projection && spec.normalizeAfterReshape ? spec.filters[0] : units;
    parameters += width * units + (spec.batchNorm ? 0 : units) + norm(normalized);
    activations += 2 * units;
    width = units;
  }
  const sides = generatorSides(spec);
  const channels = spec.imageShape[2];
  spec.strides.forEach((_, i) => {
    const makesImage = spec.outputKernel === 0 && i === spec.strides.length - 1;
    const out = makesImage ? channels : spec.filters[i + 1];
    parameters += spec.kernelSize ** 2 * spec.filters[i] * out + (spec.batchNorm ? 0 : out) + (makesImage ? 0 : norm(out));
    activations += 2 * sides[i + 1] ** 2 * out;
  });
  if (spec.outputKernel > 0) {
    parameters += spec.outputKernel ** 2 * spec.filters[spec.filters.length - 1] * channels + channels;
    activations += 2 * sides[sides.length - 1] ** 2 * channels;
  }
  for (const { from, to } of spec.excitations) {
    const [a, b] = [spec.filters[from], spec.filters[to]];
    parameters += 16 * a * b + b * b;
    activations += 16 * a + 3 * b + sides[to] ** 2 * b;
  }
  return { parameters, activations };
}

/** What `buildDiscriminator(spec)` would hold, counted from the spec without allocating anything. */
export function discriminatorSize(spec: DiscriminatorSpec): NetworkSize {
  const [h, w, c] = spec.imageShape;
  let parameters = 0;
  let activations = h * w * c;
  let channels = c;
  if (spec.conditioning === 'cgan') {
    parameters += spec.numClasses * spec.embeddingSize + spec.embeddingSize * h * w + h * w;
    channels += 1;
  }
  let side = h;
  spec.filters.forEach((filters, i) => {
    side = Math.ceil(side / 2);
    const norm = spec.batchNorm && i > 0;
    parameters += spec.kernelSize ** 2 * channels * filters + (norm ? 4 * filters : spec.bias ? filters : 0);
    activations += 3 * side * side * filters;
    channels = filters;
  });
  const features = discriminatorFeatureSize(spec);
  parameters += features + (spec.bias ? 1 : 0) + (spec.conditioning === 'acgan' ? (features + 1) * spec.numClasses : 0) +
    (features + 1) * (spec.infoUnits ?? 0);
  return { parameters, activations };
}
