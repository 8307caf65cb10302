// A run's models and checkpoints as files in memory (relative path → bytes), in exactly the layout and formats
// `ganvae train` writes to disk (docs/architecture.md, "A run folder"), so the browser studio can save them to
// IndexedDB, export them as a run folder the CLI reads, and continue a CLI run. Free of Node imports.
//   checkpoint:  state.json, models/<part>/{model.json, weights.bin}, optimizers/<name>.{json, bin}
//   model/:      <part>/{model.json, weights.bin}
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { RunFolderError } from '../core/errors.ts';
import { findNonFinite, NonFiniteStateError } from './finite-state.ts';
import { RUN_FORMAT_VERSION } from './run-format.ts';
import type { Trainable } from './trainable.ts';

/** Files by path relative to their folder ('models/generator/model.json'), '/'-separated. */
export type FileMap = Record<string, Uint8Array>;

/** What state.json of a checkpoint holds besides tensors (as src/training/checkpoint.ts reads it). */
export interface CheckpointFileState {
  formatVersion: number;
  step: number;
  rng: number;
  config: Record<string, unknown>;
  /** The model family's own state besides tensors (Trainable.trainingState, e.g. ADA's p), when it keeps one. */
  family?: Record<string, unknown>;
  savedAt: string;
}

/** Optimiser variables tfjs's getWeights leaves out but a bit-exact resume needs (Adam's β powers). */
export const EXTRA_OPTIMIZER_VARIABLES = ['accBeta1', 'accBeta2'];

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `model` as the two files of tfjs's Layers format: model.json (topology + manifest naming weights.bin) and weights.bin. */
export async function encodeLayersModel(model: tfl.LayersModel): Promise<{ 'model.json': Uint8Array; 'weights.bin': Uint8Array }> {
  let files: { 'model.json': Uint8Array; 'weights.bin': Uint8Array } | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const json = {
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
      convertedBy: null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    };
    files = { 'model.json': encoder.encode(JSON.stringify(json)), 'weights.bin': new Uint8Array(artifacts.weightData as ArrayBuffer) };
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }));
  return files!;
}

/** Every model of `trainable` under `<part>/` (the layout of model/ and of a checkpoint's models/). */
export async function encodeModels(trainable: Trainable, prefix = ''): Promise<FileMap> {
  const files: FileMap = {};
  for (const [part, model] of Object.entries(trainable.models())) {
    const encoded = await encodeLayersModel(model);
    files[`${prefix}${part}/model.json`] = encoded['model.json'];
    files[`${prefix}${part}/weights.bin`] = encoded['weights.bin'];
  }
  return files;
}

/** One optimiser's state as `<name>.json` (class and variable specs) and `<name>.bin` (the values). */
async function encodeOptimizer(optimizer: tf.Optimizer): Promise<{ json: Uint8Array; bin: Uint8Array }> {
  const weights = await optimizer.getWeights();
  const extras = EXTRA_OPTIMIZER_VARIABLES.filter((key) => Reflect.get(optimizer, key) instanceof tf.Tensor)
    .map((key) => ({ name: `__${key}`, tensor: Reflect.get(optimizer, key) as tf.Tensor }));
  const { data, specs } = await tf.io.encodeWeights([...weights, ...extras]);
  // getWeights builds the iteration count as a new scalar; the rest are the optimiser's live variables.
  weights.filter((w) => w.name === 'iter').forEach((w) => w.tensor.dispose());
  return { bin: new Uint8Array(tf.io.CompositeArrayBuffer.join(data)), json: encoder.encode(JSON.stringify({ className: optimizer.getClassName(), specs })) };
}

/**
 * A checkpoint of `trainable` at `step` with the training RNG state `rng` and the resolved `config`, as the files
 * of one checkpoint folder. Refuses (NonFiniteStateError) a state holding a NaN or an infinity.
 */
export async function encodeCheckpoint(trainable: Trainable, state: { step: number; rng: number; config: Record<string, unknown> }): Promise<FileMap> {
  const nonFinite = await findNonFinite(trainable);
  if (nonFinite) throw new NonFiniteStateError(nonFinite, state.step);
  const files = await encodeModels(trainable, 'models/');
  for (const [name, optimizer] of Object.entries(trainable.optimizers())) {
    const { json, bin } = await encodeOptimizer(optimizer);
    files[`optimizers/${name}.json`] = json;
    files[`optimizers/${name}.bin`] = bin;
  }
  const family = trainable.trainingState?.();
  const full: CheckpointFileState = { formatVersion: RUN_FORMAT_VERSION, ...state, ...(family ? { family } : {}), savedAt: new Date().toISOString() };
  files['state.json'] = encoder.encode(`${JSON.stringify(full, null, 2)}\n`);
  return files;
}

/** The file `path` of `files`; a RunFolderError names `where` when it is missing. */
function need(files: FileMap, path: string, where: string): Uint8Array {
  const bytes = files[path];
  if (!bytes) throw new RunFolderError(`${where}: ${path} is missing`);
  return bytes;
}

/** The parsed JSON file `path`; a RunFolderError names it when it is missing or damaged. */
function json<T>(files: FileMap, path: string, where: string): T {
  const bytes = need(files, path, where);
  try {
    return JSON.parse(decoder.decode(bytes)) as T;
  } catch (err) {
    throw new RunFolderError(`${where}: ${path} is not valid JSON (${(err as Error).message})`, { cause: err });
  }
}

