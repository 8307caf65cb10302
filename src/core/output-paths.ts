// Checks that a job's outputs can be written before it starts a long computation, so a bad path fails in
// a second with a message naming the option (a ConfigError: exit 2 in the CLI), not after minutes of work.
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from './errors.ts';

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The nearest folder at or above `path` that exists (what `mkdir -p path` would create under), and its stats. */
function nearestExisting(path: string): { path: string; stats: Stats } {
  let at = resolve(path);
  for (;;) {
    const stats = statOrNull(at);
    if (stats) return { path: at, stats };
    const parent = dirname(at);
    if (parent === at) throw new ConfigError(`no folder of ${path} exists`);
    at = parent;
  }
}

/** Checks that the folder `dir` (created when missing) can be written into; `what` names it, e.g. "--out runs/x/eval". */
function checkFolderCreatable(what: string, dir: string): void {
  const stats = statOrNull(dir);
  if (stats) {
    if (!stats.isDirectory()) throw new ConfigError(`${what} is a file, not a folder`);
    if (!writable(dir)) throw new ConfigError(`${what}: the folder is not writable`);
    return;
  }
  const existing = nearestExisting(dir);
  if (!existing.stats.isDirectory()) throw new ConfigError(`${what} cannot be created: ${existing.path} is a file, not a folder`);
  if (!writable(existing.path)) throw new ConfigError(`${what} cannot be created: ${existing.path} is not writable`);
}

/**
 * Checks that `file` can be written (created, with its missing folders, or replaced). `flag` names the
 * option in messages, e.g. "--save-stats"; `example` is a file name to suggest when `file` is a folder.
 */
export function checkOutputFile(flag: string, file: string, example?: string): void {
  const stats = statOrNull(file);
  if (stats?.isDirectory()) throw new ConfigError(`${flag} ${file} is a folder; give the path of a file to write${example ? `, like ${join(file, example)}` : ''}`);
  if (stats && !writable(file)) throw new ConfigError(`${flag} ${file} exists and is not writable`);
  checkFolderCreatable(`${flag} ${file}: its folder ${dirname(file)}`, dirname(file));
}

/**
 * Checks that the folder `dir` can hold the files `names` (it is created when missing): `dir` is not a
 * file, is writable, and none of the files is a folder. `flag` names the option in messages.
 */
export function checkOutputFolder(flag: string, dir: string, names: string[] = []): void {
  checkFolderCreatable(`${flag} ${dir}`, dir);
  for (const name of names) {
    const path = join(dir, name);
    const stats = statOrNull(path);
    if (stats?.isDirectory()) throw new ConfigError(`${flag} ${dir}: ${path} is a folder, so ${name} cannot be written there`);
    if (stats && !writable(path)) throw new ConfigError(`${flag} ${dir}: ${path} exists and is not writable`);
  }
}
