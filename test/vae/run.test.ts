// A VAE trained through the shared loop on a tiny image folder: exact resume (KL warm-up included),
// the run evaluated under the stated protocol, and the reconstruct / traverse / latent-map commands.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../../src/data/image-codec.ts';
import { initBackend } from '../../src/env/backend.ts';
import { CliError } from '../../src/cli/command.ts';
import { evaluateVae } from '../../src/vae/evaluate.ts';
import { trainRun } from '../../src/runs/train-run.ts';
import { openVaeRun } from '../../src/vae/vae-run.ts';
import { tempFolder, writeImageFolder } from '../training/fixtures.ts';

const temp = tempFolder('ganvae-vae-test-');
const images = join(temp.dir, 'images');
before(async () => {
  await initBackend();
  writeImageFolder(images, 30);
});
after(() => temp.remove());

/** Options of a tiny VAE run: vae28's layers on 8x8 grey images, 2 latents, batches of 4. */
const tiny = (extra: Record<string, unknown> = {}) => ({
  data: `folder:${images}`, imageSize: 8, grey: true, preset: 'vae28', latentSize: 2, batchSize: 4,
  logEvery: 1, checkpointEvery: 1000, sampleCount: 4, ...extra,
});

async function tinyRun(name: string, flags: Record<string, unknown>, resume = false) {
  const steps: Record<string, number>[] = [];
  const outcome = await trainRun({ family: 'vae', outDir: join(temp.dir, name), flags, resume, dataCache: false, onStep: (_s, l) => steps.push(l) });
  return { ...outcome, steps };
}

/** Runs one of the VAE commands in-process; resolves to its exit code, or rejects with its CliError. */
async function command(name: 'reconstruct' | 'traverse' | 'latent-map' | 'interpolate' | 'eval' | 'sample', args: string[]): Promise<number> {
  const { command: cmd } = await import(`../../src/cli/commands/${name}.ts`);
  return cmd.run(args);
}

const pngSize = (path: string) => { const png = decodeImage(readFileSync(path)); return [png.width, png.height, png.channels]; };

