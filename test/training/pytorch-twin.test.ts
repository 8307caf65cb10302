// The PyTorch comparison of a GAN run: bench/pytorch/gan-spec.ts reads a run's architecture, batch and steps,
// bench/pytorch/export-dataset.ts its training images (ganvae's loader), and bench/pytorch/train_gan.py trains that
// many steps (DCGAN or lite, with the run's loss, augmentation, spectral norm, R1, reconstruction, flips and rates)
// and writes samples `ganvae eval --images` reads.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ganRunSpec } from '../../bench/pytorch/gan-spec.ts';
import { npyBytes, runSource, trainImages, writePngFolder } from '../../bench/pytorch/export-dataset.ts';
import { loadDataset } from '../../src/data/sources.ts';
import { decodeImage } from '../../src/data/image-codec.ts';
import { initBackend } from '../../src/env/backend.ts';
import { ganArchitecture, ganOptions, resolveGanOptions } from '../../src/gan/gan-family.ts';
import { trainRun } from '../../src/runs/train-run.ts';
import { tempFolder, tinyRunOptions, writeImageFolder } from './fixtures.ts';

const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(import.meta.dirname, '../../bench/pytorch/train_gan.py');
const temp = tempFolder();
before(async () => {
  await initBackend();
});
after(() => temp.remove());

const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const hasFashionMnist = existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');

