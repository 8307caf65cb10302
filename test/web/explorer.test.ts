// The browser explorer end to end, as a person uses it: tiny GAN and VAE runs trained here, served by the
// real `ganvae serve`, driven in Debian's Chromium. Screenshots of each state go to test-artifacts/web/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Browser, Page } from 'playwright-core';
import { decodeImage } from '../../src/data/image-codec.ts';
import { Rng } from '../../src/core/random.ts';
import { initBackend } from '../../src/env/backend.ts';
import { disposePriorDensity, mixtureRanges, priorDensity } from '../../src/vae/prior.ts';
import { reconstruct } from '../../src/vae/reconstruction.ts';
import { latentValues } from '../../src/training/latent.ts';
import { openRun } from '../../src/runs/open-run.ts';
import { VaeTrainable } from '../../src/vae/vae-family.ts';
import { tempFolder, tinyRunOptions, writeImageFolder } from '../training/fixtures.ts';
import { ARTIFACTS, launchChromium, serve, trainTinyRun, watchPage, type Served } from './browser.ts';

const temp = tempFolder('ganvae-web-test-');
const images = join(temp.dir, 'images');
let browser: Browser;
let noWebgl: Browser;
let ganRun: string;
let vaeRun: string;
let vampRun: string;

before(async () => {
  await initBackend();
  writeImageFolder(images, 30);
  // A class-conditional GAN (latent 100, so the sliders are the most influential dimensions) and a
  // conditional Gaussian VAE with a learned σ layer and a 2-D latent (all sliders, the latent map).
  ganRun = await trainTinyRun('gan', join(temp.dir, 'gan'), { ...tinyRunOptions(images), conditional: 'cgan', maxSteps: 2 });
  vaeRun = await trainTinyRun('vae', join(temp.dir, 'vae'), {
    data: `folder:${images}`, imageSize: 8, grey: true, preset: 'vae28', latentSize: 2, batchSize: 4, logEvery: 1, checkpointEvery: 1000,
    sampleCount: 4, maxSteps: 6, conditional: true, likelihood: 'gaussian', gaussianScale: 'global',
  });
  // An unconditional VAE with a 4-D latent and the VampPrior on 3 pseudo-inputs: codes come from its mixture.
  vampRun = await trainTinyRun('vae', join(temp.dir, 'vamp'), {
    data: `folder:${images}`, imageSize: 8, grey: true, preset: 'vae28', latentSize: 4, batchSize: 4, logEvery: 1, checkpointEvery: 1000,
    sampleCount: 4, maxSteps: 3, prior: 'vamp', pseudoInputs: 3,
  });
  const { command: evalCommand } = await import('../../src/cli/commands/eval.ts');
  assert.equal(await evalCommand.run(['--run', vaeRun, '--vae-only', '--iwae-k', '4', '--iwae-images', 'all']), 0);
  browser = await launchChromium();
  noWebgl = await launchChromium(['--disable-webgl']);
});
after(async () => {
  await browser?.close();
  await noWebgl?.close();
  temp.remove();
});

/** The canvas `id`'s pixels as grey levels (the red channel) with its size. */
async function canvasPixels(page: Page, id: string): Promise<{ width: number; height: number; grey: number[] }> {
  return page.evaluate((canvasId) => {
    const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
    const rgba = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    return { width: canvas.width, height: canvas.height, grey: Array.from({ length: rgba.length / 4 }, (_, i) => rgba[i * 4]) };
  }, id);
}

function variance(values: number[]): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** Runs `action` and waits until canvas `id` has been drawn again. */
async function redrawn(page: Page, id: string, action: () => Promise<void>): Promise<void> {
  const before = await page.getAttribute(`#${id}`, 'data-renders') ?? '0';
  await action();
  await page.waitForFunction(([canvasId, count]) => (document.getElementById(canvasId)!.dataset.renders ?? '0') !== count, [id, before] as const, { timeout: 30_000 });
}

