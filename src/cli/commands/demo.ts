// `ganvae demo`: the README's main job. On Fashion-MNIST, trains a DCGAN and a convolutional VAE within a
// time budget, evaluates both (FID & co. against the real-data floor; ELBO/IWAE), and writes the HTML report.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { takeRows } from '../../data/dataset.ts';
import { DataError } from '../../data/errors.ts';
import { permutation, Rng } from '../../data/random.ts';
import { loadDataset } from '../../data/sources.ts';
import { initBackend } from '../../env/backend.ts';
import { builtInExtractorDir } from '../../metrics/extractor.ts';
import { trainClassifierExtractor } from '../../metrics/extractor-training.ts';
import { writeReport } from '../../report/build-report.ts';
import { ConfigError } from '../../training/config.ts';
import { createProgress, formatDuration } from '../../training/progress.ts';
import { trainRun } from '../../training/train-run.ts';
import { CliError, type Command, numberFlag, parseFlags } from '../command.ts';

const help = `usage: ganvae demo [--minutes 10] [--out runs/demo-<date>-<time>] [options]

Trains a DCGAN (preset dcgan, width 32) and a convolutional VAE (preset vae28) on Fashion-MNIST (--data) within
--minutes in all, evaluates both, and writes report.html: the GAN gets 60% of the training time, the VAE
40%, and evaluation keeps 35% of the budget. Without the built-in feature extractor
(models/extractors/<data>-v1) a quick one is trained first, on part of the budget, and every metric
names it ("fashion-mnist-quick classifier v1").

  --minutes M          total budget: trainings and evaluations               [10]
  --out DIR            the demo folder: gan/, vae/, report.html   [runs/demo-<date>-<time>]
  --data SOURCE        a 28×28 grey labelled dataset (fashion-mnist, mnist, mnist-10k)  [fashion-mnist]
  --eval-n N           generated (and real) images per FID/KID/IS/PR set      [2000]
  --iwae-k K           VAE importance samples per image                       [500]
  --iwae-images N      test images for the VAE's IWAE bound                   [20]
  --extractor DIR      a classifier extractor folder        [the built-in, else a quick one]
  --extractor-images N train images for the quick extractor (one epoch)      [6000]
  --max-steps N        also stop each training after N steps (quick checks)   [no limit]
  --seed N             seed of both trainings and of the evaluations          [0]`;

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** Trains the quick extractor: one epoch on `images` seeded train images, scored on the test split. */
async function trainQuickExtractor(data: string, out: string, images: number, seed: number): Promise<void> {
  const splits = await loadDataset(data);
  const rows = permutation(splits.train.count, new Rng(seed)).subarray(0, Math.min(images, splits.train.count));
  const started = performance.now();
  const info = await trainClassifierExtractor({ train: takeRows(splits.train, rows), test: splits.test }, {
    dataset: `${data}-quick`, out, epochs: 1, seed,
    onProgress: ({ step, stepsPerEpoch }) => {
      if (step % 10 === 0 || step === stepsPerEpoch - 1) process.stderr.write(`\rquick extractor: step ${step + 1}/${stepsPerEpoch}   `);
    },
  });
  process.stderr.write('\n');
  console.log(`quick extractor: test accuracy ${(info.testAccuracy * 100).toFixed(1)}% after ${formatDuration((performance.now() - started) / 1000)}`);
}

/** Runs another subcommand in this process; a non-zero exit becomes a CliError naming the step. */
async function runCommand(step: string, load: () => Promise<{ command: Command }>, argv: string[]): Promise<void> {
  const { command } = await load();
  const code = await command.run(argv);
  if (code !== 0) throw new CliError(`${step} (ganvae ${command.name} ${argv.join(' ')}) exited with ${code}`, 1);
}

