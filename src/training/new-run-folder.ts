// Whether a folder may receive a new run: ganvae never deletes, overwrites or appends to a file it did
// not write, so a new run goes only into a missing or empty folder, or, with --force-into-existing, into
// a folder whose files sit apart from every path a run writes.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isCheckpointEntry } from './checkpoint.ts';
import { LOCK_FILE } from './run-lock.ts';
import { ConfigError } from '../core/errors.ts';

/** Sample grid names the loop writes into samples/. */
const SAMPLE_GRID = /^(final|epoch-\d{4}|step-\d{8})\.png$/;

function entries(dir: string): string[] {
  try {
    return statSync(dir).isDirectory() ? readdirSync(dir) : [];
  } catch {
    return [];
  }
}

/** The paths under `dir` that a new run with the model parts `parts` would write over or append to. */
function runPathsTaken(dir: string, parts: string[]): string[] {
  const taken: string[] = [];
  for (const file of ['run.json', 'metrics.jsonl']) if (existsSync(join(dir, file))) taken.push(file);
  for (const part of parts) if (existsSync(join(dir, 'model', part))) taken.push(`model/${part}`);
  taken.push(...entries(join(dir, 'checkpoints')).filter(isCheckpointEntry).map((e) => `checkpoints/${e}`));
  taken.push(...entries(join(dir, 'samples')).filter((e) => SAMPLE_GRID.test(e)).map((e) => `samples/${e}`));
  return taken;
}

function listed(names: string[]): string {
  return names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
}

/**
 * Throws a ConfigError naming `dir` unless a new run with the model parts `parts` may be written there:
 * it is missing, empty (but for a lock a killed run left), or, with `force`, holds only files at paths a run
 * never writes. A folder holding a run says how to continue it or start over.
 */
export function checkNewRunFolder(dir: string, parts: string[], force: boolean): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new ConfigError(`--out ${dir} is a file, not a folder; choose another --out`);
  if (existsSync(join(dir, 'run.json'))) {
    throw new ConfigError(`${dir} already holds a run; continue it with \`--resume --out ${dir}\`, or start over: ` +
      `remove it (rm -r ${dir}) or choose another --out`);
  }
  const contents = readdirSync(dir).filter((e) => e !== LOCK_FILE);
  if (!contents.length) return;
  if (!force) {
    throw new ConfigError(`--out ${dir} is not empty and is not a ganvae run (it holds ${listed(contents)}); choose an empty or ` +
      'new folder, or pass --force-into-existing to write the run beside these files');
  }
  const taken = runPathsTaken(dir, parts);
  if (taken.length) {
    throw new ConfigError(`--out ${dir} holds files at paths a run writes (${listed(taken)}); ganvae never overwrites or ` +
      'appends to files it did not write: move them away or choose another --out');
  }
}
