// `cifar10`: Krizhevsky's 60,000 32x32 colour images in ten classes, the binary version: records of
// 3073 bytes (a label, then 32x32 red, green and blue planes), converted here to NHWC.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSync, requireDataDir, type DataSource } from '../data-source.ts';
import { type Dataset, type DatasetSplits } from '../dataset.ts';
import { readFileChecked } from '../read-file.ts';
import { DataError } from '../../core/errors.ts';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;
const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const TEST_FILE = 'test_batch.bin';
const META_FILE = 'batches.meta.txt';
/** The folder inside the authors' archive that holds the binary batches. */
const ARCHIVE_FOLDER = 'cifar-10-batches-bin';

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
  const meta = join(dir, META_FILE);
  if (!existsSync(meta)) return CLASSES;
  const names = readFileSync(meta, 'utf8').split('\n').map((s) => s.trim()).filter(Boolean);
  return names.length === CLASSES.length ? names : CLASSES;
}

/** Loads data_batch_1..5.bin (train) and test_batch.bin (test) from `dir` or its cifar-10-batches-bin/ folder. */
function loadCifar10(dir: string): DatasetSplits {
  const root = existsSync(join(dir, TEST_FILE)) ? dir : join(dir, ARCHIVE_FOLDER);
  const missing = [...TRAIN_FILES, TEST_FILE].filter((f) => !existsSync(join(root, f)));
  if (missing.length) {
    throw new DataError(`CIFAR-10 files missing in ${dir}: ${missing.join(', ')}; run \`ganvae data download cifar10 --dir ${dir}\``);
  }
  const classNames = classNamesIn(root);
  return {
    train: readBatches(TRAIN_FILES.map((f) => join(root, f)), classNames),
    test: readBatches([join(root, TEST_FILE)], classNames),
  };
}

export const cifar10: DataSource = {
  name: 'cifar10',
  title: 'CIFAR-10',
  summary: 'CIFAR-10: 60,000 32x32 colour images in 10 classes (50k train / 10k test), the binary batches in --data-dir',
  classes: CLASSES,
  extractor: 'cifar10',
  // Alex Krizhevsky's page; the binary version, unpacked after the check.
  download: {
    baseUrl: 'https://www.cs.toronto.edu/~kriz/',
    files: [{ name: 'cifar-10-binary.tar.gz', md5: 'c32a1d4ab5d03f1284b67883e8d87530' }],
    unpack: { kind: 'tar.gz', members: [...TRAIN_FILES, TEST_FILE], optional: [META_FILE] },
  },
  plan(_argument, options) {
    const dir = requireDataDir('cifar10', options.dataDir, 'data_batch_1..5.bin and test_batch.bin');
    const files = [...TRAIN_FILES, TEST_FILE, META_FILE].flatMap((f) => [join(dir, f), join(dir, ARCHIVE_FOLDER, f)]);
    return { files, settings: null, decode: decodeSync(() => loadCifar10(dir)) };
  },
};
