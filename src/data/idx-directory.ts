// Loads MNIST-style datasets (MNIST, Fashion-MNIST) from a folder holding the four standard IDX
// files, each gzipped or not.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkLabels, checkSameCount, type Dataset, type DatasetSplits } from './dataset.ts';
import { readIdxImages, readIdxLabels } from './idx.ts';
import { DataError } from '../core/errors.ts';

/** The four IDX files of MNIST and Fashion-MNIST, without the optional `.gz`. */
const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** Every path an IDX folder's files may have (each gzipped or not): what identifies its version. */
export const idxPaths = (dir: string) => Object.values(IDX_FILES).flatMap((base) => [join(dir, base), join(dir, `${base}.gz`)]);

/** The path of `base` or `base.gz` in `dir`; a DataError with `hint` when neither exists. */
function findIdxFile(dir: string, base: string, hint: string): string {
  for (const candidate of [join(dir, base), join(dir, `${base}.gz`)]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new DataError(`no ${base} or ${base}.gz in ${dir}; ${hint}`);
}

function loadSplit(imageFile: string, labelFile: string, name: string, classNames: string[]): Dataset {
  const { count, height, width, pixels } = readIdxImages(imageFile);
  const labels = readIdxLabels(labelFile);
  checkSameCount(count, imageFile, labels.length, labelFile);
  checkLabels(labels, classNames.length, labelFile);
  return { name, images: pixels, labels, count, height, width, channels: 1, classNames };
}

/** Loads train (train-*) and test (t10k-*) splits from `dir`, [count, h, w, 1]; `hint` says how to get the files. */
export function loadIdxDirectory(dir: string, name: string, classNames: string[], hint: string): DatasetSplits {
  const file = (base: string) => findIdxFile(dir, base, hint);
  const train = loadSplit(file(IDX_FILES.trainImages), file(IDX_FILES.trainLabels), name, classNames);
  const test = loadSplit(file(IDX_FILES.testImages), file(IDX_FILES.testLabels), name, classNames);
  if (train.height !== test.height || train.width !== test.width) {
    throw new DataError(`${dir}: train images are ${train.height}x${train.width} but test images are ${test.height}x${test.width}`);
  }
  return { train, test };
}
