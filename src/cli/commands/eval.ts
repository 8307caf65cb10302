// `ganvae eval`: scores a trained run (or a folder of images from any tool) against a dataset split
// with FID, KID, IS, precision/recall and density/coverage, next to the real-data floor (train vs
// test split), and writes metrics.json. Every number names the feature extractor it was computed with.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { loadDataset } from '../../data/sources.ts';
import { initBackend } from '../../env/backend.ts';
import { DEFAULT_METRIC_SETTINGS, type MetricSettings, type MetricValues, prepareReference, type Reference, scoreAgainst } from '../../metrics/evaluate.ts';
import { extractFeatures } from '../../metrics/extract-features.ts';
import { builtInExtractorDir, type FeatureExtractor, loadClassifierExtractor } from '../../metrics/extractor.ts';
import { datasetSource, type ImageSource, trainableSource } from '../../metrics/image-sources.ts';
import { loadInceptionExtractor } from '../../metrics/inception.ts';
import { inceptionScore } from '../../metrics/inception-score.ts';
import { loadStats, saveStats } from '../../metrics/stats-file.ts';
import type { OpenRun } from '../../training/open-run.ts';
import { openRunForCli } from '../open-run.ts';
import { CliError, type Command, numberFlag, parseFlags } from '../command.ts';
import { checkOutputFile, checkOutputFolder } from '../output-paths.ts';
import { VAE_EVAL_FLAGS, VAE_EVAL_HELP, vaeEvaluation } from '../vae-flags.ts';
import { DataError } from '../../core/errors.ts';

const help = `usage: ganvae eval (--run runs/NAME | --images DIR) [--data fashion-mnist] [options]

Scores generated images against a dataset split: FID, KID, Inception Score, precision/recall
(k=3) and density/coverage (k=5), in the feature space of a classifier trained on the dataset
(models/extractors/<data>-v2), or of Inception-v3 with --inception. Also scores the real-data
floor: N train-split images against the same reference, the best a generator can expect.
Writes metrics.json (and prints a table) into --out.

  --run DIR            a run folder: N samples from its generator (EMA weights when kept) or decoder
  --images DIR         a folder of PNG/JPEG images from any tool (resized to the dataset's shape)
  --data SOURCE        reference dataset                [the run's dataset, else fashion-mnist]
  --data-dir DIR       folder of the dataset's files, for sources that need one
  --split test|train   reference split                                          [test]
  -n, --n N            images per set                                           [10000]
  --seed N             seed of the latent codes and of the floor's train subset [0]
  --batch-size N       images per extractor batch                               [500]
  --extractor DIR      a classifier extractor folder      [models/extractors/<data>-v2]
  --inception PATH     a tfjs Layers Inception-v3 (model.json or its folder; see README)
  --out DIR            where metrics.json goes           [<run>/eval, or <DIR>-eval]
  --save-stats FILE    also save the reference's FID statistics (μ, Σ) to FILE
  --ref-stats FILE     take the reference's FID statistics from FILE (FID and IS only, no floor)
  --no-floor           skip the real-data floor
  --kid-subsets N      KID subsets                                              [100]
  --kid-subset-size N  samples per KID subset (at most N)             [1000, or N when smaller]
  --exact              float64 JavaScript for the KID and k-NN products too (~30× slower than the
                       default float32 matrix products on the tfjs backend)

${VAE_EVAL_HELP}`;

/** One scored set in metrics.json. */
interface ScoredSet {
  description: string;
  n: number;
  metrics: MetricValues;
}

function fixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined ? '-' : value.toFixed(digits);
}

