// `ganvae train classifier`: trains the small CNN whose features the metrics use, reproducibly
// (seeded), and writes it with its test accuracy to an extractor folder (models/extractors/...).
import { initBackend } from '../../env/backend.ts';
import { loadDataset } from '../../data/sources.ts';
import { builtInExtractorDir } from '../../metrics/extractor.ts';
import { CLASSIFIER_ARCHITECTURES, type ClassifierArchitecture } from '../../classifier/classifier.ts';
import { trainClassifierExtractor } from '../../classifier/extractor-training.ts';
import { CliError, type Command, numberFlag, parseFlags } from '../command.ts';
import { DataError } from '../../core/errors.ts';

/** The settings of the v2 extractors (fashion-mnist-v2; mnist-10k-v2 adds --epochs and --shift, see its extractor.json). */
const DEFAULTS = { epochs: 5, batchSize: 128, learningRate: 2e-3, shift: 0 };

const help = `usage: ganvae train classifier [--data fashion-mnist] [--out DIR] [options]

Trains the feature extractor of \`ganvae eval\`: a small CNN classifier (4 convolutions, strides 1-2-2-2;
a 128-unit feature layer, logits) on the train split, scores it on the test split (after every epoch),
and writes model.json, weights.bin and extractor.json (accuracy, settings, time) into --out.

  --data SOURCE        dataset (fashion-mnist, mnist-10k, ...; see \`ganvae data\`)   [fashion-mnist]
  --data-dir DIR       folder of the dataset's files, for sources that need one
  --out DIR            extractor folder         [models/extractors/<data>-v<version>]
  --version N          version recorded in extractor.json and in every metric's name  [2]
  --architecture NAME  small (filters 32-32-64-32, 113k weights) or wide (32-64-64-64, 225k)  [wide]
  --epochs N           passes over the train split                         [${DEFAULTS.epochs}]
  --batch-size N       images per Adam step                                [${DEFAULTS.batchSize}]
  --learning-rate X    Adam step size, decayed linearly to a tenth         [${DEFAULTS.learningRate}]
  --shift N            random translation of each training image, ±N pixels  [${DEFAULTS.shift}]
  --seed N             seed of the weights, the shuffling and the shifts   [0]`;

export const command: Command = {
  name: 'train classifier',
  summary: 'train the feature-extractor classifier used by ganvae eval',
  async run(argv) {
    const { values } = parseFlags(argv, {
      data: { type: 'string' }, 'data-dir': { type: 'string' }, out: { type: 'string' }, version: { type: 'string' },
      epochs: { type: 'string' }, 'batch-size': { type: 'string' }, 'learning-rate': { type: 'string' }, seed: { type: 'string' },
      architecture: { type: 'string' }, shift: { type: 'string' },
    });
    if (values.help) {
      console.log(help);
      return 0;
    }
    const data = values.data ?? 'fashion-mnist';
    const version = numberFlag('version', values.version, 2, 1);
    const architecture = values.architecture ?? 'wide';
    if (!(architecture in CLASSIFIER_ARCHITECTURES)) {
      throw new CliError(`--architecture ${architecture}: expected one of ${Object.keys(CLASSIFIER_ARCHITECTURES).join(', ')}`, 2);
    }
    const options = {
      epochs: numberFlag('epochs', values.epochs, DEFAULTS.epochs, 1, 1000),
      batchSize: numberFlag('batch-size', values['batch-size'], DEFAULTS.batchSize, 1, 65536),
      learningRate: numberFlag('learning-rate', values['learning-rate'], DEFAULTS.learningRate, 0, 10),
      shift: numberFlag('shift', values.shift, DEFAULTS.shift, 0, 8),
      seed: numberFlag('seed', values.seed, 0, 0, 2 ** 32 - 1),
      layers: CLASSIFIER_ARCHITECTURES[architecture as ClassifierArchitecture],
    };
    const out = values.out ?? builtInExtractorDir(data.replace(/[^a-z0-9-]/gi, '_'), version);
    const backend = await initBackend();
    let splits;
    try {
      splits = await loadDataset(data, { dataDir: values['data-dir'] });
    } catch (err) {
      if (err instanceof DataError) throw new CliError(err.message, 2, { cause: err });
      throw err;
    }
    console.error(`ganvae train classifier: ${data} (${splits.train.count} train, ${splits.test.count} test) on the ${backend.name} backend → ${out}`);
    const started = performance.now();
    let info;
    try {
      info = await trainClassifierExtractor(splits, {
        ...options, dataset: data, out, version, backend: backend.name, command: ['ganvae train classifier', ...argv].join(' '),
        onProgress: ({ epoch, step, stepsPerEpoch, loss }) => {
          if (step % 50 === 0 || step === stepsPerEpoch - 1) {
            const seconds = ((performance.now() - started) / 1000).toFixed(0);
            process.stderr.write(`\repoch ${epoch + 1}/${options.epochs} step ${step + 1}/${stepsPerEpoch} loss ${loss.toFixed(4)} ${seconds}s   `);
          }
        },
        onEpochEnd: ({ epoch, testAccuracy }) => process.stderr.write(`\nepoch ${epoch + 1}: test accuracy ${(testAccuracy * 100).toFixed(2)}%\n`),
      });
    } catch (err) {
      throw new CliError((err as Error).message, 1, { cause: err });
    }
    process.stderr.write('\n');
    console.log(`test accuracy ${(info.testAccuracy * 100).toFixed(2)}% on ${info.testCount} images; ` +
      `trained in ${info.training.seconds}s (${info.training.steps} steps); weights ${(info.weightBytes / 1024).toFixed(0)} KiB in ${out}`);
    return 0;
  },
};
