import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset } from '../../src/data/dataset.ts';
import { datasetSource, unitRangeToBytes } from '../../src/metrics/image-sources.ts';

test('generator output in [-1, 1] becomes the bytes a PNG sample would hold', () => {
  assert.deepEqual(Array.from(unitRangeToBytes(Float32Array.from([-1, 1, 0, -2, 3, NaN, 0.5]))), [0, 255, 128, 0, 255, 0, 191]);
});

test('datasetSource streams the first rows in batches, or a seeded subset, and refuses to overdraw', async () => {
  const images = Uint8Array.from({ length: 10 * 4 }, (_, i) => Math.floor(i / 4)); // image r is all r
  const dataset: Dataset = { name: 'toy', images, count: 10, height: 2, width: 2, channels: 1 };
  const firstRows = [];
  for await (const batch of datasetSource(dataset, 'toy', 5).batches(2)) firstRows.push(Array.from(batch.filter((_, i) => i % 4 === 0)));
  assert.deepEqual(firstRows, [[0, 1], [2, 3], [4]]);

  const pick = async (seed: number) => {
    const rows: number[] = [];
    for await (const batch of datasetSource(dataset, 'toy', 6, seed).batches(4)) rows.push(...batch.filter((_, i) => i % 4 === 0));
    return rows;
  };
  const subset = await pick(3);
  assert.equal(new Set(subset).size, 6);
  assert.deepEqual(await pick(3), subset);
  assert.notDeepEqual(await pick(4), subset);
  assert.throws(() => datasetSource(dataset, 'toy test', 11), /toy test has 10 images, fewer than the 11 asked for/);
});