export const command: Command = {
  name: 'demo',
  summary: 'train a DCGAN and a VAE on Fashion-MNIST for a few minutes, evaluate both, write the HTML report',
  async run(argv) {
    const { values } = parseFlags(argv, {
      minutes: { type: 'string' }, out: { type: 'string' }, data: { type: 'string' }, 'eval-n': { type: 'string' }, 'iwae-k': { type: 'string' },
      'iwae-images': { type: 'string' }, extractor: { type: 'string' }, 'extractor-images': { type: 'string' },
      'max-steps': { type: 'string' }, seed: { type: 'string' },
    });
    if (values.help) {
      console.log(help);
      return 0;
    }
    const minutes = numberFlag('minutes', values.minutes, 10, 0.05, 10000);
    const evalN = Math.round(numberFlag('eval-n', values['eval-n'], 2000, 20, 100000));
    const iwaeK = Math.round(numberFlag('iwae-k', values['iwae-k'], 500, 1, 1e6));
    const iwaeImages = Math.round(numberFlag('iwae-images', values['iwae-images'], 20, 1, 10000));
    const extractorImages = Math.round(numberFlag('extractor-images', values['extractor-images'], 6000, 100, 60000));
    const maxSteps = Math.round(numberFlag('max-steps', values['max-steps'], 0, 0));
    const seed = Math.round(numberFlag('seed', values.seed, 0, 0, 2 ** 32 - 1));
    const data = values.data ?? 'fashion-mnist';
    const out = values.out ?? `runs/demo-${timestamp()}`;
    if (existsSync(join(out, 'gan')) || existsSync(join(out, 'vae'))) throw new CliError(`--out ${out} already holds a demo; choose another folder`);
    const [ganDir, vaeDir, reportPath] = [join(out, 'gan'), join(out, 'vae'), join(out, 'report.html')];
    const started = performance.now();
    const secondsLeft = () => minutes * 60 - (performance.now() - started) / 1000;
    const backend = await initBackend();
    console.log(`ganvae demo: ${minutes} min budget on the ${backend.name} backend, into ${out}`);

    let stopRequested = false;
    const onSigint = () => {
      if (stopRequested) process.exit(130);
      stopRequested = true;
      process.stderr.write('\nganvae demo: stopping after this step (Ctrl-C again quits at once)\n');
    };
    process.on('SIGINT', onSigint);
    try {
      let extractor = values.extractor ?? builtInExtractorDir(data);
      if (!values.extractor && !existsSync(extractor)) {
        extractor = join(out, 'extractor');
        console.log(`\n[0/4] no built-in extractor (${builtInExtractorDir(data)}): training a quick one on ${extractorImages} images into ${extractor}`);
        await trainQuickExtractor(data, extractor, extractorImages, seed);
      }
      // Evaluation keeps 35% of the budget (3.6 of 10 minutes on a loaded 2-core machine); the rest is split 60/40.
      const trainingMinutes = Math.max(secondsLeft() - minutes * 60 * 0.35, 0) / 60;
      const budgets = { gan: trainingMinutes * 0.6, vae: trainingMinutes * 0.4 };
      const loop = { data, seed, logEvery: 5, sampleEvery: 20, checkpointEvery: 1_000_000, ...(maxSteps ? { maxSteps } : {}) };
      const trainings = [
        { family: 'gan', dir: ganDir, flags: { ...loop, width: 32, maxMinutes: budgets.gan }, what: 'DCGAN (preset dcgan, width 32)' },
        { family: 'vae', dir: vaeDir, flags: { ...loop, preset: 'vae28', maxMinutes: budgets.vae }, what: 'VAE (preset vae28)' },
      ];
      for (const [i, t] of trainings.entries()) {
        console.log(`\n[${i + 1}/4] training a ${t.what} for up to ${t.flags.maxMinutes.toFixed(1)} min → ${t.dir}`);
        const { result } = await trainRun({
          family: t.family, outDir: t.dir, flags: t.flags, progress: createProgress(), shouldStop: () => stopRequested, log: (m) => console.error(m),
        });
        console.log(`${t.family}: ${result.reason} at step ${result.step} in ${formatDuration(result.elapsedSec)}, ${result.imagesPerSec.toFixed(0)} img/s`);
        if (result.reason === 'diverged') throw new CliError(`the ${t.family} training diverged (a loss or weight became NaN); see ${t.dir}`, 1);
        if (stopRequested) return 130;
      }
      const kidSubsetSize = String(Math.min(1000, evalN));
      const evalCommand = () => import('./eval.ts');
      console.log(`\n[3/4] evaluating the GAN: ${evalN} samples vs ${evalN} test images, and the real-data floor`);
      await runCommand('evaluating the GAN', evalCommand, ['--run', ganDir, '-n', String(evalN), '--kid-subset-size', kidSubsetSize, '--extractor', extractor, '--seed', String(seed)]);
      console.log(`\n[4/4] evaluating the VAE: ELBO, IWAE (k=${iwaeK} on ${iwaeImages} images), reconstructions, and the same sample metrics`);
      await runCommand('evaluating the VAE', evalCommand, ['--run', vaeDir, '-n', String(evalN), '--kid-subset-size', kidSubsetSize, '--extractor', extractor,
        '--seed', String(seed), '--iwae-k', String(iwaeK), '--iwae-images', String(iwaeImages)]);
      await runCommand('VAE reconstructions', () => import('./reconstruct.ts'), ['--run', vaeDir]);
      await runCommand('VAE traversal', () => import('./traverse.ts'), ['--run', vaeDir]);
      await writeReport([ganDir, vaeDir], reportPath, { title: `ganvae demo: DCGAN and VAE on ${data} (${minutes} min budget)` });
      console.log(`\nganvae demo: done in ${formatDuration((performance.now() - started) / 1000)}. Report: ${resolve(reportPath)}`);
      return 0;
    } catch (err) {
      if (err instanceof CliError) throw err;
      if (err instanceof ConfigError || err instanceof DataError) throw new CliError(err.message);
      throw new CliError((err as Error).message, 1);
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
