// Sets up a training run (config, data, model family, run folder, resume) and drives the shared loop.
// `ganvae train` is a thin CLI over `trainRun`; tests and the demo call it directly.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { createBatcher } from '../data/batches.ts';
import { mixSeed, Rng } from '../core/random.ts';
import { loadDataset } from '../data/sources.ts';
import { saveLayersModel } from '../core/layers-model-files.ts';
import { writeFileAtomic } from '../core/atomic-file.ts';
import { latestCheckpoint, restoreCheckpoint, writeError } from '../training/checkpoint.ts';
import { flagName, parseConfig, RESUMABLE_KEYS, runConfigSchema, type TrainingOptions } from '../training/config.ts';
import { loadFamily } from './families.ts';
import { trainLoop, type LoopOptions, type LoopResult } from '../training/loop.ts';
import { checkMemory } from '../training/memory-budget.ts';
import { checkBatchSize, INIT_STREAM, TRAIN_STREAM } from '../training/run-setup.ts';
import { checkNewRunFolder } from '../training/new-run-folder.ts';
import { acquireRunLock, checkRunNotLocked, type RunLock } from '../training/run-lock.ts';
import type { Progress } from '../training/progress.ts';
import { readRunInfo, RUN_FORMAT_VERSION, runPaths, writeRunInfo, type RunInfo } from '../training/run-folder.ts';
import type { DataShape, Trainable } from '../training/trainable.ts';
import { ConfigError } from '../core/errors.ts';
import { checkComputePrecision, useComputePrecision } from '../env/precision.ts';

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
  /** Write a new run into a non-empty folder that is not a run (its files must lie apart from a run's paths). */
  forceIntoExisting?: boolean;
  /** Run --precision bf16 even where oneDNN would emulate it (slower than fp32). */
  forcePrecision?: boolean;
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
  const rows = readFileSync(path, 'utf8').split('\n').filter((line) => {
    if (!line.trim()) return false;
    try {
      return JSON.parse(line).step <= step;
    } catch {
      // A row cut short by a kill mid-append.
      return false;
    }
  });
  writeFileAtomic(path, new TextEncoder().encode(rows.map((r) => `${r}\n`).join('')));
}

/**
 * Writes every model to `model/<part>/`, each through a temporary folder swapped in at the end; only the
 * parts' own folders are replaced, so other files in model/ stay.
 */
async function exportModels(runDir: string, trainable: Trainable): Promise<void> {
  const { model } = runPaths(runDir);
  const plain = trainable.plainModels?.() ?? null;
  try {
    await exportParts(model, plain ?? trainable.models());
  } finally {
    for (const m of Object.values(plain ?? {})) m.dispose();
  }
}

/** Writes each of `parts` to `<model>/<part>/` through a temporary folder swapped in at the end. */
async function exportParts(model: string, parts: Record<string, LayersModel>): Promise<void> {
  for (const [part, m] of Object.entries(parts)) {
    const final = join(model, part);
    const temp = join(model, `.tmp-${process.pid}-${part}`);
    const old = join(model, `.old-${process.pid}-${part}`);
    rmSync(temp, { recursive: true, force: true });
    try {
      await saveLayersModel(m, temp);
    } catch (err) {
      rmSync(temp, { recursive: true, force: true });
      throw writeError(err, `the ${part} model`, final, 4 * m.countParams() + 64 * 1024);
    }
    if (existsSync(final)) renameSync(final, old);
    renameSync(temp, final);
    rmSync(old, { recursive: true, force: true });
  }
}

/**
 * Whether model/ holds the weights of the checkpoint folder `checkpoint`: each of `parts` (default: the parts
 * model/ holds) was exported after the checkpoint was written, as the export that follows a final checkpoint is.
 */
export function modelsCurrent(runDir: string, checkpoint: string, parts?: string[]): boolean {
  const { model, modelPart } = runPaths(runDir);
  const written = (path: string) => (existsSync(path) ? statSync(path).mtimeMs : -Infinity);
  const exported = parts ?? (existsSync(model) ? readdirSync(model).filter((e) => !e.startsWith('.')) : []);
  const checkpointAt = written(join(checkpoint, 'state.json'));
  return exported.length > 0 && exported.every((part) => written(join(modelPart(part), 'weights.bin')) >= checkpointAt);
}

/** Picks the keys of `shape` from `config`. */
function pick(config: Record<string, unknown>, shape: object): Record<string, unknown> {
  return Object.fromEntries(Object.keys(shape).filter((k) => config[k] !== undefined).map((k) => [k, config[k]]));
}

/** What `req` continues: the saved run and its latest checkpoint (null: none yet, so it starts from step 0). */
interface Resumed {
  info: RunInfo;
  checkpoint: string | null;
}

/** Reads the run `req` resumes; the run must be of `kind`. */
function readResumed(req: TrainRequest, kind: string): Resumed {
  const info = readRunInfo(req.outDir);
  if (info.kind !== kind) {
    throw new ConfigError(`${runPaths(req.outDir).runJson} is a ${info.kind} run, not ${kind}; resume it with \`ganvae train ${info.kind}\``);
  }
  return { info, checkpoint: latestCheckpoint(req.outDir) };
}

