// Opening a run folder named by a CLI flag: its problems become a one-line CliError.
import { openRun, type OpenRun } from '../training/open-run.ts';
import { CliError } from './command.ts';

/** The run in `dir`, or a CliError with openRun's message and `exitCode`. */
export async function openRunForCli(dir: string, exitCode = 1): Promise<OpenRun> {
  try {
    return await openRun(dir);
  } catch (err) {
    throw new CliError((err as Error).message, exitCode);
  }
}
