// Fixtures for the sweep tests: a tiny 8×8 image folder, a classifier extractor trained on it (so that
// `ganvae eval` can score the trials), and spec files of tiny GAN trials.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { trainClassifierExtractor } from '../../src/classifier/extractor-training.ts';
import { loadDataset } from '../../src/data/sources.ts';
import { initBackend } from '../../src/env/backend.ts';
import { tinyRunOptions, writeImageFolder } from '../training/fixtures.ts';

/** Writes the image folder and trains its extractor under `root`; resolves to their paths. */
export async function writeSweepData(root: string): Promise<{ images: string; extractor: string }> {
  await initBackend();
  const images = writeImageFolder(join(root, 'images'), 60);
  const splits = await loadDataset(`folder:${images}`, { size: 8, channels: 1, cacheDir: false });
  const extractor = join(root, 'extractor');
  await trainClassifierExtractor(splits, {
    dataset: 'stripes', out: extractor, epochs: 1, batchSize: 16, learningRate: 3e-3, seed: 5,
    layers: { filters: [4, 8], strides: [2, 2], featureUnits: 8 },
  });
  return { images, extractor };
}

/** A spec of tiny GAN trials on `images`: `grid` (or `random` draws) × `seeds`, scored on 20 train-split images by FID. */
export function writeSpec(path: string, data: { images: string; extractor: string }, o: {
  name: string; grid?: Record<string, unknown[]>; random?: Record<string, unknown>; seeds?: number[]; flags?: Record<string, unknown>;
}): string {
  const { data: source, ...fixed } = tinyRunOptions(data.images);
  // A swept flag is not also fixed.
  const swept = Object.keys(o.random ? (o.random.params as object) : o.grid ?? {});
  const flags = Object.fromEntries(Object.entries({ data: source, ...fixed, maxSteps: 3, ...o.flags }).filter(([k]) => !swept.includes(k)));
  const spec = {
    name: o.name, family: 'gan', flags,
    ...(o.random ? { random: o.random } : { grid: o.grid ?? { loss: ['ns', 'lsgan', 'hinge'] } }), seeds: o.seeds ?? [1, 2],
    eval: { split: 'train', n: 20, batchSize: 20, extractor: data.extractor, kidSubsets: 2, kidSubsetSize: 10 },
    metric: 'fid',
  };
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return path;
}
