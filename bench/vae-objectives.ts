// The table of bench/vae-objectives.sh: one row per run (objective, prior, steps, training seconds, test ELBO,
// NLL), then each new objective against the ELBO default at equal wall time and at equal steps, per seed and mean.
//   node --import tsx bench/vae-objectives.ts OUT_DIR
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Row {
  name: string;
  seed: number;
  objective: string;
  prior: string;
  steps: number;
  seconds: number;
  imagesPerSec: number;
  elbo: number;
  nll: number;
  nllSe: number;
  iwaeK: number;
  iwaeImages: number;
  elboImages: number;
  load: string;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/** One finished and evaluated run folder as a row; null when it is not both yet. */
function readRow(dir: string, folder: string): Row | null {
  const run = join(dir, folder);
  const evalPath = join(run, 'eval', 'metrics.json');
  if (!existsSync(evalPath)) return null;
  const config = readJson(join(run, 'run.json')).config;
  const vae = readJson(evalPath).vae;
  const rows = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const last = rows.at(-1);
  const match = /^(.*)-seed(\d+)$/.exec(folder)!;
  return {
    name: match[1], seed: Number(match[2]),
    objective: config.objective === 'iwae' ? `iwae k=${config.k}` : 'elbo',
    prior: config.prior === 'vamp' ? `vamp K=${config.pseudoInputs}` : 'normal',
    steps: readJson(join(run, 'checkpoints', 'latest', 'state.json')).step,
    seconds: last.elapsedSec,
    imagesPerSec: (last.step * config.batchSize) / last.elapsedSec,
    elbo: vae.elbo.elbo, nll: vae.iwae.nll, nllSe: vae.iwae.nllStandardError,
    iwaeK: vae.iwae.k, iwaeImages: vae.iwae.images, elboImages: vae.elbo.images,
    load: existsSync(join(run, 'load.txt')) ? readFileSync(join(run, 'load.txt'), 'utf8').trim() : '',
  };
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node --import tsx bench/vae-objectives.ts OUT_DIR');
  process.exit(2);
}
const rows = readdirSync(dir).filter((f) => /-seed\d+$/.test(f)).sort().map((f) => readRow(dir, f)).filter((r): r is Row => r !== null);
if (!rows.length) {
  console.error(`${dir} holds no evaluated run yet (bench/vae-objectives.sh writes them)`);
  process.exit(2);
}
const f2 = (v: number) => v.toFixed(2);

console.log('| run | seed | objective | prior | steps | train s | img/s | test ELBO | NLL (IWAE) | load before → after |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  const load = r.load.replace(/^load average before: (\S+) .*; after: (\S+) .*$/, '$1 → $2');
  console.log(`| ${r.name} | ${r.seed} | ${r.objective} | ${r.prior} | ${r.steps} | ${Math.round(r.seconds)} | ${Math.round(r.imagesPerSec)} | ${f2(r.elbo)} | ${f2(r.nll)} ± ${f2(r.nllSe)} | ${load} |`);
}
const first = rows[0];
console.log(`\nNLL: IWAE k=${first.iwaeK} on ${first.iwaeImages} test images (the same images and samples for every run); ELBO on ${first.elboImages} test images; nats per image.`);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const signed = (v: number) => `${v >= 0 ? '+' : ''}${f2(v)}`;

/** A run's per-image IWAE estimates of log p(x) (bench/pytorch/ganvae-iwae.ts), or null when not written. */
function perImage(r: Row): { k: number; values: number[] } | null {
  const path = join(dir, `${r.name}-seed${r.seed}`, 'iwae-per-image.json');
  if (!existsSync(path)) return null;
  const json = readJson(path);
  return { k: json.k, values: json.perImageLogLikelihood };
}

/**
 * NLL(candidate) − NLL(baseline) per seed where both exist (negative: the candidate is better) and their mean;
 * with per-image estimates, also the paired difference on those images ± its standard error over images.
 */
function compare(label: string, candidate: string, baseline: string): void {
  const diffs = [...new Set(rows.map((r) => r.seed))].flatMap((seed) => {
    const c = rows.find((r) => r.name === candidate && r.seed === seed);
    const b = rows.find((r) => r.name === baseline && r.seed === seed);
    if (!c || !b) return [];
    const [pc, pb] = [perImage(c), perImage(b)];
    let paired = '';
    if (pc && pb && pc.values.length === pb.values.length) {
      const d = pc.values.map((v, i) => pb.values[i] - v);
      const se = Math.sqrt(d.reduce((a, x) => a + (x - mean(d)) ** 2, 0) / (d.length - 1) / d.length);
      paired = ` (paired, ${d.length} images, k=${pc.k}: ${signed(mean(d))} ± ${f2(se)})`;
    }
    return [{ seed, nll: c.nll - b.nll, elbo: c.elbo - b.elbo, paired }];
  });
  if (!diffs.length) return;
  const perSeed = diffs.map((d) => `seed ${d.seed}: ${signed(d.nll)}${d.paired}`).join(', ');
  console.log(`- ${label}: NLL ${candidate} − ${baseline} = ${perSeed}; mean ${signed(mean(diffs.map((d) => d.nll)))} ` +
    `(test ELBO difference, mean ${signed(mean(diffs.map((d) => d.elbo)))})`);
}
console.log('');
compare('IWAE k=5 vs ELBO, equal wall time', 'iwae5', 'elbo');
compare('IWAE k=5 vs ELBO, equal steps', 'iwae5', 'elbo-at-iwae5');
compare('VampPrior vs N(0, I), equal wall time', 'vamp', 'elbo');
compare('VampPrior vs N(0, I), equal steps', 'vamp', 'elbo-at-vamp');
