// Feature extractors for the metrics: a model that maps uint8 images to an embedding (FID, KID,
// precision/recall) and class logits (IS). Built-in: ganvae's small per-dataset classifiers.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ClassifierExtractorInfo } from '../classifier/classifier.ts';
import { findDataSource } from '../data/sources/index.ts';
import { loadLayersModel } from '../core/layers-model-files.ts';

/** Features and logits of a batch: `[count, featureDim]` and `[count, numClasses]`, row-major. */
export interface ExtractedBatch {
  features: Float32Array;
  logits: Float32Array;
}

/** Anything that embeds images for the metrics. */
export interface FeatureExtractor {
  /** Names every number computed with it, e.g. "fashion-mnist classifier v2". */
  readonly id: string;
  readonly featureDim: number;
  readonly numClasses: number;
  /** The one [h, w, c] it takes, or null when it resizes any image itself. */
  readonly imageShape: [number, number, number] | null;
  /** Checks that images of this [h, w, c] can be embedded; throws an Error naming the shapes if not. */
  checkImageShape(shape: [number, number, number]): void;
  /** uint8 images `[count, h, w, c]` (NHWC) → features and logits. */
  extract(images: Uint8Array, count: number, shape: [number, number, number]): Promise<ExtractedBatch>;
  dispose(): void;
}

/** The committed extractors live in the package's models/extractors/<dataset>-v<version>/. */
export const EXTRACTORS_DIR = fileURLToPath(new URL('../../models/extractors/', import.meta.url));

/**
 * Folder of the built-in classifier extractor for the data source `dataset`: the one its source module names
 * at the version it names (fashion-mnist → …/fashion-mnist-v2, emoji → …/emoji-v1); for a source that names none, or
 * no source, `dataset` made file-safe (version 2 unless `version` says otherwise).
 */
export function builtInExtractorDir(dataset: string, version?: number): string {
  const source = findDataSource(dataset)?.source;
  const name = source?.extractor ?? dataset.replace(/[^a-z0-9-]/gi, '_');
  return join(EXTRACTORS_DIR, `${name}-v${version ?? source?.extractorVersion ?? 2}`);
}

/** The human-readable name of a classifier extractor, as every reported number carries it. */
export function classifierExtractorId(dataset: string, version: number): string {
  return `${dataset} classifier v${version}`;
}

/** Runs a two-output Layers model [features, logits] on prepared float images, batch by batch. */
export async function runTwoHeadModel(model: tfl.LayersModel, input: tf.Tensor4D): Promise<ExtractedBatch> {
  const [features, logits] = model.predict(input) as tf.Tensor[];
  try {
    return { features: (await features.data()) as Float32Array, logits: (await logits.data()) as Float32Array };
  } finally {
    features.dispose();
    logits.dispose();
  }
}

/** A trained ganvae classifier: images scaled to [0, 1], features from its penultimate ReLU layer. */
class ClassifierExtractor implements FeatureExtractor {
  readonly id: string;
  readonly featureDim: number;
  readonly numClasses: number;

  readonly imageShape: [number, number, number];

  constructor(private readonly model: tfl.LayersModel, readonly info: ClassifierExtractorInfo) {
    this.id = classifierExtractorId(info.dataset, info.version);
    this.imageShape = info.spec.imageShape;
    this.featureDim = info.spec.featureUnits;
    this.numClasses = info.spec.numClasses;
  }

  checkImageShape(shape: [number, number, number]): void {
    const expected = this.imageShape;
    if (shape.some((v, i) => v !== expected[i])) {
      throw new Error(`the ${this.id} extractor takes ${expected.join('×')} images, got ${shape.join('×')}; ` +
        'evaluate images of the dataset\'s shape, or pass --inception for other image sizes');
    }
  }

  async extract(images: Uint8Array, count: number, shape: [number, number, number]): Promise<ExtractedBatch> {
    this.checkImageShape(shape);
    const input = tf.tidy(() => tf.div(tf.tensor4d(images, [count, ...shape], 'int32').toFloat(), 255) as tf.Tensor4D);
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

/** Loads a classifier extractor folder (model.json, weights.bin, extractor.json). */
export async function loadClassifierExtractor(dir: string): Promise<FeatureExtractor> {
  const infoPath = join(dir, 'extractor.json');
  if (!existsSync(infoPath)) {
    throw new Error(`${infoPath} not found: not a classifier extractor folder (train one with \`ganvae train classifier\`)`);
  }
  const info = JSON.parse(readFileSync(infoPath, 'utf8')) as ClassifierExtractorInfo;
  if (info.kind !== 'classifier-extractor' || info.formatVersion !== 1) {
    throw new Error(`${infoPath}: expected kind "classifier-extractor" formatVersion 1, got ${info.kind} ${info.formatVersion}`);
  }
  const model = await loadLayersModel(dir);
  const outputs = model.outputs.map((o) => o.shape[o.shape.length - 1]);
  if (outputs.length !== 2 || outputs[0] !== info.spec.featureUnits || outputs[1] !== info.spec.numClasses) {
    model.dispose();
    throw new Error(`${dir}/model.json: expected outputs [features ${info.spec.featureUnits}, logits ${info.spec.numClasses}], got [${outputs.join(', ')}]`);
  }
  return new ClassifierExtractor(model, info);
}
