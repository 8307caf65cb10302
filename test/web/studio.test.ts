// The studio end to end in Debian's Chromium, through the page's own controls, against the real `ganvae studio`:
// a tiny GAN trains 30 steps on 64 fixture images on SwiftShader WebGL (and on WebGPU's SwiftShader adapter),
// losses finite and the grid changing; one step on the cpu backend gives Node's losses; a reload resumes from
// IndexedDB at the saved step; an exported run is read by `ganvae sample`, `train --resume`, `eval`, `report` and `serve`; its
// samples match the page's; no tensor leaks over 500 steps. Screenshots go to test-artifacts/web/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { trainClassifierExtractor } from '../../src/classifier/extractor-training.ts';
import { decodeImage } from '../../src/data/image-codec.ts';
import { loadDataset } from '../../src/data/sources.ts';
import { initBackend } from '../../src/env/backend.ts';
import { trainRun } from '../../src/runs/train-run.ts';
import { MANIFEST_ROUTE, type ExplorerManifest } from '../../src/server/explorer-api.ts';
import { readZip } from '../../web/src/studio/zip.ts';
import { startGanvae, tempFolder, writeImageFolder } from '../training/fixtures.ts';
import { ARTIFACTS, launchChromium, serve, studio, type Served } from './browser.ts';
import { canvasPixels, chooseFolder, lastMetrics, openStudio, setOptions, TINY_GAN, trainToEnd, waitForEnd } from './studio-page.ts';

const temp = tempFolder('ganvae-studio-test-');
const images = join(temp.dir, 'images');
let browser: Browser;
let served: Served;

before(async () => {
  writeImageFolder(images, 64);
  served = await studio();
  browser = await launchChromium(['--enable-unsafe-webgpu']);
});
after(async () => {
  await browser?.close();
  await served?.stop();
  temp.remove();
});

