// FastGAN's self-supervised discriminator (Liu et al. 2021): two small decoders rebuild the real image from D's 8×8
// map and one quarter of its image from a quarter of D's 16×16 map, so D must keep features that describe the image.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '../core/random.ts';
import { batchNormalization } from '../tfjs/batch-norm.ts';
import { conv2dTranspose } from '../tfjs/conv2d-transpose.ts';
import { gammaInit, kernelInit, type DiscriminatorSpec, type NetworkSize } from './dcgan.ts';

/** Side of the decoders' images: half the image side, at most 32 (FastGAN decodes 1024² images at 128). */
export function reconstructionSide(imageSide: number): number {
  return Math.min(32, imageSide / 2);
}

/** Channels of D's map of side `side` (each stride-2 convolution halves the side). */
function mapChannels(spec: DiscriminatorSpec, side: number): number {
  const index = Math.log2(spec.imageShape[0] / side) - 1;
  const channels = spec.filters[index];
  if (channels === undefined) throw new Error(`--reconstruction needs D's map of side ${side}; its sides are ${spec.filters.map((_, i) => spec.imageShape[0] / 2 ** (i + 1)).join(', ')}`);
  return channels;
}

/** The decoders' layer widths: from `channels` at 8×8, halved per doubling (at least 16), then the image's channels. */
function decoderWidths(channels: number, side: number): number[] {
  const widths: number[] = [];
  for (let s = 16, width = channels; s <= side; s *= 2) widths.push((width = Math.max(16, width / 2)));
  return widths;
}

/**
 * A decoder: D's map [n, 8, 8, C] → ConvT(4, s2)-BN-LReLU(0.2) per doubling → Conv(3)-tanh → [n, R, R, c] in [-1, 1],
 * R = reconstructionSide (FastGAN upsamples and convolves; stride-2 ConvTs are the native backend's fast path).
 */
export function buildReconstructionDecoder(name: string, channels: number, spec: DiscriminatorSpec, rng: Rng): tfl.LayersModel {
  const side = reconstructionSide(spec.imageShape[0]);
  const input = tfl.input({ shape: [8, 8, channels], name: 'map' });
  let x: tfl.SymbolicTensor = input;
  for (const width of decoderWidths(channels, side)) {
    x = conv2dTranspose({ filters: width, kernelSize: 4, strides: 2, padding: 'same', useBias: false, kernelInitializer: kernelInit(spec.init, rng) })
      .apply(x) as tfl.SymbolicTensor;
    x = batchNormalization({ gammaInitializer: gammaInit(spec.init, rng) }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(x) as tfl.SymbolicTensor;
  }
  const image = tfl.layers.conv2d({
    filters: spec.imageShape[2], kernelSize: 3, padding: 'same', activation: 'tanh', kernelInitializer: kernelInit(spec.init, rng),
  }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: image, name });
}

/** The two decoders of D `spec`: `whole` reads its 8×8 map, `part` a quarter (8×8) of its 16×16 map. */
export function buildReconstructionDecoders(spec: DiscriminatorSpec, rng: Rng): { whole: tfl.LayersModel; part: tfl.LayersModel } {
  return {
    whole: buildReconstructionDecoder('decoder-whole', mapChannels(spec, 8), spec, rng),
    part: buildReconstructionDecoder('decoder-part', mapChannels(spec, 16), spec, rng),
  };
}

/** What buildReconstructionDecoders(spec) would hold, counted without building (the memory check). */
export function reconstructionSize(spec: DiscriminatorSpec): NetworkSize {
  const side = reconstructionSide(spec.imageShape[0]);
  const one = (channels: number): NetworkSize => {
    let parameters = 0;
    let activations = 0;
    let [width, s] = [channels, 8];
    for (const next of decoderWidths(channels, side)) {
      s *= 2;
      parameters += 16 * width * next + 4 * next;
      activations += 3 * s * s * next;
      width = next;
    }
    parameters += 9 * width * spec.imageShape[2] + spec.imageShape[2];
    activations += 2 * side * side * spec.imageShape[2];
    return { parameters, activations };
  };
  const [whole, part] = [one(mapChannels(spec, 8)), one(mapChannels(spec, 16))];
  return { parameters: whole.parameters + part.parameters, activations: whole.activations + part.activations };
}

/** Images [n, s, s, c] average-pooled to [n, side, side, c] (s a multiple of side). */
function shrink(images: tf.Tensor4D, side: number): tf.Tensor4D {
  const factor = images.shape[1] / side;
  return factor === 1 ? images : tf.avgPool(images, factor, factor, 'valid');
}

/**
 * Mean squared error of both decoders against the real images `real` [n, h, w, c]: `whole` from `map8` [n, 8, 8, C8]
 * against the image shrunk to R×R, `part` from quarter `quarter` (0 top left, 1 top right, 2 bottom left, 3 bottom right)
 * of `map16` [n, 16, 16, C16] against the same quarter of the image shrunk to R×R → scalar.
 */
export function reconstructionLoss(
  decoders: { whole: tfl.LayersModel; part: tfl.LayersModel }, map16: tf.Tensor4D, map8: tf.Tensor4D, real: tf.Tensor4D, quarter: number,
): tf.Scalar {
  return tf.tidy(() => {
    const side = reconstructionSide(real.shape[1]);
    const [row, col] = [Math.floor(quarter / 2), quarter % 2];
    const half = real.shape[1] / 2;
    const wholeTarget = shrink(real, side);
    const partTarget = shrink(tf.slice(real, [0, row * half, col * half, 0], [-1, half, half, -1]), side);
    const partMap = tf.slice(map16, [0, row * 8, col * 8, 0], [-1, 8, 8, -1]);
    const whole = decoders.whole.apply(map8, { training: true }) as tf.Tensor4D;
    const part = decoders.part.apply(partMap, { training: true }) as tf.Tensor4D;
    return tf.add(tf.mean(tf.square(tf.sub(whole, wholeTarget))), tf.mean(tf.square(tf.sub(part, partTarget)))) as tf.Scalar;
  });
}
