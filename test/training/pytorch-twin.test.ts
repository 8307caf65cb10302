// The PyTorch comparison of a GAN run: bench/pytorch/gan-spec.ts reads a run's architecture, batch and steps,
// and bench/pytorch/train_gan.py trains that many steps and writes samples `ganvae eval --images` reads.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ganRunSpec } from '../../bench/pytorch/gan-spec.ts';
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

  it('train_gan.py refuses options it does not mirror, naming them', { skip: !hasTorch && 'needs Debian python3-torch' }, () => {
    const data = { shape: [28, 28, 1] as [number, number, number], numClasses: 10 };
    const options = resolveGanOptions(ganOptions.parse({ width: 4, loss: 'wgan-gp' }), data);
    const specFile = join(temp.dir, 'wgan-gp.json');
    writeFileSync(specFile, JSON.stringify({ data: 'fashion-mnist', options, gan: ganArchitecture(options, data), seed: 0, steps: 1, batchSize: 2 }));
    const result = spawnSync(PYTHON, [SCRIPT, specFile, '--out', join(temp.dir, 'wgan-gp')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /mirrors loss = 'ns' or 'hinge' only; the run has 'wgan-gp'/);
  });
});
