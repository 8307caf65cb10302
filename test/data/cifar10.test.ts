// CIFAR-10 binary batches: planar records become NHWC pixels with their labels; bad files give
// DataErrors naming the file.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '../../src/data/sources.ts';
import { cifarRecords, put, tempFolder, writeCifarSet } from './fixtures.ts';
import { DataError } from '../../src/core/errors.ts';

const temp = tempFolder();
after(temp.remove);
let folders = 0;
const freshDir = () => join(temp.dir, `cifar-${folders++}`);

describe('cifar10', () => {
  it('reads five train batches and the test batch, converting planes to NHWC', async () => {
    const dir = freshDir();
    writeCifarSet(dir, 3);
    const { train, test } = await loadDataset('cifar10', { dataDir: dir, cacheDir: false });
    assert.deepEqual([train.count, test.count, train.height, train.width, train.channels], [15, 3, 32, 32, 3]);
    assert.equal(train.classNames?.[0], 'airplane');
    // Record 1 of data_batch_2 is train image 4: check its label and pixel (y 5, x 7) channel by channel.
    const file = readFileSync(join(dir, 'data_batch_2.bin'));
    const record = 1 * 3073;
    assert.equal(train.labels![4], file[record]);
    const p = 5 * 32 + 7;
    const at = ((4 * 32 + 5) * 32 + 7) * 3;
    assert.deepEqual([...train.images.subarray(at, at + 3)], [file[record + 1 + p], file[record + 1 + 1024 + p], file[record + 1 + 2048 + p]]);
  });

  it('also finds the batches inside cifar-10-batches-bin/ and reads class names from batches.meta.txt', async () => {
    const dir = freshDir();
    writeCifarSet(join(dir, 'cifar-10-batches-bin'), 1);
    put(join(dir, 'cifar-10-batches-bin', 'batches.meta.txt'), 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n');
    const { train } = await loadDataset('cifar10', { dataDir: dir, cacheDir: false });
    assert.equal(train.count, 5);
    assert.equal(train.classNames?.[9], 'j');
  });

  const bad: [string, (dir: string) => string, RegExp][] = [
    ['a file that is not a whole number of records', (dir) => put(join(dir, 'data_batch_3.bin'), cifarRecords(2, 1).subarray(0, 3073 * 2 - 100)), /6046 bytes is not a whole number of 3073-byte CIFAR-10 records/],
    ['an empty file', (dir) => put(join(dir, 'test_batch.bin'), new Uint8Array(0)), /is empty/],
    ['a label out of range', (dir) => {
      const bytes = cifarRecords(3, 1);
      bytes[2 * 3073] = 10;
      return put(join(dir, 'data_batch_1.bin'), bytes);
    }, /label 10 of record 2 is out of range 0\.\.9/],
    ['a missing batch', (dir) => {
      rmSync(join(dir, 'data_batch_4.bin'));
      return dir;
    }, /CIFAR-10 files missing in .*: data_batch_4\.bin; run `ganvae data download cifar10/],
  ];
  for (const [name, spoil, pattern] of bad) {
    it(`names the file for ${name}`, async () => {
      const dir = freshDir();
      writeCifarSet(dir, 3);
      const path = spoil(dir);
      await assert.rejects(loadDataset('cifar10', { dataDir: dir, cacheDir: false }), (err: Error) => {
        assert.ok(err instanceof DataError);
        assert.ok(err.message.includes(path), err.message);
        assert.match(err.message, pattern);
        return true;
      });
    });
  }
});
