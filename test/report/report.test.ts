// The HTML report of a tiny run folder made here: inline SVG plots, embedded images, the metrics with
// the real-data floor, nothing pointing outside the page; and the `ganvae report` command's errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command as reportCommand } from '../../src/cli/commands/report.ts';
import { CliError } from '../../src/cli/command.ts';
import { writePng } from '../../src/data/image-codec.ts';
import { buildReport } from '../../src/report/build-report.ts';
import { RUN_FORMAT_VERSION, writeRunInfo } from '../../src/training/run-folder.ts';

const metrics = (fid: number) => ({ fid, kid: { mean: 0.0123, std: 0.001 }, inceptionScore: { mean: 6.5, std: 0.2 }, precision: 0.61, recall: 0.42, density: 0.9, coverage: 0.7 });

/** A grey test image whose pixels depend on `seed`, so each embedded PNG differs. */
function png(path: string, seed: number): void {
  const pixels = Uint8Array.from({ length: 8 * 8 }, (_, i) => (i * 37 + seed * 11) % 256);
  writePng(path, { pixels, width: 8, height: 8, channels: 1 });
}

/** A run folder of `kind` with 3 logged rows, 5 grids, a reconstruction and eval/metrics.json (FID 12.345, floor 1.5). */
function writeTinyRun(dir: string, kind: 'gan' | 'vae'): void {
  mkdirSync(dir, { recursive: true });
  writeRunInfo(dir, {
    formatVersion: RUN_FORMAT_VERSION, kind, config: { data: 'fashion-mnist', batchSize: 8, preset: 'tiny-preset-xyz' },
    dataset: { name: 'fashion-mnist', shape: [28, 28, 1], classes: [] }, backend: 'cpu', createdAt: new Date(0).toISOString(),
  });
  for (let step = 10; step <= 30; step += 10) {
    appendFileSync(join(dir, 'metrics.jsonl'), `${JSON.stringify({ step, epoch: step / 10, elapsedSec: step / 5, imagesPerSec: 40 + step, dLoss: 1 / step, gLoss: step / 10 })}\n`);
  }
  mkdirSync(join(dir, 'samples'));
  ['epoch-0001.png', 'epoch-0002.png', 'step-00000025.png', 'epoch-0003.png', 'final.png', 'reconstruct.png'].forEach((f, i) => png(join(dir, 'samples', f), i));
  mkdirSync(join(dir, 'eval'));
  writeFileSync(join(dir, 'eval', 'metrics.json'), JSON.stringify({
    formatVersion: 1, extractor: 'fashion-mnist classifier v1',
    evaluated: { kind: 'run', path: dir, description: 'samples', n: 200, metrics: metrics(12.345) },
    reference: { data: 'fashion-mnist', split: 'test', n: 200, description: 'fashion-mnist test split, first 200 images' },
    floor: { description: '200 random train images', n: 200, metrics: metrics(1.5) },
    vae: kind === 'vae' ? {
      protocol: { training: 'dynamic binarisation', elboImages: 'all 10000 test images', iwaeImages: '20 test images', k: 100, seed: 0, units: 'nats per image' },
      elbo: { elbo: -250.25, reconstruction: 240, kl: 10.25, images: 10000 },
      iwae: { nll: 245.75, nllStandardError: 1.5, negativeElbo: 250, k: 100, images: 20, seconds: 1 },
      reconstruction: { mse: 0.01, psnr: 20, bce: 200, ssim: 0.8, images: 10000, encodedAt: 'z = μ(x)' },
      seconds: { elbo: 1, iwae: 1, reconstruction: 1 },
    } : null,
    warnings: ['a tiny warning'], backend: 'cpu', seconds: 3.2, timings: { reference: 1, evaluated: 1, floor: 1 },
  }));
}

function withTemp(fn: (dir: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ganvae-report-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** Every src/href value in the page. */
const references = (html: string) => [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']*)["']/gi)].map((m) => m[1]);

test('a run report holds its plots, embedded images, metrics with the floor, config, and no outside reference', withTemp(async (dir) => {
  const run = join(dir, 'gan-run');
  writeTinyRun(run, 'gan');
  const html = await buildReport([run]);
  // Summary throughput plot and the loss plot, with the logged loss names drawn in them.
  assert.ok((html.match(/<svg/g) ?? []).length >= 2);
  assert.match(html, /<svg[^]*dLoss[^]*<\/svg>/);
  assert.match(html, /<svg[^]*gLoss[^]*<\/svg>/);
  // Five grids plus the reconstruction, each embedded once.
  assert.equal((html.match(/src="data:image\/png;base64,/g) ?? []).length, 6);
  const captions = [...html.matchAll(/<figcaption>([^<]*)<\/figcaption>/g)].map((m) => m[1]);
  assert.deepEqual(captions.slice(0, 5), ['epoch 1 (step 10)', 'epoch 2 (step 20)', 'step 25', 'epoch 3 (step 30)', 'final (step 30)']);
  assert.match(html, /12\.345/);
  assert.match(html, /real-data floor \(n=200\)/);
  assert.match(html, /1\.500/);
  assert.match(html, /12\.300 ± 1\.000/); // KID ×1000
  assert.match(html, /a tiny warning/);
  assert.match(html, /tiny-preset-xyz/);
  for (const ref of references(html)) assert.ok(ref.startsWith('data:'), `reference outside the page: ${ref}`);
  assert.doesNotMatch(html, /<script|<link|@import|url\(http/i);
}));

test('a comparison report puts every run\'s metrics side by side, including VAE likelihoods', withTemp(async (dir) => {
  writeTinyRun(join(dir, 'gan-run'), 'gan');
  writeTinyRun(join(dir, 'vae-run'), 'vae');
  const html = await buildReport([join(dir, 'gan-run'), join(dir, 'vae-run')]);
  const compared = html.slice(html.indexOf('Metrics compared'), html.indexOf('<section>'));
  assert.match(compared, /gan-run \(n=200\)/);
  assert.match(compared, /vae-run \(n=200\)/);
  assert.match(compared, /-250\.25/);
  assert.match(compared, /245\.75 ± 1\.50/);
  assert.equal((html.match(/<section>/g) ?? []).length, 2);
}));

test('grids are thinned to --max-grids, keeping the first and the last', withTemp(async (dir) => {
  const run = join(dir, 'run');
  writeTinyRun(run, 'gan');
  const html = await buildReport([run], { maxGrids: 2 });
  const captions = [...html.matchAll(/<figcaption>([^<]*)<\/figcaption>/g)].map((m) => m[1]);
  assert.deepEqual(captions.slice(0, 2), ['epoch 1 (step 10)', 'final (step 30)']);
}));

test('ganvae report writes <run>/report.html, and names a folder that is not a run', withTemp(async (dir) => {
  const run = join(dir, 'run');
  writeTinyRun(run, 'gan');
  const log = console.log;
  console.log = () => {};
  try {
    assert.equal(await reportCommand.run([run]), 0);
  } finally {
    console.log = log;
  }
  assert.ok(existsSync(join(run, 'report.html')));
  assert.match(readFileSync(join(run, 'report.html'), 'utf8'), /^<!DOCTYPE html>/);
  await assert.rejects(reportCommand.run([join(dir, 'nothing')]), (err: unknown) =>
    err instanceof CliError && err.exitCode === 2 && err.message.includes(join(dir, 'nothing')) && err.message.includes('run.json'));
  await assert.rejects(reportCommand.run([]), (err: unknown) => err instanceof CliError && /at least one run folder/.test(err.message));
}));