/** The readable table: one row per metric, one column per scored set. */
function table(extractorId: string, sets: { title: string; scored: ScoredSet }[], realIs: { mean: number; std: number } | null): string {
  const rows: [string, (m: MetricValues) => string][] = [
    ['FID', (m) => fixed(m.fid, 3)],
    ['KID ×1000', (m) => (m.kid ? `${fixed(m.kid.mean * 1000, 3)} ± ${fixed(m.kid.std * 1000, 3)}` : '-')],
    ['IS', (m) => `${fixed(m.inceptionScore.mean, 3)} ± ${fixed(m.inceptionScore.std, 3)}`],
    ['precision', (m) => fixed(m.precision, 4)],
    ['recall', (m) => fixed(m.recall, 4)],
    ['density', (m) => fixed(m.density, 4)],
    ['coverage', (m) => fixed(m.coverage, 4)],
  ];
  const header = [`metric (${extractorId})`, ...sets.map((s) => s.title)];
  const body = rows.map(([name, cell]) => [name, ...sets.map((s) => cell(s.scored.metrics))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const lines = [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
  if (realIs) lines.push(`IS of the reference images themselves: ${fixed(realIs.mean, 3)} ± ${fixed(realIs.std, 3)}`);
  return lines.join('\n');
}

/** A progress line on stderr, rewritten in place, that ends with a newline when the set is done. */
function progressLine(label: string) {
  return (done: number, total: number, seconds: number) => {
    const rate = seconds > 0 ? ` (${(done / seconds).toFixed(0)} img/s)` : '';
    process.stderr.write(`\r${label}: ${done}/${total} images${rate}   ${done === total ? '\n' : ''}`);
  };
}

/**
 * Checks, before any features are computed, that every scored set (`sets`: a name, its image count and
 * what to do about it) is large enough for the metrics: the Inception Score's splits, and (`kid`, when
 * the reference has features) KID's subsets. The default subset size shrinks to the smallest set; an
 * explicit --kid-subset-size (`explicitKid`) that does not fit is refused.
 */
function checkSetSizes(settings: MetricSettings, explicitKid: boolean, sets: { name: string; count: number; hint: string }[], kid: boolean): void {
  for (const set of sets) {
    if (set.count < settings.isSplits) {
      throw new CliError(`${set.name}: ${set.count} images, fewer than the ${settings.isSplits} that the Inception Score's ${settings.isSplits} splits need; ${set.hint}`);
    }
  }
  if (!kid) return;
  const smallest = sets.reduce((a, b) => (b.count < a.count ? b : a));
  if (smallest.count >= settings.kidSubsetSize) return;
  if (explicitKid) {
    throw new CliError(`--kid-subset-size ${settings.kidSubsetSize} is larger than the ${smallest.count} images of ${smallest.name}; ` +
      `pass --kid-subset-size at most ${smallest.count}, or ${smallest.hint}`);
  }
  settings.kidSubsetSize = smallest.count;
}

/** numberFlag for a whole number, naming the flag when the value has a fraction. */
function integerFlag(name: string, value: string | undefined, fallback: number, min?: number, max?: number): number {
  const parsed = numberFlag(name, value, fallback, min, max);
  if (!Number.isInteger(parsed)) throw new CliError(`--${name} must be a whole number, got "${value}"`);
  return parsed;
}

async function loadExtractor(values: { extractor?: string; inception?: string }, data: string): Promise<FeatureExtractor> {
  if (values.extractor && values.inception) throw new CliError('use either --extractor or --inception, not both');
  try {
    if (values.inception) return await loadInceptionExtractor(values.inception);
    return await loadClassifierExtractor(values.extractor ?? builtInExtractorDir(data));
  } catch (err) {
    const hint = values.extractor || values.inception ? '' : `; no built-in extractor for --data ${data} (train one with \`ganvae train classifier --data ${data}\`, or pass --inception)`;
    throw new CliError(`${(err as Error).message}${hint}`, 2, { cause: err });
  }
}

export const command: Command = {
  name: 'eval',
  summary: 'score a run or an image folder: FID, KID, IS, precision/recall, density/coverage',
  async run(argv) {
    const { values } = parseFlags(argv, {
      run: { type: 'string' }, images: { type: 'string' }, data: { type: 'string' }, 'data-dir': { type: 'string' },
      split: { type: 'string' }, n: { type: 'string', short: 'n' }, seed: { type: 'string' }, 'batch-size': { type: 'string' },
      extractor: { type: 'string' }, inception: { type: 'string' }, out: { type: 'string' },
      'save-stats': { type: 'string' }, 'ref-stats': { type: 'string' }, 'no-floor': { type: 'boolean' },
      'kid-subsets': { type: 'string' }, 'kid-subset-size': { type: 'string' }, exact: { type: 'boolean' }, ...VAE_EVAL_FLAGS,
    });
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (!values.run === !values.images) throw new CliError('give exactly one of --run runs/NAME or --images DIR');
    const split = values.split ?? 'test';
    if (split !== 'test' && split !== 'train') throw new CliError(`--split must be test or train, got "${split}"`);
    const n = integerFlag('n', values.n, 10000, 2);
    const seed = integerFlag('seed', values.seed, 0, 0, 2 ** 32 - 1);
    const batchSize = integerFlag('batch-size', values['batch-size'], 500, 1, 100000);
    // KID subsets hold torch-fidelity's 1000 samples, or all n when fewer images are scored.
    const kidSubsetSize = integerFlag('kid-subset-size', values['kid-subset-size'], Math.min(DEFAULT_METRIC_SETTINGS.kidSubsetSize, n), 2);
    if (values['kid-subset-size'] !== undefined && kidSubsetSize > n && !values['ref-stats']) {
      throw new CliError(`--kid-subset-size ${kidSubsetSize} is larger than -n ${n}: each KID subset draws that many of the n images of a set; ` +
        `pass --kid-subset-size at most ${n}, or a larger -n`);
    }
    const settings: MetricSettings = {
      ...DEFAULT_METRIC_SETTINGS,
      kidSubsets: integerFlag('kid-subsets', values['kid-subsets'], DEFAULT_METRIC_SETTINGS.kidSubsets, 1, 100000),
      kidSubsetSize,
      exact: values.exact ?? false,
    };
    const useFloor = !values['no-floor'] && !values['ref-stats'];
    // The outputs are checked before anything is computed, so a bad path does not cost the evaluation.
    const out = values.out ?? (values.run ? join(values.run, 'eval') : `${resolve(values.images!)}-eval`);
    const checkOut = () => checkOutputFolder(values.out ? '--out' : 'the output folder (--out)', out, ['metrics.json']);
    // The default <run>/eval is checked once the run folder is known to be one (its own error comes first).
    if (values.out || !values.run) checkOut();
    if (values['save-stats']) checkOutputFile('--save-stats', values['save-stats'], 'reference.stats');
    const started = performance.now();
    const backend = await initBackend();

    let run: OpenRun | undefined;
    let extractor: FeatureExtractor | undefined;
    try {
      if (values.run) {
        run = await openRunForCli(values.run);
        if (!values.out) checkOut();
      }
      // VAE runs: likelihood metrics first (src/cli/vae-flags.ts); --vae-only stops after them.
      const vae = run?.info.kind === 'vae' ? await vaeEvaluation(run, values.run!, values) : null;
      if (values['vae-only']) {
        if (!vae) throw new CliError('--vae-only needs --run with a VAE run (`ganvae train vae`)');
        mkdirSync(out, { recursive: true });
        const seconds = Math.round((performance.now() - started) / 100) / 10;
        const report = { formatVersion: 1, evaluated: { kind: 'run', path: values.run }, vae, backend: backend.name, seconds, createdAt: new Date().toISOString() };
        writeFileSync(join(out, 'metrics.json'), `${JSON.stringify(report, null, 2)}\n`);
        console.log(`wrote ${join(out, 'metrics.json')}`);
        return 0;
      }
      const data = values.data ?? run?.info.dataset.name ?? 'fashion-mnist';
      extractor = await loadExtractor(values, data);
      // An image-folder reference is decoded at the shape the run or the extractor needs.
      const folderShape = run?.data.shape ?? extractor.imageShape;
      let splits;
      try {
        splits = await loadDataset(data, {
          dataDir: values['data-dir'],
          ...(folderShape ? { size: folderShape[0], channels: folderShape[2] === 1 ? 1 : 3 } : {}),
        });
      } catch (err) {
        if (err instanceof DataError) throw new CliError(err.message, 2, { cause: err });
        throw err;
      }
      const referenceSplit = split === 'test' ? splits.test : splits.train;
      const [h, w, c] = [referenceSplit.height, referenceSplit.width, referenceSplit.channels];
      try {
        extractor.checkImageShape([h, w, c]);
      } catch (err) {
        throw new CliError(`--data ${data}: ${(err as Error).message}`, 2, { cause: err });
      }

      // The images to score.
      let candidate: ImageSource;
      if (run) {
        const shape = run.data.shape;
        if (shape.some((v, i) => v !== [h, w, c][i])) {
          throw new CliError(`${values.run} generates ${shape.join('×')} images, but --data ${data} holds ${h}×${w}×${c} images`);
        }
        candidate = trainableSource(run.trainable, shape, run.data.numClasses, `${values.run} samples (weights from ${run.weightsFrom})`, n, seed);
      } else {
        let folder;
        try {
          folder = await loadDataset(`folder:${values.images}`, { size: h, channels: c === 1 ? 1 : 3, testFraction: 0, cacheDir: false });
        } catch (err) {
          if (err instanceof DataError) throw new CliError(err.message, 2, { cause: err });
          throw err;
        }
        if (w !== h) throw new CliError(`--images resizes to square images, but --data ${data} holds ${h}×${w} images`);
        const count = Math.min(n, folder.train.count);
        if (count < n) console.error(`ganvae eval: ${values.images} holds ${folder.train.count} images; scoring all of them instead of ${n}`);
        if (count < 2) throw new CliError(`${values.images} holds ${folder.train.count} usable images; need at least 2`);
        candidate = datasetSource(folder.train, `images in ${values.images}`, count);
      }
      const realCount = Math.min(n, referenceSplit.count);
      const warnings: string[] = [];
      if (realCount < n) warnings.push(`${data} ${split} split holds ${referenceSplit.count} images: the reference uses all of them, not ${n}`);
      const otherSplit = split === 'test' ? splits.train : splits.test;
      const floorCount = Math.min(candidate.count, otherSplit.count);
      checkSetSizes(settings, values['kid-subset-size'] !== undefined, [
        { name: `the evaluated images (${candidate.description})`, count: candidate.count, hint: run ? 'pass a larger -n' : `put more images in ${values.images}` },
        ...(values['ref-stats'] ? [] : [{ name: `the reference (${data} ${split} split)`, count: realCount, hint: 'evaluate against a larger split (--split)' }]),
        ...(useFloor ? [{ name: `the real-data floor (${data} ${split === 'test' ? 'train' : 'test'} split)`, count: floorCount, hint: 'pass --no-floor to skip it' }] : []),
      ], !values['ref-stats']);
      console.error(`ganvae eval: ${candidate.description} vs ${data} ${split} split, extractor ${extractor.id}, ${backend.name} backend`);

      // Reference: features of the split (or cached statistics).
      const timings: Record<string, number> = {};
      const tick = (name: string, since: number) => { timings[name] = Math.round((performance.now() - since) / 100) / 10; };
      let reference: Reference;
      let realIs: { mean: number; std: number } | null = null;
      let t = performance.now();
      const referenceDescription = `${data} ${split} split, first ${realCount} images`;
      try {
        if (values['ref-stats']) {
          reference = { stats: loadStats(values['ref-stats'], extractor.id, extractor.featureDim).stats };
        } else {
          const real = await extractFeatures(extractor, datasetSource(referenceSplit, `${data} ${split}`, realCount), batchSize, progressLine(`features of ${data} ${split}`));
          reference = prepareReference(real, settings);
          realIs = inceptionScore(real.logits, { splits: settings.isSplits, seed: settings.seed });
        }
      } catch (err) {
        throw new CliError((err as Error).message, 2, { cause: err });
      }
      if (values['save-stats']) {
        mkdirSync(dirname(values['save-stats']), { recursive: true });
        saveStats(values['save-stats'], reference.stats, extractor.id, referenceDescription);
      }
      tick('reference', t);

      t = performance.now();
      const generatedFeatures = await extractFeatures(extractor, candidate, batchSize, progressLine('features of the evaluated images'));
      let generated: ScoredSet;
      try {
        generated = { description: candidate.description, n: candidate.count, metrics: scoreAgainst(reference, generatedFeatures, settings, warnings) };
      } catch (err) {
        throw new CliError((err as Error).message, 2, { cause: err });
      }
      tick('evaluated', t);

      let floor: ScoredSet | null = null;
      if (useFloor) {
        t = performance.now();
        const otherName = split === 'test' ? 'train' : 'test';
        const floorSource = datasetSource(otherSplit, `${data} ${otherName}`, floorCount, seed);
        const floorFeatures = await extractFeatures(extractor, floorSource, batchSize, progressLine(`features of ${data} ${otherName} (floor)`));
        floor = {
          description: `${floorCount} random ${data} ${otherName}-split images (seed ${seed}) vs the same reference`,
          n: floorCount, metrics: scoreAgainst(reference, floorFeatures, settings, warnings),
        };
        tick('floor', t);
      }

      mkdirSync(out, { recursive: true });
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      const report = {
        formatVersion: 1,
        extractor: extractor.id,
        evaluated: { kind: run ? 'run' : 'images', path: values.run ?? values.images, ...generated },
        reference: { data, split, n: realCount, description: referenceDescription, statsFile: values['ref-stats'] ?? null },
        floor,
        vae,
        referenceInceptionScore: realIs,
        settings: { ...settings, batchSize, seed, precisionRecallRule: 'distance <= k-NN radius', densityCoverageRule: 'distance < k-NN radius' },
        warnings: [...new Set(warnings)],
        backend: backend.name,
        seconds,
        timings,
        createdAt: new Date().toISOString(),
      };
      writeFileSync(join(out, 'metrics.json'), `${JSON.stringify(report, null, 2)}\n`);
      const columns = [{ title: `${basename(values.run ?? values.images!)} (n=${generated.n})`, scored: generated }];
      if (floor) columns.push({ title: `floor: ${data} ${split === 'test' ? 'train' : 'test'} (n=${floor.n})`, scored: floor });
      for (const warning of report.warnings) console.error(`warning: ${warning}`);
      console.log(table(extractor.id, columns, realIs));
      console.log(`\nreference: ${referenceDescription}. Numbers from the ${extractor.id} extractor are not comparable with Inception FID/IS.`);
      console.log(`wrote ${join(out, 'metrics.json')} in ${seconds}s`);
      return 0;
    } finally {
      run?.trainable.dispose();
      extractor?.dispose();
    }
  },
};
