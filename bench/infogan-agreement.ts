// InfoGAN on Fashion-MNIST (issue #18): how well one 10-way categorical code agrees with the true classes, and FID
// against the same model without codes, both trained with the default budget (`ganvae train gan [--info-categorical 10]`).
// Run: node --import tsx bench/infogan-agreement.ts [--out runs/infogan-bench] [--n 10000] [--max-minutes M] [--reuse]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../src/core/random.ts';
import { initBackend } from '../src/env/backend.ts';
import { builtInExtractorDir, loadClassifierExtractor } from '../src/metrics/extractor.ts';
import { unitRangeToBytes } from '../src/metrics/image-sources.ts';
import { evaluateRun } from '../src/runs/evaluate-run.ts';
import { openRun } from '../src/runs/open-run.ts';
import { trainRun } from '../src/runs/train-run.ts';
import { latentVectors } from '../src/training/latent.ts';
import { bestMatching } from './best-matching.ts';

const { values } = parseArgs({
  options: { out: { type: 'string', default: 'runs/infogan-bench' }, n: { type: 'string', default: '10000' }, 'max-minutes': { type: 'string' }, reuse: { type: 'boolean' } },
});
const n = Number(values.n);
const DATA = 'fashion-mnist';
const BATCH = 500;

/** The CPU's model name (lscpu) and the 1-minute load average now. */
function machine(): string {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    model = /Model name:\s*(.+)/.exec(execFileSync('lscpu', { encoding: 'utf8' }))?.[1].trim() ?? model;
  } catch {
    // lscpu is missing: os.cpus() names the model.
  }
  return `${model}, ${cpus().length} logical CPUs`;
}

/** Trains `flags` into `dir` with the GAN defaults (9 minutes), or reuses a finished run there with --reuse. */
async function train(dir: string, flags: Record<string, unknown>): Promise<{ steps: number; minutes: number; load: number[] }> {
  if (values.reuse && existsSync(join(dir, 'model'))) return { steps: NaN, minutes: NaN, load: [] };
  const budget = values['max-minutes'] === undefined ? {} : { maxMinutes: Number(values['max-minutes']) };
  const load: number[] = [];
  const timer = setInterval(() => load.push(loadavg()[0]), 30_000);
  try {
    const { result } = await trainRun({ family: 'gan', outDir: dir, flags: { data: DATA, ...flags, ...budget }, log: (m) => console.error(`  ${m}`) });
    return { steps: result.step, minutes: result.elapsedSec / 60, load };
  } finally {
    clearInterval(timer);
  }
}

/**
 * The categorical code cat0 of the run in `dir` against the classes the Fashion-MNIST classifier gives `n` samples:
 * counts [code][class], the best one-to-one code → class matching and its accuracy.
 */
async function agreement(dir: string) {
  const run = await openRun(dir);
  const extractor = await loadClassifierExtractor(builtInExtractorDir(DATA));
  const { trainable } = run;
  const code = trainable.latentCodes?.[0];
  if (!code || code.kind !== 'categorical') throw new Error(`${dir} has no categorical code`);
  const classes = extractor.numClasses;
  const counts = Array.from({ length: code.size }, () => new Array<number>(classes).fill(0));
  const rng = new Rng(0);
  try {
    for (let start = 0; start < n; start += BATCH) {
      const size = Math.min(BATCH, n - start);
      const vectors = latentVectors(size, trainable, rng);
      const images = tf.tidy(() => trainable.sample(tf.tensor2d(vectors, [size, trainable.latentSize])));
      const bytes = unitRangeToBytes(await images.data() as Float32Array);
      const [, h, w, c] = images.shape;
      images.dispose();
      const { logits } = await extractor.extract(bytes, size, [h, w, c]);
      for (let i = 0; i < size; i++) {
        const category = vectors.subarray(i * trainable.latentSize, i * trainable.latentSize + code.size).indexOf(1);
        const row = logits.subarray(i * classes, (i + 1) * classes);
        counts[category][row.indexOf(Math.max(...row))]++;
      }
    }
  } finally {
    extractor.dispose();
    trainable.dispose();
  }
  const matching = bestMatching(counts);
  const names = run.info.dataset.classes;
  return { accuracy: matching.total / n, mapping: matching.columnOf.map((c, k) => `${k}→${names[c] ?? c}`), counts };
}

async function fid(dir: string): Promise<number> {
  const { report } = await evaluateRun({ run: dir, n, floor: false, log: (m) => console.error(`  ${m}`) });
  if (!('extractor' in report)) throw new Error('expected sample metrics');
  return report.evaluated.metrics.fid;
}

await initBackend();
mkdirSync(values.out, { recursive: true });
const startLoad = loadavg();
console.error(`machine: ${machine()}; load average ${startLoad.map((l) => l.toFixed(2)).join(', ')}`);
const runs = { infogan: join(values.out, 'infogan'), baseline: join(values.out, 'baseline') };
console.error('training InfoGAN (--info-categorical 10)');
const infoTraining = await train(runs.infogan, { infoCategorical: '10' });
console.error('training the same GAN without codes');
const baselineTraining = await train(runs.baseline, {});
console.error('scoring');
const matched = await agreement(runs.infogan);
const fids = { infogan: await fid(runs.infogan), baseline: await fid(runs.baseline) };
const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN);
const summary = {
  machine: machine(), loadAverageAtStart: startLoad, loadAverageDuringTraining: { infogan: mean(infoTraining.load), baseline: mean(baselineTraining.load) },
  loadAverageAtEnd: loadavg(), samples: n,
  infogan: { ...infoTraining, load: undefined, fid: fids.infogan, codeClassAccuracy: matched.accuracy, mapping: matched.mapping, counts: matched.counts },
  baseline: { ...baselineTraining, load: undefined, fid: fids.baseline },
};
writeFileSync(join(values.out, 'infogan-agreement.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(`InfoGAN on Fashion-MNIST, default budget; ${summary.machine}; load average during training ${summary.loadAverageDuringTraining.infogan.toFixed(1)} / ${summary.loadAverageDuringTraining.baseline.toFixed(1)}`);
console.log('| run | steps | minutes | FID | cat0 → class accuracy (Hungarian) |');
console.log('| --- | --- | --- | --- | --- |');
console.log(`| --info-categorical 10 | ${infoTraining.steps} | ${infoTraining.minutes.toFixed(1)} | ${fids.infogan.toFixed(2)} | ${(100 * matched.accuracy).toFixed(1)}% |`);
console.log(`| no codes | ${baselineTraining.steps} | ${baselineTraining.minutes.toFixed(1)} | ${fids.baseline.toFixed(2)} | — |`);
console.log(`code → class: ${matched.mapping.join(', ')}`);
