// `ganvae demo`: the README's main job. On Fashion-MNIST, trains a DCGAN and a convolutional VAE within a
// time budget, evaluates both (FID & co. against the real-data floor; ELBO/IWAE), and writes the HTML report.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { takeRows } from '../../data/dataset.ts';
import { permutation, Rng } from '../../core/random.ts';
import { loadDataset } from '../../data/sources.ts';
import { initBackend } from '../../env/backend.ts';
import { builtInExtractorDir } from '../../metrics/extractor.ts';
import { trainClassifierExtractor } from '../../classifier/extractor-training.ts';
import { writeReport } from '../../report/build-report.ts';
import { createProgress, formatDuration } from '../../training/progress.ts';
import { evaluateRun, type EvaluateRequest } from '../../runs/evaluate-run.ts';
import { consoleEvaluationHooks, printEvaluation } from '../../runs/evaluation-output.ts';
import { trainRun } from '../../runs/train-run.ts';
import { CliError, type Command, numberFlag, parseFlags } from '../command.ts';
import { ConfigError, DataError, RunFolderError } from '../../core/errors.ts';

const help = `usage: ganvae demo [--minutes 10] [--out runs/demo-<date>-<time>] [options]

Trains a DCGAN (preset dcgan, width 32) and a convolutional VAE (preset vae28) on Fashion-MNIST (--data),
evaluates both, and writes report.html, all within --minutes measured from the start. The plan is printed
first. The evaluations' cost is estimated from their sizes and the machine's load (measured by the GAN's
training speed): N (images per metric set) is 200 per minute of budget, halved (down to 500) until both
evaluations fit 40% of it; the VAE's ELBO uses 5N test images, its IWAE N/100. The GAN trains for 60% of
what the evaluations leave; its evaluation then measures the load again, and the VAE trains for what is
left after its own estimated evaluation and 45 s for the pictures and the report, so what the first
estimate missed comes off the VAE's training, not the budget. Without a built-in feature extractor for
--data (models/extractors/) a quick one is trained first, on part of the budget, and every metric
names it ("fashion-mnist-quick classifier v1").

  --minutes M          total budget, from start to report                     [10]
  --out DIR            the demo folder: gan/, vae/, report.html   [runs/demo-<date>-<time>]
  --data SOURCE        a 28×28 grey labelled dataset (fashion-mnist, mnist, mnist-10k)  [fashion-mnist]
  --eval-n N           generated (and real) images per FID/KID/IS/PR set   [fitted to budget and load]
  --iwae-k K           VAE importance samples per image                       [500]
  --iwae-images N      test images for the VAE's IWAE bound                   [N/100, 5..20]
  --extractor DIR      a classifier extractor folder        [the built-in, else a quick one]
  --extractor-images N train images for the quick extractor (one epoch)      [6000]
  --max-steps N        also stop each training after N steps (quick checks)   [no limit]
  --seed N             seed of both trainings and of the evaluations          [0]`;

/** Share of the training time the GAN gets; the VAE, quicker to show results, gets what is left. */
const GAN_TRAINING_SHARE = 0.6;
/** The evaluations may take this share of the budget; N shrinks (down to MIN_EVAL_N) until they fit. */
const EVAL_SHARE = 0.4;
const MIN_EVAL_N = 500;
/** Seconds kept for the VAE's model export, reconstructions, traversal and the report (~40 s measured loaded). */
export const FINISH_SECONDS = 45;
/** The VAE trains at least this long, even when the evaluations ate its time. */
const MIN_TRAINING_SECONDS = 10;
/**
 * The cost model's unit: the speed of the demo's DCGAN training (preset dcgan, width 32, batch 64) when the costs
 * below were measured, on the 2-core machine at load ~15 (niced). The load factor is this over the speed measured
 * now, until the GAN's evaluation measures it directly.
 */
const REFERENCE_GAN_IMAGES_PER_SEC = 21;

/** Images per FID/KID/IS/PR set a budget allows: 200 per minute (2000 for 10 minutes), a multiple of 100 in 500..10000. */
export function evalImagesFor(minutes: number): number {
  return Math.min(10000, Math.max(MIN_EVAL_N, Math.round((minutes * 200) / 100) * 100));
}