describe('PyTorch twin of a GAN run', () => {
  it('gan-spec reads the steps done, the batch and the networks the run trained', async () => {
    const images = writeImageFolder(join(temp.dir, 'images'));
    const runDir = join(temp.dir, 'run');
    await trainRun({ family: 'gan', outDir: runDir, flags: tinyRunOptions(images, { maxSteps: 3 }), dataCache: false });
    const spec = ganRunSpec(runDir) as { steps: number; batchSize: number; options: Record<string, unknown>; gan: unknown };
    assert.equal(spec.steps, 3);
    assert.equal(spec.batchSize, 4);
    assert.deepEqual(spec.gan, ganArchitecture(spec.options as never, { shape: [8, 8, 1], numClasses: 3 }));
    assert.throws(() => ganRunSpec(images), /run.json/);
  });

  it('train_gan.py trains the given steps and writes the samples as PNGs', { skip: !(hasTorch && hasFashionMnist) && 'needs Debian python3-torch and Fashion-MNIST' }, () => {
    const data = { shape: [28, 28, 1] as [number, number, number], numClasses: 10 };
    const options = resolveGanOptions(ganOptions.parse({ width: 4, latentSize: 8 }), data);
    const spec = {
      run: 'test', data: 'fashion-mnist', imageShape: data.shape, batchSize: 8, seed: 3, steps: 3,
      ganvae: { elapsedSec: 1, imagesPerSec: 24, backend: 'test' }, options, gan: ganArchitecture(options, data),
    };
    const specFile = join(temp.dir, 'spec.json');
    writeFileSync(specFile, JSON.stringify(spec));
    const out = join(temp.dir, 'pytorch');
    const result = spawnSync(PYTHON, [SCRIPT, specFile, '--out', out, '--samples', '5', '--log-every', '1'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /step 3\/3 {2}dLoss \d/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.steps, 3);
    assert.equal(summary.sampledFrom, 'generator-ema');
    assert.deepEqual(readdirSync(join(out, 'samples')), ['00000.png', '00001.png', '00002.png', '00003.png', '00004.png']);
    const image = decodeImage(readFileSync(join(out, 'samples', '00004.png')));
    assert.deepEqual([image.width, image.height, image.channels], [28, 28, 1]);
    assert.ok(new Set(image.pixels).size > 1, 'a generated image, not a constant');
  });

  it('train_gan.py --seconds trains for a wall-clock budget instead of the run\'s steps', { skip: !(hasTorch && hasFashionMnist) && 'needs Debian python3-torch and Fashion-MNIST' }, () => {
    const data = { shape: [28, 28, 1] as [number, number, number], numClasses: 10 };
    const options = resolveGanOptions(ganOptions.parse({ width: 4, latentSize: 8 }), data);
    const specFile = join(temp.dir, 'budget.json');
    writeFileSync(specFile, JSON.stringify({
      run: 'test', data: 'fashion-mnist', options, gan: ganArchitecture(options, data), seed: 0, steps: 1, batchSize: 8,
      ganvae: { elapsedSec: 1.5, imagesPerSec: 8, backend: 'test' },
    }));
    const out = join(temp.dir, 'budget');
    const result = spawnSync(PYTHON, [SCRIPT, specFile, '--out', out, '--samples', '1', '--seconds', '1.5'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(result.status, 0, result.stderr);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.budgetSeconds, 1.5);
    assert.ok(summary.trainSec >= 1.5, `trained ${summary.trainSec} s`);
    assert.ok(summary.steps > 1, `${summary.steps} steps: the budget, not the spec's 1 step, ends training`);
  });

  it('export-dataset gives the images a run trained on, as .npy and as a seeded subset of PNGs', { skip: !hasTorch && 'needs Debian python3-torch' }, async () => {
    const images = writeImageFolder(join(temp.dir, 'export-images'));
    const runDir = join(temp.dir, 'export-run');
    await trainRun({ family: 'gan', outDir: runDir, flags: tinyRunOptions(images, { maxSteps: 1, imageSize: 16, grey: false }), dataCache: false });
    const source = runSource(runDir);
    assert.deepEqual(source, { data: `folder:${images}`, load: { dataDir: undefined, size: 16, channels: 3, background: 'white', fit: 'crop' } });
    const train = await trainImages(source);
    const { train: expected } = await loadDataset(`folder:${images}`, { size: 16, channels: 3, cacheDir: false });
    assert.deepEqual([train.count, train.height, train.width, train.channels], [18, 16, 16, 3]);
    assert.deepEqual(train.images, expected.images);
    const npy = join(temp.dir, 'train.npy');
    writeFileSync(npy, npyBytes(train));
    const check = spawnSync(PYTHON, ['-c', 'import sys, numpy as np; a = np.load(sys.argv[1]); print(a.dtype, list(a.shape), int(a.astype(np.int64).sum()))', npy], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    assert.equal(check.stdout.trim(), `uint8 [18, 16, 16, 3] ${train.images.reduce((a, b) => a + b, 0)}`);
    const subset = await trainImages(source, 5, 3);
    assert.equal(subset.count, 5);
    assert.deepEqual(await trainImages(source, 5, 3), subset, 'the same seed, the same subset');
    writePngFolder(subset, join(temp.dir, 'subset'));
    assert.deepEqual(readdirSync(join(temp.dir, 'subset')), ['00000.png', '00001.png', '00002.png', '00003.png', '00004.png']);
    assert.deepEqual(decodeImage(readFileSync(join(temp.dir, 'subset', '00004.png'))).pixels, subset.images.subarray(4 * 768));
    await assert.rejects(trainImages(source, 19), /--subset must be an integer from 1 to the 18 training images/);
  });

  it('train_gan.py trains the twin of a lite run on its exported images: hinge, DiffAugment, SN, R1, reconstruction, flips, lrD', { skip: !hasTorch && 'needs Debian python3-torch' }, async () => {
    const images = writeImageFolder(join(temp.dir, 'lite-images'));
    const runDir = join(temp.dir, 'lite-run');
    await trainRun({
      family: 'gan', outDir: runDir, dataCache: false,
      flags: tinyRunOptions(images, { maxSteps: 2, imageSize: 32, grey: false, preset: 'lite', latentSize: 8, spectralNorm: 'd', r1: 1, r1Every: 2, flip: true, lrD: 4e-4 }),
    });
    const specFile = join(temp.dir, 'lite-spec.json');
    writeFileSync(specFile, JSON.stringify(ganRunSpec(runDir)));
    const npy = join(temp.dir, 'lite-train.npy');
    writeFileSync(npy, npyBytes(await trainImages(runSource(runDir))));
    const out = join(temp.dir, 'lite-pytorch');
    const result = spawnSync(PYTHON, [SCRIPT, specFile, '--data', npy, '--out', out, '--samples', '3', '--log-every', '1'], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /step 2\/2 {2}dLoss \d/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.deepEqual({ steps: summary.steps, trainImages: summary.trainImages, sampledFrom: summary.sampledFrom }, { steps: 2, trainImages: 18, sampledFrom: 'generator-ema' });
    assert.deepEqual(summary.mirrored, {
      loss: 'hinge', augment: 'diffaug', spectralNorm: 'd', r1: 1, r1Every: 2, flip: true, lrG: 2e-4, lrD: 4e-4, reconstruction: 1,
    });
    const image = decodeImage(readFileSync(join(out, 'samples', '00002.png')));
    assert.deepEqual([image.width, image.height, image.channels], [32, 32, 3]);
    assert.ok(new Set(image.pixels).size > 1, 'a generated image, not a constant');
    const grid = decodeImage(readFileSync(join(out, 'grid.png')));
    assert.equal(grid.channels, 3);
    // Without --data, a run on anything but Fashion-MNIST is refused with the export to run.
    const missing = spawnSync(PYTHON, [SCRIPT, specFile, '--out', join(temp.dir, 'none')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /export its images with .*export-dataset.ts --run .*lite-run --npy FILE/);
  });

  it('train_gan.py refuses options it does not mirror, naming them', { skip: !hasTorch && 'needs Debian python3-torch' }, () => {
    const data = { shape: [28, 28, 1] as [number, number, number], numClasses: 10 };
    const options = resolveGanOptions(ganOptions.parse({ width: 4, loss: 'wgan-gp' }), data);
    const specFile = join(temp.dir, 'wgan-gp.json');
    writeFileSync(specFile, JSON.stringify({ data: 'fashion-mnist', options, gan: ganArchitecture(options, data), seed: 0, steps: 1, batchSize: 2 }));
    const result = spawnSync(PYTHON, [SCRIPT, specFile, '--out', join(temp.dir, 'wgan-gp')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /mirrors loss = 'ns' or 'hinge' only; the run has 'wgan-gp'/);
    const ada = resolveGanOptions(ganOptions.parse({ width: 4, augment: 'ada' }), data);
    writeFileSync(specFile, JSON.stringify({ data: 'fashion-mnist', options: ada, gan: ganArchitecture(ada, data), seed: 0, steps: 1, batchSize: 2 }));
    const refused = spawnSync(PYTHON, [SCRIPT, specFile, '--out', join(temp.dir, 'ada')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /mirrors augment = 'none' or 'diffaug' only; the run has 'ada'/);
  });
});
