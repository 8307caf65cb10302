// End to end: a synthetic image-folder dataset, a tiny classifier extractor trained on it, a tiny
// (untrained) GAN run folder, and `ganvae eval` on the run and on a folder of PNGs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command as evalCommand } from '../../src/cli/commands/eval.ts';
import { CliError } from '../../src/cli/command.ts';
import { writePng } from '../../src/data/image-codec.ts';
import { Rng } from '../../src/core/random.ts';
import { loadDataset } from '../../src/data/sources.ts';
import { initBackend } from '../../src/env/backend.ts';
import { loadClassifierExtractor } from '../../src/metrics/extractor.ts';
import { trainClassifierExtractor } from '../../src/classifier/extractor-training.ts';
import { saveLayersModel } from '../../src/core/layers-model-files.ts';
import { ganKind } from '../../src/gan/gan-family.ts';
import { RUN_FORMAT_VERSION, writeRunInfo } from '../../src/training/run-folder.ts';

const SIDE = 28;

/** 28×28 grey images of two classes: a bright blob top-left (a) or bottom-right (b), with noise. */
function writeSyntheticFolder(dir: string, perClass: number, seed: number): void {
  const rng = new Rng(seed);
  for (const [label, corner] of [['a', 6], ['b', 20]] as const) {
    mkdirSync(join(dir, label), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const pixels = new Uint8Array(SIDE * SIDE);
      const cx = corner + rng.int(5) - 2;
      const cy = corner + rng.int(5) - 2;
      for (let y = 0; y < SIDE; y++) {
        for (let x = 0; x < SIDE; x++) {
          const blob = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 18);
          pixels[y * SIDE + x] = Math.min(255, Math.round(230 * blob + 25 * rng.next()));
        }
      }
      writePng(join(dir, label, `${i}.png`), { pixels, width: SIDE, height: SIDE, channels: 1 });
    }
  }
}

/** A GAN run folder as `ganvae train gan` leaves it, with freshly initialised (untrained) weights. */
async function writeTinyRun(dir: string, dataName: string): Promise<void> {
  const data = { shape: [SIDE, SIDE, 1] as [number, number, number], numClasses: 2 };
  const options = ganKind.resolve!(ganKind.options.parse({ preset: 'dcgan28', width: 2, latentSize: 4 }), data);
  const trainable = ganKind.create(options, data, new Rng(3));
  try {
    for (const [part, model] of Object.entries(trainable.models())) await saveLayersModel(model, join(dir, 'model', part));
  } finally {
    trainable.dispose();
  }
  writeRunInfo(dir, {
    formatVersion: RUN_FORMAT_VERSION, kind: 'gan', config: { ...options, data: dataName },
    dataset: { name: dataName, shape: data.shape, classes: ['a', 'b'] }, backend: 'test', createdAt: new Date(0).toISOString(),
  });
}

async function quietly<T>(run: () => Promise<T>): Promise<{ result: T; stdout: string }> {
  const log = console.log;
  const write = process.stderr.write;
  let stdout = '';
  console.log = (...parts: unknown[]) => { stdout += `${parts.join(' ')}\n`; };
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return { result: await run(), stdout };
  } finally {
    console.log = log;
    process.stderr.write = write;
  }
}

test('ganvae eval scores a run folder and an image folder against a dataset, with the real-data floor', async (t) => {
  await initBackend();
  const root = mkdtempSync(join(tmpdir(), 'ganvae-eval-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dataDir = join(root, 'data');
  writeSyntheticFolder(dataDir, 60, 1);
  const dataName = `folder:${dataDir}`;

  // A tiny extractor, trained reproducibly on the synthetic classes.
  const splits = await loadDataset(dataName, { size: SIDE, channels: 1, cacheDir: false });
  const extractorDir = join(root, 'extractor');
  const info = await trainClassifierExtractor(splits, {
    dataset: 'toy', out: extractorDir, epochs: 3, batchSize: 16, learningRate: 3e-3, seed: 5,
    layers: { filters: [4, 8], strides: [2, 2], featureUnits: 8 },
  });
  assert.ok(info.testAccuracy >= 0.9, `toy accuracy ${info.testAccuracy}`);
  assert.deepEqual(info.spec.imageShape, [SIDE, SIDE, 1]);
  const extractor = await loadClassifierExtractor(extractorDir);
  assert.equal(extractor.id, 'toy classifier v1');
  assert.throws(() => extractor.checkImageShape([32, 32, 3]), /takes 28×28×1 images, got 32×32×3/);
  extractor.dispose();

  const runDir = join(root, 'run');
  await writeTinyRun(runDir, dataName);
  const common = ['--data', dataName, '--split', 'train', '--extractor', extractorDir, '-n', '40', '--batch-size', '16',
    '--kid-subsets', '3', '--kid-subset-size', '10'];
  const statsPath = join(root, 'train.stats');
  const { result: code, stdout } = await quietly(() => evalCommand.run(['--run', runDir, ...common, '--save-stats', statsPath]));
  assert.equal(code, 0);
  assert.match(stdout, /metric \(toy classifier v1\)/);
  const report = JSON.parse(readFileSync(join(runDir, 'eval', 'metrics.json'), 'utf8'));
  assert.equal(report.extractor, 'toy classifier v1');
  assert.equal(report.evaluated.n, 40);
  assert.equal(report.reference.n, 40);
  assert.equal(report.floor.n, 12); // the folder's 10% test split
  const generated = report.evaluated.metrics;
  const floor = report.floor.metrics;
  // Untrained generator output is nothing like the blobs; held-out real images are.
  assert.ok(generated.fid > 5 * floor.fid, `FID generated ${generated.fid} vs floor ${floor.fid}`);
  assert.ok(floor.precision > generated.precision, `precision floor ${floor.precision} vs generated ${generated.precision}`);
  for (const key of ['precision', 'recall', 'coverage']) assert.ok(generated[key] >= 0 && generated[key] <= 1);
  assert.equal(report.settings.kidSubsetSize, 10);
  assert.ok(existsSync(statsPath));

  // The same dataset's PNGs as "generated" images, scored against cached statistics: FID and IS only.
  const out = join(root, 'images-eval');
  const images = await quietly(() => evalCommand.run(['--images', join(dataDir, 'a'), ...common, '--ref-stats', statsPath, '--out', out]));
  assert.equal(images.result, 0);
  const imagesReport = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  assert.equal(imagesReport.evaluated.n, 40);
  assert.equal(imagesReport.floor, null);
  assert.equal(imagesReport.evaluated.metrics.kid, null);
  assert.ok(imagesReport.evaluated.metrics.fid < generated.fid);
});

test('ganvae eval explains bad usage and missing extractors without a stack trace', async () => {
  await assert.rejects(evalCommand.run(['--data', 'fashion-mnist']), (err: Error) => err instanceof CliError && /exactly one of --run/.test(err.message));
  const cli = spawnSync(process.execPath, ['bin/ganvae.js', 'eval', '--images', '/nonexistent', '--data', 'mnist-10k', '--extractor', '/nonexistent-extractor'],
    { encoding: 'utf8' });
  assert.equal(cli.status, 2);
  assert.match(cli.stderr, /^ganvae eval: .*extractor\.json not found/);
  assert.doesNotMatch(cli.stderr, /at .*\.ts:\d+/);
});
