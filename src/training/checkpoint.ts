// Checkpoints: every model's weights, every optimiser's state, the step, the RNG state and the config,
// written so that a crash at any moment leaves the previous checkpoint whole. Layout of one checkpoint:
//   checkpoints/step-00001000/{state.json, models/<part>/{model.json, weights.bin}, optimizers/<name>.{json,bin}}
//   checkpoints/latest -> step-00001000      (a symlink; replacing it by rename is the commit point)
import { closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statfsSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { loadLayersModel, saveLayersModel } from '../core/layers-model-files.ts';
import type { Trainable } from './trainable.ts';
import { EXTRA_OPTIMIZER_VARIABLES, type CheckpointFileState } from './run-files.ts';
import { findNonFinite, NonFiniteStateError } from './finite-state.ts';

export { findNonFinite, NonFiniteStateError };
import { RUN_FORMAT_VERSION, runPaths } from './run-folder.ts';
import { RunFolderError } from '../core/errors.ts';

/** What a checkpoint records besides tensors: one format for folders (here) and in-memory run files (run-files.ts). */
export type CheckpointState = CheckpointFileState;

async function saveOptimizer(optimizer: tf.Optimizer, dir: string, name: string): Promise<void> {
  const weights = await optimizer.getWeights();
  const extras = EXTRA_OPTIMIZER_VARIABLES.filter((key) => Reflect.get(optimizer, key) instanceof tf.Tensor)
    .map((key) => ({ name: `__${key}`, tensor: Reflect.get(optimizer, key) as tf.Tensor }));
  const { data, specs } = await tf.io.encodeWeights([...weights, ...extras]);
  // getWeights builds the iteration count as a new scalar; the rest are the optimiser's live variables.
  weights.filter((w) => w.name === 'iter').forEach((w) => w.tensor.dispose());
  writeFileSync(join(dir, `${name}.bin`), new Uint8Array(tf.io.CompositeArrayBuffer.join(data)));
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ className: optimizer.getClassName(), specs }));
}

async function restoreOptimizer(optimizer: tf.Optimizer, dir: string, name: string): Promise<void> {
  const jsonPath = join(dir, `${name}.json`);
  let saved: { className: string; specs: tf.io.WeightsManifestEntry[] };
  try {
    saved = JSON.parse(readFileSync(jsonPath, 'utf8'));
    if (!Array.isArray(saved.specs)) throw new Error('it lacks the list of saved variables ("specs")');
  } catch (err) {
    throw new RunFolderError(`${jsonPath} is damaged: ${(err as Error).message}`, { cause: err });
  }
  const { className, specs } = saved;
  if (className !== optimizer.getClassName()) {
    throw new RunFolderError(`${jsonPath} holds ${className} state, but the run's optimiser "${name}" is ${optimizer.getClassName()}`);
  }
  const binPath = join(dir, `${name}.bin`);
  const bytes = readFileSync(binPath);
  const expected = 4 * specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1), 0);
  if (bytes.byteLength !== expected) {
    throw new RunFolderError(`${binPath} holds ${bytes.byteLength} bytes, but ${jsonPath} describes ${expected}: the file is damaged`);
  }
  const tensors = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), specs);
  const nonFinite = Object.entries(tensors).find(([, t]) => t.dtype === 'float32' && tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(t))).dataSync()[0] === 1));
  if (nonFinite) {
    tf.dispose(Object.values(tensors));
    throw new RunFolderError(`${binPath} holds NaN or infinite values in ${nonFinite[0]}: this optimiser state cannot be resumed`);
  }
  const regular = specs.filter((s) => !s.name.startsWith('__')).map((s) => ({ name: s.name, tensor: tensors[s.name] }));
  await optimizer.setWeights(regular);
  for (const key of EXTRA_OPTIMIZER_VARIABLES) {
    const saved = tensors[`__${key}`];
    const variable = Reflect.get(optimizer, key);
    if (saved && variable instanceof tf.Variable) variable.assign(saved);
  }
  // setWeights made variables of its own from these.
  tf.dispose(Object.values(tensors));
}

/** fsyncs every file and folder under `path` (and `path` itself), so a rename after it publishes durable data. */
function fsyncTree(path: string): void {
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) fsyncTree(join(path, entry));
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function stepName(step: number): string {
  return `step-${String(step).padStart(8, '0')}`;
}

