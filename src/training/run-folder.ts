// The run folder's paths and its run.json (docs/architecture.md, "A run folder"): written by `ganvae train`,
// read back by sample, interpolate, eval, report and serve, with its format version checked.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../data/imageCodec.ts';

/** Version of the run-folder layout; bumped when a reader could misread an older folder. */
export const RUN_FORMAT_VERSION = 1;

/** run.json. */
export interface RunInfo {
  formatVersion: number;
  kind: 'gan' | 'vae' | 'classifier';
  /** The resolved configuration: training loop options and the family's options. */
  config: Record<string, unknown>;
  dataset: { name: string; shape: [number, number, number]; classes: string[] };
  backend: string;
  createdAt: string;
}

/** Paths inside the run folder `dir`. */
export function runPaths(dir: string) {
  return {
    runJson: join(dir, 'run.json'),
    metrics: join(dir, 'metrics.jsonl'),
    samples: join(dir, 'samples'),
    model: join(dir, 'model'),
    modelPart: (part: string) => join(dir, 'model', part),
    checkpoints: join(dir, 'checkpoints'),
    latestCheckpoint: join(dir, 'checkpoints', 'latest'),
  };
}

/** Writes run.json atomically. */
export function writeRunInfo(dir: string, info: RunInfo): void {
  writeFileAtomic(runPaths(dir).runJson, new TextEncoder().encode(`${JSON.stringify(info, null, 2)}\n`));
}

/** Reads run.json; errors say when the folder is not a run or was written by another format version. */
export function readRunInfo(dir: string): RunInfo {
  const path = runPaths(dir).runJson;
  if (!existsSync(path)) throw new Error(`${dir} is not a run folder: ${path} is missing (train one with \`ganvae train\`)`);
  let info: RunInfo;
  try {
    info = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (info.formatVersion !== RUN_FORMAT_VERSION) {
    throw new Error(`${path} has run format version ${info.formatVersion}, but this ganvae reads version ${RUN_FORMAT_VERSION}; ` +
      'retrain the run or use the ganvae version that wrote it');
  }
  return info;
}