describe('vae run', () => {
  it('2k steps in one go equal k steps, a resume and k more (same losses incl. the KL warm-up, same weights)', async () => {
    const k = 3;
    const options = tiny({ klWarmupSteps: 4, beta: 0.5 });
    const whole = await tinyRun('whole', { ...options, maxSteps: 2 * k });
    const first = await tinyRun('split', { ...options, maxSteps: k });
    const second = await tinyRun('split', { maxSteps: 2 * k }, true);
    assert.deepEqual([...first.steps, ...second.steps], whole.steps);
    assert.deepEqual(whole.steps.map((s) => s.klWeight), [0, 0.125, 0.25, 0.375, 0.5, 0.5]);
    for (const part of ['encoder', 'decoder']) {
      const a = readFileSync(join(whole.runDir, 'model', part, 'weights.bin'));
      const b = readFileSync(join(second.runDir, 'model', part, 'weights.bin'));
      assert.ok(a.equals(b), `${part} weights differ after resuming`);
    }
    const config = JSON.parse(readFileSync(join(whole.runDir, 'run.json'), 'utf8')).config;
    assert.equal(config.binarize, 'dynamic', 'run.json records the resolved binarisation');
    assert.equal(config.latentSize, 2);
  });

  it('is evaluated on the binarised test split: ELBO terms, IWAE with k and the subset stated, reconstruction errors', async () => {
    await tinyRun('eval', tiny({ maxSteps: 4 }));
    const vaeRun = await openVaeRun(join(temp.dir, 'eval'));
    try {
      const e = await evaluateVae(vaeRun.vae, vaeRun.test, { binarize: vaeRun.binarized, training: 'dynamic binarisation', k: 20, iwaeImages: 2 });
      assert.match(e.protocol.elboImages, /all 3 test images .* binarised once with fixed seed/);
      assert.match(e.protocol.iwaeImages, /2 of 3 test images .*seeded subset/);
      assert.equal(e.iwae.k, 20);
      assert.equal(e.iwae.images, 2);
      assert.ok(Math.abs(e.elbo.elbo + e.elbo.reconstruction + e.elbo.kl) < 1e-9);
      for (const v of [e.elbo.elbo, e.iwae.nll, e.reconstruction.mse, e.reconstruction.psnr, e.reconstruction.bce]) assert.ok(Number.isFinite(v));
      assert.equal(e.reconstruction.ssim, null, '8x8 images are smaller than the SSIM window');
      assert.ok(e.iwae.nll < e.iwae.negativeElbo);
      // A quicker ELBO on a seeded subset says so, and scores exactly those images.
      const quick = await evaluateVae(vaeRun.vae, vaeRun.test, { binarize: true, training: 'dynamic binarisation', k: 2, iwaeImages: 1, elboImages: 2 });
      assert.match(quick.protocol.elboImages, /2 of 3 test images .*seeded subset/);
      assert.equal(quick.elbo.images, 2);
      assert.equal(quick.reconstruction.images, 2);
    } finally {
      vaeRun.run.trainable.dispose();
    }
  });

  it('reconstruct, traverse and latent-map write their pictures', async () => {
    const run = join(temp.dir, 'eval');
    assert.equal(await command('reconstruct', ['--run', run, '--n', '3', '--columns', '2', '--out', join(temp.dir, 'r.png')]), 0);
    // 3 images in rows of 2: 2 row pairs, each an input row and a reconstruction row, 8 px + 2 px padding.
    assert.deepEqual(pngSize(join(temp.dir, 'r.png')), [2 * 10 + 2, 4 * 10 + 2, 1]);
    assert.equal(await command('traverse', ['--run', run, '--image', '1', '--steps', '5', '--out', join(temp.dir, 't.png')]), 0);
    assert.deepEqual(pngSize(join(temp.dir, 't.png')), [5 * 10 + 2, 2 * 10 + 2, 1], 'one row per latent dimension');
    assert.equal(await command('latent-map', ['--run', run, '--steps', '6', '--out-dir', temp.dir]), 0);
    assert.deepEqual(pngSize(join(temp.dir, 'latent-map.png')), [48, 48, 1]);
    const svg = readFileSync(join(temp.dir, 'latent-scatter.svg'), 'utf8');
    assert.equal(svg.match(/<circle [^>]*r="2"/g)?.length, 3, 'one point per test image');
    assert.match(svg, /class-0/);
  });

  it('interpolate --images decodes the path between two encoded test images; eval --vae-only writes the VAE metrics', async () => {
    const run = join(temp.dir, 'eval');
    assert.equal(await command('interpolate', ['--run', run, '--images', '0,2', '--steps', '4']), 0);
    assert.deepEqual(pngSize(join(run, 'samples', 'interpolate-image-0-2.png')), [4 * 10 + 2, 12, 1]);
    assert.equal(await command('eval', ['--run', run, '--vae-only', '--iwae-k', '10', '--iwae-images', 'all']), 0);
    const report = JSON.parse(readFileSync(join(run, 'eval', 'metrics.json'), 'utf8'));
    assert.equal(report.vae.iwae.k, 10);
    assert.equal(report.vae.iwae.images, 3);
    assert.match(report.vae.protocol.training, /dynamic binarisation/);
    await assert.rejects(command('eval', ['--run', run, '--vae-only', '--iwae-images', 'some']), /--iwae-images must be a number/);
  });

  it('a conditional VAE (Gaussian, learned σ) trains through the loop and samples by class', async () => {
    const { result, runDir } = await tinyRun('conditional', tiny({ maxSteps: 2, conditional: true, likelihood: 'gaussian', gaussianScale: 'global' }));
    assert.equal(result.step, 2);
    const config = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).config;
    assert.equal(config.binarize, 'off', 'Gaussian runs train on grey levels');
    assert.equal(await command('sample', ['--run', runDir, '--n', '6', '--out', join(temp.dir, 's.png')]), 0);
    assert.deepEqual(pngSize(join(temp.dir, 's.png')), [3 * 10 + 2, 2 * 10 + 2, 1], 'one column per class');
    assert.equal(await command('sample', ['--run', runDir, '--n', '4', '--class', 'class-2', '--out', join(temp.dir, 's2.png')]), 0);
    assert.equal(await command('traverse', ['--run', runDir, '--out', join(temp.dir, 't2.png')]), 0);
  });

  it('commands refuse what they cannot draw, with the reason', async () => {
    const run = join(temp.dir, 'eval');
    await assert.rejects(command('traverse', ['--run', run, '--dims', '5']), (e: CliError) => e.exitCode === 2 && /--dims must be .* in 0\.\.1/.test(e.message));
    await assert.rejects(command('reconstruct', ['--run', run, '--images', '0,9']), /--images must be comma-separated test-image indices in 0\.\.2, got "0,9"/);
    await assert.rejects(command('reconstruct', ['--run', join(temp.dir, 'nothing')]), (e: CliError) => e.exitCode === 2 && /not a run folder/.test(e.message));
    await tinyRun('latent4', tiny({ maxSteps: 1, latentSize: 4 }));
    await assert.rejects(command('latent-map', ['--run', join(temp.dir, 'latent4')]), /has 4 latent dimensions; train one with --latent-size 2/);
  });
});
