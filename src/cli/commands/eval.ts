// `ganvae eval`: scores a trained run (or a folder of images from any tool) against a dataset split
// with FID, KID, IS, precision/recall and density/coverage, next to the real-data floor (train vs
// test split), and writes metrics.json. A thin CLI over evaluateRun (src/runs/evaluate-run.ts).
import { ConfigError } from '../../core/errors.ts';
import { evaluateRun } from '../../runs/evaluate-run.ts';
import { consoleEvaluationHooks, printEvaluation } from '../../runs/evaluation-output.ts';
import { CliError, type Command, numberFlag, parseFlags } from '../command.ts';
import { asCliError } from '../open-run.ts';
import { VAE_EVAL_FLAGS, VAE_EVAL_HELP, vaeEvaluateOptions } from '../vae-flags.ts';

const help = `usage: ganvae eval (--run runs/NAME | --images DIR) [--data fashion-mnist] [options]

Scores generated images against a dataset split: FID, KID, Inception Score, precision/recall
(k=3) and density/coverage (k=5), in the feature space of a classifier trained on the dataset
(models/extractors/<data>-v<N>, the version the source names: emoji-v1, fashion-mnist-v2), or of
Inception-v3 with --inception. Also scores the real-data floor: N train-split images against the
same reference, the best a generator can expect.
Writes metrics.json (and prints a table) into --out.

  --run DIR            a run folder: N samples from its generator (EMA weights when kept) or decoder
  --images DIR         a folder of PNG/JPEG images from any tool (resized to the dataset's shape)
  --data SOURCE        reference dataset                [the run's dataset, else fashion-mnist]
  --data-dir DIR       folder of the dataset's files, for sources that need one
  --split test|train   reference split                                          [test]
  -n, --n N            images per set                                           [10000]
  --seed N             seed of the latent codes and of the floor's train subset [0]
  --batch-size N       images per extractor batch                               [500]
  --extractor DIR      a classifier extractor folder      [models/extractors/<data>-v<N>]
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

/** A whole-number flag, or undefined when it is absent (evaluateRun's default); the message names the flag. */
function integerFlag(name: string, value: string | undefined, min: number, max?: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = numberFlag(name, value, 0, min, max);
  if (!Number.isInteger(parsed)) throw new CliError(`--${name} must be a whole number, got "${value}"`);
  return parsed;
}

/** An error of evaluateRun as the CLI reports it: bad input (ConfigError, DataError, RunFolderError) exits 2, anything else 1. */
function cliErrorOf(err: unknown): CliError {
  return err instanceof ConfigError ? new CliError(err.message, 2, { cause: err }) : asCliError(err);
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
    try {
      printEvaluation(await evaluateRun({
        run: values.run, images: values.images, data: values.data, dataDir: values['data-dir'], split,
        n: integerFlag('n', values.n, 2),
        seed: integerFlag('seed', values.seed, 0, 2 ** 32 - 1),
        batchSize: integerFlag('batch-size', values['batch-size'], 1, 100000),
        kidSubsetSize: integerFlag('kid-subset-size', values['kid-subset-size'], 2),
        kidSubsets: integerFlag('kid-subsets', values['kid-subsets'], 1, 100000),
        exact: values.exact, extractor: values.extractor, inception: values.inception, out: values.out,
        saveStats: values['save-stats'], refStats: values['ref-stats'], floor: !values['no-floor'],
        vae: vaeEvaluateOptions(values), vaeOnly: values['vae-only'],
        ...consoleEvaluationHooks('ganvae eval'),
      }));
      return 0;
    } catch (err) {
      throw cliErrorOf(err);
    }
  },
};
