// What the browser explorer needs to know about a run, read from its folder by `ganvae serve`:
// the model parts to load (as URLs under /run/), how their outputs map to pixels, and the metrics.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { latentCodesOf } from '../gan/info-codes.ts';
import { latestCheckpoint } from '../training/checkpoint.ts';
import { codesSize } from '../training/latent.ts';
import { readRunInfo, runPaths } from '../training/run-folder.ts';
import { RunFolderError } from '../core/errors.ts';
import { RUN_ROUTE, TEST_LATENTS_ROUTE, type ExplorerManifest } from './explorer-api.ts';

function numberOption(config: Record<string, unknown>, key: string, runJson: string): number {
  const value = config[key];
  if (typeof value !== 'number') throw new RunFolderError(`${runJson}: config.${key} is missing; retrain the run with this ganvae`);
  return value;
}

/** eval/metrics.json at `path`; a RunFolderError names it when it is not JSON. */
function readMetrics(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new RunFolderError(`${path} is not valid JSON: ${(err as Error).message}; run \`ganvae eval\` again`, { cause: err });
  }
}

/** Reads the run folder `runDir` into the page's manifest; errors say why the folder cannot be explored. */
export function explorerManifest(runDir: string): ExplorerManifest {
  const info = readRunInfo(runDir);
  const paths = runPaths(runDir);
  if (info.kind === 'classifier') throw new RunFolderError(`${runDir} is a classifier run; the explorer shows GAN and VAE runs`);
  const checkpoint = latestCheckpoint(runDir);
  const weightsDir = existsSync(paths.model) ? paths.model : checkpoint ? join(checkpoint, 'models') : null;
  if (!weightsDir) throw new RunFolderError(`${runDir} has neither model/ nor a checkpoint yet; wait for its first checkpoint`);
  const url = (part: string) => {
    const file = join(weightsDir, part, 'model.json');
    if (!existsSync(file)) throw new RunFolderError(`${file} is missing: the run's ${part} was not saved`);
    return RUN_ROUTE + relative(resolve(runDir), resolve(file)).split('\\').join('/');
  };
  const config = info.config;
  const classes = info.dataset.classes.length;
  const evalPath = join(runDir, 'eval', 'metrics.json');
  const metrics = existsSync(evalPath) ? readMetrics(evalPath) : null;
  const common = { name: basename(resolve(runDir)), dataset: info.dataset, config, trainedOn: info.backend, weightsFrom: relative(resolve(runDir), resolve(weightsDir)), metrics };
  if (info.kind === 'gan') {
    const ema = existsSync(join(weightsDir, 'generator-ema', 'model.json'));
    // Runs from before InfoGAN have neither option.
    const latentCodes = latentCodesOf({
      infoCategorical: typeof config.infoCategorical === 'string' ? config.infoCategorical : '',
      infoContinuous: typeof config.infoContinuous === 'number' ? config.infoContinuous : 0,
    });
    return {
      ...common, kind: 'gan', latentSize: codesSize(latentCodes) + numberOption(config, 'latentSize', paths.runJson), latentCodes,
      prior: config.prior === 'uniform' ? 'uniform' : 'normal',
      numClasses: config.conditional && config.conditional !== 'none' ? classes : 0,
      models: { generator: url(ema ? 'generator-ema' : 'generator') }, output: 'tanh', binarized: false, testLatents: null,
    };
  }
  const likelihood = config.likelihood === 'gaussian' ? 'gaussian' : 'bernoulli';
  const vamp = config.prior === 'vamp';
  return {
    ...common, kind: 'vae', latentSize: numberOption(config, 'latentSize', paths.runJson), latentCodes: [], prior: vamp ? 'vamp' : 'normal',
    numClasses: config.conditional === true ? classes : 0,
    models: { encoder: url('encoder'), decoder: url('decoder'), ...(vamp ? { pseudoInputs: url('pseudo-inputs') } : {}) },
    output: likelihood === 'gaussian' ? 'gaussian-mean' : 'bernoulli-logits',
    binarized: (config.binarize ?? (likelihood === 'bernoulli' ? 'dynamic' : 'off')) === 'dynamic',
    testLatents: TEST_LATENTS_ROUTE,
  };
}
