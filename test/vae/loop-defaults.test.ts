// The VAE family's own loop defaults (batches of 128): used when neither a --config file nor a flag sets
// the option, overridden by either, recorded in run.json, shown by --help, and not leaking to the GAN.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../../src/env/backend.ts';
import { configHelp, parseConfig, runConfigSchema } from '../../src/training/config.ts';
import { ganOptions } from '../../src/gan/gan-family.ts';
import { trainRun } from '../../src/runs/train-run.ts';
import { VAE_LOOP_DEFAULTS, vaeOptions } from '../../src/vae/vae-family.ts';
import { tempFolder, writeImageFolder } from '../training/fixtures.ts';

const temp = tempFolder('ganvae-vae-defaults-');
const images = join(temp.dir, 'images');
before(async () => {
  await initBackend();
  // Enough 8x8 images for one batch of 128 after the 10% test split.
  writeImageFolder(images, 150);
});
after(() => temp.remove());

/** Trains 2 steps of a tiny vae28 with `flags` (and `file`); returns its per-step losses and saved config. */
async function twoSteps(name: string, flags: Record<string, unknown>, file?: Record<string, unknown>) {
  const losses: number[] = [];
  const outDir = join(temp.dir, name);
  await trainRun({
    family: 'vae', outDir, dataCache: false, file, onStep: (_s, l) => losses.push(l.loss),
    flags: { data: `folder:${images}`, imageSize: 8, grey: true, latentSize: 2, maxSteps: 2, sampleCount: 4, ...flags },
  });
  return { losses, config: JSON.parse(readFileSync(join(outDir, 'run.json'), 'utf8')).config };
}

describe('VAE loop defaults', () => {
  it('the VAE schema defaults to batches of 128 and help says so; the GAN keeps the loop default of 64', () => {
    assert.equal(VAE_LOOP_DEFAULTS.batchSize, 128);
    assert.equal(parseConfig(runConfigSchema(vaeOptions), {}, 'test').batchSize, 128);
    assert.equal(parseConfig(runConfigSchema(vaeOptions), { batchSize: 32 }, 'test').batchSize, 32);
    assert.equal(parseConfig(runConfigSchema(ganOptions), {}, 'test').batchSize, 64);
    assert.match(configHelp(runConfigSchema(vaeOptions)), /--batch-size .*\(default: 128\)/);
    assert.match(configHelp(runConfigSchema(ganOptions)), /--batch-size .*\(default: 64\)/);
  });

  it('a run without --batch-size trains exactly as --batch-size 128 and records 128 in run.json', async () => {
    const implicit = await twoSteps('implicit', {});
    const explicit = await twoSteps('explicit', { batchSize: 128 });
    const smaller = await twoSteps('smaller', { batchSize: 64 });
    assert.equal(implicit.config.batchSize, 128);
    assert.deepEqual(implicit.losses, explicit.losses);
    assert.notDeepEqual(implicit.losses, smaller.losses);
  });

  it('a --config file overrides the family default, and a flag overrides the file', async () => {
    assert.equal((await twoSteps('from-file', {}, { batchSize: 16 })).config.batchSize, 16);
    assert.equal((await twoSteps('flag-wins', { batchSize: 8 }, { batchSize: 16 })).config.batchSize, 8);
  });
});
