// InfoGAN runs end to end on a tiny image folder: run.json records the codes, a resume continues exactly, runs from
// before the codes open as they did, `ganvae sample --code` and `ganvae traverse` use the codes, the explorer's
// manifest names them, and bad flags fail naming the flag.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { decodeImage } from '../../src/data/image-codec.ts';
import { Rng } from '../../src/core/random.ts';
import { initBackend } from '../../src/env/backend.ts';
import { openRun } from '../../src/runs/open-run.ts';
import { trainRun } from '../../src/runs/train-run.ts';
import { explorerManifest } from '../../src/server/explorer-manifest.ts';
import { latentBatch, latentNoise } from '../../src/training/latent.ts';
import { readRunInfo } from '../../src/training/run-folder.ts';
import { command as sampleCommand } from '../../src/cli/commands/sample.ts';
import { command as trainCommand } from '../../src/cli/commands/train.ts';
import { command as traverseCommand } from '../../src/cli/commands/traverse.ts';
import { tempFolder, tinyRunOptions, writeImageFolder } from '../training/fixtures.ts';

const temp = tempFolder('ganvae-info-test-');
const images = join(temp.dir, 'images');
const INFO = { infoCategorical: '3', infoContinuous: 1, infoWeight: 0.5 };
let infoRun: string;
let plainRun: string;

before(async () => {
  await initBackend();
  writeImageFolder(images);
  infoRun = (await tinyRun('info', { ...INFO, maxSteps: 3 })).runDir;
  plainRun = (await tinyRun('plain', { maxSteps: 2 })).runDir;
});
after(() => temp.remove());

/** Trains the tiny GAN into `name` (or resumes it); returns the outcome and every step's losses. */
async function tinyRun(name: string, extra: Record<string, unknown>, resume = false) {
  const steps: Record<string, number>[] = [];
  const outcome = await trainRun({
    family: 'gan', outDir: join(temp.dir, name), flags: resume ? extra : tinyRunOptions(images, extra), resume, dataCache: false,
    onStep: (_step, losses) => steps.push(losses),
  });
  return { ...outcome, steps };
}

/** Runs a CLI command in this process; a thrown CliError comes back as its message and exit code. */
async function cli(command: { run(argv: string[]): Promise<number> }, argv: string[]): Promise<{ code: number; message: string }> {
  try {
    return { code: await command.run(argv), message: '' };
  } catch (err) {
    return { code: (err as { exitCode?: number }).exitCode ?? 1, message: (err as Error).message };
  }
}

