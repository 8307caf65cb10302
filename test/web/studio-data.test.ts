// The studio's input handling in Chromium, against the real `ganvae studio`: bad files are listed with why and never
// hang the page (non-images, a 30000x30000 PNG header, undecodable PNG and JPEG, an empty file, no images at all),
// the built-in set, the options checked as `ganvae train` checks them, a backend that cannot start, memory running
// out mid-training (the checkpoint kept), and a CLI run imported and continued; and the command itself (help, a
// missing build, --bench, --host).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, lstatSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Browser } from 'playwright-core';
import { encodePng } from '../../src/data/image-codec.ts';
import { initBackend } from '../../src/env/backend.ts';
import { trainRun } from '../../src/runs/train-run.ts';
import { writeZip, type ZipEntry } from '../../web/src/studio/zip.ts';
import { startGanvae, tempFolder, writeImageFolder } from '../training/fixtures.ts';
import { ARTIFACTS, launchChromium, studio, type Served } from './browser.ts';
import { chooseFolder, lastMetrics, openStudio, setOptions, TINY_GAN, trainToEnd, waitForEnd } from './studio-page.ts';

const temp = tempFolder('ganvae-studio-data-test-');
const images = join(temp.dir, 'images');
let browser: Browser;
let served: Served;

/** A PNG signature and IHDR chunk claiming `width` x `height` grey pixels, and nothing after it. */
function pngHeaderOnly(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 0, 0, 0, 0], 24);
  return bytes;
}

before(async () => {
  writeImageFolder(images, 64);
  served = await studio();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await served?.stop();
  temp.remove();
});