/**
 * Trains a model family: a new run in `outDir` (missing or empty; with `forceIntoExisting`, a folder whose
 * files are apart from a run's paths) or, with `resume`, the run there from its latest checkpoint (from
 * step 0 when it has none). The folder is written only once the configuration is valid and the models are
 * built, and only by one process at a time (run.lock). Writes run.json, metrics.jsonl, sample grids,
 * checkpoints and model/.
 */
export async function trainRun(req: TrainRequest): Promise<TrainOutcome> {
  const log = req.log ?? (() => {});
  const family = await loadFamily(req.family);
  const schema = runConfigSchema(family.options);
  const paths = runPaths(req.outDir);
  const overrides = { ...req.file, ...req.flags };
  let resumed: Resumed | undefined;
  if (existsSync(req.outDir)) checkRunNotLocked(req.outDir);
  if (req.resume) resumed = readResumed(req, family.kind);
  // Checked early (before data loads) and again under the lock.
  else checkNewRunFolder(req.outDir, [], req.forceIntoExisting ?? false);
  const raw = resumed ? resumedConfig(resumed.info.config, overrides, paths.runJson) : overrides;
  let config = parseConfig(schema, raw, resumed ? paths.runJson : 'the --config file and flags') as TrainingOptions & Record<string, unknown>;
  checkComputePrecision(config.precision, req.forcePrecision);

  const splits = await loadDataset(config.data, {
    dataDir: config.dataDir, size: config.imageSize, channels: config.grey ? 1 : 3, background: config.background, fit: config.fit,
    cacheDir: req.dataCache, onWarning: log,
  });
  const train = splits.train;
  checkBatchSize(config, train.count);
  const classes = train.classNames ?? [];
  const data: DataShape = { shape: [train.height, train.width, train.channels], numClasses: classes.length, trainImages: train.count };
  const familyOptions = pick(config, family.options.shape);
  let resolved: Record<string, unknown>;
  let trainable: Trainable;
  try {
    resolved = family.resolve ? family.resolve(familyOptions, data) : familyOptions;
    checkMemory(family.estimate(resolved, data), config.batchSize);
    trainable = family.create(resolved, data, new Rng(mixSeed(config.seed, INIT_STREAM)));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    // Options that do not fit together or do not fit the data (preset vs image size, conditioning without labels).
    throw new ConfigError((err as Error).message);
  }
  config = { ...config, ...resolved };
  let lock: RunLock | undefined;
  let restorePrecision = () => {};
  try {
    restorePrecision = useComputePrecision(config.precision, req.forcePrecision);
    mkdirSync(req.outDir, { recursive: true });
    lock = acquireRunLock(req.outDir, `ganvae train ${family.kind}`, log);
    // Another process may have written in the folder between the first check and the lock.
    if (resumed) resumed = readResumed(req, family.kind);
    else checkNewRunFolder(req.outDir, Object.keys(trainable.models()), req.forceIntoExisting ?? false);
    const rng = new Rng(mixSeed(config.seed, TRAIN_STREAM));
    let startStep = 0;
    if (resumed?.checkpoint) {
      const state = await restoreCheckpoint(resumed.checkpoint, trainable);
      rng.state = state.rng;
      startStep = state.step;
      log(`resuming ${req.outDir} at step ${startStep}`);
    } else if (resumed) {
      log(`${req.outDir} has no checkpoint yet (it stopped before its first one): starting it from step 0`);
    } else {
      log(`new run in ${req.outDir}`);
    }
    if (resumed) truncateMetrics(paths.metrics, startStep);
    if (config.maxSteps && startStep >= config.maxSteps) {
      // A process killed between its last checkpoint and the export of model/ left model/ behind the checkpoint.
      if (resumed?.checkpoint && !modelsCurrent(req.outDir, resumed.checkpoint, Object.keys(trainable.models()))) {
        await exportModels(req.outDir, trainable);
        log(`model/ was older than the checkpoint at step ${startStep}: exported it again from the checkpoint`);
        const result: LoopResult = {
          reason: 'max-steps', step: startStep, totalSteps: config.maxSteps, losses: {}, imagesPerSec: 0, elapsedSec: 0, checkpointStep: startStep,
        };
        return { result, runDir: req.outDir, config };
      }
      throw new ConfigError(`${req.outDir} is at step ${startStep}, --max-steps ${config.maxSteps} leaves nothing to do; ` +
        `pass a larger --max-steps (or 0 for no limit) to train further`);
    }
    writeRunInfo(req.outDir, {
      formatVersion: RUN_FORMAT_VERSION, kind: family.kind, config,
      dataset: { name: config.data, shape: data.shape, classes },
      backend: tf.getBackend(), createdAt: resumed?.info.createdAt ?? new Date().toISOString(),
    });
    const batcher = createBatcher(train, { batchSize: config.batchSize, seed: config.seed, dropLast: true });
    const result = await trainLoop({
      runDir: req.outDir, trainable, batcher, options: config, rng, startStep, config,
      progress: req.progress, shouldStop: req.shouldStop, onStep: req.onStep,
    });
    if (result.reason !== 'diverged') await exportModels(req.outDir, trainable);
    return { result, runDir: req.outDir, config };
  } finally {
    restorePrecision();
    lock?.release();
    trainable.dispose();
  }
}
