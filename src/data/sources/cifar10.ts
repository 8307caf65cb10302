// Loads CIFAR-10's binary version: records of 3073 bytes (a label, then 32x32 red, green and blue
// planes), converted here to NHWC.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CIFAR10_ARCHIVE_FOLDER, CIFAR10_CLASSES, CIFAR10_TEST_FILE, CIFAR10_TRAIN_FILES } from './catalog.ts';
import { type Dataset, type DatasetSplits } from './dataset.ts';
import { readFileChecked } from './read-file.ts';
import { DataError } from '../core/errors.ts';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;

/** Decodes whole files of CIFAR records into one dataset, [count, 32, 32, 3]. */
function readBatches(files: string[], classNames: string[]): Dataset {
  const buffers = files.map((file) => {
    const bytes = readFileChecked(file);
    if (bytes.length === 0) throw new DataError(`${file} is empty`);
    if (bytes.length % RECORD !== 0) {
      throw new DataError(`${file}: ${bytes.length} bytes is not a whole number of ${RECORD}-byte CIFAR-10 records; it is truncated or not a CIFAR-10 binary batch`);
    }
    return bytes;
  });
  const count = buffers.reduce((n, b) => n + b.length / RECORD, 0);
  const images = new Uint8Array(count * 3 * PLANE);
  const labels = new Uint8Array(count);
  let n = 0;
  buffers.forEach((bytes, f) => {
    for (let r = 0; r < bytes.length; r += RECORD, n++) {
      labels[n] = bytes[r];
      if (bytes[r] >= classNames.length) {
        throw new DataError(`${files[f]}: label ${bytes[r]} of record ${r / RECORD} is out of range 0..${classNames.length - 1}`);
      }
      const out = images.subarray(n * 3 * PLANE);
      for (let p = 0; p < PLANE; p++) {
        out[3 * p] = bytes[r + 1 + p];
        out[3 * p + 1] = bytes[r + 1 + PLANE + p];
        out[3 * p + 2] = bytes[r + 1 + 2 * PLANE + p];
      }
    }
  });
  return { name: 'cifar10', images, labels, count, height: SIDE, width: SIDE, channels: 3, classNames };
}

/** Class names from the archive's batches.meta.txt when present, else the published ten. */
function classNamesIn(dir: string): string[] {
  const meta = join(dir, 'batches.meta.txt');
  if (!existsSync(meta)) return CIFAR10_CLASSES;
  const names = readFileSync(meta, 'utf8').split('\n').map((s) => s.trim()).filter(Boolean);
  return names.length === CIFAR10_CLASSES.length ? names : CIFAR10_CLASSES;
}

/** Loads data_batch_1..5.bin (train) and test_batch.bin (test) from `dir` or its cifar-10-batches-bin/ folder. */
export function loadCifar10(dir: string): DatasetSplits {
  const root = existsSync(join(dir, CIFAR10_TEST_FILE)) ? dir : join(dir, CIFAR10_ARCHIVE_FOLDER);
  const all = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE];
  const missing = all.filter((f) => !existsSync(join(root, f)));
  if (missing.length) {
    throw new DataError(`CIFAR-10 files missing in ${dir}: ${missing.join(', ')}; run \`ganvae data download cifar10 --dir ${dir}\``);
  }
  const classNames = classNamesIn(root);
  return {
    train: readBatches(CIFAR10_TRAIN_FILES.map((f) => join(root, f)), classNames),
    test: readBatches([join(root, CIFAR10_TEST_FILE)], classNames),
  };
}