/** Seconds of `ganvae eval` with n images per set at load factor 1 (143 s measured for n = 2000, 17 s of it fixed). */
export function sampleMetricsSeconds(n: number): number {
  return 143 * (0.12 + (0.88 * n) / 2000);
}

/**
 * Seconds the VAE's likelihood evaluation adds at load factor 1: opening the run and binarising the test split
 * (15 s), ELBO and reconstruction errors (63 s per 10,000 test images), IWAE (23 s per 10,000 decoder passes).
 */
export function likelihoodSeconds(elboImages: number, iwaePasses: number): number {
  return 15 + (63 * elboImages) / 10000 + (23 * iwaePasses) / 10000;
}

/** The VAE's sample metrics cost less than the GAN's (its decoder samples faster): 60 s vs 89 s measured for N = 1000. */
const VAE_SAMPLE_METRICS_SHARE = 0.75;

/** How much the demo evaluates: n images per metric set, test images for the ELBO and for the IWAE bound. */
export interface EvalSize {
  n: number;
  elboImages: number;
  iwaeImages: number;
}

/** What flags fix; the rest follows n. */
export interface EvalFlags {
  n?: number;
  iwaeImages?: number;
  iwaeK: number;
  testImages: number;
}

/** The sizes for n images per set: ELBO on 5n test images (all 10,000 from n = 2000), IWAE on n/100 images (5..20). */
export function evalSize(n: number, flags: EvalFlags): EvalSize {
  return { n, elboImages: Math.min(flags.testImages, 5 * n), iwaeImages: flags.iwaeImages ?? Math.min(20, Math.max(5, Math.round(n / 100))) };
}

/** Estimated seconds of the GAN's and the VAE's evaluation at load factor `load`. */
export function evalSeconds(size: EvalSize, iwaeK: number, load: number): { gan: number; vae: number } {
  const sampleMetrics = sampleMetricsSeconds(size.n);
  return { gan: load * sampleMetrics, vae: load * (VAE_SAMPLE_METRICS_SHARE * sampleMetrics + likelihoodSeconds(size.elboImages, iwaeK * size.iwaeImages)) };
}

/** The largest n (the budget's, halved down to MIN_EVAL_N) whose evaluations fit EVAL_SHARE of `budgetSeconds` at `load`; --eval-n wins. */
export function chooseEvalSize(budgetN: number, budgetSeconds: number, load: number, flags: EvalFlags): EvalSize {
  if (flags.n) return evalSize(flags.n, flags);
  let n = budgetN;
  const fits = (size: EvalSize) => { const e = evalSeconds(size, flags.iwaeK, load); return e.gan + e.vae <= EVAL_SHARE * budgetSeconds; };
  while (n > MIN_EVAL_N && !fits(evalSize(n, flags))) n = Math.max(MIN_EVAL_N, Math.round(n / 200) * 100);
  return evalSize(n, flags);
}

/** The demo's time plan, in seconds from now. */
export interface DemoPlan {
  size: EvalSize;
  ganTraining: number;
  ganEval: number;
  /** The VAE trains until a deadline recomputed when it starts; this is the first estimate. */
  vaeTraining: number;
  vaeEval: number;
  finish: number;
}

/** Splits `seconds` left of a `budgetSeconds` budget between the phases at load factor `load`. */
export function planDemo(seconds: number, budgetSeconds: number, budgetN: number, load: number, flags: EvalFlags): DemoPlan {
  const size = chooseEvalSize(budgetN, budgetSeconds, load, flags);
  const evals = evalSeconds(size, flags.iwaeK, load);
  const training = Math.max(seconds - evals.gan - evals.vae - FINISH_SECONDS, 2 * MIN_TRAINING_SECONDS);
  return {
    size, ganTraining: training * GAN_TRAINING_SHARE, ganEval: evals.gan,
    vaeTraining: training * (1 - GAN_TRAINING_SHARE), vaeEval: evals.vae, finish: FINISH_SECONDS,
  };
}

