// Reads and writes tfjs Layers models as `model.json` + `weights.bin` in a folder (the format the
// browser and tfjs-converter use), with plain node:fs since only tfjs-node ships a file:// handler.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { writeFileAtomic } from './atomic-file.ts';
import { RunFolderError } from './errors.ts';

const WEIGHTS_FILE = 'weights.bin';

/** Saves `model` into `dir` (created when missing) as model.json + weights.bin; returns the weight bytes. */
export async function saveLayersModel(model: tfl.LayersModel, dir: string): Promise<number> {
  let weightBytes = 0;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    mkdirSync(dir, { recursive: true });
    const weights = new Uint8Array(artifacts.weightData as ArrayBuffer);
    weightBytes = weights.byteLength;
    writeFileAtomic(join(dir, WEIGHTS_FILE), weights);
    const json = {
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
      convertedBy: null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
    };
    writeFileAtomic(join(dir, 'model.json'), new TextEncoder().encode(JSON.stringify(json)));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }));
  return weightBytes;
}

/**
 * Loads the Layers model whose `model.json` is `path` (or lies in the folder `path`), with the weight
 * files its manifest names beside it. Refuses, with a RunFolderError naming the file and what is wrong:
 * a missing or malformed model.json, a weight file that is missing or whose size differs from the
 * manifest's (truncated or longer), non-finite weights (NaN or ±Infinity, named), and a topology
 * tfjs cannot build.
 */
export async function loadLayersModel(path: string): Promise<tfl.LayersModel> {
  const jsonPath = path.endsWith('.json') ? path : join(path, 'model.json');
  let json: { modelTopology?: object; weightsManifest?: tf.io.WeightsManifestConfig; format?: string };
  try {
    json = JSON.parse(readFileSync(jsonPath, 'utf8'));
  } catch (err) {
    throw new RunFolderError(`cannot read the tfjs model ${jsonPath}: ${(err as Error).message}`, { cause: err });
  }
  if (!json || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    const kind = json?.format === 'graph-model' ? ' (it is a graph model; convert a Keras model to the Layers format instead)' : '';
    throw new RunFolderError(`${jsonPath} is not a tfjs Layers model: it lacks modelTopology or weightsManifest${kind}`);
  }
  const groups = json.weightsManifest.map((group) => readWeightGroup(jsonPath, group));
  const weightData = concatenate(groups.flatMap((g) => g.shards.map((s) => s.bytes)));
  let offset = 0;
  for (const group of groups) {
    checkFinite(group, weightData, offset);
    offset += group.shards.reduce((sum, s) => sum + s.bytes.byteLength, 0);
  }
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
  } catch (err) {
    throw new RunFolderError(`${jsonPath}: tfjs cannot build this model from it: ${(err as Error).message}`, { cause: err });
  }
}

/** One group of a weights manifest: its weight files (shards, concatenated in order) and the weights they hold. */
interface WeightGroup {
  shards: { path: string; bytes: Uint8Array }[];
  weights: tf.io.WeightsManifestEntry[];
}

/** Bytes per stored element of each dtype (after quantization, when a weight is quantized). */
const STORED_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/** Bytes `spec` takes in its weight file, or null when it cannot be known from the manifest (strings). */
function storedBytes(spec: tf.io.WeightsManifestEntry): number | null {
  const perElement = STORED_BYTES[spec.quantization?.dtype ?? spec.dtype];
  if (perElement === undefined) return null;
  return perElement * spec.shape.reduce((a, b) => a * b, 1);
}

