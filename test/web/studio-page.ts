// Helpers of the studio tests: opening `ganvae studio`'s page, choosing images and options through the page's own
// controls, training until the loop ends, and reading canvases and the page's progress.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { watchPage } from './browser.ts';

/** Opens the studio at `url` (+ `query`) and waits until it is ready for images; `beforeLoad` runs in the page
 * before its own scripts (on every load). */
export async function openStudio(browser: Browser, url: string, query = '', beforeLoad?: () => void): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1600 }, acceptDownloads: true });
  const problems = watchPage(page);
  if (beforeLoad) await page.addInitScript(beforeLoad);
  await page.goto(url + query);
  await page.waitForFunction(() => document.body.dataset.state !== 'loading', undefined, { timeout: 60_000 });
  assert.notEqual(await page.getAttribute('body', 'data-state'), 'error', await page.textContent('#status') ?? '');
  return { page, problems };
}

/** Sets the data panel's side and colour, then picks the folder `dir` with the folder input; waits for the summary. */
export async function chooseFolder(page: Page, dir: string, size = 8, grey = true): Promise<void> {
  await page.fill('#image-size', String(size));
  await page.selectOption('#channels', grey ? '1' : '3');
  await page.setInputFiles('#folder', dir);
  await page.waitForFunction(() => document.body.dataset.data === 'ready', undefined, { timeout: 60_000 });
}

/** Types `options` (config key → value as on a command line) into the options form, opening "more options". */
export async function setOptions(page: Page, options: Record<string, string | number>): Promise<void> {
  await page.evaluate(() => document.querySelector('#options details')?.setAttribute('open', ''));
  for (const [key, value] of Object.entries(options)) {
    const selector = `[data-option="${key}"]`;
    const tag = await page.$eval(selector, (e) => e.tagName);
    if (tag === 'SELECT') await page.selectOption(selector, String(value));
    else await page.fill(selector, String(value));
  }
}

/** The options of a tiny GAN on 8x8 grey images (a few milliseconds a step on any backend). */
export const TINY_GAN = { preset: 'dcgan', width: 4, batchSize: 8, sampleCount: 9, logEvery: 5, checkpointEvery: 10, sampleEvery: 10 };

/** Clicks Train and waits until the loop ends (or fails); returns the status line. */
export async function trainToEnd(page: Page, timeout = 120_000): Promise<string> {
  await page.click('#start');
  return waitForEnd(page, timeout);
}

/** Waits for a training already started to stop or fail and returns the status line; it clicks nothing (a second
 * click on Start would begin a new run once the first ends). */
export async function waitForEnd(page: Page, timeout = 120_000): Promise<string> {
  await page.waitForFunction(() => ['stopped', 'error'].includes(document.body.dataset.state ?? ''), undefined, { timeout });
  return (await page.textContent('#status')) ?? '';
}

/** The canvas `id`'s pixels as grey levels (the red channel) with its size. */
export async function canvasPixels(page: Page, id: string): Promise<{ width: number; height: number; grey: number[] }> {
  return page.evaluate((canvasId) => {
    const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
    const rgba = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    return { width: canvas.width, height: canvas.height, grey: Array.from({ length: rgba.length / 4 }, (_, i) => rgba[i * 4]) };
  }, id);
}

/** The last metrics row the page shows. */
export async function lastMetrics(page: Page): Promise<Record<string, number>> {
  return JSON.parse((await page.textContent('#last-metrics')) ?? '{}');
}
