// Rebuilds a run's model family from run.json and loads the weights of model/ (or, when the run was killed
// before writing it, of its latest checkpoint), given the family; src/runs/open-run.ts finds the family by name.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../core/random.ts';
import { latestCheckpoint, loadWeightsInto } from './checkpoint.ts';
import { runPaths, type RunInfo } from './run-folder.ts';
import { RunFolderError } from '../core/errors.ts';
import type { DataShape, Trainable, TrainableKind } from './trainable.ts';

export interface OpenRun {
  info: RunInfo;
  trainable: Trainable;
  data: DataShape;
  /** The folder the weights came from. */
  weightsFrom: string;
}

/**
 * Rebuilds the run in `runDir` (whose run.json is `info`) as a `family` model with its trained weights; the
 * caller disposes `trainable`. A config that does not build, no weights yet, or weights that do not load into
 * the architecture are RunFolderErrors naming what is wrong.
 */
export async function openRunOf(runDir: string, info: RunInfo, family: TrainableKind): Promise<OpenRun> {
  const data: DataShape = { shape: info.dataset.shape, numClasses: info.dataset.classes.length };
  const options = Object.fromEntries(Object.keys(family.options.shape).filter((k) => k in info.config).map((k) => [k, info.config[k]]));
  const paths = runPaths(runDir);
  const checkpoint = latestCheckpoint(runDir);
  const weightsFrom = existsSync(paths.model) ? paths.model : checkpoint ? join(checkpoint, 'models') : null;
  // Architecture from the saved options (model/'s plain networks, or the checkpoint's); the init draws are
  // overwritten by the trained weights.
  let trainable: Trainable;
  try {
    const parsed = family.options.parse(options);
    trainable = family.create(weightsFrom === paths.model && family.plainOptions ? family.plainOptions(parsed) : parsed, data, new Rng(0));
  } catch (err) {
    throw new RunFolderError(`${runDir}/run.json: its config does not describe a ${info.kind} model this ganvae builds: ${(err as Error).message}`, { cause: err });
  }
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
