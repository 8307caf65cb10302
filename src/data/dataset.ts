// The in-memory dataset: uint8 pixels in NHWC order plus optional integer labels, and helpers to
// check labels, take rows and split a set into train and test.
import { permutation, Rng } from '../core/random.ts';
import { DataError } from '../core/errors.ts';

/** Images decoded once into one compact array: pixel (n, y, x, ch) is `images[((n*height + y)*width + x)*channels + ch]`. */
export interface Dataset {
  name: string;
  /** uint8 pixels, [count, height, width, channels] (NHWC). */
  images: Uint8Array;
  /** Class index per image, [count]. */
  labels?: Uint8Array | Int32Array;
  count: number;
  height: number;
  width: number;
  channels: number;
  /** Names of the classes, indexed by label. */
  classNames?: string[];
}

/** A source's train and test splits (same shape and classes). */
export interface DatasetSplits {
  train: Dataset;
  test: Dataset;
}

/** Throws a DataError naming `file` when a label is not in [0, classCount). */
export function checkLabels(labels: ArrayLike<number>, classCount: number, file: string): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0 || labels[i] >= classCount) {
      throw new DataError(`${file}: label ${labels[i]} at index ${i} is out of range 0..${classCount - 1}`);
    }
  }
}

/** Throws a DataError when the image and label files disagree on the number of examples. */
export function checkSameCount(images: number, imageFile: string, labels: number, labelFile: string): void {
  if (images !== labels) {
    throw new DataError(`${imageFile} has ${images} images but ${labelFile} has ${labels} labels; they must match`);
  }
}

/** A new dataset holding the rows `indices` of `dataset` (copied), in that order. */
export function takeRows(dataset: Dataset, indices: ArrayLike<number>, name = dataset.name): Dataset {
  const rowSize = dataset.height * dataset.width * dataset.channels;
  const images = new Uint8Array(indices.length * rowSize);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i] * rowSize;
    images.set(dataset.images.subarray(from, from + rowSize), i * rowSize);
  }
  let labels: Dataset['labels'];
  if (dataset.labels) {
    const source = dataset.labels;
    labels = source instanceof Int32Array ? new Int32Array(indices.length) : new Uint8Array(indices.length);
    for (let i = 0; i < indices.length; i++) labels[i] = source[indices[i]];
  }
  return { ...dataset, name, images, labels, count: indices.length };
}

/**
 * Splits `dataset` into train and test by a seeded draw of `testCount` test images; both splits
 * keep the original order of their images.
 */
export function splitDataset(dataset: Dataset, testCount: number, seed: number): DatasetSplits {
  const order = permutation(dataset.count, new Rng(seed));
  return {
    train: takeRows(dataset, order.subarray(testCount).sort()),
    test: takeRows(dataset, order.subarray(0, testCount).sort()),
  };
}

/**
 * Splits `dataset` keeping each group whole (near-copies such as an image's variants stay on one side): groups
 * in a seeded order go to test until it holds at least `testCount` images. `group` gives each image's group
 * id, [count]; both splits keep the original order of their images.
 */
export function splitDatasetByGroup(dataset: Dataset, group: ArrayLike<number>, testCount: number, seed: number): DatasetSplits {
  const ids = [...new Set(Array.from(group))].sort((x, y) => x - y);
  const order = permutation(ids.length, new Rng(seed));
  const sizes = new Map<number, number>();
  for (let i = 0; i < group.length; i++) sizes.set(group[i], (sizes.get(group[i]) ?? 0) + 1);
  const inTest = new Set<number>();
  for (let k = 0, taken = 0; k < order.length && taken < testCount; k++) {
    inTest.add(ids[order[k]]);
    taken += sizes.get(ids[order[k]])!;
  }
  const rows = (test: boolean) => Array.from({ length: dataset.count }, (_, i) => i).filter((i) => inTest.has(group[i]) === test);
  return { train: takeRows(dataset, rows(false)), test: takeRows(dataset, rows(true)) };
}

/** Labels stored compactly: uint8 when every class index fits in a byte. */
export function labelArray(count: number, classCount: number): Uint8Array | Int32Array {
  return classCount <= 256 ? new Uint8Array(count) : new Int32Array(count);
}