/** A copy of `bytes` as its own ArrayBuffer (decodeWeights reads from offset 0). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Reads a checkpoint's state.json from `files`, checking its format version and fields. */
export function readCheckpointFileState(files: FileMap, where: string): CheckpointFileState {
  const state = json<CheckpointFileState>(files, 'state.json', where);
  if (state?.formatVersion !== RUN_FORMAT_VERSION) {
    throw new RunFolderError(`${where}: state.json has format version ${state?.formatVersion}, but this ganvae reads ${RUN_FORMAT_VERSION}`);
  }
  if (!Number.isInteger(state.step) || state.step < 0 || !Number.isFinite(state.rng) || typeof state.config !== 'object') {
    throw new RunFolderError(`${where}: state.json lacks a step, rng state or config; the checkpoint cannot be used`);
  }
  return state;
}

/** Copies the weights of the Layers files `<prefix>model.json` + its weight file into `model` (same architecture). */
export function loadModelWeights(model: tfl.LayersModel, files: FileMap, prefix: string, where: string): void {
  const manifest = json<{ weightsManifest?: tf.io.WeightsManifestConfig }>(files, `${prefix}model.json`, where).weightsManifest;
  if (!Array.isArray(manifest)) throw new RunFolderError(`${where}: ${prefix}model.json has no weightsManifest`);
  const specs = manifest.flatMap((group) => group.weights);
  const shards = manifest.flatMap((group) => group.paths.map((p) => need(files, prefix + p, where)));
  const total = shards.reduce((sum, s) => sum + s.byteLength, 0);
  const joined = new Uint8Array(total);
  let at = 0;
  for (const shard of shards) {
    joined.set(shard, at);
    at += shard.byteLength;
  }
  const expected = 4 * specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1), 0);
  if (total !== expected) throw new RunFolderError(`${where}: the weights of ${prefix}model.json hold ${total} bytes, the manifest describes ${expected}: a file is damaged`);
  const target = model.weights;
  if (specs.length !== target.length) {
    throw new RunFolderError(`${where}: ${prefix}model.json holds ${specs.length} weights, the model "${model.name}" has ${target.length}: the architecture differs`);
  }
  const tensors = tf.io.decodeWeights(joined.buffer, specs);
  try {
    const values = specs.map((spec, i) => {
      if (spec.shape.join() !== target[i].shape.join()) {
        throw new RunFolderError(`${where}: weight ${i} (${target[i].originalName}) of ${prefix}model.json has shape [${spec.shape}], the model expects [${target[i].shape}]`);
      }
      return tensors[spec.name];
    });
    model.setWeights(values);
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** Restores one optimiser from `<dir><name>.json` + `.bin` in `files`. */
async function restoreOptimizer(optimizer: tf.Optimizer, files: FileMap, name: string, where: string): Promise<void> {
  const saved = json<{ className: string; specs: tf.io.WeightsManifestEntry[] }>(files, `optimizers/${name}.json`, where);
  if (!Array.isArray(saved?.specs)) throw new RunFolderError(`${where}: optimizers/${name}.json lacks the list of saved variables ("specs")`);
  if (saved.className !== optimizer.getClassName()) {
    throw new RunFolderError(`${where}: optimizers/${name}.json holds ${saved.className} state, but the run's optimiser "${name}" is ${optimizer.getClassName()}`);
  }
  const bytes = need(files, `optimizers/${name}.bin`, where);
  const expected = 4 * saved.specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1), 0);
  if (bytes.byteLength !== expected) throw new RunFolderError(`${where}: optimizers/${name}.bin holds ${bytes.byteLength} bytes, its .json describes ${expected}`);
  const tensors = tf.io.decodeWeights(ownBuffer(bytes), saved.specs);
  await optimizer.setWeights(saved.specs.filter((s) => !s.name.startsWith('__')).map((s) => ({ name: s.name, tensor: tensors[s.name] })));
  for (const key of EXTRA_OPTIMIZER_VARIABLES) {
    const value = tensors[`__${key}`];
    const variable = Reflect.get(optimizer, key);
    if (value && variable instanceof tf.Variable) variable.assign(value);
  }
  // setWeights made variables of its own from these.
  tf.dispose(Object.values(tensors));
}

/**
 * Restores `trainable` (built from the same configuration) from the files of one checkpoint folder and returns its
 * state; `where` names the checkpoint in errors. The restored state is checked to be finite.
 */
export async function restoreCheckpointFiles(files: FileMap, trainable: Trainable, where: string): Promise<CheckpointFileState> {
  const state = readCheckpointFileState(files, where);
  for (const [part, model] of Object.entries(trainable.models())) loadModelWeights(model, files, `models/${part}/`, where);
  for (const name of Object.keys(trainable.optimizers())) await restoreOptimizer(trainable.optimizers()[name], files, name, where);
  if (trainable.restoreTrainingState) {
    try {
      trainable.restoreTrainingState(state.family ?? {});
    } catch (err) {
      throw new RunFolderError(`${where}: state.json: ${(err as Error).message}; the checkpoint cannot be used`, { cause: err });
    }
  }
  const nonFinite = await findNonFinite(trainable);
  if (nonFinite) throw new RunFolderError(`${where}: ${nonFinite} is NaN or infinite; this checkpoint cannot be resumed`);
  return state;
}
