// Trains a classifier feature extractor on a dataset's train split (seeded, Adam, softmax
// cross-entropy, optional random-shift augmentation), measures its test accuracy and saves it with
// extractor.json for the metrics.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Dataset, DatasetSplits } from '../data/dataset.ts';
import { permutation, Rng } from '../core/random.ts';
import { buildClassifier, CLASSIFIER_ARCHITECTURES, type ClassifierExtractorInfo, type ClassifierSpec } from './classifier.ts';
import { createAdam } from '../tfjs/fused-adam.ts';
import { saveLayersModel } from '../core/layers-model-files.ts';

/** How the extractor is trained (Adam, rate decayed linearly to a tenth); the defaults are those of the v1 extractors. */
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
  /** Each training image is translated by up to ±shift pixels in x and y (zero fill); 0 = no augmentation. */
  shift?: number;
  /** Architecture; defaults to CLASSIFIER_ARCHITECTURES.small. */
  layers?: Omit<ClassifierSpec, 'imageShape' | 'numClasses'>;
  /** Backend name recorded in extractor.json. */
  backend?: string;
  /** The command line recorded in extractor.json, so the folder says how to rebuild it. */
  command?: string;
  /** Called after every step with progress (for a progress line). */
  onProgress?: (progress: { epoch: number; step: number; stepsPerEpoch: number; loss: number }) => void;
  /** When given, the test accuracy is measured after every epoch and passed here (costs one test pass each). */
  onEpochEnd?: (result: { epoch: number; testAccuracy: number }) => void;
}

/**
 * `dataset`'s `rows` as a float batch [rows.length, h, w, c] in [0, 1]. With `shift` > 0 each image
 * is translated by a random (dx, dy) in [-shift, shift]² drawn from `rng`; uncovered pixels are 0
 * (the black background of MNIST-like data).
 */
export function imageBatch(dataset: Dataset, rows: ArrayLike<number>, shift = 0, rng?: Rng): tf.Tensor4D {
  const { height, width, channels } = dataset;
  const size = height * width * channels;
  const pixels = new Float32Array(rows.length * size);
  for (let r = 0; r < rows.length; r++) {
    const from = rows[r] * size;
    const dx = shift > 0 ? rng!.int(2 * shift + 1) - shift : 0;
    const dy = shift > 0 ? rng!.int(2 * shift + 1) - shift : 0;
    for (let y = Math.max(0, dy); y < Math.min(height, height + dy); y++) {
      for (let x = Math.max(0, dx); x < Math.min(width, width + dx); x++) {
        for (let c = 0; c < channels; c++) {
          pixels[r * size + (y * width + x) * channels + c] = dataset.images[from + ((y - dy) * width + x - dx) * channels + c] / 255;
        }
      }
    }
  }
  return tf.tensor4d(pixels, [rows.length, height, width, channels]);
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
  const shift = options.shift ?? 0;
  const spec: ClassifierSpec = { ...(options.layers ?? CLASSIFIER_ARCHITECTURES.small), imageShape: [train.height, train.width, train.channels], numClasses };
  const rng = new Rng(seed);
  const model = buildClassifier(spec, rng);
  const optimizer = createAdam(learningRate);
  const stepsPerEpoch = Math.floor(train.count / batchSize);
  const totalSteps = stepsPerEpoch * epochs;
  const started = performance.now();
  let evaluationMs = 0;
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
          const x = imageBatch(train, rows, shift, rng);
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
      if (options.onEpochEnd) {
        const evaluationStarted = performance.now();
        const testAccuracy = classifierAccuracy(model, test);
        evaluationMs += performance.now() - evaluationStarted;
        options.onEpochEnd({ epoch, testAccuracy });
      }
    }
    // Training time alone: the per-epoch test passes are left out.
    const seconds = (performance.now() - started - evaluationMs) / 1000;
    const testAccuracy = classifierAccuracy(model, test);
    const weightBytes = await saveLayersModel(model, options.out);
    const info: ClassifierExtractorInfo = {
      formatVersion: 1, kind: 'classifier-extractor', dataset: options.dataset, version: options.version ?? 1, spec,
      testAccuracy, testCount: test.count,
      training: {
        seed, epochs, batchSize, learningRate, shift, command: options.command,
        seconds: Math.round(seconds * 10) / 10, backend: options.backend ?? tf.getBackend(), steps,
      },
      weightBytes, createdAt: new Date().toISOString(),
    };
    writeFileSync(join(options.out, 'extractor.json'), `${JSON.stringify(info, null, 2)}\n`);
    return info;
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}