/** Names of what a checkpoint folder holds besides finished checkpoints: only these are ever removed from checkpoints/. */
const CHECKPOINT_ENTRY = /^(step-\d{8}|latest|\.tmp-\d+-\d+(-latest)?|\.latest-\d+)$/;

/** Whether `name` (an entry of checkpoints/) is one ganvae writes; nothing else there is touched. */
export function isCheckpointEntry(name: string): boolean {
  return CHECKPOINT_ENTRY.test(name);
}

/** Bytes the tensors of a checkpoint of `trainable` take on disk (model weights and optimiser state), for messages. */
function checkpointBytes(trainable: Trainable): number {
  const size = (shape: readonly (number | null)[]) => shape.reduce((a: number, b) => a * (b ?? 1), 1);
  const models = Object.values(trainable.models());
  // Adam keeps two moments per trainable weight.
  const moments = models.flatMap((m) => m.trainableWeights.map((w) => 2 * size(w.shape))).reduce((a, b) => a + b, 0);
  return 4 * (models.reduce((sum, m) => sum + m.countParams(), 0) + moments);
}

const MIB = 2 ** 20;

/** Free bytes on the file system holding `path` (or its nearest existing parent), or null when it cannot be told. */
export function freeBytes(path: string): number | null {
  for (let p = path; ; p = dirname(p)) {
    try {
      const fs = statfsSync(p);
      return fs.bavail * fs.bsize;
    } catch {
      if (dirname(p) === p) return null;
    }
  }
}

/** An error for a failed write of `what` into `path`, saying how much space it needs when the disk is full. */
export function writeError(err: unknown, what: string, path: string, bytesNeeded: number): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    const free = freeBytes(path);
    return new Error(`no space left on the device while writing ${what} to ${path}: it needs about ${(bytesNeeded / MIB).toFixed(1)} MiB` +
      `${free === null ? '' : `, ${(free / MIB).toFixed(1)} MiB are free`}; free some space and resume with --resume`, { cause: err });
  }
  return new Error(`cannot write ${what} to ${path}: ${code ?? (err as Error).message}`, { cause: err });
}

/**
 * Writes a checkpoint of `trainable` at `state.step` into the run folder `runDir`: into a temporary folder,
 * fsynced, renamed to step-N, then `latest` re-pointed by an atomic symlink rename. Older checkpoints
 * and leftovers of interrupted writes are removed afterwards (only names ganvae writes: see isCheckpointEntry).
 * Refuses (NonFiniteStateError) a state with a NaN or infinity; a failed write removes its partial folder.
 * Returns the checkpoint's folder.
 */
export async function writeCheckpoint(runDir: string, trainable: Trainable, state: Omit<CheckpointState, 'formatVersion' | 'savedAt' | 'family'>): Promise<string> {
  const nonFinite = await findNonFinite(trainable);
  if (nonFinite) throw new NonFiniteStateError(nonFinite, state.step);
  const root = runPaths(runDir).checkpoints;
  const temp = join(root, `.tmp-${process.pid}-${Date.now()}`);
  const name = stepName(state.step);
  try {
    mkdirSync(join(temp, 'optimizers'), { recursive: true });
    for (const [part, model] of Object.entries(trainable.models())) await saveLayersModel(model, join(temp, 'models', part));
    for (const [optimizerName, optimizer] of Object.entries(trainable.optimizers())) await saveOptimizer(optimizer, join(temp, 'optimizers'), optimizerName);
    const family = trainable.trainingState?.();
    const full: CheckpointState = { formatVersion: RUN_FORMAT_VERSION, ...state, ...(family ? { family } : {}), savedAt: new Date().toISOString() };
    writeFileSync(join(temp, 'state.json'), `${JSON.stringify(full, null, 2)}\n`);
    fsyncTree(temp);
    const final = join(root, name);
    rmSync(final, { recursive: true, force: true });
    renameSync(temp, final);
    const link = join(root, `.latest-${process.pid}`);
    rmSync(link, { force: true });
    symlinkSync(name, link);
    // A copied checkpoint folder in place of the link (see latestCheckpoint) is moved aside first: rename cannot replace a folder.
    const latest = join(root, 'latest');
    if (lstatSync(latest, { throwIfNoEntry: false })?.isDirectory()) renameSync(latest, join(root, `.tmp-${process.pid}-${Date.now()}-latest`));
    renameSync(link, latest);
    fsyncTree(root);
  } catch (err) {
    rmSync(temp, { recursive: true, force: true });
    throw writeError(err, `the checkpoint of step ${state.step}`, temp, checkpointBytes(trainable));
  }
  for (const entry of readdirSync(root)) {
    if (entry !== name && entry !== 'latest' && isCheckpointEntry(entry)) rmSync(join(root, entry), { recursive: true, force: true });
  }
  return join(root, name);
}