/** Trains the tiny GAN for 30 steps on `backend` and checks what the page shows. */
async function thirtySteps(backend: string): Promise<void> {
  const { page, problems } = await openStudio(browser, served.url, `?backend=${backend}`);
  try {
    assert.equal(await page.textContent('#backend'), backend);
    await chooseFolder(page, images);
    assert.match(await page.textContent('#data-summary') ?? '', /64 images from images, 3 classes \(class-0, class-1, class-2\); 58 to train on, 6 held out/);
    await setOptions(page, { ...TINY_GAN, maxSteps: 30 });
    await page.click('#start');
    await page.waitForFunction(() => Number(document.getElementById('samples')!.dataset.renders ?? 0) >= 1, undefined, { timeout: 60_000 });
    const early = await canvasPixels(page, 'samples');
    const status = await waitForEnd(page);
    assert.match(status, /Finished at step 30: the step budget is done/);
    const late = await canvasPixels(page, 'samples');
    assert.equal(early.grey.length, late.grey.length);
    assert.ok(early.grey.some((v, i) => v !== late.grey[i]), 'the sample grid changed between step 10 and step 30');
    const row = await lastMetrics(page);
    assert.equal(row.step, 30);
    for (const key of ['dLoss', 'gLoss']) assert.ok(Number.isFinite(row[key]), `${key} ${row[key]}`);
    assert.match(await page.textContent('#progress') ?? '', /step 30\/30 .* images\/s · ETA 0:00/);
    await page.screenshot({ path: join(ARTIFACTS, `studio-${backend}.png`), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
}

describe('ganvae studio in Chromium', () => {
  it('trains a tiny GAN for 30 steps on SwiftShader WebGL through the page\'s controls', async () => {
    await thirtySteps('webgl');
  });

  it('trains the same on WebGPU (SwiftShader\'s software adapter, with --enable-unsafe-webgpu)', async () => {
    await thirtySteps('webgpu');
  });

  it('one step on the cpu backend gives the losses of Node\'s cpu backend from the same seed and images', async () => {
    const { page } = await openStudio(browser, served.url, '?backend=cpu');
    await chooseFolder(page, images);
    await setOptions(page, { ...TINY_GAN, maxSteps: 1, logEvery: 1 });
    assert.match(await trainToEnd(page), /Finished at step 1/);
    const inPage = await lastMetrics(page);
    await page.close();
    await initBackend('cpu');
    const flags = { data: `folder:${images}`, imageSize: 8, grey: true, ...TINY_GAN, maxSteps: 1, logEvery: 1 };
    await trainRun({ family: 'gan', outDir: join(temp.dir, 'node-run'), flags, dataCache: false });
    const inNode = JSON.parse(readFileSync(join(temp.dir, 'node-run', 'metrics.jsonl'), 'utf8').trim());
    for (const key of ['dLoss', 'gLoss']) {
      assert.ok(Math.abs(inPage[key] - inNode[key]) <= 1e-5 * Math.max(1, Math.abs(inNode[key])), `${key}: page ${inPage[key]}, Node ${inNode[key]}`);
    }
  });

  it('a reload during training offers the saved run and resumes it from IndexedDB at the saved step, exactly', async () => {
    const options = { ...TINY_GAN, maxSteps: 140, checkpointEvery: 20 };
    const { page, problems } = await openStudio(browser, served.url, '?backend=cpu');
    await chooseFolder(page, images);
    await setOptions(page, options);
    await page.click('#start');
    await page.waitForFunction(() => Number(document.getElementById('checkpoint-info')!.dataset.step ?? 0) >= 40, undefined, { timeout: 60_000 });
    await page.reload();
    await page.waitForFunction(() => !document.getElementById('saved-panel')!.hidden, undefined, { timeout: 30_000 });
    const saved = Number(await page.getAttribute('#saved-info', 'data-step'));
    assert.ok(saved >= 40 && saved < 140 && saved % 20 === 0, `saved at step ${saved}`);
    assert.match(await page.textContent('#saved-info') ?? '', new RegExp(`A GAN run \\(dcgan\\) on 64 images from images.*saved at step ${saved}`));
    await page.click('#resume-saved');
    assert.match(await page.waitForFunction(() => document.body.dataset.state === 'stopped', undefined, { timeout: 60_000 }).then(() => page.textContent('#status')) ?? '',
      /Finished at step 140/);
    // The first window after the resume closes at the next logged step (every 5, each epoch end: 58 images make 7
    // batches of 8, each grid: every 10): nothing was redone or skipped.
    const first = (await page.getAttribute('#tensors', 'data-history'))!.split(',')[0];
    let expected = saved + 1;
    while (expected % 5 && expected % 7 && expected % 10) expected++;
    assert.equal(first.split(':')[0], String(expected));
    const resumed = await lastMetrics(page);
    assert.deepEqual(problems, []);
    await page.close();
    // The same run without the reload ends with the same losses, to the last bit: step, optimiser and RNG state were restored.
    const { page: straight } = await openStudio(browser, served.url, '?backend=cpu');
    await chooseFolder(straight, images);
    await setOptions(straight, options);
    assert.match(await trainToEnd(straight), /Finished at step 140/);
    const uninterrupted = await lastMetrics(straight);
    await straight.close();
    for (const key of ['dLoss', 'gLoss']) assert.equal(resumed[key], uninterrupted[key], key);
  });

  it('an exported run is a run folder that ganvae sample (the page\'s images, within 3 grey levels), train --resume, eval, report and serve accept', async () => {
    const { page } = await openStudio(browser, served.url, '?backend=cpu');
    await chooseFolder(page, images);
    await setOptions(page, { ...TINY_GAN, maxSteps: 30 });
    assert.match(await trainToEnd(page), /Finished at step 30/);
    await page.fill('#sample-seed', '3');
    await page.click('#draw-samples');
    await page.waitForFunction(() => Number(document.getElementById('seed-samples')!.dataset.renders ?? 0) >= 1);
    const shown = await canvasPixels(page, 'seed-samples');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    const zipPath = join(temp.dir, 'export.zip');
    await download.saveAs(zipPath);
    await page.close();
    // Unzipped as `unzip` does, symlinks included (checkpoints/latest → step-00000030).
    const entries = await readZip(new Uint8Array(readFileSync(zipPath)));
    const root = join(temp.dir, 'unzipped');
    for (const entry of entries) {
      const path = join(root, entry.path);
      mkdirSync(dirname(path), { recursive: true });
      if (entry.symlink) symlinkSync(new TextDecoder().decode(entry.data), path);
      else writeFileSync(path, entry.data);
    }
    const runDir = join(root, entries[0].path.split('/')[0]);
    for (const file of ['run.json', 'metrics.jsonl', 'samples/final.png', 'model/generator/model.json', 'model/generator-ema/weights.bin', 'checkpoints/latest/state.json']) {
      assert.ok(existsSync(join(runDir, file)), file);
    }
    const sample = await startGanvae(['sample', '--run', runDir, '--seed', '3', '--n', '16', '--out', join(temp.dir, 'grid.png')], temp.dir).done;
    assert.equal(sample.code, 0, sample.stderr);
    const grid = decodeImage(readFileSync(join(temp.dir, 'grid.png')));
    assert.deepEqual([grid.width, grid.height], [shown.width, shown.height]);
    let worst = 0;
    for (let i = 0; i < shown.grey.length; i++) worst = Math.max(worst, Math.abs(shown.grey[i] - grid.pixels[i * grid.channels]));
    assert.ok(worst <= 3, `the page's samples differ from ganvae sample's by up to ${worst} grey levels`);
    // The run's data is folder:images, relative: resumed from the folder that holds it.
    const resumed = await startGanvae(['train', 'gan', '--resume', '--out', runDir, '--max-steps', '33'], temp.dir).done;
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout + resumed.stderr, /resuming .* at step 30/);
    // eval scores it against its data with a tiny extractor for the 8x8 grey fixture images.
    const extractor = join(temp.dir, 'extractor');
    await trainClassifierExtractor(await loadDataset(`folder:${images}`, { size: 8, channels: 1, cacheDir: false }), {
      dataset: 'fixture', out: extractor, epochs: 1, batchSize: 16, learningRate: 3e-3, seed: 5, layers: { filters: [4, 8], strides: [2, 2], featureUnits: 8 },
    });
    const evaluated = await startGanvae(['eval', '--run', runDir, '--extractor', extractor, '--split', 'train', '-n', '20', '--batch-size', '10', '--kid-subsets', '2',
      '--kid-subset-size', '5', '--no-floor'], temp.dir).done;
    assert.equal(evaluated.code, 0, evaluated.stderr);
    assert.equal(JSON.parse(readFileSync(join(runDir, 'eval', 'metrics.json'), 'utf8')).evaluated.n, 20);
    const report = await startGanvae(['report', runDir], temp.dir).done;
    assert.equal(report.code, 0, report.stderr);
    assert.ok(existsSync(join(runDir, 'report.html')));
    // serve gives the explorer its manifest: the exported GAN's generator, from model/.
    const explorer = await serve(runDir);
    try {
      const manifest = await (await fetch(new URL(MANIFEST_ROUTE, explorer.url))).json() as ExplorerManifest;
      assert.equal(manifest.kind, 'gan');
      assert.equal(manifest.weightsFrom, 'model');
      assert.equal((await fetch(new URL(manifest.models.generator!, explorer.url))).status, 200);
    } finally {
      assert.equal(await explorer.stop(), 0);
    }
  });

  it('keeps the number of tensors steady over 500 steps (cpu)', async () => {
    const { page } = await openStudio(browser, served.url, '?backend=cpu');
    await chooseFolder(page, images);
    await setOptions(page, { ...TINY_GAN, maxSteps: 500, epochs: 100, logEvery: 50, sampleEvery: 100, checkpointEvery: 250 });
    assert.match(await trainToEnd(page, 240_000), /Finished at step 500/);
    // Windows close every 50 steps and at each of the 71 epoch ends; every one sees the same number of tensors.
    const history = (await page.getAttribute('#tensors', 'data-history'))!.split(',').map((entry) => entry.split(':').map(Number));
    assert.ok(history.length >= 10 && history.at(-1)![0] === 500, JSON.stringify(history));
    assert.deepEqual(history.map(([, n]) => n), history.map(() => history[0][1]), `tensors by step: ${JSON.stringify(history)}`);
    await page.close();
  });
});
