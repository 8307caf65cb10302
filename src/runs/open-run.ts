// Opens a finished (or interrupted) run folder by the model family its run.json names.
import { loadFamily } from './families.ts';
import { openRunOf, type OpenRun } from '../training/open-run.ts';
import { readRunInfo } from '../training/run-folder.ts';
import { RunFolderError } from '../core/errors.ts';

/**
 * Rebuilds the run in `runDir` with its trained weights; the caller disposes `trainable`. A folder that is
 * not a usable run (missing, another format version, a classifier run, no weights yet, weights that do not
 * load into the architecture run.json describes) is a RunFolderError naming what is wrong.
 */
export async function openRun(runDir: string): Promise<OpenRun> {
  const info = readRunInfo(runDir);
  if (info.kind === 'classifier') throw new RunFolderError(`${runDir} is a classifier run; it has no generator to sample from`);
  return openRunOf(runDir, info, await loadFamily(info.kind));
}
