// Fixture generators for the data tests: IDX sets, CIFAR records, PNG/JPEG files, a stand-in of the emoji
// npm package, written into a fresh temporary folder per test (removed by the caller's `after`).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** The ten emoji.json categories of emoji-datasource-google 16.0.0, sorted. */
export const EMOJI_CATEGORIES = ['Activities', 'Animals & Nature', 'Component', 'Flags', 'Food & Drink', 'Objects', 'People & Body',
  'Smileys & Emotion', 'Symbols', 'Travel & Places'];

/** A 64x64 RGBA disc of `rgb` on transparent corners, [64, 64, 4]. */
export function emojiPixels(rgb: [number, number, number]): Uint8Array {
  const out = new Uint8Array(64 * 64 * 4);
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      const inside = (x - 31.5) ** 2 + (y - 31.5) ** 2 < 28 ** 2;
      out.set([...rgb, inside ? 255 : 0], (y * 64 + x) * 4);
    }
  }
  return out;
}

/**
 * Writes a tiny stand-in of the npm package emoji-datasource-google 16.0.0 into `dir`: package.json, emoji.json
 * and 13 64x64 RGBA PNGs in img/google/64 (one emoji per category; the People & Body one with two skin tones
 * that have images and one that has none; a second flag byte-identical to the first; an emoji without a Google
 * image), plus files a download must leave out (README.md, img/google/32/, img/apple/64/). Returns the listed images.
 */
export function writeEmojiPackage(dir: string): { file: string; category: string }[] {
  put(join(dir, 'package.json'), JSON.stringify({ name: 'emoji-datasource-google', version: '16.0.0', license: 'MIT' }));
  put(join(dir, 'README.md'), 'fixture');
  const entries: Record<string, unknown>[] = EMOJI_CATEGORIES.map((category, k) => ({ image: `1f6${k.toString(16).padStart(2, '0')}.png`, category, has_img_google: true }));
  const people = entries[EMOJI_CATEGORIES.indexOf('People & Body')];
  people.skin_variations = {
    '1F3FB': { image: '1f606-1f3fb.png', has_img_google: true },
    '1F3FC': { image: '1f606-1f3fc.png', has_img_google: true },
    '1F3FD': { image: '1f606-1f3fd.png', has_img_google: false },
  };
  entries.push({ image: '1f1f3-1f1f4.png', category: 'Flags', has_img_google: true });
  entries.push({ image: '1f9ff.png', category: 'Objects', has_img_google: false });
  put(join(dir, 'emoji.json'), JSON.stringify(entries));
  const listed: { file: string; category: string }[] = [];
  EMOJI_CATEGORIES.forEach((category, k) => {
    listed.push({ file: entries[k].image as string, category });
    if (category === 'People & Body') listed.push({ file: '1f606-1f3fb.png', category }, { file: '1f606-1f3fc.png', category });
  });
  listed.forEach(({ file }, k) => put(join(dir, 'img', 'google', '64', file), pngBytes(emojiPixels([20 * k, 255 - 20 * k, 100]), 64, 64, 4)));
  // The second flag is the first one's bytes, as some real flags share one image.
  const firstFlag = listed.find((l) => l.category === 'Flags')!.file;
  put(join(dir, 'img', 'google', '64', '1f1f3-1f1f4.png'), readFileSync(join(dir, 'img', 'google', '64', firstFlag)));
  listed.push({ file: '1f1f3-1f1f4.png', category: 'Flags' });
  put(join(dir, 'img', 'google', '32', '1f600.png'), pngBytes(emojiPixels([1, 2, 3]).subarray(0, 32 * 32 * 4), 32, 32, 4));
  put(join(dir, 'img', 'apple', '64', '1f600.png'), pngBytes(emojiPixels([1, 2, 3]), 64, 64, 4));
  return listed;
}
