// evaluateRun as a library user calls it (from the package entry): a tiny untrained GAN and VAE run on an
// 8x8 image folder, a tiny extractor, n = 20, seeded; checks the result object, metrics.json, the hooks
// and the errors raised before any work.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateRun, formatEvaluation, initBackend, type EvaluateRequest, type EvaluationProgress, type SampleEvaluationReport } from '../../src/index.ts';
import { ConfigError, RunFolderError } from '../../src/core/errors.ts';
import { loadDataset } from '../../src/data/sources.ts';
import { trainClassifierExtractor } from '../../src/classifier/extractor-training.ts';
import { tempFolder, writeGanRun, writeImageFolder, writeVaeRun } from '../reliability/fixtures.ts';

const temp = tempFolder('ganvae-evaluate-run-');
const images = join(temp.dir, 'images');
const gan = join(temp.dir, 'gan');
const vae = join(temp.dir, 'vae');
const extractor = join(temp.dir, 'extractor');
before(async () => {
  await initBackend();
  // 120 images: a 108-image train split and a 12-image test split (the folder source holds out 10%).
  writeImageFolder(images, 120);
  await writeGanRun(gan, images);
  await writeVaeRun(vae, images);
  const splits = await loadDataset(`folder:${images}`, { size: 8, channels: 1, cacheDir: false });
  await trainClassifierExtractor(splits, {
    dataset: 'toy', out: extractor, epochs: 1, batchSize: 16, seed: 1, layers: { filters: [4], strides: [2], featureUnits: 8 },
  });
});
after(() => temp.remove());

/** A quick request: 20 images per set against the 108-image train split, 2 KID subsets. */
function request(extra: EvaluateRequest): EvaluateRequest {
  return { extractor, split: 'train', n: 20, kidSubsets: 2, batchSize: 32, seed: 1, ...extra };
}

describe('evaluateRun', () => {
  it('scores a run against the reference and the floor, writes metrics.json and returns what it wrote', async () => {
    const out = join(temp.dir, 'gan-eval');
    const notes: string[] = [];
    const events: EvaluationProgress[] = [];
    const { report, path } = await evaluateRun(request({ run: gan, out, log: (m) => notes.push(m), onProgress: (e) => events.push(e) }));
    assert.equal(path, join(out, 'metrics.json'));
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), JSON.parse(JSON.stringify(report)));
    assert.ok('extractor' in report);
    assert.equal(report.extractor, 'toy classifier v1');
    assert.deepEqual({ kind: report.evaluated.kind, path: report.evaluated.path, n: report.evaluated.n }, { kind: 'run', path: gan, n: 20 });
    assert.deepEqual(report.reference, {
      data: `folder:${images}`, split: 'train', n: 20, description: `folder:${images} train split, first 20 images`, statsFile: null,
    });
    assert.equal(report.floor?.n, 12);
    assert.equal(report.vae, null);
    // KID subsets default to min(1000, n), shrunk to the smallest set: the 12-image floor.
    assert.equal(report.settings.kidSubsetSize, 12);
    assert.equal(report.settings.seed, 1);
    for (const set of [report.evaluated, report.floor!]) {
      const m = set.metrics;
      assert.ok(Number.isFinite(m.fid) && Number.isFinite(m.kid!.mean) && Number.isFinite(m.inceptionScore.mean));
      for (const v of [m.precision, m.recall, m.coverage]) assert.ok(v !== null && v >= 0 && v <= 1);
    }
    assert.deepEqual(Object.keys(report.timings), ['reference', 'evaluated', 'floor']);
    assert.deepEqual(notes, [`${gan} samples (weights from ${join(gan, 'model')}) vs folder:${images} train split, extractor toy classifier v1, ${report.backend} backend`]);
    const finished = events.filter((e) => e.phase === 'features' && e.done === e.total).map((e) => e.phase === 'features' && e.label);
    assert.deepEqual(finished, [`features of folder:${images} train`, 'features of the evaluated images', `features of folder:${images} test (floor)`]);
    assert.match(formatEvaluation(report), /^metric \(toy classifier v1\) +gan \(n=20\) +floor: folder:.* test \(n=12\)\n/);

    // Seeded: the same request gives the same numbers; another seed draws other latent codes.
    const again = (await evaluateRun(request({ run: gan, out }))).report as SampleEvaluationReport;
    assert.deepEqual(again.evaluated.metrics, report.evaluated.metrics);
    const other = (await evaluateRun(request({ run: gan, out, seed: 2 }))).report as SampleEvaluationReport;
    assert.notEqual(other.evaluated.metrics.fid, report.evaluated.metrics.fid);
  });

  it('an image folder, without the floor, into <images>-eval', async () => {
    const pngs = writeImageFolder(join(temp.dir, 'pngs'), 30, 2);
    const { report, path } = await evaluateRun(request({ images: pngs, data: `folder:${images}`, floor: false }));
    assert.equal(path, join(`${pngs}-eval`, 'metrics.json'));
    assert.ok('extractor' in report);
    assert.equal(report.evaluated.kind, 'images');
    assert.equal(report.evaluated.n, 20);
    assert.equal(report.floor, null);
  });

  it('a VAE run with vaeOnly: the likelihood metrics alone, through onVaeEvaluation too', async () => {
    const seen: number[] = [];
    const { report } = await evaluateRun({ run: vae, vaeOnly: true, vae: { k: 2, iwaeImages: 2, elboImages: 5 }, onVaeEvaluation: (e) => seen.push(e.iwae.k) });
    assert.ok(!('extractor' in report));
    assert.deepEqual(seen, [2]);
    assert.equal(report.vae.iwae.k, 2);
    assert.equal(report.vae.iwae.images, 2);
    assert.deepEqual(report.evaluated, { kind: 'run', path: vae });
  });

  it('refuses bad requests before any features are computed, with the error classes the CLI maps to exit 2', async () => {
    const events: EvaluationProgress[] = [];
    const onProgress = (e: EvaluationProgress) => events.push(e);
    const cases: [EvaluateRequest, typeof ConfigError | typeof RunFolderError, RegExp][] = [
      [{ run: gan, images }, ConfigError, /^give exactly one of --run/],
      [{ run: gan, n: 20, kidSubsetSize: 30 }, ConfigError, /^--kid-subset-size 30 is larger than -n 20/],
      [{ run: gan, n: 2.5 }, ConfigError, /^evaluateRun: n must be a whole number of at least 2, got 2\.5$/],
      [{ run: gan, n: 8 }, ConfigError, /8 images, fewer than the 10 that the Inception Score's 10 splits need/],
      [{ run: join(temp.dir, 'missing') }, RunFolderError, /missing is not a run folder/],
      [{ run: gan, vaeOnly: true }, ConfigError, /^--vae-only needs --run with a VAE run/],
    ];
    for (const [extra, type, message] of cases) {
      await assert.rejects(evaluateRun(request({ ...extra, out: join(temp.dir, 'refused'), onProgress })), (err: Error) => err instanceof type && message.test(err.message));
    }
    assert.deepEqual(events, []);
  });
});