describe('ganvae studio: input', () => {
  it('lists every file it skips with why, and trains on the rest', async () => {
    const dir = join(temp.dir, 'mixed');
    mkdirSync(dir);
    for (let i = 0; i < 3; i++) writeFileSync(join(dir, `good-${i}.png`), encodePng(new Uint8Array(64).fill(40 * i), 8, 8, 1));
    writeFileSync(join(dir, 'notes.txt'), 'not an image');
    writeFileSync(join(dir, 'huge.png'), pngHeaderOnly(30000, 30000));
    const corrupt = encodePng(new Uint8Array(64).fill(9), 8, 8, 1);
    corrupt.fill(0x55, 41);
    writeFileSync(join(dir, 'corrupt.png'), corrupt);
    writeFileSync(join(dir, 'truncated.jpg'), Uint8Array.of(0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0, 8, 0, 8, 1, 1, 0x11, 0));
    writeFileSync(join(dir, 'empty.png'), new Uint8Array(0));
    writeFileSync(join(dir, '.DS_Store'), 'hidden');
    const { page, problems } = await openStudio(browser, served.url);
    await chooseFolder(page, dir);
    assert.match(await page.textContent('#data-summary') ?? '', /^3 images from mixed, no classes/);
    const skipped = await page.$$eval('#skipped li', (items) => items.map((li) => li.textContent));
    assert.deepEqual(skipped.map((s) => s!.replace(/\(.*\)$/, '(…)')), [
      'mixed/corrupt.png: corrupt PNG: the browser cannot decode it (…)',
      'mixed/empty.png: not a PNG or JPEG file',
      'mixed/huge.png: the header claims 30000x30000 pixels, more than the limit of 64000000; refusing to decode it',
      'mixed/notes.txt: not a PNG or JPEG file',
      'mixed/truncated.jpg: corrupt JPEG: the browser cannot decode it (…)',
    ]);
    assert.match(await page.textContent('#status') ?? '', /Ready; 5 file\(s\) were skipped/);
    assert.equal(await page.isEnabled('#start'), true);
    await page.screenshot({ path: join(ARTIFACTS, 'studio-skipped.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('says so when nothing is an image, and when no file was chosen', async () => {
    const dir = join(temp.dir, 'no-images');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.txt'), 'a');
    writeFileSync(join(dir, 'b.png'), 'b');
    const { page } = await openStudio(browser, served.url);
    await page.setInputFiles('#folder', dir);
    await page.waitForFunction(() => document.getElementById('status')!.className === 'error');
    assert.equal(await page.textContent('#status'), 'no PNG or JPEG images to train on (2 file(s) skipped)');
    assert.deepEqual(await page.$$eval('#skipped li', (items) => items.map((li) => li.textContent)), ['no-images/a.txt: not a PNG or JPEG file', 'no-images/b.png: not a PNG or JPEG file']);
    await page.evaluate(() => document.getElementById('status')!.className = '');
    await page.setInputFiles('#files', []);
    await page.waitForFunction(() => document.getElementById('status')!.className === 'error');
    assert.equal(await page.textContent('#status'), 'no PNG or JPEG images to train on (the folder is empty)');
    assert.equal(await page.isEnabled('#start'), false);
    await page.close();
  });

  it('loads the built-in Fashion-MNIST set', async () => {
    const { page } = await openStudio(browser, served.url);
    await page.click('#builtin');
    await page.waitForFunction(() => document.body.dataset.data === 'ready');
    assert.match(await page.textContent('#data-summary') ?? '', /1000 images, 10 classes, all to train on; each 28x28, grey/);
    assert.equal(await page.getAttribute('#data-grid', 'data-renders'), '1');
    await page.close();
  });

  it('checks the options as `ganvae train` does, with its messages', async () => {
    const { page } = await openStudio(browser, served.url, '?backend=cpu');
    await chooseFolder(page, images);
    const cases: [Record<string, string>, RegExp][] = [
      [{ batchSize: 'abc' }, /--batch-size must be a number, got "abc"/],
      [{ batchSize: '0' }, /invalid configuration from the studio's options: batchSize \(--batch-size\): /],
      [{ loss: 'hinge', labelSmoothing: '0.1', batchSize: '8' }, /--label-smoothing applies to .* losses, not --loss hinge/],
    ];
    for (const [options, message] of cases) {
      await setOptions(page, { batchSize: '', ...options });
      await page.evaluate(() => (document.body.dataset.state = 'idle'));
      await page.click('#start');
      await page.waitForFunction(() => document.body.dataset.state === 'error');
      assert.match(await page.textContent('#status') ?? '', message);
    }
    await page.selectOption('#family', 'vae');
    assert.equal(await page.$eval('[data-option="likelihood"]', (e) => (e as HTMLSelectElement).options[0].textContent), 'default (bernoulli)');
    assert.equal(await page.$$eval('[data-option="loss"]', (e) => e.length), 0);
    await page.close();
  });

  it('a forced backend that cannot start gives a clear message', async () => {
    const { page } = await browser.newPage().then(async (p) => ({ page: p }));
    await page.goto(`${served.url}?backend=webgpu`);
    await page.waitForFunction(() => document.body.dataset.state === 'error');
    assert.match(await page.textContent('#status') ?? '', /^No backend could start: no tfjs backend could start: webgpu: the browser has WebGPU but no adapter/);
    await page.close();
  });

  it('memory running out mid-training says so, keeps the last checkpoint, and a reload offers it', async () => {
    // The next Float32Array the page asks for once the test sets failNextAllocation fails with V8's own error for an
    // ArrayBuffer it cannot allocate: to the page, memory ran out in the middle of a step.
    const { page, problems } = await openStudio(browser, served.url, '?backend=cpu', () => {
      const hook = window as unknown as { failNextAllocation?: boolean };
      globalThis.Float32Array = new Proxy(Float32Array, {
        construct(target, args, newTarget) {
          if (hook.failNextAllocation) {
            hook.failNextAllocation = false;
            throw new RangeError('Array buffer allocation failed');
          }
          return Reflect.construct(target, args, newTarget);
        },
      });
    });
    await chooseFolder(page, images);
    await setOptions(page, { ...TINY_GAN, maxSteps: 100_000, checkpointEvery: 20 });
    await page.click('#start');
    await page.waitForFunction(() => Number(document.getElementById('checkpoint-info')!.dataset.step ?? 0) >= 40, undefined, { timeout: 60_000 });
    await page.evaluate(() => { (window as unknown as { failNextAllocation: boolean }).failNextAllocation = true; });
    const status = await waitForEnd(page);
    const kept = /^The backend ran out of memory or lost its GPU context: Array buffer allocation failed\. The checkpoint of step (\d+) is kept \(in this browser; Export saves it as a run\)\. Try a smaller batch size, smaller images or the cpu backend/.exec(status);
    assert.ok(kept, status);
    const step = Number(kept[1]);
    assert.ok(step >= 40 && step % 20 === 0, `kept step ${step}`);
    assert.equal(await page.getAttribute('body', 'data-state'), 'error');
    assert.equal(await page.isEnabled('#export'), true, 'the kept checkpoint can be exported');
    await page.reload();
    await page.waitForFunction(() => !document.getElementById('saved-panel')!.hidden, undefined, { timeout: 30_000 });
    assert.equal(Number(await page.getAttribute('#saved-info', 'data-step')), step);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('imports a run `ganvae train` wrote (zipped) and continues it from its checkpoint', async () => {
    await initBackend('cpu');
    const runDir = join(temp.dir, 'cli-run');
    await trainRun({ family: 'gan', outDir: runDir, flags: { data: `folder:${images}`, imageSize: 8, grey: true, ...TINY_GAN, maxSteps: 6 }, dataCache: false });
    const entries: ZipEntry[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        const stat = lstatSync(path);
        const entry = `cli-run/${relative(runDir, path)}`;
        if (stat.isSymbolicLink()) entries.push({ path: entry, data: new TextEncoder().encode(readlinkSync(path)), symlink: true });
        else if (stat.isDirectory()) walk(path);
        else entries.push({ path: entry, data: new Uint8Array(readFileSync(path)) });
      }
    };
    walk(runDir);
    writeFileSync(join(temp.dir, 'cli-run.zip'), writeZip(entries));
    const { page, problems } = await openStudio(browser, served.url, '?backend=cpu');
    await page.setInputFiles('#import', join(temp.dir, 'cli-run.zip'));
    await page.waitForFunction(() => /Imported/.test(document.getElementById('status')!.textContent ?? ''));
    assert.match(await page.textContent('#status') ?? '', /Imported a GAN run at step 6 \(8x8x1 images of folder:.*images\)/);
    await chooseFolder(page, images);
    await setOptions(page, { maxSteps: 12, logEvery: 3 });
    assert.match(await trainToEnd(page), /Finished at step 12/);
    assert.equal((await lastMetrics(page)).step, 12);
    const history = (await page.getAttribute('#tensors', 'data-history'))!.split(',').map((e) => Number(e.split(':')[0]));
    assert.ok(history[0] > 6, `the first window after the import ends at step ${history[0]}`);
    assert.deepEqual(problems, []);
    await page.close();
  });
});

describe('ganvae studio: the command', () => {
  it('has help, refuses a missing build, warns for --host 0.0.0.0 and points --bench at the benchmark', async () => {
    const help = await startGanvae(['studio', '--help'], temp.dir).done;
    assert.equal(help.code, 0);
    assert.match(help.stdout, /usage: ganvae studio \[--port 8090\]/);
    const missing = await startGanvae(['studio', '--port', '0'], temp.dir, { GANVAE_WEB_DIST: join(temp.dir, 'nowhere') }).done;
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /the studio page is not built .*; run `npm run setup`/);
    const bad = await startGanvae(['studio', '--port', '70000'], temp.dir).done;
    assert.equal(bad.code, 2);
    const exposed = await studio(['--host', '0.0.0.0', '--bench', '--seconds', '5']);
    try {
      assert.match(exposed.output(), /ganvae studio: warning: --host 0\.0\.0\.0 makes this server reachable/);
      assert.match(exposed.url, /^http:\/\/0\.0\.0\.0:\d+\/$/);
      assert.match(exposed.output(), /the benchmark is at http:\/\/0\.0\.0\.0:\d+\/\?bench=1&seconds=5/);
    } finally {
      assert.equal(await exposed.stop(), 0);
    }
  });
});
