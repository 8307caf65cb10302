// The classifier extractor's training: random-shift augmentation moves each image by at most ±shift
// pixels (zero fill), training is reproducible from its seed, and the CLI rejects an unknown architecture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { command as trainClassifierCommand } from '../../src/cli/commands/train-classifier.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { Rng } from '../../src/core/random.ts';
import { initBackend } from '../../src/env/backend.ts';
import { imageBatch, trainClassifierExtractor } from '../../src/classifier/extractor-training.ts';

const SIDE = 8;

/** `count` SIDE×SIDE grey images, each black with one white pixel at (x, y) = position(i); label = i % 2. */
function dotDataset(count: number, position: (i: number) => [number, number]): Dataset {
  const images = new Uint8Array(count * SIDE * SIDE);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const [x, y] = position(i);
    images[i * SIDE * SIDE + y * SIDE + x] = 255;
    labels[i] = i % 2;
  }
  return { name: 'dots', images, labels, count, height: SIDE, width: SIDE, channels: 1, classNames: ['even', 'odd'] };
}

test('imageBatch with shift 1 moves each image by one of the 9 offsets in [-1, 1]², with zero fill', async () => {
  await initBackend('cpu');
  const centre = dotDataset(1, () => [3, 4]);
  const rows = new Int32Array(300); // the same image 300 times
  const batch = imageBatch(centre, rows, 1, new Rng(3));
  const pixels = batch.dataSync();
  batch.dispose();
  const offsets = new Set<string>();
  for (let r = 0; r < rows.length; r++) {
    const image = pixels.subarray(r * SIDE * SIDE, (r + 1) * SIDE * SIDE);
    const lit = [...image.keys()].filter((p) => image[p] !== 0);
    assert.equal(lit.length, 1, `image ${r} has ${lit.length} lit pixels`);
    assert.equal(image[lit[0]], 1);
    const [dx, dy] = [(lit[0] % SIDE) - 3, Math.floor(lit[0] / SIDE) - 4];
    assert.ok(Math.abs(dx) <= 1 && Math.abs(dy) <= 1, `offset (${dx}, ${dy})`);
    offsets.add(`${dx},${dy}`);
  }
  assert.equal(offsets.size, 9);

  // A pixel on the left edge leaves the image when shifted left: some images come out black.
  const edge = imageBatch(dotDataset(1, () => [0, 4]), rows, 1, new Rng(3));
  const sums = tf.tidy(() => edge.sum([1, 2, 3]).dataSync());
  edge.dispose();
  assert.ok(sums.some((s) => s === 0) && sums.some((s) => s === 1));

  const plain = imageBatch(centre, [0]);
  assert.deepEqual(Array.from(plain.dataSync()), Array.from(centre.images, (v) => v / 255));
  plain.dispose();
});

test('training with shift augmentation is reproducible from its seed and reports every epoch', async (t) => {
  await initBackend('cpu');
  const root = mkdtempSync(join(tmpdir(), 'ganvae-classifier-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const rng = new Rng(1);
  // Class = parity of the dot's index; its column tells them apart: even left half, odd right half.
  const place = (i: number): [number, number] => [(i % 2) * 4 + 1 + rng.int(2), 1 + rng.int(6)];
  const splits = { train: dotDataset(64, place), test: dotDataset(32, place) };
  const train = async (out: string) => {
    const epochs: number[] = [];
    const info = await trainClassifierExtractor(splits, {
      dataset: 'dots', out, epochs: 2, batchSize: 16, learningRate: 1e-2, shift: 1, seed: 7,
      layers: { filters: [4], strides: [2], featureUnits: 4 },
      onEpochEnd: ({ epoch, testAccuracy }) => {
        assert.ok(testAccuracy >= 0 && testAccuracy <= 1);
        epochs.push(epoch);
      },
    });
    assert.deepEqual(epochs, [0, 1]);
    assert.equal(info.training.shift, 1);
    return readFileSync(join(out, 'weights.bin'));
  };
  assert.deepEqual(await train(join(root, 'a')), await train(join(root, 'b')));
});

test('ganvae train classifier rejects an unknown --architecture with a usage error', async () => {
  await assert.rejects(trainClassifierCommand.run(['--architecture', 'huge']),
    (err: Error & { exitCode?: number }) => err.exitCode === 2 && /--architecture huge: expected one of small, wide/.test(err.message));
});
