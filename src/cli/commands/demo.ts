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

Trains a DCGAN (preset dcgan, width 32) and a convolutional VAE (preset vae28) on Fashion-MNIST (--data),
evaluates both, and writes report.html, all within --minutes measured from the start. The plan is printed
first: N (images per metric set) grows with the budget (200 per minute), the GAN trains for 60% of the
time the evaluations' estimates leave, is evaluated, and the VAE then trains until a deadline recomputed
from the GAN evaluation's measured time and the VAE's own speed, so what the estimates missed comes off
the VAE's training, not the budget. Without a built-in feature extractor for --data (models/extractors/)
a quick one is trained first, on part of the budget, and every metric names it ("fashion-mnist-quick classifier v1").

  --minutes M          total budget, from start to report                     [10]
  --out DIR            the demo folder: gan/, vae/, report.html   [runs/demo-<date>-<time>]
  --data SOURCE        a 28×28 grey labelled dataset (fashion-mnist, mnist, mnist-10k)  [fashion-mnist]
  --eval-n N           generated (and real) images per FID/KID/IS/PR set  [200 per minute, 500..10000]
  --iwae-k K           VAE importance samples per image                       [500]
  --iwae-images N      test images for the VAE's IWAE bound                   [20]
  --extractor DIR      a classifier extractor folder        [the built-in, else a quick one]
  --extractor-images N train images for the quick extractor (one epoch)      [6000]
  --max-steps N        also stop each training after N steps (quick checks)   [no limit]
  --seed N             seed of both trainings and of the evaluations          [0]`;

/** Share of the training time the GAN gets; the VAE, quicker to show results, gets what is left. */
const GAN_TRAINING_SHARE = 0.6;
/** Seconds kept for the VAE's model export, reconstructions, traversal and the report (measured ~25 s loaded). */
export const FINISH_SECONDS = 40;
/** The VAE trains at least this long, even when the evaluations ate its time. */
const MIN_TRAINING_SECONDS = 10;
/** VAE training speed assumed until the first progress report (vae28, batch 128, loaded 2-core machine). */
const ASSUMED_VAE_IMAGES_PER_SEC = 150;

/** Images per FID/KID/IS/PR set for a budget: 200 per minute (2000 for 10 minutes), a multiple of 100 in 500..10000. */
export function evalImagesFor(minutes: number): number {
  return Math.min(10000, Math.max(500, Math.round((minutes * 200) / 100) * 100));
}

/**
 * Estimated seconds of `ganvae eval` on a GAN run with n images per set on a loaded 2-core machine: n samples and
 * 3n extractor passes (samples, reference, floor) plus the neighbour metrics' n² distances (63 s for n = 2000 measured).
 */
export function sampleMetricsSeconds(n: number): number {
  return 10 + 0.015 * n + 3e-6 * n * n;
}

/**
 * Estimated seconds the VAE's likelihood evaluation adds: ELBO and reconstruction errors on `testImages` and the
 * IWAE's `iwaePasses` decoder passes, from the training speed (a forward pass costs about a third of a training step;
 * measured: 47 s and 16 s at 97 training images/s for 10,000 test images and 10,000 passes), with a 30% margin.
 */
export function vaeLikelihoodSeconds(testImages: number, iwaePasses: number, trainImagesPerSec: number): number {
  return testImages / (1.7 * trainImagesPerSec) + iwaePasses / (5 * trainImagesPerSec);
}

/** The demo's time plan, in seconds from now. */
export interface DemoPlan {
  evalN: number;
  ganTraining: number;
  ganEval: number;
  /** The VAE's training is re-planned when it starts, from measured times; this is the first estimate. */
  vaeTraining: number;
  vaeEval: number;
  finish: number;
}

/** Splits `seconds` between the phases, estimating the evaluations for `evalN` images per set. */
export function planDemo(seconds: number, evalN: number, testImages: number, iwaePasses: number): DemoPlan {
  const ganEval = sampleMetricsSeconds(evalN);
  const vaeEval = ganEval + vaeLikelihoodSeconds(testImages, iwaePasses, ASSUMED_VAE_IMAGES_PER_SEC);
  const training = Math.max(seconds - ganEval - vaeEval - FINISH_SECONDS, 2 * MIN_TRAINING_SECONDS);
  return {
    evalN, ganTraining: training * GAN_TRAINING_SHARE, ganEval,
    vaeTraining: training * (1 - GAN_TRAINING_SHARE), vaeEval, finish: FINISH_SECONDS,
  };
}

/** The plan as one line per phase. */
function formatPlan(plan: DemoPlan, seconds: number): string {
  const m = (s: number) => `${(s / 60).toFixed(1)} min`;
  return [
    `plan for the ${m(seconds)} left (N = ${plan.evalN} images per metric set):`,
    `  train the GAN ${m(plan.ganTraining)} → evaluate it ~${m(plan.ganEval)} → train the VAE ~${m(plan.vaeTraining)} (until its deadline) →`,
    `  evaluate it ~${m(plan.vaeEval)} → reconstructions, traversal and report ~${m(plan.finish)}`,
  ].join('\n');
}

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
    const evalN = Math.round(numberFlag('eval-n', values['eval-n'], evalImagesFor(minutes), 20, 100000));
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
      const testImages = (await loadDataset(data)).test.count;
      const planFor = () => planDemo(secondsLeft(), evalN, testImages, iwaeK * iwaeImages);
      let extractor = values.extractor ?? builtInExtractorDir(data);
      const quickExtractor = !values.extractor && !existsSync(extractor);
      console.log(formatPlan(planFor(), secondsLeft()) + (quickExtractor ? '\n  (after training a quick feature extractor, whose time comes off the trainings)' : ''));
      if (quickExtractor) {
        extractor = join(out, 'extractor');
        console.log(`\n[0/4] no built-in extractor (${builtInExtractorDir(data)}): training a quick one on ${extractorImages} images into ${extractor}`);
        await trainQuickExtractor(data, extractor, extractorImages, seed);
        console.log(formatPlan(planFor(), secondsLeft()));
      }
      const plan = planFor();
      const loop = { data, seed, logEvery: 5, sampleEvery: 20, checkpointEvery: 1_000_000, ...(maxSteps ? { maxSteps } : {}) };
      const train = async (step: string, family: 'gan' | 'vae', dir: string, flags: Record<string, unknown>, deadline?: (imagesPerSec: number) => boolean) => {
        console.log(`\n${step} → ${dir}`);
        const progress = createProgress();
        let imagesPerSec = ASSUMED_VAE_IMAGES_PER_SEC;
        let pastDeadline = false;
        const { result } = await trainRun({
          family, outDir: dir, flags: { ...loop, ...flags }, log: (m) => console.error(m),
          progress: { update: (r) => { imagesPerSec = r.imagesPerSec; progress.update(r); }, done: () => progress.done() },
          shouldStop: () => stopRequested || (pastDeadline ||= deadline?.(imagesPerSec) ?? false),
        });
        const reason = pastDeadline && !stopRequested ? 'stopped at its deadline' : result.reason;
        console.log(`${family}: ${reason} at step ${result.step} in ${formatDuration(result.elapsedSec)}, ${result.imagesPerSec.toFixed(0)} img/s`);
        if (result.reason === 'diverged') throw new CliError(`the ${family} training diverged (a loss or weight became NaN); see ${dir}`, 1);
      };
      const evalCommand = () => import('./eval.ts');
      const evalArgs = (dir: string) => ['--run', dir, '-n', String(evalN), '--kid-subset-size', String(Math.min(1000, evalN)), '--extractor', extractor, '--seed', String(seed)];

      // The generic DCGAN preset is pinned: the default GAN preset may change, the demo's timings were measured with this one.
      await train(`[1/4] training a DCGAN (preset dcgan, width 32) for ${(plan.ganTraining / 60).toFixed(1)} min`, 'gan', ganDir,
        { preset: 'dcgan', width: 32, maxMinutes: plan.ganTraining / 60 });
      if (stopRequested) return 130;

      console.log(`\n[2/4] evaluating the GAN: ${evalN} samples vs ${evalN} test images, and the real-data floor (~${formatDuration(plan.ganEval)})`);
      const ganEvalStarted = performance.now();
      await runCommand('evaluating the GAN', evalCommand, evalArgs(ganDir));
      const ganEvalSeconds = (performance.now() - ganEvalStarted) / 1000;

      // The VAE's sample metrics cost what the GAN's just did; its likelihood terms scale with its measured speed.
      const vaeEvalEstimate = (imagesPerSec: number) => ganEvalSeconds + vaeLikelihoodSeconds(testImages, iwaeK * iwaeImages, imagesPerSec);
      const vaeStarted = performance.now();
      const vaeSeconds = (imagesPerSec: number) => Math.max(secondsLeft() + (performance.now() - vaeStarted) / 1000 - vaeEvalEstimate(imagesPerSec) - FINISH_SECONDS, MIN_TRAINING_SECONDS);
      await train(`[3/4] training a VAE (preset vae28) for ~${(vaeSeconds(ASSUMED_VAE_IMAGES_PER_SEC) / 60).toFixed(1)} min, until its deadline`, 'vae', vaeDir,
        { preset: 'vae28', maxMinutes: vaeSeconds(ASSUMED_VAE_IMAGES_PER_SEC * 4) / 60 },
        (imagesPerSec) => (performance.now() - vaeStarted) / 1000 >= vaeSeconds(imagesPerSec));
      if (stopRequested) return 130;

      console.log(`\n[4/4] evaluating the VAE: ELBO, IWAE (k=${iwaeK} on ${iwaeImages} images), reconstructions, and the same sample metrics`);
      await runCommand('evaluating the VAE', evalCommand, [...evalArgs(vaeDir), '--iwae-k', String(iwaeK), '--iwae-images', String(iwaeImages)]);
      await runCommand('VAE reconstructions', () => import('./reconstruct.ts'), ['--run', vaeDir]);
      await runCommand('VAE traversal', () => import('./traverse.ts'), ['--run', vaeDir]);
      await writeReport([ganDir, vaeDir], reportPath, { title: `ganvae demo: DCGAN and VAE on ${data} (${minutes} min budget)` });
      const total = (performance.now() - started) / 1000;
      const against = total <= minutes * 60 ? 'within' : 'OVER';
      console.log(`\nganvae demo: done in ${formatDuration(total)} (${against} the ${minutes} min budget). Report: ${resolve(reportPath)}`);
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
