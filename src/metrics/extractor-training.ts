// Trains a classifier feature extractor on a dataset's train split (seeded, Adam, softmax
// cross-entropy), measures its test accuracy and saves it with extractor.json for the metrics.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Dataset, DatasetSplits } from '../data/dataset.ts';
import { permutation, Rng } from '../data/random.ts';
import { buildClassifier, SMALL_CLASSIFIER, type ClassifierSpec } from '../models/classifier.ts';
import { createAdam } from '../training/adam.ts';
import type { ClassifierExtractorInfo } from './extractor.ts';
import { saveLayersModel } from './layers-model-files.ts';

/** How the extractor is trained (Adam, rate decayed linearly to a tenth); the defaults produced fashion-mnist-v1. */
export interface ClassifierTrainingOptions {
  /** Name of the dataset, recorded in extractor.json (e.g. "fashion-mnist"). */
  dataset: string;
  /** Folder written: model.json, weights.bin, extractor.json. */
  out: string;
  version?: number;
  seed?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Architecture; defaults to SMALL_CLASSIFIER. */
  layers?: Omit<ClassifierSpec, 'imageShape' | 'numClasses'>;
  /** Backend name recorded in extractor.json. */
  backend?: string;
  /** Called after every step with progress (for a progress line). */
  onProgress?: (progress: { epoch: number; step: number; stepsPerEpoch: number; loss: number }) => void;
}

/** `dataset` rows [start, start+count) as a float batch [count, h, w, c] in [0, 1]. */
function imageBatch(dataset: Dataset, rows: ArrayLike<number>): tf.Tensor4D {
  const size = dataset.height * dataset.width * dataset.channels;
  const pixels = new Float32Array(rows.length * size);
  for (let r = 0; r < rows.length; r++) {
    const from = rows[r] * size;
    for (let p = 0; p < size; p++) pixels[r * size + p] = dataset.images[from + p] / 255;
  }
  return tf.tensor4d(pixels, [rows.length, dataset.height, dataset.width, dataset.channels]);
}

/** Top-1 accuracy of `model` (outputs [features, logits]) on a labelled dataset, in batches. */
export function classifierAccuracy(model: tfl.LayersModel, dataset: Dataset, batchSize = 500): number {
  if (!dataset.labels) throw new Error(`${dataset.name} has no labels: accuracy needs a labelled split`);
  let correct = 0;
  for (let start = 0; start < dataset.count; start += batchSize) {
    const rows = Array.from({ length: Math.min(batchSize, dataset.count - start) }, (_, i) => start + i);
    const classes = tf.tidy(() => tf.argMax((model.predict(imageBatch(dataset, rows)) as tf.Tensor[])[1], 1));
    const predicted = classes.dataSync();
    classes.dispose();
    rows.forEach((row, i) => { if (predicted[i] === dataset.labels![row]) correct++; });
  }
  return correct / dataset.count;
}

/**
 * Trains the classifier on `splits.train`, scores it on `splits.test`, writes the extractor folder
 * and returns what it recorded in extractor.json. Needs labelled splits with 2+ classes.
 */
export async function trainClassifierExtractor(splits: DatasetSplits, options: ClassifierTrainingOptions): Promise<ClassifierExtractorInfo> {
  const { train, test } = splits;
  const numClasses = train.classNames?.length ?? 0;
  if (!train.labels || !test.labels || numClasses < 2) {
    throw new Error(`dataset ${options.dataset} has no class labels (or fewer than 2 classes): a classifier extractor needs them`);
  }
  const seed = options.seed ?? 0;
  const epochs = options.epochs ?? 4;
  const batchSize = options.batchSize ?? 64;
  const learningRate = options.learningRate ?? 1e-3;
  const spec: ClassifierSpec = { ...(options.layers ?? SMALL_CLASSIFIER), imageShape: [train.height, train.width, train.channels], numClasses };
  const rng = new Rng(seed);
  const model = buildClassifier(spec, rng);
  const optimizer = createAdam(learningRate);
  const stepsPerEpoch = Math.floor(train.count / batchSize);
  const totalSteps = stepsPerEpoch * epochs;
  const started = performance.now();
  let steps = 0;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = permutation(train.count, rng);
      for (let step = 0; step < stepsPerEpoch; step++) {
        const rows = order.subarray(step * batchSize, (step + 1) * batchSize);
        const labels = Int32Array.from(rows, (row) => train.labels![row]);
        // Linear decay to a tenth of the rate by the last step (Adam reads the field every update).
        Reflect.set(optimizer, 'learningRate', learningRate * (1 - 0.9 * (steps / totalSteps)));
        const loss = tf.tidy(() => {
          const x = imageBatch(train, rows);
          const y = tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses);
          return optimizer.minimize(() => {
            const [, logits] = model.apply(x, { training: true }) as tf.Tensor[];
            return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
          }, true)!;
        });
        const value = (await loss.data())[0];
        loss.dispose();
        steps++;
        options.onProgress?.({ epoch, step, stepsPerEpoch, loss: value });
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const testAccuracy = classifierAccuracy(model, test);
    const weightBytes = await saveLayersModel(model, options.out);
    const info: ClassifierExtractorInfo = {
      formatVersion: 1, kind: 'classifier-extractor', dataset: options.dataset, version: options.version ?? 1, spec,
      testAccuracy, testCount: test.count,
      training: { seed, epochs, batchSize, learningRate, seconds: Math.round(seconds * 10) / 10, backend: options.backend ?? tf.getBackend(), steps },
      weightBytes, createdAt: new Date().toISOString(),
    };
    writeFileSync(join(options.out, 'extractor.json'), `${JSON.stringify(info, null, 2)}\n`);
    return info;
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}
