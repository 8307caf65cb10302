// Opening a run folder named by a CLI flag: its problems become a one-line CliError with the exit code
// of what went wrong (2: the folder is not a usable run; 1: the job failed).
import { openRun } from '../runs/open-run.ts';
import type { OpenRun } from '../training/open-run.ts';
import { CliError, exitCodeOf } from './command.ts';

/** The run in `dir`, or a CliError with openRun's message: exit 2 for a bad run folder (RunFolderError), else 1. */
export async function openRunForCli(dir: string): Promise<OpenRun> {
  try {
    return await openRun(dir);
  } catch (err) {
    throw asCliError(err);
  }
}

/** `err` as a CliError keeping its message and exit code (exitCodeOf), with `err` as its cause; `prefix` goes before the message. */
export function asCliError(err: unknown, prefix = ''): CliError {
  if (err instanceof CliError && !prefix) return err;
  return new CliError(`${prefix}${err instanceof Error ? err.message : String(err)}`, exitCodeOf(err), { cause: err });
}
