// The batch pipeline: every image once per epoch, seeded and resumable orders, exact scaling,
// binarisation statistics, labels and one-hot, and tensors that take the batch arrays without copying.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/env/backend.ts';
import { createBatcher } from '../../src/data/batches.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { batchTensors } from '../../src/training/batch-tensors.ts';
import { randomBytesSeeded } from './fixtures.ts';

function toyDataset(count = 50, side = 4, channels = 2): Dataset {
  return {
    name: 'toy',
    images: randomBytesSeeded(count * side * side * channels, 11),
    labels: randomBytesSeeded(count, 12, 3),
    count, height: side, width: side, channels,
    classNames: ['a', 'b', 'c'],
  };
}

const rowSize = (d: Dataset) => d.height * d.width * d.channels;

describe('createBatcher', () => {
  it('visits every image exactly once per epoch; the last batch is smaller unless dropLast', () => {
    const data = toyDataset();
    const batcher = createBatcher(data, { batchSize: 16, seed: 3 });
    const batches = [...batcher.epoch(0)];
    assert.deepEqual(batches.map((b) => b.shape[0]), [16, 16, 16, 2]);
    assert.deepEqual([...batches.flatMap((b) => [...b.indices])].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
    const dropped = createBatcher(data, { batchSize: 16, seed: 3, dropLast: true });
    assert.equal(dropped.batchesPerEpoch, 3);
    assert.deepEqual([...dropped.epoch(0)].map((b) => b.shape), [[16, 4, 4, 2], [16, 4, 4, 2], [16, 4, 4, 2]]);
  });

  it('is reproducible from the seed, differs between epochs, and resumes mid-epoch', () => {
    const data = toyDataset();
    const a = createBatcher(data, { batchSize: 8, seed: 9 });
    const b = createBatcher(data, { batchSize: 8, seed: 9 });
    const order = (batcher: typeof a, epoch: number) => [...batcher.epoch(epoch)].flatMap((x) => [...x.indices]);
    assert.deepEqual(order(a, 2), order(b, 2));
    assert.notDeepEqual(order(a, 0), order(a, 1));
    assert.notDeepEqual(order(a, 0), order(createBatcher(data, { batchSize: 8, seed: 10 }), 0));
    assert.deepEqual([...a.epoch(1, 4)].map((x) => x.images), [...b.epoch(1)].slice(4).map((x) => x.images));
    const unshuffled = createBatcher(data, { batchSize: 8, shuffle: false });
    assert.deepEqual(order(unshuffled, 5), Array.from({ length: 50 }, (_, i) => i));
  });

  it('scales pixels exactly to [-1, 1] and [0, 1] and carries labels and one-hot', () => {
    const data = toyDataset();
    data.images[0] = 0;
    data.images[1] = 255;
    data.images[2] = 51;
    for (const [range, f] of [['[-1,1]', (v: number) => v / 127.5 - 1], ['[0,1]', (v: number) => v / 255]] as const) {
      const batch = createBatcher(data, { batchSize: 50, shuffle: false, range }).batch(0, 0);
      for (let i = 0; i < batch.images.length; i++) assert.ok(Math.abs(batch.images[i] - f(data.images[i])) < 1e-6);
      assert.deepEqual([...batch.labels!], [...data.labels!]);
    }
  });

  it('gathers the right pixels for each shuffled index', () => {
    const data = toyDataset();
    const batch = createBatcher(data, { batchSize: 7, seed: 1, range: '[0,1]' }).batch(3, 2);
    batch.indices.forEach((row, i) => {
      const expected = [...data.images.subarray(row * rowSize(data), (row + 1) * rowSize(data))].map((v) => v / 255);
      const actual = [...batch.images.subarray(i * rowSize(data), (i + 1) * rowSize(data))];
      actual.forEach((v, j) => assert.ok(Math.abs(v - expected[j]) < 1e-6));
    });
  });

  it('dynamic binarisation: 0/1 draws with P(1) = pixel/255, new each epoch, same for the same (seed, epoch, batch)', () => {
    const count = 200;
    const data: Dataset = { name: 'grey', images: new Uint8Array(count * 64), count, height: 8, width: 8, channels: 1 };
    data.images.fill(64); // P(1) = 0.251
    const batcher = createBatcher(data, { batchSize: count, range: '[0,1]', binarize: 'dynamic', seed: 4 });
    const e0 = batcher.batch(0, 0).images;
    const e1 = batcher.batch(1, 0).images;
    assert.ok(e0.every((v) => v === 0 || v === 1));
    const mean = e0.reduce((s, v) => s + v, 0) / e0.length;
    assert.ok(Math.abs(mean - 64 / 255) < 0.01, `mean ${mean}`);
    assert.notDeepEqual(e0, e1);
    assert.deepEqual(createBatcher(data, { batchSize: count, range: '[0,1]', binarize: 'dynamic', seed: 4 }).batch(0, 0).images, e0);
    const black = { ...data, images: new Uint8Array(count * 64) };
    assert.ok(createBatcher(black, { batchSize: 10, range: '[0,1]', binarize: 'dynamic' }).batch(0, 0).images.every((v) => v === 0));
  });

  it('fixed binarisation: one draw per image kept across epochs; in [-1, 1] it gives -1/1', () => {
    const data = toyDataset(30, 4, 1);
    const batcher = createBatcher(data, { batchSize: 30, binarize: 'fixed', seed: 2, range: '[-1,1]' });
    const byRow = (epoch: number) => {
      const batch = batcher.batch(epoch, 0);
      const rows = new Map<number, number[]>();
      batch.indices.forEach((row, i) => rows.set(row, [...batch.images.subarray(i * 16, (i + 1) * 16)]));
      return rows;
    };
    const first = byRow(0);
    const second = byRow(1);
    for (const [row, values] of first) assert.deepEqual(second.get(row), values);
    assert.ok([...first.values()].flat().every((v) => v === -1 || v === 1));
  });

  it('refuses bad options with clear messages', () => {
    const data = toyDataset(5);
    assert.throws(() => createBatcher(data, { batchSize: 0 }), /batch size must be a positive integer/);
    assert.throws(() => createBatcher(data, { batchSize: 8, dropLast: true }), /5 images, fewer than one batch of 8/);
  });
});

describe('batchTensors', () => {
  it('wraps the batch as [batch, h, w, c] float32 without copying, plus int32 labels; no leaks', async () => {
    await initBackend('cpu');
    const data = toyDataset();
    const batch = createBatcher(data, { batchSize: 16, seed: 1 }).batch(0, 0);
    const before = tf.memory().numTensors;
    const tensors = batchTensors(batch);
    assert.deepEqual(tensors.images.shape, [16, 4, 4, 2]);
    assert.equal(tensors.images.dtype, 'float32');
    assert.equal(tensors.images.dataSync(), batch.images, 'the tensor holds the batch array itself');
    assert.deepEqual([...tensors.labels!.dataSync()], [...batch.labels!]);
    tf.dispose([tensors.images, tensors.labels!]);
    assert.equal(tf.memory().numTensors, before);
  });
});
