// The run folder's paths and its run.json (docs/architecture.md, "A run folder"): written by `ganvae train`,
// read back by sample, interpolate, eval, report and serve, with its format version checked.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunFolderError } from '../core/errors.ts';
import { writeFileAtomic } from '../core/atomic-file.ts';
import { RUN_FORMAT_VERSION, type RunInfo } from './run-format.ts';

/** The kinds of run run.json can name. */
const RUN_KINDS: readonly string[] = ['gan', 'vae', 'classifier'];

export { RUN_FORMAT_VERSION, type RunInfo };

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

/**
 * Reads run.json; RunFolderErrors say when the folder is not a run, the file is unreadable or not a run's,
 * or it was written by another format version.
 */
export function readRunInfo(dir: string): RunInfo {
  const path = runPaths(dir).runJson;
  if (!existsSync(path)) {
    const absent = existsSync(dir) ? '' : ' (the folder itself does not exist)';
    throw new RunFolderError(`${dir} is not a run folder: ${path} is missing${absent}; train one with \`ganvae train\``);
  }
  let info: RunInfo;
  try {
    info = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const reason = err instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
    throw new RunFolderError(`${path} ${reason}: ${(err as Error).message}`, { cause: err });
  }
  if (info === null || typeof info !== 'object' || Array.isArray(info)) throw new RunFolderError(`${path} is not a run's run.json: it holds no JSON object`);
  if (info.formatVersion !== RUN_FORMAT_VERSION) {
    throw new RunFolderError(`${path} has run format version ${info.formatVersion}, but this ganvae reads version ${RUN_FORMAT_VERSION}; ` +
      'retrain the run or use the ganvae version that wrote it');
  }
  if (!RUN_KINDS.includes(info.kind)) {
    throw new RunFolderError(`${path} names the model kind ${JSON.stringify(info.kind)}; a run is one of ${RUN_KINDS.join(', ')}`);
  }
  return withCurrentNames(info);
}

/** Option names older runs of this format wrote: VAE runs before ganvae 0.2 called the latent size `latentDim`. */
const RENAMED_OPTIONS: Record<string, string> = { latentDim: 'latentSize' };

/** `info` with options saved under an older name renamed, so older runs resume, sample and evaluate unchanged. */
function withCurrentNames(info: RunInfo): RunInfo {
  const config = Object.fromEntries(Object.entries(info.config ?? {}).map(([key, value]) =>
    [key in RENAMED_OPTIONS && !(RENAMED_OPTIONS[key] in info.config) ? RENAMED_OPTIONS[key] : key, value]));
  return { ...info, config };
}
