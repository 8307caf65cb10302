// The browser explorer loads what `lite` with spectral norm in both networks exports: model/ holds plain Layers
// models (Multiply, AveragePooling2D and the to-RGB Conv2D included), and the page's grid is `ganvae sample`'s.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { decodeImage } from '../../src/data/image-codec.ts';
import { initBackend } from '../../src/env/backend.ts';
import { tempFolder, writeImageFolder } from '../training/fixtures.ts';
import { launchChromium, serve, trainTinyRun, watchPage } from './browser.ts';

const temp = tempFolder('ganvae-web-lite-');
const images = join(temp.dir, 'images');
let browser: Browser;
let run: string;

before(async () => {
  await initBackend();
  writeImageFolder(images, 12);
  run = await trainTinyRun('gan', join(temp.dir, 'lite'), {
    data: `folder:${images}`, imageSize: 32, preset: 'lite', width: 2, spectralNorm: 'both', batchSize: 4, maxSteps: 2,
    logEvery: 1, checkpointEvery: 1000, sampleCount: 4,
  });
  browser = await launchChromium(['--disable-webgl']);
});
after(async () => {
  await browser?.close();
  temp.remove();
});

describe('ganvae serve: a lite run with spectral norm', () => {
  it('loads in the explorer, and its sample grid is the one `ganvae sample` writes', async () => {
    const served = await serve(run);
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
      const problems = watchPage(page);
      await page.goto(served.url);
      await page.waitForFunction(() => document.body.dataset.state !== 'loading', undefined, { timeout: 90_000 });
      assert.equal(await page.getAttribute('body', 'data-state'), 'ready', `the page reports: ${await page.textContent('#status')}\n${served.output()}`);
      const grid = await page.evaluate(() => {
        const canvas = document.getElementById('sample-grid') as HTMLCanvasElement;
        return { width: canvas.width, height: canvas.height, rgba: Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data) };
      });
      const { command: sampleCommand } = await import('../../src/cli/commands/sample.ts');
      const cliGrid = join(temp.dir, 'lite-sample.png');
      assert.equal(await sampleCommand.run(['--run', run, '--seed', '0', '--n', '16', '--out', cliGrid]), 0);
      const png = decodeImage(readFileSync(cliGrid));
      assert.deepEqual([grid.width, grid.height, png.channels], [png.width, png.height, 3]);
      let worst = 0;
      for (let p = 0; p < png.width * png.height; p++) {
        for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(grid.rgba[4 * p + c] - png.pixels[3 * p + c]));
      }
      assert.ok(worst <= 3, `page and CLI grids differ by ${worst} levels`);
      assert.deepEqual(problems, []);
    } finally {
      await served.stop();
    }
  });
});
