// Opens a finished (or interrupted) run folder for sampling: rebuilds its model family from run.json and
// loads the weights of model/ (or, when a run was killed before writing it, of its latest checkpoint).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../core/random.ts';
import { latestCheckpoint, loadWeightsInto } from '../training/checkpoint.ts';
import { loadFamily } from './families.ts';
import { readRunInfo, RunFolderError, runPaths, type RunInfo } from '../training/run-folder.ts';
import type { DataShape, Trainable } from '../training/trainable.ts';

export interface OpenRun {
  info: RunInfo;
  trainable: Trainable;
  data: DataShape;
  /** The folder the weights came from. */
  weightsFrom: string;
}

/**
 * Rebuilds the run in `runDir` with its trained weights; the caller disposes `trainable`. A folder that is
 * not a usable run (missing, another format version, a classifier run, no weights yet, weights that do not
 * load into the architecture run.json describes) is a RunFolderError naming what is wrong.
 */
export async function openRun(runDir: string): Promise<OpenRun> {
  const info = readRunInfo(runDir);
  if (info.kind === 'classifier') throw new RunFolderError(`${runDir} is a classifier run; it has no generator to sample from`);
  const family = await loadFamily(info.kind);
  const data: DataShape = { shape: info.dataset.shape, numClasses: info.dataset.classes.length };
  const options = Object.fromEntries(Object.keys(family.options.shape).filter((k) => k in info.config).map((k) => [k, info.config[k]]));
  // Architecture from the saved options; the init draws are overwritten by the trained weights.
  let trainable: Trainable;
  try {
    trainable = family.create(family.options.parse(options), data, new Rng(0));
  } catch (err) {
    throw new RunFolderError(`${runDir}/run.json: its config does not describe a ${info.kind} model this ganvae builds: ${(err as Error).message}`, { cause: err });
  }
  const paths = runPaths(runDir);
  const checkpoint = latestCheckpoint(runDir);
  const weightsFrom = existsSync(paths.model) ? paths.model : checkpoint ? join(checkpoint, 'models') : null;
  try {
    if (!weightsFrom) throw new RunFolderError(`${runDir} has neither model/ nor a checkpoint yet; wait for its first checkpoint`);
    for (const [part, model] of Object.entries(trainable.models())) await loadWeightsInto(model, join(weightsFrom, part));
  } catch (err) {
    trainable.dispose();
    // Weights that do not fit the architecture of run.json are a corrupt run folder too.
    throw err instanceof RunFolderError ? err : new RunFolderError((err as Error).message, { cause: err });
  }
  return { info, trainable, data, weightsFrom };
}
