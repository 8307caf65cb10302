// Sets up a training run (config, data, model family, run folder, resume) and drives the shared loop.
// `ganvae train` is a thin CLI over `trainRun`; tests and the demo call it directly.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createBatcher } from '../data/batches.ts';
import { mixSeed, Rng } from '../data/random.ts';
import { loadDataset } from '../data/sources.ts';
import { saveLayersModel } from '../metrics/layers-model-files.ts';
import { latestCheckpoint, restoreCheckpoint } from './checkpoint.ts';
import { ConfigError, flagName, parseConfig, RESUMABLE_KEYS, runConfigSchema, type TrainingOptions } from './config.ts';
import { loadFamily } from './families.ts';
import { trainLoop, type LoopOptions, type LoopResult } from './loop.ts';
import type { Progress } from './progress.ts';
import { readRunInfo, RUN_FORMAT_VERSION, runPaths, writeRunInfo, type RunInfo } from './run-folder.ts';
import type { DataShape, Trainable } from './trainable.ts';

export interface TrainRequest {
  /** Model family: 'gan' or 'vae'. */
  family: string;
  /** The run folder. */
  outDir: string;
  /** Options from a --config file (unvalidated), overridden by `flags`. */
  file?: Record<string, unknown>;
  /** Options from command-line flags (typed, unvalidated). */
  flags?: Record<string, unknown>;
  /** Continue the run in `outDir` from its latest checkpoint. */
  resume?: boolean;
  progress?: Progress;
  shouldStop?: () => boolean;
  onStep?: LoopOptions['onStep'];
  /** The decoded-dataset cache folder, or false for none (default: the data module's). */
  dataCache?: string | false;
  /** Messages for the user. */
  log?: (message: string) => void;
}

export interface TrainOutcome {
  result: LoopResult;
  runDir: string;
  config: Record<string, unknown>;
}

/** Seeds derived from the run seed: weight init and the training stream (noise, dropout) are independent. */
const INIT_STREAM = 1;
const TRAIN_STREAM = 2;

/** The configuration of a resumed run: the saved one, with only budget-like options changed. */
function resumedConfig(saved: Record<string, unknown>, overrides: Record<string, unknown>, runJson: string): Record<string, unknown> {
  for (const [key, value] of Object.entries(overrides)) {
    if (!(RESUMABLE_KEYS as readonly string[]).includes(key) && JSON.stringify(value) !== JSON.stringify(saved[key])) {
      throw new ConfigError(`--${flagName(key)} cannot change when resuming (${runJson} has ${JSON.stringify(saved[key])}); ` +
        `only ${RESUMABLE_KEYS.map((k) => `--${flagName(k)}`).join(', ')} may`);
    }
  }
  return { ...saved, ...overrides };
}

/** Drops metrics.jsonl rows past `step`: the steps a killed run logged after its last checkpoint are redone. */
function truncateMetrics(path: string, step: number): void {
  if (!existsSync(path)) return;
  const rows = readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() && JSON.parse(line).step <= step);
  writeFileSync(path, rows.map((r) => `${r}\n`).join(''));
}

/** Writes every model to `model/<part>/` through a temporary folder swapped in at the end. */
async function exportModels(runDir: string, trainable: Trainable): Promise<void> {
  const { model } = runPaths(runDir);
  const temp = `${model}.tmp-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  for (const [part, m] of Object.entries(trainable.models())) await saveLayersModel(m, join(temp, part));
  const old = `${model}.old-${process.pid}`;
  if (existsSync(model)) renameSync(model, old);
  renameSync(temp, model);
  rmSync(old, { recursive: true, force: true });
}

/** Picks the keys of `shape` from `config`. */
function pick(config: Record<string, unknown>, shape: object): Record<string, unknown> {
  return Object.fromEntries(Object.keys(shape).filter((k) => config[k] !== undefined).map((k) => [k, config[k]]));
}

/**
 * Trains a model family: a new run in `outDir` (which must not hold one) or, with `resume`, the run there
 * from its latest checkpoint. Writes run.json, metrics.jsonl, sample grids, checkpoints and model/.
 */
export async function trainRun(req: TrainRequest): Promise<TrainOutcome> {
  const log = req.log ?? (() => {});
  const family = await loadFamily(req.family);
  const schema = runConfigSchema(family.options);
  const paths = runPaths(req.outDir);
  const overrides = { ...req.file, ...req.flags };
  let raw: Record<string, unknown>;
  let previous: RunInfo | undefined;
  let checkpointDir: string | null = null;
  if (req.resume) {
    previous = readRunInfo(req.outDir);
    if (previous.kind !== family.kind) throw new ConfigError(`${paths.runJson} is a ${previous.kind} run, not ${family.kind}; resume it with \`ganvae train ${previous.kind}\``);
    checkpointDir = latestCheckpoint(req.outDir);
    if (!checkpointDir) throw new ConfigError(`${req.outDir} has no complete checkpoint to resume from (checkpoints/latest is missing)`);
    raw = resumedConfig(previous.config, overrides, paths.runJson);
  } else {
    if (existsSync(paths.runJson)) throw new ConfigError(`${req.outDir} already holds a run; pass --resume to continue it, or choose another --out`);
    raw = overrides;
  }
  let config = parseConfig(schema, raw, req.resume ? paths.runJson : 'the --config file and flags') as TrainingOptions & Record<string, unknown>;

  const splits = await loadDataset(config.data, {
    dataDir: config.dataDir, size: config.imageSize, channels: config.grey ? 1 : 3, cacheDir: req.dataCache, onWarning: log,
  });
  const train = splits.train;
  const classes = train.classNames ?? [];
  const data: DataShape = { shape: [train.height, train.width, train.channels], numClasses: classes.length };
  const familyOptions = pick(config, family.options.shape);
  let resolved: Record<string, unknown>;
  let trainable: Trainable;
  try {
    resolved = family.resolve ? family.resolve(familyOptions, data) : familyOptions;
    trainable = family.create(resolved, data, new Rng(mixSeed(config.seed, INIT_STREAM)));
  } catch (err) {
    // Options that do not fit together or do not fit the data (preset vs image size, conditioning without labels).
    throw new ConfigError((err as Error).message);
  }
  config = { ...config, ...resolved };
  try {
    const rng = new Rng(mixSeed(config.seed, TRAIN_STREAM));
    let startStep = 0;
    if (checkpointDir) {
      const state = await restoreCheckpoint(checkpointDir, trainable);
      rng.state = state.rng;
      startStep = state.step;
      truncateMetrics(paths.metrics, startStep);
      log(`resuming ${req.outDir} at step ${startStep}`);
    }
    mkdirSync(req.outDir, { recursive: true });
    writeRunInfo(req.outDir, {
      formatVersion: RUN_FORMAT_VERSION, kind: family.kind, config,
      dataset: { name: config.data, shape: data.shape, classes },
      backend: tf.getBackend(), createdAt: previous?.createdAt ?? new Date().toISOString(),
    });
    const batcher = createBatcher(train, { batchSize: config.batchSize, seed: config.seed, dropLast: true });
    const result = await trainLoop({
      runDir: req.outDir, trainable, batcher, options: config, rng, startStep, config,
      progress: req.progress, shouldStop: req.shouldStop, onStep: req.onStep,
    });
    if (result.reason !== 'diverged') await exportModels(req.outDir, trainable);
    return { result, runDir: req.outDir, config };
  } finally {
    trainable.dispose();
  }
}
