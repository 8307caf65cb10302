// Fixture generators for the data tests: IDX sets, CIFAR records, PNG/JPEG files, written into a
// fresh temporary folder per test (removed by the caller's `after`).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { encodePng } from '../../src/data/image-codec.ts';
import { Rng } from '../../src/core/random.ts';

/** A new empty folder under the OS temp dir, and a function removing it. */
export function tempFolder(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ganvae-data-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes bytes to `path`, creating parent folders. */
export function put(path: string, bytes: Uint8Array | string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}

/** IDX bytes of unsigned bytes: magic 0x0000080N, big-endian dims, then `data`. */
export function idxBytes(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

/** Seeded uint8 values. */
export function randomBytesSeeded(n: number, seed: number, below = 256): Uint8Array {
  const rng = new Rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(below);
  return out;
}

/** Writes an MNIST-style set (train `trainCount`, test `testCount`, side x side, 10 classes) into `dir`. */
export function writeIdxSet(dir: string, { trainCount = 12, testCount = 5, side = 6, gzip = false } = {}) {
  const split = (count: number, seed: number) => ({
    images: randomBytesSeeded(count * side * side, seed),
    labels: randomBytesSeeded(count, seed + 1, 10),
  });
  const train = split(trainCount, 1);
  const test = split(testCount, 3);
  const write = (name: string, bytes: Buffer) => put(join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  write('train-images-idx3-ubyte', idxBytes([trainCount, side, side], train.images));
  write('train-labels-idx1-ubyte', idxBytes([trainCount], train.labels));
  write('t10k-images-idx3-ubyte', idxBytes([testCount, side, side], test.images));
  write('t10k-labels-idx1-ubyte', idxBytes([testCount], test.labels));
  return { train, test };
}

/** `count` CIFAR-10 records (label byte, then 1024 R, 1024 G, 1024 B), seeded. */
export function cifarRecords(count: number, seed: number): Uint8Array {
  const bytes = randomBytesSeeded(count * 3073, seed);
  const rng = new Rng(seed + 7);
  for (let r = 0; r < count; r++) bytes[r * 3073] = rng.int(10);
  return bytes;
}

/** Writes the six CIFAR-10 batch files with `perFile` records each into `dir`. */
export function writeCifarSet(dir: string, perFile = 3): void {
  [1, 2, 3, 4, 5].forEach((i) => put(join(dir, `data_batch_${i}.bin`), cifarRecords(perFile, i)));
  put(join(dir, 'test_batch.bin'), cifarRecords(perFile, 9));
}

/** A smooth seeded colour image [h, w, channels] (gradients plus a soft blob), good for comparing resamplers. */
export function smoothImage(width: number, height: number, channels: number, seed = 1): Uint8Array {
  const rng = new Rng(seed);
  const [a, b, cx, cy] = [rng.next(), rng.next(), rng.next() * width, rng.next() * height];
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const blob = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (0.1 * width * height));
      for (let c = 0; c < channels; c++) {
        const v = c === 3 ? 255 : 255 * (0.25 * (1 + Math.sin((x * (a + c)) / width * 3)) + 0.5 * blob * (y / height + b) / 2);
        out[(y * width + x) * channels + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return out;
}

/** PNG bytes of `pixels` [h, w, channels]. */
export const pngBytes = (pixels: Uint8Array, width: number, height: number, channels: number) => encodePng(pixels, width, height, channels);

/** JPEG bytes (quality 95) of RGB `pixels` [h, w, 3]. */
export function jpegBytes(pixels: Uint8Array, width: number, height: number): Buffer {
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) rgba.set([pixels[p * 3], pixels[p * 3 + 1], pixels[p * 3 + 2], 255], p * 4);
  return jpeg.encode({ data: rgba, width, height }, 95).data;
}
