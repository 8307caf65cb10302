// Reads a file that may be gzipped (detected by its magic bytes, not its name), with a cap on the
// decompressed size so a corrupt or hostile file cannot make us allocate without bound.
import { gunzipSync } from 'node:zlib';
import { readFileChecked } from './read-file.ts';
import { DataError } from '../core/errors.ts';

/** Default cap on a decompressed file: far above any dataset file we read (MNIST train is 47 MB). */
const MAX_DECOMPRESSED_BYTES = 2 ** 30;

/** Whether `bytes` starts with gzip's magic number. */
function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The file's bytes, gunzipped when it is gzip; DataErrors name the file for empty, truncated or corrupt input. */
export function readMaybeGzipped(path: string, maxBytes = MAX_DECOMPRESSED_BYTES): Buffer {
  const raw = readFileChecked(path);
  if (raw.length === 0) throw new DataError(`${path} is empty`);
  if (!isGzip(raw)) return raw;
  try {
    return gunzipSync(raw, { maxOutputLength: maxBytes });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw new DataError(`${path} decompresses to more than ${maxBytes} bytes; refusing it`);
    throw new DataError(`${path} is a truncated or corrupt gzip file (${(err as Error).message}); download it again`);
  }
}
