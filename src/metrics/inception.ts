// Inception-v3 as a feature extractor (`ganvae eval --inception PATH`), for numbers comparable in
// kind with published Inception FID/IS. The user supplies a tfjs Layers model (see README) with input
// [n, 299, 299, 3] and two outputs: pool3 features [n, 2048] and logits [n, classes]. Images are
// prepared as torch-fidelity does: uint8 → float, TF1-style bilinear resize to 299×299
// (align_corners = False, no half-pixel centres), then (x − 128) / 128; grey images are tiled to RGB.
import { basename, dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type ExtractedBatch, type FeatureExtractor, runTwoHeadModel } from './extractor.ts';
import { loadLayersModel } from '../core/layers-model-files.ts';

const SIDE = 299;

/**
 * The Inception input of uint8 images `[count, h, w, c]` (c = 1 or 3): `[count, 299, 299, 3]`
 * float32 in [−1, 1), resized as TensorFlow 1 did for the original FID and IS code.
 */
export function inceptionInput(images: Uint8Array, count: number, shape: [number, number, number]): tf.Tensor4D {
  return tf.tidy(() => {
    let x = tf.tensor4d(images, [count, ...shape], 'int32').toFloat();
    if (shape[2] === 1) x = tf.tile(x, [1, 1, 1, 3]);
    // tfjs's defaults (alignCorners false, halfPixelCenters false) are TF1's resize_bilinear.
    const resized = tf.image.resizeBilinear(x as tf.Tensor4D, [SIDE, SIDE], false, false);
    return tf.div(tf.sub(resized, 128), 128) as tf.Tensor4D;
  });
}

class InceptionExtractor implements FeatureExtractor {
  readonly id: string;
  readonly imageShape = null;

  constructor(private readonly model: tfl.LayersModel, path: string, readonly featureDim: number, readonly numClasses: number) {
    const name = basename(path) === 'model.json' ? basename(dirname(path)) : basename(path);
    this.id = `Inception-v3 (${name}, ${featureDim}-d)`;
  }

  checkImageShape(shape: [number, number, number]): void {
    if (shape[2] !== 1 && shape[2] !== 3) throw new Error(`Inception takes grey or RGB images, got ${shape[2]} channels`);
  }

  async extract(images: Uint8Array, count: number, shape: [number, number, number]): Promise<ExtractedBatch> {
    this.checkImageShape(shape);
    const input = inceptionInput(images, count, shape);
    try {
      return await runTwoHeadModel(this.model, input);
    } finally {
      input.dispose();
    }
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** Loads a tfjs Layers Inception model (folder or model.json) and checks its input and two outputs. */
export async function loadInceptionExtractor(path: string): Promise<FeatureExtractor> {
  const model = await loadLayersModel(path);
  const input = model.inputs.length === 1 ? model.inputs[0].shape : null;
  const outputs = model.outputs.map((o) => o.shape);
  const show = (shape: (number | null)[]) => `[${shape.map((v) => v ?? 'n').join(', ')}]`;
  const problem = !input || input.length !== 4 || input[1] !== SIDE || input[2] !== SIDE || input[3] !== 3
    ? `one input of shape [n, 299, 299, 3], got ${model.inputs.map((i) => show(i.shape)).join(' and ')}`
    : outputs.length !== 2 || outputs.some((s) => s.length !== 2)
      ? `two outputs, [n, features] then [n, logits], got ${outputs.map(show).join(' and ')}`
      : null;
  if (problem) {
    model.dispose();
    throw new Error(`--inception ${path}: the model must have ${problem} (see README, "Inception-v3 metrics")`);
  }
  return new InceptionExtractor(model, path, outputs[0][1]!, outputs[1][1]!);
}