/**
 * The folder `checkpoints/latest` points to, or null when the run has no complete checkpoint. Besides the symlink
 * ganvae writes, `latest` may be what an unzip tool without symlinks left of one (a file holding the target's name,
 * as Windows' extractor writes it) or a copy of the checkpoint (a run zipped by `zip -r`, which follows links).
 */
export function latestCheckpoint(runDir: string): string | null {
  const { checkpoints, latestCheckpoint: link } = runPaths(runDir);
  try {
    const info = lstatSync(link);
    let target = link;
    if (info.isSymbolicLink()) target = join(checkpoints, readlinkSync(link));
    else if (info.isFile() && info.size < 64) {
      const name = readFileSync(link, 'utf8').trim();
      if (!/^step-\d{8}$/.test(name)) return null;
      target = join(checkpoints, name);
    }
    return existsSync(join(target, 'state.json')) ? target : null;
  } catch {
    return null;
  }
}

/** Reads a checkpoint's state.json, checking its format version and fields; errors name the file. */
export function readCheckpointState(dir: string): CheckpointState {
  const path = join(dir, 'state.json');
  let state: CheckpointState;
  try {
    state = JSON.parse(readFileSync(path, 'utf8')) as CheckpointState;
  } catch (err) {
    throw new RunFolderError(`${path} is damaged (${(err as Error).message}); the checkpoint cannot be used. ` +
      'Remove the run folder to start over, or restore the file from a backup', { cause: err });
  }
  if (typeof state !== 'object' || state === null) throw new RunFolderError(`${path} is damaged: it holds no JSON object; the checkpoint cannot be used`);
  if (state.formatVersion !== RUN_FORMAT_VERSION) {
    throw new RunFolderError(`${path} has format version ${state.formatVersion}, but this ganvae reads ${RUN_FORMAT_VERSION}`);
  }
  if (!Number.isInteger(state.step) || state.step < 0 || !Number.isFinite(state.rng) ||
    typeof state.config !== 'object') {
    throw new RunFolderError(`${path} is damaged: it lacks a step, rng state or config; the checkpoint cannot be used`);
  }
  return state;
}

/** Copies the weights saved in the Layers-format folder `dir` into `model` (same architecture), by position. */
export async function loadWeightsInto(model: LayersModel, dir: string): Promise<void> {
  const saved = await loadLayersModel(dir);
  try {
    const source = saved.getWeights();
    const target = model.weights;
    if (source.length !== target.length) {
      throw new RunFolderError(`${dir} holds ${source.length} weights, the model "${model.name}" has ${target.length}: the architecture differs`);
    }
    target.forEach((weight, i) => {
      if (weight.shape.join() !== source[i].shape.join()) {
        throw new RunFolderError(`${dir}: weight ${i} (${weight.originalName}) has shape [${source[i].shape}], the model expects [${weight.shape}]`);
      }
    });
    model.setWeights(source);
  } finally {
    saved.dispose();
  }
}

/**
 * Restores `trainable`'s models and optimisers from the checkpoint folder `dir` (from latestCheckpoint)
 * and returns its state; the trainable must have been built from the same configuration.
 */
export async function restoreCheckpoint(dir: string, trainable: Trainable): Promise<CheckpointState> {
  const state = readCheckpointState(dir);
  for (const [part, model] of Object.entries(trainable.models())) await loadWeightsInto(model, join(dir, 'models', part));
  for (const [name, optimizer] of Object.entries(trainable.optimizers())) await restoreOptimizer(optimizer, join(dir, 'optimizers'), name);
  if (trainable.restoreTrainingState) {
    try {
      trainable.restoreTrainingState(state.family ?? {});
    } catch (err) {
      throw new RunFolderError(`${join(dir, 'state.json')}: ${(err as Error).message}; the checkpoint cannot be used`, { cause: err });
    }
  }
  return state;
}
