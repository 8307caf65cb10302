// An on-disk cache of decoded splits, so a dataset is decoded (gunzipped, resized) once and then
// loads with one file read. One file per key: a JSON header, then the raw arrays, 8-byte aligned.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset, DatasetSplits } from './dataset.ts';
import { writeFileAtomic } from '../core/atomic-file.ts';

const MAGIC = 'GVDC';
const FORMAT_VERSION = 1;
const SPLITS = ['train', 'test'] as const;

/** The default cache folder, relative to the working directory (git-ignored). */
export const DEFAULT_CACHE_DIR = '.cache/ganvae-data';

/** A split's metadata; `at` offsets count from the 8-byte-aligned end of the JSON header. */
interface SplitHeader extends Omit<Dataset, 'images' | 'labels'> {
  imagesAt: number;
  labels: null | { type: 'u8' | 'i32'; at: number };
}

interface Header {
  splits: Record<(typeof SPLITS)[number], SplitHeader>;
  warnings: string[];
}

/** A cache key: SHA-256 of the JSON of `parts` (the source, its files' sizes and mtimes, options). */
export function cacheKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify([FORMAT_VERSION, parts])).digest('hex').slice(0, 32);
}

/** [path, size, mtimeMs] of each file (-1 when missing): changes whenever a file does. */
export function fileStamps(paths: string[]): [string, number, number][] {
  return paths.map((path) => {
    try {
      const stat = statSync(path);
      return [path, stat.size, stat.mtimeMs];
    } catch {
      return [path, -1, -1];
    }
  });
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

/** The cached splits and the warnings their first decode gave, or null when absent or unreadable. */
export function readCache(dir: string, key: string): { splits: DatasetSplits; warnings: string[] } | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, `${key}.bin`));
  } catch {
    return null;
  }
  try {
    if (bytes.toString('latin1', 0, 4) !== MAGIC || bytes.readUInt32LE(4) !== FORMAT_VERSION) return null;
    const headerLength = bytes.readUInt32LE(8);
    const header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength)) as Header;
    const dataStart = align8(12 + headerLength);
    const view = <T extends Uint8Array | Int32Array>(Type: { new (b: ArrayBuffer, o: number, n: number): T; BYTES_PER_ELEMENT: number }, at: number, n: number): T => {
      if (dataStart + at + n * Type.BYTES_PER_ELEMENT > bytes.length) throw new Error('cache file is truncated');
      const offset = bytes.byteOffset + dataStart + at;
      // Views need aligned offsets; a pooled Buffer may not give one, then we copy.
      if (offset % Type.BYTES_PER_ELEMENT === 0) return new Type(bytes.buffer as ArrayBuffer, offset, n);
      return new Type(bytes.buffer.slice(offset, offset + n * Type.BYTES_PER_ELEMENT) as ArrayBuffer, 0, n);
    };
    const load = (h: SplitHeader): Dataset => {
      const { imagesAt, labels: labelInfo, ...meta } = h;
      const images = view(Uint8Array, imagesAt, h.count * h.height * h.width * h.channels);
      const labels = labelInfo ? (labelInfo.type === 'u8' ? view(Uint8Array, labelInfo.at, h.count) : view(Int32Array, labelInfo.at, h.count)) : undefined;
      return { ...meta, images, labels };
    };
    return { splits: { train: load(header.splits.train), test: load(header.splits.test) }, warnings: header.warnings };
  } catch {
    return null; // a damaged cache file is rebuilt, never trusted
  }
}

/** Writes `splits` under `key` in `dir` atomically; returns false (and leaves no file) when it cannot. */
export function writeCache(dir: string, key: string, splits: DatasetSplits, warnings: string[]): boolean {
  const blobs: Uint8Array[] = [];
  let at = 0;
  const place = (array: Uint8Array | Int32Array): number => {
    const start = at;
    blobs.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    at = align8(at + array.byteLength);
    return start;
  };
  const headers = {} as Header['splits'];
  for (const name of SPLITS) {
    const { images, labels, ...meta } = splits[name];
    headers[name] = {
      ...meta,
      imagesAt: place(images),
      labels: labels ? { type: labels instanceof Int32Array ? 'i32' : 'u8', at: place(labels) } : null,
    };
  }
  const headerJson = Buffer.from(JSON.stringify({ splits: headers, warnings } satisfies Header));
  const dataStart = align8(12 + headerJson.length);
  const file = Buffer.alloc(dataStart + at);
  file.write(MAGIC, 0, 'latin1');
  file.writeUInt32LE(FORMAT_VERSION, 4);
  file.writeUInt32LE(headerJson.length, 8);
  headerJson.copy(file, 12);
  let offset = dataStart;
  for (const blob of blobs) {
    file.set(blob, offset);
    offset = align8(offset + blob.byteLength);
  }
  try {
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(join(dir, `${key}.bin`), file);
    return true;
  } catch {
    return false;
  }
}