/** The plan as a few lines. */
function formatPlan(plan: DemoPlan, seconds: number, load: string): string {
  const m = (s: number) => `${(s / 60).toFixed(1)} min`;
  const { n, elboImages, iwaeImages } = plan.size;
  return [
    `plan for the ${m(seconds)} left (${load}): N = ${n} images per metric set, VAE ELBO on ${elboImages} test images, IWAE on ${iwaeImages}`,
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

/** Runs another subcommand in this process (reconstruct and traverse have no library call yet); a non-zero exit becomes a CliError naming the step. */
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
    const evalN = values['eval-n'] === undefined ? undefined : Math.round(numberFlag('eval-n', values['eval-n'], 0, 20, 100000));
    const iwaeK = Math.round(numberFlag('iwae-k', values['iwae-k'], 500, 1, 1e6));
    const iwaeImages = values['iwae-images'] === undefined ? undefined : Math.round(numberFlag('iwae-images', values['iwae-images'], 0, 1, 10000));
    const extractorImages = Math.round(numberFlag('extractor-images', values['extractor-images'], 6000, 100, 60000));
    const maxSteps = Math.round(numberFlag('max-steps', values['max-steps'], 0, 0));
    const seed = Math.round(numberFlag('seed', values.seed, 0, 0, 2 ** 32 - 1));
    const data = values.data ?? 'fashion-mnist';
    const out = values.out ?? `runs/demo-${timestamp()}`;
    if (existsSync(join(out, 'gan')) || existsSync(join(out, 'vae'))) throw new CliError(`--out ${out} already holds a demo; choose another folder`);
    const [ganDir, vaeDir, reportPath] = [join(out, 'gan'), join(out, 'vae'), join(out, 'report.html')];
    const started = performance.now();
    const budget = minutes * 60;
    const secondsLeft = () => budget - (performance.now() - started) / 1000;
    const since = (t: number) => (performance.now() - t) / 1000;
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
      const flags: EvalFlags = { n: evalN, iwaeImages, iwaeK, testImages: (await loadDataset(data)).test.count };
      const planAt = (load: number) => planDemo(secondsLeft(), budget, evalImagesFor(minutes), load, flags);
      let extractor = values.extractor ?? builtInExtractorDir(data);
      const quickExtractor = !values.extractor && !existsSync(extractor);
      console.log(formatPlan(planAt(1), secondsLeft(), 'assuming a loaded machine until the GAN\'s speed is measured') +
        (quickExtractor ? '\n  (after training a quick feature extractor, whose time comes off the trainings)' : ''));
      if (quickExtractor) {
        extractor = join(out, 'extractor');
        console.log(`\n[0/4] no built-in extractor (${builtInExtractorDir(data)}): training a quick one on ${extractorImages} images into ${extractor}`);
        await trainQuickExtractor(data, extractor, extractorImages, seed);
      }
      const loop = { data, seed, logEvery: 5, sampleEvery: 20, checkpointEvery: 1_000_000, ...(maxSteps ? { maxSteps } : {}) };
      /** Trains one run; `pastDeadline(imagesPerSec, seconds)` is polled between steps with the last measured speed. */
      const train = async (step: string, family: 'gan' | 'vae', dir: string, options: Record<string, unknown>,
        pastDeadline: (imagesPerSec: number | undefined, seconds: number) => boolean) => {
        console.log(`\n${step} → ${dir}`);
        const progress = createProgress();
        let imagesPerSec: number | undefined;
        let stoppedAtDeadline = false;
        const trainingStarted = performance.now();
        const { result } = await trainRun({
          family, outDir: dir, flags: { ...loop, ...options }, log: (m) => console.error(m),
          progress: { update: (r) => { imagesPerSec = r.imagesPerSec; progress.update(r); }, done: () => progress.done() },
          shouldStop: () => stopRequested || (stoppedAtDeadline ||= pastDeadline(imagesPerSec, since(trainingStarted))),
        });
        const reason = stoppedAtDeadline && !stopRequested ? 'stopped at its deadline' : result.reason;
        console.log(`${family}: ${reason} at step ${result.step} in ${formatDuration(result.elapsedSec)}, ${result.imagesPerSec.toFixed(0)} img/s`);
        if (result.reason === 'diverged') throw new CliError(`the ${family} training diverged (a loss or weight became NaN); see ${dir}`, 1);
        return result.imagesPerSec;
      };
      /** Evaluates the run in `dir` on n images per set, printing as `ganvae eval` does. */
      const evaluate = async (dir: string, n: number, vae?: EvaluateRequest['vae']) => printEvaluation(await evaluateRun({
        run: dir, n, kidSubsetSize: Math.min(1000, n), extractor, seed, vae, ...consoleEvaluationHooks('ganvae eval'),
      }));

      // The GAN trains for its share of what the evaluations leave, re-estimated from its own speed (the load factor).
      const ganLeft = secondsLeft();
      const loadFrom = (ganImagesPerSec: number | undefined) => (ganImagesPerSec ? REFERENCE_GAN_IMAGES_PER_SEC / ganImagesPerSec : 1);
      const ganPlan = (ganImagesPerSec: number | undefined) => planDemo(ganLeft, budget, evalImagesFor(minutes), loadFrom(ganImagesPerSec), flags);
      // The generic DCGAN preset is pinned: the default GAN preset may change, and the cost model was measured with this one.
      const ganSpeed = await train(`[1/4] training a DCGAN (preset dcgan, width 32) for ~${(ganPlan(undefined).ganTraining / 60).toFixed(1)} min, until its deadline`,
        'gan', ganDir, { preset: 'dcgan', width: 32, maxMinutes: (GAN_TRAINING_SHARE * ganLeft) / 60 },
        (imagesPerSec, seconds) => seconds >= ganPlan(imagesPerSec).ganTraining);
      if (stopRequested) return 130;

      const load = loadFrom(ganSpeed);
      const plan = planAt(load);
      const { n, elboImages, iwaeImages: iwaeCount } = plan.size;
      console.log(`\nload factor ${load.toFixed(2)} (the GAN's ${ganSpeed.toFixed(0)} img/s): N = ${n} images per metric set, ` +
        `VAE ELBO on ${elboImages} test images, IWAE on ${iwaeCount}; ${formatDuration(secondsLeft())} left`);
      console.log(`\n[2/4] evaluating the GAN: ${n} samples vs ${n} test images, and the real-data floor (~${formatDuration(plan.ganEval)})`);
      const ganEvalStarted = performance.now();
      await evaluate(ganDir, n);
      // The measured evaluation gives the load factor now; the VAE trains until what is left covers its evaluation.
      const measuredLoad = since(ganEvalStarted) / sampleMetricsSeconds(n);
      const vaeEval = evalSeconds(plan.size, iwaeK, measuredLoad).vae;
      const vaeSeconds = Math.max(secondsLeft() - vaeEval - FINISH_SECONDS, MIN_TRAINING_SECONDS);
      await train(`[3/4] training a VAE (preset vae28) for ${(vaeSeconds / 60).toFixed(1)} min (load factor ${measuredLoad.toFixed(2)}, its evaluation ~${formatDuration(vaeEval)})`,
        'vae', vaeDir, { preset: 'vae28', maxMinutes: vaeSeconds / 60 }, () => false);
      if (stopRequested) return 130;

      console.log(`\n[4/4] evaluating the VAE: ELBO on ${elboImages} test images, IWAE (k=${iwaeK} on ${iwaeCount} images), reconstructions, and the same sample metrics`);
      await evaluate(vaeDir, n, { k: iwaeK, iwaeImages: iwaeCount, elboImages: elboImages >= flags.testImages ? 'all' : elboImages });
      await runCommand('VAE reconstructions', () => import('./reconstruct.ts'), ['--run', vaeDir]);
      await runCommand('VAE traversal', () => import('./traverse.ts'), ['--run', vaeDir]);
      await writeReport([ganDir, vaeDir], reportPath, { title: `ganvae demo: DCGAN and VAE on ${data} (${minutes} min budget)` });
      const total = since(started);
      console.log(`\nganvae demo: done in ${formatDuration(total)} (${total <= budget ? 'within' : 'OVER'} the ${minutes} min budget). Report: ${resolve(reportPath)}`);
      return 0;
    } catch (err) {
      if (err instanceof CliError) throw err;
      if (err instanceof ConfigError || err instanceof DataError || err instanceof RunFolderError) throw new CliError(err.message, 2, { cause: err });
      throw new CliError((err as Error).message, 1, { cause: err });
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
