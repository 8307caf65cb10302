// The browser explorer on an InfoGAN run (web/src/latent-sliders.ts, sample-codes.ts): the sample grid is
// `ganvae sample`'s, the codes' sliders come first, named, showing the selected sample's codes, and moving the
// categorical one changes the image. Drives Debian's Chromium against the real `ganvae serve` (web/dist: npm run build:web).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { decodeImage } from '../../src/data/image-codec.ts';
import { Rng } from '../../src/core/random.ts';
import { initBackend } from '../../src/env/backend.ts';
import { latentVectors } from '../../src/training/latent.ts';
import { openRun } from '../../src/runs/open-run.ts';
import { command as sampleCommand } from '../../src/cli/commands/sample.ts';
import { tempFolder, tinyRunOptions, writeImageFolder } from '../training/fixtures.ts';
import { launchChromium, serve, trainTinyRun, watchPage } from '../web/browser.ts';

const temp = tempFolder('ganvae-info-web-test-');
let browser: Browser;
let runDir: string;

before(async () => {
  await initBackend();
  const images = writeImageFolder(join(temp.dir, 'images'));
  runDir = await trainTinyRun('gan', join(temp.dir, 'info'), { ...tinyRunOptions(images), infoCategorical: '3', infoContinuous: 1, latentSize: 6, maxSteps: 2 });
  browser = await launchChromium(['--disable-webgl']);
});
after(async () => {
  await browser?.close();
  temp.remove();
});

/** Canvas `id`'s red channel. */
function canvasGrey(page: Page, id: string): Promise<number[]> {
  return page.evaluate((canvasId) => {
    const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
    const rgba = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    return Array.from({ length: rgba.length / 4 }, (_, i) => rgba[i * 4]);
  }, id);
}

describe('the explorer on an InfoGAN run', () => {
  it('draws the CLI\'s grid, puts the named codes\' sliders first and moves the image with them', async () => {
    const served = await serve(runDir);
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
      const problems = watchPage(page);
      await page.goto(served.url);
      await page.waitForFunction(() => document.body.dataset.state !== 'loading', undefined, { timeout: 90_000 });
      assert.equal(await page.getAttribute('body', 'data-state'), 'ready', await page.textContent('#status') ?? '');
      assert.match(await page.textContent('#run-info') ?? '', /10 dimensions, the InfoGAN codes cat0 \(3 categories\), cont0 \(in \[-1, 1\]\) first, then z's normal prior/);

      const cliGrid = join(temp.dir, 'grid.png');
      assert.equal(await sampleCommand.run(['--run', runDir, '--seed', '0', '--n', '16', '--out', cliGrid]), 0);
      const png = decodeImage(readFileSync(cliGrid));
      const grid = await canvasGrey(page, 'sample-grid');
      assert.equal(grid.length, png.pixels.length);
      assert.ok(grid.every((v, i) => Math.abs(v - png.pixels[i]) <= 3), 'the page draws the grid `ganvae sample --seed 0 --n 16` writes');

      assert.match(await page.textContent('#slider-note') ?? '', /^The codes cat0, cont0, then z: all 6 latent dimensions\./);
      const sliders = page.locator('#sliders input[type=range]');
      assert.equal(await sliders.count(), 2 + 6);
      const labels = await page.locator('#sliders label').allTextContents();
      assert.deepEqual(labels, ['cat0 (category)', 'cont0', 'z[0]', 'z[1]', 'z[2]', 'z[3]', 'z[4]', 'z[5]']);
      const cat0 = sliders.nth(0);
      assert.deepEqual([await cat0.getAttribute('data-code'), await cat0.getAttribute('min'), await cat0.getAttribute('max'), await cat0.getAttribute('step')], ['cat0', '0', '2', '1']);
      assert.equal(await sliders.nth(2).getAttribute('data-dim'), '4', 'z[0] is entry 4 of the vector, after the codes');

      // The page explores sample 1 first: its category and continuous value, as `ganvae sample` draws them.
      const run = await openRun(runDir);
      const vectors = latentVectors(16, run.trainable, new Rng(0));
      run.trainable.dispose();
      const selected = vectors.subarray(10, 20);
      assert.equal(Number(await cat0.inputValue()), Array.from(selected.subarray(0, 3)).indexOf(1));
      assert.ok(Math.abs(Number(await sliders.nth(1).inputValue()) - selected[3]) <= 0.0051);

      const before = await canvasGrey(page, 'slider-image');
      const renders = await page.getAttribute('#slider-image', 'data-renders');
      await cat0.fill(String((Number(await cat0.inputValue()) + 1) % 3));
      await page.waitForFunction((count) => document.getElementById('slider-image')!.dataset.renders !== count, renders, { timeout: 30_000 });
      const after = await canvasGrey(page, 'slider-image');
      assert.ok(after.some((v, i) => v !== before[i]), 'another category changes the image');
      assert.deepEqual(problems, []);
    } finally {
      await served.stop();
    }
  });
});