/** Opens the served page and waits until the explorer is ready (or reports an error). */
async function openExplorer(served: Served, using = browser): Promise<{ page: Page; problems: string[] }> {
  const page = await using.newPage({ viewport: { width: 1100, height: 1400 } });
  const problems = watchPage(page);
  await page.goto(served.url);
  await page.waitForFunction(() => document.body.dataset.state !== 'loading', undefined, { timeout: 90_000 });
  assert.equal(await page.getAttribute('body', 'data-state'), 'ready', `the page reports: ${await page.textContent('#status')}\nserver output:\n${served.output()}`);
  return { page, problems };
}

// Tolerance between the browser's and Node's pixels: the same float32 model on another backend (WebGL
// or tfjs's JS CPU vs oneDNN) rounds differently, which moves a few pixels by a grey level or two.
const TOLERANCE = 3;

describe('ganvae serve: the browser explorer', () => {
  it('GAN: samples match `ganvae sample`, a slider changes the image, interpolation and class choice render', async () => {
    const served = await serve(ganRun);
    try {
      // A browser without WebGL: the page falls back to tfjs's CPU backend (the VAE below gets WebGL where Chromium has it).
      const { page, problems } = await openExplorer(served, noWebgl);
      assert.match(await page.textContent('#run-name') ?? '', /^gan$/);
      assert.match(await page.textContent('#backend') ?? '', /tfjs cpu backend/);
      assert.match(await page.textContent('#metrics') ?? '', /No metrics yet/);
      const grid = await canvasPixels(page, 'sample-grid');
      assert.ok(variance(grid.grey) > 0, 'the sample grid is blank');
      // Every class in turn, two per class: the grid `ganvae sample --seed 0 --n 6` writes.
      const { command: sampleCommand } = await import('../../src/cli/commands/sample.ts');
      const cliGrid = join(temp.dir, 'gan-sample.png');
      assert.equal(await sampleCommand.run(['--run', ganRun, '--seed', '0', '--n', '6', '--out', cliGrid]), 0);
      const png = decodeImage(readFileSync(cliGrid));
      assert.deepEqual([grid.width, grid.height], [png.width, png.height]);
      assert.ok(maxDifference(grid.grey, png.pixels) <= TOLERANCE, `page and CLI grids differ by ${maxDifference(grid.grey, png.pixels)} grey levels`);
      await page.screenshot({ path: join(ARTIFACTS, 'gan-loaded.png'), fullPage: true });

      assert.match(await page.textContent('#slider-note') ?? '', /The 10 of 100 dimensions that change the starting sample most/);
      const sliders = page.locator('#sliders input[type=range]');
      assert.equal(await sliders.count(), 10);
      // Clicking the middle of the second row's second image (3 columns of 8 + 2 px cells) explores sample 4.
      const box = (await page.locator('#sample-grid').boundingBox())!;
      const scale = box.width / grid.width;
      await redrawn(page, 'interpolation', () => page.click('#sample-grid', { position: { x: (2 + 10 + 4) * scale, y: (2 + 10 + 4) * scale } }));
      const codes = latentValues(6 * 100, 'normal', new Rng(0));
      for (const slider of await sliders.all()) {
        const dim = Number(await slider.getAttribute('data-dim'));
        assert.ok(Math.abs(Number(await slider.inputValue()) - codes[4 * 100 + dim]) <= 0.0051, `slider z[${dim}] shows sample 4's code`);
      }
      const beforeSlide = await canvasPixels(page, 'slider-image');
      await redrawn(page, 'slider-image', () => sliders.first().fill('2.9'));
      const afterSlide = await canvasPixels(page, 'slider-image');
      assert.ok(maxDifference(beforeSlide.grey, afterSlide.grey) > 0, 'moving a slider did not change the image');
      await page.screenshot({ path: join(ARTIFACTS, 'gan-slider-moved.png'), fullPage: true });

      assert.equal(await page.getAttribute('#interpolation', 'data-frames'), '8');
      await redrawn(page, 'interpolation', () => page.fill('#interpolation-steps', '5').then(() => page.dispatchEvent('#interpolation-steps', 'change')));
      assert.equal(await page.getAttribute('#interpolation', 'data-frames'), '5');
      const strip = await canvasPixels(page, 'interpolation');
      assert.deepEqual([strip.width, strip.height], [5 * 10 + 2, 12], 'five 8x8 frames with 2-pixel padding');
      const frame = (k: number) => Array.from({ length: 64 }, (_, p) => strip.grey[(2 + Math.floor(p / 8)) * strip.width + 2 + k * 10 + (p % 8)]);
      for (let k = 0; k < 5; k++) assert.ok(variance(frame(k)) > 0, `interpolation frame ${k} is blank`);
      assert.ok(maxDifference(frame(0), frame(4)) > 0, 'the interpolation does not move');
      await page.screenshot({ path: join(ARTIFACTS, 'gan-interpolation.png'), fullPage: true });

      await redrawn(page, 'sample-grid', () => page.selectOption('#class-select', '2').then(() => undefined));
      const classGrid = await canvasPixels(page, 'sample-grid');
      assert.deepEqual([classGrid.width, classGrid.height], [4 * 10 + 2, 4 * 10 + 2], 'one class: a 4x4 grid');
      await page.screenshot({ path: join(ARTIFACTS, 'gan-class-2.png'), fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      assert.equal(await served.stop(), 0, 'Ctrl-C stops ganvae serve cleanly');
    }
  });

  it('GAN evaluated with a classifier: the metrics table names the extractor of FID, KID and IS (issue #19)', async () => {
    const metrics = { fid: 42.5, kid: { mean: 0.05, std: 0.01 }, inceptionScore: { mean: 2.5, std: 0.1 }, precision: 0.3, recall: 0.2, density: 0.4, coverage: 0.5 };
    mkdirSync(join(ganRun, 'eval'), { recursive: true });
    writeFileSync(join(ganRun, 'eval', 'metrics.json'), JSON.stringify({ extractor: 'toy classifier v1', evaluated: { n: 20, metrics }, floor: { n: 20, metrics: { ...metrics, fid: 1.25 } } }));
    const served = await serve(ganRun);
    try {
      const { page, problems } = await openExplorer(served, noWebgl);
      const table = await page.textContent('#metrics-table') ?? '';
      for (const label of ['FID (toy classifier v1) ↓42.5', 'KID (toy classifier v1) ↓0.05', 'IS (toy classifier v1) ↑2.5', 'real-data floor FID (toy classifier v1)1.25']) {
        assert.ok(table.includes(label), `"${label}" not in "${table}"`);
      }
      assert.doesNotMatch(table, /Inception score/);
      assert.match(await page.textContent('#metrics') ?? '', /Numbers from the toy classifier v1 extractor are not comparable with Inception FID\/IS/);
      assert.deepEqual(problems, []);
    } finally {
      rmSync(join(ganRun, 'eval'), { recursive: true, force: true });
      assert.equal(await served.stop(), 0);
    }
  });

  it('VAE: metrics shown, latent map and scatter drawn, an uploaded image is reconstructed as Node reconstructs it', async () => {
    const served = await serve(vaeRun);
    try {
      const { page, problems } = await openExplorer(served);
      assert.match(await page.textContent('#backend') ?? '', /tfjs (webgl|cpu) backend/);
      const metrics = JSON.parse(readFileSync(join(vaeRun, 'eval', 'metrics.json'), 'utf8'));
      const table = await page.textContent('#metrics-table') ?? '';
      assert.match(table, /test ELBO/);
      assert.ok(table.includes(metrics.vae.elbo.elbo.toFixed(1)) || table.includes(String(Number(metrics.vae.elbo.elbo.toPrecision(4)))), `ELBO ${metrics.vae.elbo.elbo} not in "${table}"`);
      assert.equal(await page.locator('#sliders input[type=range]').count(), 2, 'a 2-D latent gets a slider per dimension');
      assert.equal(await page.isVisible('#latent-map'), true);
      assert.ok(variance((await canvasPixels(page, 'latent-map')).grey) > 0, 'the latent map is blank');
      assert.equal(await page.getAttribute('#latent-scatter', 'data-points'), '3', 'the 3 test images of the 30-image folder');
      await page.screenshot({ path: join(ARTIFACTS, 'vae-loaded.png'), fullPage: true });

      const file = join(images, 'class-0', '000.png');
      await redrawn(page, 'reconstruction', () => page.setInputFiles('#image-input', file));
      const shown = await canvasPixels(page, 'input-image');
      const input = decodeImage(readFileSync(file));
      assert.deepEqual(shown.grey, Array.from(input.pixels), 'the input canvas shows the file as the model sees it');
      const browserReconstruction = await canvasPixels(page, 'reconstruction');
      assert.deepEqual([browserReconstruction.width, browserReconstruction.height], [8, 8]);
      const run = await openRun(vaeRun);
      try {
        assert.ok(run.trainable instanceof VaeTrainable);
        const vae = run.trainable.vae;
        const node = tf.tidy(() => reconstruct(vae, tf.tensor4d(Float32Array.from(input.pixels, (v) => v / 255), [1, 8, 8, 1]), tf.tensor1d([0], 'int32')));
        const nodeBytes = Array.from(await node.data(), (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
        node.dispose();
        const difference = maxDifference(browserReconstruction.grey, nodeBytes);
        assert.ok(difference <= TOLERANCE, `browser and Node reconstructions differ by ${difference} grey levels`);
      } finally {
        run.trainable.dispose();
      }
      assert.match(await page.getAttribute('#latent-scatter', 'data-marker') ?? '', /^-?\d+\.\d{4},-?\d+\.\d{4}$/);
      await page.screenshot({ path: join(ARTIFACTS, 'vae-uploaded.png'), fullPage: true });

      // Dropping a file on the drop zone does the same.
      const dropped = join(images, 'class-1', '001.png');
      const dataTransfer = await page.evaluateHandle((bytes) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(bytes)], 'dropped.png', { type: 'image/png' }));
        return transfer;
      }, Array.from(readFileSync(dropped)));
      await redrawn(page, 'reconstruction', () => page.dispatchEvent('#drop-zone', 'drop', { dataTransfer }));
      assert.deepEqual((await canvasPixels(page, 'input-image')).grey, Array.from(decodeImage(readFileSync(dropped)).pixels));
      await page.screenshot({ path: join(ARTIFACTS, 'vae-dropped.png'), fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      assert.equal(await served.stop(), 0);
    }
  });

  it('VAE with the VampPrior: samples drawn from its mixture match `ganvae sample`, sliders span the mixture', async () => {
    const served = await serve(vampRun);
    try {
      const { page, problems } = await openExplorer(served, noWebgl);
      assert.match(await page.textContent('#run-info') ?? '', /4 dimensions, VampPrior \(3 pseudo-inputs\)/);
      const grid = await canvasPixels(page, 'sample-grid');
      const { command: sampleCommand } = await import('../../src/cli/commands/sample.ts');
      const cliGrid = join(temp.dir, 'vamp-sample.png');
      assert.equal(await sampleCommand.run(['--run', vampRun, '--seed', '0', '--n', '16', '--out', cliGrid]), 0);
      const png = decodeImage(readFileSync(cliGrid));
      assert.deepEqual([grid.width, grid.height], [png.width, png.height]);
      assert.ok(maxDifference(grid.grey, png.pixels) <= TOLERANCE, `page and CLI grids differ by ${maxDifference(grid.grey, png.pixels)} grey levels`);
      const run = await openRun(vampRun);
      let ranges;
      try {
        assert.ok(run.trainable instanceof VaeTrainable);
        const prior = priorDensity(run.trainable.vae);
        assert.equal(prior.kind, 'vamp');
        if (prior.kind === 'vamp') ranges = mixtureRanges({ count: 3, latentSize: 4, mu: Float32Array.from(prior.mu.dataSync()), logVar: Float32Array.from(prior.logVar.dataSync()) });
        disposePriorDensity(prior);
      } finally {
        run.trainable.dispose();
      }
      const sliders = await page.locator('#sliders input[type=range]').all();
      assert.equal(sliders.length, 4);
      for (const [d, slider] of sliders.entries()) {
        const [min, max] = [Number(await slider.getAttribute('min')), Number(await slider.getAttribute('max'))];
        assert.ok(Math.abs(min - ranges!.low[d]) < 1e-3 && Math.abs(max - ranges!.high[d]) < 1e-3, `z[${d}]'s slider spans [${min}, ${max}], the mixture [${ranges!.low[d]}, ${ranges!.high[d]}]`);
        assert.notDeepEqual([min, max], [-3, 3]);
      }
      assert.deepEqual(problems, []);
    } finally {
      assert.equal(await served.stop(), 0);
    }
  });
});
