// Parses IDX files (the format of MNIST and Fashion-MNIST), checking the header against the file
// size before any pixel is touched, so a bad header is an error and never a giant allocation.
import { readMaybeGzipped } from './gzip.ts';
import { DataError } from '../core/errors.ts';

const UNSIGNED_BYTE = 0x08;

/** An IDX array of unsigned bytes: its dimensions and a view of its data (no copy). */
interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parses IDX bytes; `file` names the source in errors. */
function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4) throw new DataError(`${file}: ${bytes.length} bytes is too short for an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const ndims = bytes[3];
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== UNSIGNED_BYTE || ndims < 1 || ndims > 4) {
    throw new DataError(`${file}: wrong IDX magic 0x${magic.toString(16).padStart(8, '0')} ` +
      '(expected 0x00000801 for labels or 0x00000803 for images); is this an MNIST-style IDX file?');
  }
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) throw new DataError(`${file}: truncated IDX header (${bytes.length} of ${headerBytes} bytes)`);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i));
  // Doubles hold these products exactly up to 2^53, far past any file size, so the comparison is sound.
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerBytes;
  if (expected !== actual) {
    throw new DataError(`${file}: the IDX header says [${dims.join(', ')}] = ${expected} bytes of data, ` +
      `but the file has ${actual}; it is truncated or not the file it claims to be`);
  }
  // A plain Uint8Array view (not a Buffer, whose slice() shares memory) over the data.
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, actual) };
}

/** Reads an IDX image file (gzipped or not): pixels [count, height, width] as uint8. */
export function readIdxImages(path: string): { count: number; height: number; width: number; pixels: Uint8Array } {
  const { dims, data } = parseIdx(readMaybeGzipped(path), path);
  if (dims.length !== 3) throw new DataError(`${path}: expected 3 dimensions (count, height, width) for images, found ${dims.length}`);
  const [count, height, width] = dims;
  if (count === 0 || height === 0 || width === 0) throw new DataError(`${path}: holds no images (dimensions [${dims.join(', ')}])`);
  return { count, height, width, pixels: data };
}

/** Reads an IDX label file (gzipped or not): one uint8 label per example. */
export function readIdxLabels(path: string): Uint8Array {
  const { dims, data } = parseIdx(readMaybeGzipped(path), path);
  if (dims.length !== 1) throw new DataError(`${path}: expected 1 dimension for labels, found ${dims.length}`);
  return data;
}
