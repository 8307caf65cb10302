// Reads one whole file for the data loaders, with DataErrors that name it (Node only).
import { readFileSync, statSync } from 'node:fs';
import { DataError } from '../core/errors.ts';

/** Reads a whole file, refusing files over `maxBytes` and turning fs errors into DataErrors naming it. */
export function readFileChecked(path: string, maxBytes = 2 ** 31 - 1): Buffer {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new DataError(`${path} is not a regular file`);
    size = stat.size;
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (size > maxBytes) throw new DataError(`${path} is ${size} bytes, more than the ${maxBytes}-byte limit for one file`);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new DataError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
