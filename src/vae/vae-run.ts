// Opens a trained VAE run with its test split, for the commands that encode real images
// (reconstruct, traverse, latent-map, interpolate between images, eval).
import type { Dataset } from '../data/dataset.ts';
import { loadDataset } from '../data/sources.ts';
import type { Vae } from './vae.ts';
import { vaeEvalSet, type VaeEvalSet } from './eval-set.ts';
import { openRunOf, type OpenRun } from '../training/open-run.ts';
import { readRunInfo } from '../training/run-folder.ts';
import { runFitOptions } from '../training/config.ts';
import { RunFolderError } from '../core/errors.ts';
import type { TrainableKind } from '../training/trainable.ts';
import { binarization, DEFAULT_TRAINING_K, vaeKind, VaeTrainable } from './vae-family.ts';
import type { VaeObjective } from './objective.ts';

export interface VaeRun {
  run: OpenRun;
  vae: Vae;
  /** The run's test split (uint8 NHWC). */
  test: Dataset;
  /** Whether the model was trained on binarised images, so it is shown and scored on binarised test images. */
  binarized: boolean;
  /** The objective the model was trained on (run.json's --objective, --k; runs from before them: the ELBO). */
  trainedOn: { objective: VaeObjective; k: number };
}

/** The VAE run in `runDir` and its dataset's test split; RunFolderErrors say when the run is not a usable VAE. The caller disposes run.trainable. */
export async function openVaeRun(runDir: string): Promise<VaeRun> {
  const info = readRunInfo(runDir);
  if (info.kind !== 'vae') throw new RunFolderError(`${runDir} is a ${info.kind} run; this needs a VAE run (\`ganvae train vae\`)`);
  const run = await openRunOf(runDir, info, vaeKind as unknown as TrainableKind);
  try {
    return await withTestSplit(run, runDir);
  } catch (err) {
    run.trainable.dispose();
    throw err;
  }
}

/** An already opened run as a VaeRun (loads its test split); a RunFolderError says when `run` (from `runDir`) is not a VAE. */
export async function withTestSplit(run: OpenRun, runDir: string): Promise<VaeRun> {
  if (!(run.trainable instanceof VaeTrainable)) throw new RunFolderError(`${runDir} is a ${run.info.kind} run; this needs a VAE run (\`ganvae train vae\`)`);
  const config = run.info.config;
  const [size, , channels] = run.data.shape;
  // An image folder is decoded at the run's image shape and fit (named sources ignore size and channels).
  const splits = await loadDataset(String(config.data), {
    dataDir: config.dataDir as string | undefined, size, channels: channels === 1 ? 1 : 3, ...runFitOptions(config),
  });
  const { options } = run.trainable;
  const trainedOn = { objective: options.objective, k: options.objective === 'iwae' ? options.k ?? DEFAULT_TRAINING_K : 1 };
  return { run, vae: run.trainable.vae, test: splits.test, binarized: binarization(options) === 'dynamic', trainedOn };
}

/** Test images of `vaeRun` as the model sees them (binarised once with the fixed seed when it was trained binarised). */
export function vaeRunImages(vaeRun: VaeRun, choice: { subset?: number; indices?: number[] } = {}): VaeEvalSet {
  return vaeEvalSet(vaeRun.test, { binarize: vaeRun.binarized, ...choice });
}
