// The one way ganvae writes a file: to a temporary name beside it, then renamed over it, so a reader (or a
// process killed mid-write) never sees half a file. Folders are published the same way by their writers.
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes `bytes` to `path` atomically. On failure the temporary file is removed and an Error naming `path`
 * is thrown, with the fs error's `code` (ENOSPC, EACCES...) and the error itself as its cause.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(temp, bytes);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    throw Object.assign(new Error(`cannot write ${path}: ${code ?? (err as Error).message}`, { cause: err }), { code });
  }
}
