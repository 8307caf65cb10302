// A small CNN image classifier whose penultimate layer is the feature space of ganvae's metrics
// (FID/KID/PR) and whose logits feed the Inception Score. Build with `buildClassifier(spec, rng)`.
import * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '../core/random.ts';
import { opSeed } from '../core/random.ts';

/** Everything that defines a classifier; plain JSON (stored beside its weights). */
export interface ClassifierSpec {
  /** [h, w, c] of the input images (uint8 scaled to [0, 1] before the model). */
  imageShape: [number, number, number];
  numClasses: number;
  /** Channels of each 3×3 'same' ReLU convolution. */
  filters: number[];
  /** Stride of each convolution (2 halves the side, rounding up). */
  strides: number[];
  /** Width of the feature layer; its pre-ReLU values are the embedding of FID, KID and PR. */
  featureUnits: number;
}

/** Architectures of `ganvae train classifier --architecture`, without the dataset's shape and classes. */
export const CLASSIFIER_ARCHITECTURES = {
  /** The v1 extractors and the demo's quick one: 113k parameters (~0.45 MB of float32). */
  small: { filters: [32, 32, 64, 32], strides: [1, 2, 2, 2], featureUnits: 128 },
  /** The v2 extractors: twice the channels after the first convolution, 225k parameters (~0.9 MB). */
  wide: { filters: [32, 64, 64, 64], strides: [1, 2, 2, 2], featureUnits: 128 },
} satisfies Record<string, Omit<ClassifierSpec, 'imageShape' | 'numClasses'>>;

export type ClassifierArchitecture = keyof typeof CLASSIFIER_ARCHITECTURES;

/** Output names of the two heads, in the model's output order. */
export const FEATURE_OUTPUT = 'features';
export const LOGITS_OUTPUT = 'logits';

/**
 * Builds the classifier: images [batch, h, w, c] in [0, 1] → [features [batch, featureUnits]
 * (pre-ReLU), logits [batch, numClasses]]. Weights are initialised from `rng` (Glorot-uniform, zero biases).
 */
export function buildClassifier(spec: ClassifierSpec, rng: Rng): tfl.LayersModel {
  if (spec.strides.length !== spec.filters.length) {
    throw new Error(`classifier: ${spec.filters.length} filters but ${spec.strides.length} strides; give one stride per convolution`);
  }
  const input = tfl.input({ shape: spec.imageShape, name: 'images' });
  let x: tfl.SymbolicTensor = input;
  spec.filters.forEach((filters, i) => {
    // Strided convolutions rather than max-pooling: tfjs's CPU MaxPoolGrad is ~50x slower than a conv.
    x = tfl.layers.conv2d({
      filters, kernelSize: 3, strides: spec.strides[i], padding: 'same', activation: 'relu', name: `conv${i + 1}`,
      kernelInitializer: tfl.initializers.glorotUniform({ seed: opSeed(rng) }),
    }).apply(x) as tfl.SymbolicTensor;
  });
  x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  // The embedding is the feature layer before its ReLU: units a ReLU leaves dead would give FID's
  // covariance exactly-zero rows, a singular Σ1Σ2 on every evaluation.
  const features = tfl.layers.dense({
    units: spec.featureUnits, name: FEATURE_OUTPUT,
    kernelInitializer: tfl.initializers.glorotUniform({ seed: opSeed(rng) }),
  }).apply(x) as tfl.SymbolicTensor;
  const activated = tfl.layers.activation({ activation: 'relu', name: `${FEATURE_OUTPUT}_relu` }).apply(features) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({
    units: spec.numClasses, name: LOGITS_OUTPUT,
    kernelInitializer: tfl.initializers.glorotUniform({ seed: opSeed(rng) }),
  }).apply(activated) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: [features, logits], name: 'classifier' });
}

/** extractor.json, written beside a trained classifier's model.json by `ganvae train classifier`. */
export interface ClassifierExtractorInfo {
  formatVersion: 1;
  kind: 'classifier-extractor';
  /** Dataset the classifier was trained on, e.g. "fashion-mnist". */
  dataset: string;
  version: number;
  spec: ClassifierSpec;
  /** Top-1 accuracy on the dataset's held-out test split. */
  testAccuracy: number;
  testCount: number;
  training: {
    seed: number; epochs: number; batchSize: number; learningRate: number;
    /** Random-shift augmentation in pixels (absent before v2: none). */
    shift?: number;
    /** The command line that trained it, when `ganvae train classifier` did (absent before v2). */
    command?: string;
    seconds: number; backend: string; steps: number;
  };
  weightBytes: number;
  createdAt: string;
}
