// Reads and writes tfjs Layers models as `model.json` + `weights.bin` in a folder (the format the
// browser and tfjs-converter use), with plain node:fs since only tfjs-node ships a file:// handler.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const WEIGHTS_FILE = 'weights.bin';

/** Saves `model` into `dir` (created when missing) as model.json + weights.bin; returns the weight bytes. */
export async function saveLayersModel(model: tfl.LayersModel, dir: string): Promise<number> {
  let weightBytes = 0;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    mkdirSync(dir, { recursive: true });
    const weights = new Uint8Array(artifacts.weightData as ArrayBuffer);
    weightBytes = weights.byteLength;
    writeAtomic(join(dir, WEIGHTS_FILE), weights);
    const json = {
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
      convertedBy: null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
    };
    writeAtomic(join(dir, 'model.json'), new TextEncoder().encode(JSON.stringify(json)));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }));
  return weightBytes;
}

/**
 * Loads the Layers model whose `model.json` is `path` (or lies in the folder `path`), with the weight
 * files its manifest names beside it. Errors name the file that is missing or malformed.
 */
export async function loadLayersModel(path: string): Promise<tfl.LayersModel> {
  const jsonPath = path.endsWith('.json') ? path : join(path, 'model.json');
  let json: { modelTopology?: object; weightsManifest?: tf.io.WeightsManifestConfig; format?: string };
  try {
    json = JSON.parse(readFileSync(jsonPath, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the tfjs model ${jsonPath}: ${(err as Error).message}`);
  }
  if (!json.modelTopology || !json.weightsManifest) {
    const kind = json.format === 'graph-model' ? ' (it is a graph model; convert a Keras model to the Layers format instead)' : '';
    throw new Error(`${jsonPath} is not a tfjs Layers model: it lacks modelTopology or weightsManifest${kind}`);
  }
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const parts = json.weightsManifest.flatMap((group) => group.paths.map((file) => {
    const weightPath = join(dirname(jsonPath), file);
    try {
      return readFileSync(weightPath);
    } catch {
      throw new Error(`${jsonPath} names the weight file ${file}, but ${weightPath} cannot be read`);
    }
  }));
  const weightData = concatenate(parts);
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
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

function writeAtomic(path: string, bytes: Uint8Array): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}