describe('an InfoGAN run', () => {
  it('records the code options in run.json and reports both information terms', async () => {
    const info = readRunInfo(infoRun);
    assert.deepEqual([info.config.infoCategorical, info.config.infoContinuous, info.config.infoWeight], ['3', 1, 0.5]);
    assert.equal(info.config.latentSize, 100, 'latentSize stays the size of z');
    const rows = readFileSync(join(infoRun, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    for (const row of rows) for (const key of ['dInfo', 'gInfo', 'dAdversarial']) assert.ok(Number.isFinite(row[key]), `${key} in ${JSON.stringify(row)}`);
  });

  it('2k steps in one go equal k steps, a resume and k more: same losses, same weights', async () => {
    const k = 3;
    const whole = await tinyRun('whole', { ...INFO, dropout: 0.3, maxSteps: 2 * k });
    const first = await tinyRun('split', { ...INFO, dropout: 0.3, maxSteps: k });
    const second = await tinyRun('split', { maxSteps: 2 * k }, true);
    assert.deepEqual([...first.steps, ...second.steps], whole.steps);
    for (const part of ['generator', 'generator-ema', 'discriminator']) {
      assert.ok(readFileSync(join(whole.runDir, 'model', part, 'weights.bin')).equals(readFileSync(join(second.runDir, 'model', part, 'weights.bin'))), part);
    }
    await assert.rejects(tinyRun('split', { maxSteps: 2 * k + 1, infoCategorical: '4' }, true), /--info-categorical cannot change when resuming/);
  });

  it('opens with its codes; the explorer\'s manifest names them first', async () => {
    const run = await openRun(infoRun);
    try {
      assert.deepEqual(run.trainable.latentCodes?.map((c) => c.name), ['cat0', 'cont0']);
      assert.equal(run.trainable.latentSize, 104);
    } finally {
      run.trainable.dispose();
    }
    const manifest = explorerManifest(infoRun);
    assert.equal(manifest.latentSize, 104);
    assert.deepEqual(manifest.latentCodes, [{ name: 'cat0', kind: 'categorical', size: 3 }, { name: 'cont0', kind: 'continuous', size: 1 }]);
    assert.deepEqual(explorerManifest(plainRun).latentCodes, []);
  });

  it('a run from before the codes (no info options in run.json) opens, samples and draws its latents as before', async () => {
    const path = join(plainRun, 'run.json');
    const info = JSON.parse(readFileSync(path, 'utf8'));
    for (const key of ['infoCategorical', 'infoContinuous', 'infoWeight']) delete info.config[key];
    writeFileSync(path, JSON.stringify(info));
    const run = await openRun(plainRun);
    try {
      assert.deepEqual(run.trainable.latentCodes, []);
      assert.equal(run.trainable.latentSize, 100);
      const [a, b] = [latentBatch(5, run.trainable, new Rng(9)), latentNoise(5, 100, 'normal', new Rng(9))];
      assert.deepEqual(a.dataSync(), b.dataSync(), 'evaluation and grids draw the same noise as before');
      const images = run.trainable.sample(a);
      assert.deepEqual(images.shape, [5, 8, 8, 1]);
      tf.dispose([a, b, images]);
    } finally {
      run.trainable.dispose();
    }
    assert.deepEqual(explorerManifest(plainRun).latentSize, 100);
  });
});

describe('ganvae sample --code', () => {
  it('fixes the codes it names: the same seed with another category gives other images, the same one the same', async () => {
    const grid = (name: string, code: string) => {
      const out = join(temp.dir, `${name}.png`);
      return cli(sampleCommand, ['--run', infoRun, '--n', '6', '--seed', '4', '--code', code, '--out', out]).then((r) => ({ ...r, png: r.code === 0 ? decodeImage(readFileSync(out)) : null }));
    };
    const [zero, again, one] = [await grid('a', 'cat0=0, cont0=0.5'), await grid('b', 'cont0=0.5,cat0=0'), await grid('c', 'cat0=1,cont0=0.5')];
    assert.equal(zero.code, 0, zero.message);
    assert.deepEqual(zero.png!.pixels, again.png!.pixels);
    assert.notDeepEqual(zero.png!.pixels, one.png!.pixels);
  });

  const bad: [string, string, RegExp][] = [
    ['a category past the code\'s', 'cat0=3', /--code: code cat0 is categorical with 3 categories: give an index 0..2, got 3/],
    ['a name that is no code', 'cat1=0', /--code: there is no code "cat1": the codes are cat0, cont0/],
    ['no value', 'cat0', /--code takes NAME=VALUE pairs/],
    ['a value that is no number', 'cont0=high', /--code takes NAME=VALUE pairs/],
    ['a code named twice', 'cat0=1,cat0=2', /--code names cat0 twice/],
  ];
  for (const [what, code, message] of bad) {
    it(`refuses ${what} (exit 2)`, async () => {
      const result = await cli(sampleCommand, ['--run', infoRun, '--code', code, '--out', join(temp.dir, 'bad.png')]);
      assert.equal(result.code, 2);
      assert.match(result.message, message);
    });
  }

  it('refuses codes on a run without them', async () => {
    const result = await cli(sampleCommand, ['--run', plainRun, '--code', 'cat0=1', '--out', join(temp.dir, 'bad.png')]);
    assert.equal(result.code, 2);
    assert.match(result.message, /--code: there is no code "cat0": the model has no latent codes \(train one with --info-categorical or --info-continuous\)/);
  });
});

describe('ganvae traverse on a GAN run', () => {
  it('draws one row per code: each category of cat0 (grey cells after), then cont0 swept over [-range, range]', async () => {
    const out = join(temp.dir, 'traverse.png');
    const result = await cli(traverseCommand, ['--run', infoRun, '--steps', '5', '--seed', '2', '--out', out]);
    assert.equal(result.code, 0, result.message);
    const png = decodeImage(readFileSync(out));
    // Two rows of max(3 categories, 5 steps) = 5 cells of 8 pixels with 2-pixel padding.
    assert.deepEqual([png.width, png.height], [5 * 10 + 2, 2 * 10 + 2]);
    const cell = (row: number, column: number) => Array.from({ length: 64 }, (_, p) => png.pixels[(2 + row * 10 + Math.floor(p / 8)) * png.width + 2 + column * 10 + (p % 8)]);
    assert.ok(cell(0, 3).every((v) => v === 128) && cell(0, 4).every((v) => v === 128), 'cat0 has 3 categories: cells 4 and 5 are blank');
    assert.notDeepEqual(cell(0, 0), cell(0, 1), 'categories differ');
    assert.notDeepEqual(cell(1, 0), cell(1, 4), 'the ends of the sweep differ');
  });

  it('refuses a GAN without codes, and the VAE flags on a GAN run', async () => {
    const none = await cli(traverseCommand, ['--run', plainRun]);
    assert.equal(none.code, 2);
    assert.match(none.message, /GAN run without latent codes; traverse needs codes \(train with --info-categorical or --info-continuous\)/);
    const dims = await cli(traverseCommand, ['--run', infoRun, '--dims', '0', '--out', join(temp.dir, 't.png')]);
    assert.match(dims.message, /--dims is for VAE runs/);
  });
});

describe('bad flags', () => {
  it('codes on a VAE: `ganvae train vae --info-continuous 2` names the family the flag belongs to', async () => {
    const result = await cli(trainCommand, ['vae', '--info-continuous', '2', '--out', join(temp.dir, 'vae')]);
    assert.equal(result.code, 2);
    assert.match(result.message, /--info-continuous is an option of `ganvae train gan`, not of `ganvae train vae`/);
  });

  for (const value of ['1', '0', 'a,b', '10,1']) {
    it(`--info-categorical ${value} fails naming the flag, before any training`, async () => {
      await assert.rejects(tinyRun(`bad-${value}`, { infoCategorical: value, maxSteps: 1 }),
        (err: Error) => err.name === 'ConfigError' && err.message.includes(`--info-categorical takes category counts K1,K2,.., each a whole number from 2 to 1000, got "${value}"`));
    });
  }

  it('--info-continuous -1 fails naming the flag', async () => {
    await assert.rejects(tinyRun('bad-continuous', { infoContinuous: -1, maxSteps: 1 }), /infoContinuous \(--info-continuous\): /);
  });
});
