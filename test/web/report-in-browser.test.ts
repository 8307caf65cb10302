// The `ganvae report` page opened in Debian's Chromium: made from tiny GAN and VAE runs trained here, it
// must load without console errors or failed requests, every <img> must decode, and its plots (SVG) be there.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { initBackend } from '../../src/env/backend.ts';
import { tempFolder, tinyRunOptions, writeImageFolder } from '../training/fixtures.ts';
import { ARTIFACTS, launchChromium, trainTinyRun, watchPage } from './browser.ts';

const temp = tempFolder('ganvae-report-web-test-');
let browser: Browser;
let report: string;

before(async () => {
  await initBackend();
  const images = writeImageFolder(join(temp.dir, 'images'), 30);
  // Six steps cross an epoch of the 27 training images (batches of 4), so each run has a sample grid.
  const gan = await trainTinyRun('gan', join(temp.dir, 'gan'), { ...tinyRunOptions(images), maxSteps: 8 });
  const vae = await trainTinyRun('vae', join(temp.dir, 'vae'), {
    data: `folder:${images}`, imageSize: 8, grey: true, preset: 'vae28', latentSize: 2, batchSize: 4, logEvery: 1, checkpointEvery: 1000, sampleCount: 4, maxSteps: 8,
  });
  const { command: reconstruct } = await import('../../src/cli/commands/reconstruct.ts');
  assert.equal(await reconstruct.run(['--run', vae, '--n', '3']), 0);
  report = join(temp.dir, 'report.html');
  const { command: reportCommand } = await import('../../src/cli/commands/report.ts');
  assert.equal(await reportCommand.run([gan, vae, '--out', report]), 0);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  temp.remove();
});

it('the report opens in Chromium with its plots, decodable images and no errors', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
  const problems = watchPage(page);
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
  const images = await page.$$eval('img', (all) => all.map((img) => ({ src: img.src.slice(0, 22), width: img.naturalWidth, complete: img.complete })));
  assert.ok(images.length >= 3, `sample grids of both runs and the reconstructions, got ${images.length} images`);
  for (const [i, img] of images.entries()) {
    assert.ok(img.complete && img.width > 0, `image ${i} (${img.src}…) did not decode`);
    assert.match(img.src, /^data:image\/(png|svg)/, `image ${i} is embedded`);
  }
  const plots = await page.$$eval('svg', (all) => all.map((svg) => svg.getBoundingClientRect().width * svg.getBoundingClientRect().height));
  assert.ok(plots.length >= 2, `loss plots of both runs, got ${plots.length} SVGs`);
  assert.ok(plots.every((area) => area > 0), 'every plot has a size on the page');
  assert.deepEqual(requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:')), [], 'nothing is fetched from outside the file');
  await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
  assert.deepEqual(problems, []);
});