/** Reads the weight files of `group` (named in `jsonPath`'s manifest), checking their total size against its weights. */
function readWeightGroup(jsonPath: string, group: tf.io.WeightsManifestConfig[number]): WeightGroup {
  const shards = group.paths.map((file) => {
    const weightPath = join(dirname(jsonPath), file);
    try {
      return { path: weightPath, bytes: readFileSync(weightPath) as Uint8Array };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new RunFolderError(`${jsonPath} names the weight file ${file}, but ${weightPath} cannot be read (${code ?? (err as Error).message})`, { cause: err });
    }
  });
  const sizes = group.weights.map(storedBytes);
  if (sizes.every((n) => n !== null)) {
    const expected = (sizes as number[]).reduce((a, b) => a + b, 0);
    const actual = shards.reduce((sum, s) => sum + s.bytes.byteLength, 0);
    if (actual !== expected) {
      const files = shards.length === 1 ? shards[0].path : `the weight files ${shards.map((s) => s.path).join(', ')}`;
      const how = actual < expected
        ? 'it is truncated (an interrupted write or copy?)'
        : 'it is longer than its weights (it does not belong to this model.json)';
      throw new RunFolderError(`${files} ${shards.length === 1 ? 'holds' : 'hold'} ${actual} bytes, but the weightsManifest of ${jsonPath} ` +
        `describes ${expected} bytes (${group.weights.length} weights): ${how}; save or copy the model again`);
    }
  }
  return { shards, weights: group.weights };
}

/**
 * Refuses float weights of `group` (whose bytes start at `offset` in `data`) that hold NaN or ±Infinity,
 * naming the weight and its file: such a model samples garbage and scores nonsense.
 */
function checkFinite(group: WeightGroup, data: ArrayBuffer, offset: number): void {
  let at = offset;
  for (const spec of group.weights) {
    const bytes = storedBytes(spec);
    if (bytes === null) return; // string weights: offsets beyond are unknown (never in our models)
    const stored = spec.quantization?.dtype ?? spec.dtype;
    const bad = stored === 'float32' ? firstNonFinite32(data, at, bytes / 4) : stored === 'float16' ? firstNonFinite16(data, at, bytes / 2) : null;
    if (bad) {
      const shard = shardAt(group, at - offset + bad.index * (stored === 'float32' ? 4 : 2));
      throw new RunFolderError(`${shard}: weight "${spec.name}" holds ${bad.count} non-finite value${bad.count === 1 ? '' : 's'} (NaN or ±Infinity) ` +
        `of ${bytes / (stored === 'float32' ? 4 : 2)}, the first at element ${bad.index}: the model was saved after training diverged or the file is corrupt; ` +
        'retrain, or use weights saved before it diverged');
    }
    at += bytes;
  }
}

/** The path of the shard of `group` holding byte `position` of the group. */
function shardAt(group: WeightGroup, position: number): string {
  let end = 0;
  for (const shard of group.shards) {
    end += shard.bytes.byteLength;
    if (position < end) return shard.path;
  }
  return group.shards.at(-1)!.path;
}

/** The first non-finite float32 of `count` at byte `offset` of `data`, and how many there are; null when all are finite. */
function firstNonFinite32(data: ArrayBuffer, offset: number, count: number): { index: number; count: number } | null {
  const values = offset % 4 === 0 ? new Float32Array(data, offset, count) : new Float32Array(data.slice(offset, offset + 4 * count));
  let first = -1;
  let bad = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      if (first < 0) first = i;
      bad++;
    }
  }
  return first < 0 ? null : { index: first, count: bad };
}

/** The same for float16 values (exponent bits all ones: NaN or ±Infinity). */
function firstNonFinite16(data: ArrayBuffer, offset: number, count: number): { index: number; count: number } | null {
  const values = offset % 2 === 0 ? new Uint16Array(data, offset, count) : new Uint16Array(data.slice(offset, offset + 2 * count));
  let first = -1;
  let bad = 0;
  for (let i = 0; i < values.length; i++) {
    if ((values[i] & 0x7c00) === 0x7c00) {
      if (first < 0) first = i;
      bad++;
    }
  }
  return first < 0 ? null : { index: first, count: bad };
}

function concatenate(parts: Uint8Array[]): ArrayBuffer {
  const total = parts.reduce((sum, p) => sum + p.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out.buffer;
}

