// Image folders: class labels from sub-folders, mixed sizes and channels normalised, transparency over
// --background, --fit crop or pad, unusable files skipped with one warning (or refused under strict), huge
// headers refused, sharp and the pure-JS path agreeing, and the on-disk cache keyed by the files' sizes and
// mtimes and by the options.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { encodePng } from '../../src/data/image-codec.ts';
import { loadSharp } from '../../src/data/sharp-loader.ts';
import type { LoadOptions } from '../../src/data/data-source.ts';
import { loadDataset } from '../../src/data/sources.ts';
import { jpegBytes, pngBytes, put, smoothImage, tempFolder } from './fixtures.ts';
import { DataError } from '../../src/core/errors.ts';

const temp = tempFolder();
after(temp.remove);
let folders = 0;
const freshDir = () => join(temp.dir, `images-${folders++}`);
const { sharp, error: sharpError } = await loadSharp();
const decoders = [['js', false], ['sharp', sharp ? false : `sharp does not load here: ${sharpError}`]] as const;

/** Two classes, four usable images of mixed sizes and channels, and three unusable files. */
function mixedFolder(): string {
  const dir = freshDir();
  put(join(dir, 'cats', 'a.png'), pngBytes(smoothImage(40, 30, 3, 1), 40, 30, 3));
  put(join(dir, 'cats', 'b.jpg'), jpegBytes(smoothImage(20, 20, 3, 2), 20, 20));
  put(join(dir, 'dogs', 'c.png'), pngBytes(smoothImage(16, 24, 1, 3), 16, 24, 1));
  put(join(dir, 'dogs', 'd.png'), pngBytes(smoothImage(12, 12, 4, 4), 12, 12, 4));
  put(join(dir, 'dogs', 'notes.txt'), 'not an image');
  put(join(dir, 'cats', 'broken.png'), pngBytes(smoothImage(30, 30, 3, 5), 30, 30, 3).subarray(0, 60));
  const huge = encodePng(new Uint8Array(4), 2, 2, 1);
  huge.writeUInt32BE(200_000, 16);
  huge.writeUInt32BE(200_000, 20);
  put(join(dir, 'dogs', 'huge.png'), huge);
  put(join(dir, '.hidden', 'x.txt'), 'hidden folders are ignored');
  return dir;
}

/** An uncompressed RGB PNG: its size depends only on its dimensions. */
function storedPng(pixels: Uint8Array, width: number, height: number): Buffer {
  return PNG.sync.write({ width, height, data: Buffer.from(pixels) } as PNG, { colorType: 2, inputColorType: 2, inputHasAlpha: false, deflateLevel: 0, filterType: 0 });
}

async function load(dir: string, options: LoadOptions = {}) {
  const warnings: string[] = [];
  const splits = await loadDataset(`folder:${dir}`, { cacheDir: false, testFraction: 0, size: 8, onWarning: (w) => warnings.push(w), ...options });
  return { ...splits, warnings };
}

describe('folder source', () => {
  for (const [decoder, skip] of decoders) {
    it(`labels by sub-folder, normalises sizes and channels, warns once about unusable files (${decoder})`, { skip }, async () => {
      const dir = mixedFolder();
      const { train, test, warnings } = await load(dir, { decoder });
      assert.deepEqual([train.count, test.count, train.height, train.width, train.channels], [4, 0, 8, 8, 3]);
      assert.deepEqual(train.classNames, ['cats', 'dogs']);
      assert.deepEqual([...train.labels!], [0, 0, 1, 1]);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /3 file\(s\) in .* are not usable images/);
      assert.match(warnings[0], /cats\/broken\.png: corrupt PNG/);
      assert.match(warnings[0], /dogs\/huge\.png: the header claims 200000x200000 pixels/);
      assert.match(warnings[0], /dogs\/notes\.txt: not a PNG or JPEG file/);
      // The grey PNG (image 2) became RGB with equal channels.
      const grey = train.images.subarray(2 * 192, 3 * 192);
      for (let p = 0; p < 64; p++) assert.ok(grey[3 * p] === grey[3 * p + 1] && grey[3 * p] === grey[3 * p + 2]);
    });

    it(`fails under strict, listing the unusable files (${decoder})`, { skip }, async () => {
      await assert.rejects(load(mixedFolder(), { decoder, strict: true }), (err: Error) =>
        err instanceof DataError && /3 file\(s\).*broken\.png.*huge\.png.*notes\.txt.*--strict/s.test(err.message));
    });

    it(`resizes to cover and crops the centre, grey or RGB (${decoder})`, { skip }, async () => {
      // 40x20: black left half, white right half. Covering 10x10 keeps the middle 20x20 columns 10..29,
      // so the output's left half is black and its right half white, with one blended column at most each side.
      const dir = freshDir();
      const pixels = new Uint8Array(40 * 20).map((_, i) => (i % 40 < 20 ? 0 : 255));
      put(join(dir, 'edge.png'), pngBytes(pixels, 40, 20, 1));
      for (const channels of [1, 3] as const) {
        const { train } = await load(dir, { decoder, size: 10, channels });
        assert.equal(train.labels, undefined, 'images at the top level are unlabelled');
        for (let y = 0; y < 10; y++) {
          for (let x = 0; x < 10; x++) {
            const v = train.images[(y * 10 + x) * channels];
            if (x <= 3) assert.ok(v <= 2, `(${x}, ${y}) = ${v}`);
            if (x >= 6) assert.ok(v >= 253, `(${x}, ${y}) = ${v}`);
          }
        }
      }
    });
  }

  it('sharp and the pure-JS path give nearly the same pixels', { skip: decoders[1][1] }, async () => {
    const dir = mixedFolder();
    const js = await load(dir, { decoder: 'js', size: 16 });
    const viaSharp = await load(dir, { decoder: 'sharp', size: 16 });
    let total = 0;
    for (let i = 0; i < js.train.images.length; i++) total += Math.abs(js.train.images[i] - viaSharp.train.images[i]);
    const mean = total / js.train.images.length;
    assert.ok(mean < 3, `mean abs difference ${mean}`);
  });

  for (const [decoder, skip] of decoders) {
    it(`composites transparency over --background, white by default (${decoder})`, { skip }, async () => {
      const dir = freshDir();
      const rgba = new Uint8Array(4 * 4 * 4).fill(200);
      for (let p = 0; p < 16; p++) rgba[p * 4 + 3] = p < 8 ? 0 : 255; // top half transparent
      put(join(dir, 't.png'), pngBytes(rgba, 4, 4, 4));
      const pixel = async (background: string | undefined, at: number) => [...(await load(dir, { decoder, size: 4, background })).train.images.subarray(at, at + 3)];
      assert.deepEqual(await pixel(undefined, 0), [255, 255, 255]);
      assert.deepEqual(await pixel('black', 0), [0, 0, 0]);
      assert.deepEqual(await pixel('#ff8000', 0), [255, 128, 0]);
      assert.deepEqual(await pixel(undefined, 45), [200, 200, 200]);
    });

    it(`pads to fit with --fit pad (${decoder})`, { skip }, async () => {
      // A red 8x16 image fits a 16x16 square as 8x16, centred: columns 4..11 red, the rest the background.
      const dir = freshDir();
      put(join(dir, 'tall.png'), pngBytes(new Uint8Array(8 * 16 * 3).map((_, i) => (i % 3 === 0 ? 255 : 0)), 8, 16, 3));
      const { train } = await load(dir, { decoder, size: 16, fit: 'pad', background: '#0000ff' });
      for (let x = 0; x < 16; x++) {
        const expected = x >= 4 && x <= 11 ? [255, 0, 0] : [0, 0, 255];
        assert.deepEqual([...train.images.subarray((8 * 16 + x) * 3, (8 * 16 + x) * 3 + 3)], expected, `column ${x}`);
      }
    });
  }

  it('refuses a bad --background or --fit before decoding', async () => {
    const dir = mixedFolder();
    await assert.rejects(load(dir, { background: 'pink' }), /--background "pink" is not a colour: use white, black or #rrggbb/);
    await assert.rejects(load(dir, { fit: 'stretch' as 'pad' }), /--fit "stretch" is not a fit mode: use crop or pad/);
  });

  it('splits off a seeded test share', async () => {
    const dir = freshDir();
    for (let i = 0; i < 10; i++) put(join(dir, `${i}.png`), pngBytes(smoothImage(8, 8, 3, i), 8, 8, 3));
    const a = await load(dir, { decoder: 'js', testFraction: 0.3, splitSeed: 1 });
    const b = await load(dir, { decoder: 'js', testFraction: 0.3, splitSeed: 1 });
    assert.deepEqual([a.train.count, a.test.count], [7, 3]);
    assert.deepEqual(a.test.images, b.test.images);
  });

  const empty: [string, (dir: string) => void, RegExp][] = [
    ['an empty folder', () => {}, /no PNG or JPEG images in /],
    ['a folder of text files', (dir) => put(join(dir, 'a.txt'), 'x'), /no PNG or JPEG images in .*\(1 other file\(s\) skipped\)/],
  ];
  for (const [name, fill, pattern] of empty) {
    it(`refuses ${name}`, async () => {
      const dir = freshDir();
      put(join(dir, '.keep'), '');
      fill(dir);
      await assert.rejects(load(dir), pattern);
    });
  }

  it('refuses a folder that does not exist, and bad sizes', async () => {
    await assert.rejects(load(join(temp.dir, 'nope')), /image folder .*nope does not exist/);
    const dir = mixedFolder();
    await assert.rejects(load(dir, { size: 0 }), /image size must be an integer from 1 to 4096, got 0/);
  });
});

describe('folder cache', () => {
  it('serves decoded images from the cache until a file changes size or mtime, replaying warnings', async () => {
    const dir = mixedFolder();
    const cacheDir = join(dir, '.cache');
    const image = join(dir, 'cats', 'a.png');
    const stamp = 1_700_000_000; // whole seconds, which utimes restores exactly
    writeFileSync(image, storedPng(smoothImage(40, 30, 3, 1), 40, 30));
    utimesSync(image, stamp, stamp);
    const first = await load(dir, { decoder: 'js', cacheDir });
    // Same size and mtime, different pixels: the cache must still answer (so it really was used) ...
    const replacement = storedPng(smoothImage(40, 30, 3, 99), 40, 30);
    assert.equal(replacement.length, statSync(image).size, 'fixture: the replacement must keep the file size');
    writeFileSync(image, replacement);
    utimesSync(image, stamp, stamp);
    const cached = await load(dir, { decoder: 'js', cacheDir });
    assert.deepEqual(cached.train.images, first.train.images);
    assert.deepEqual(cached.warnings, first.warnings);
    // ... and a new mtime invalidates it.
    utimesSync(image, stamp, stamp + 10);
    const fresh = await load(dir, { decoder: 'js', cacheDir });
    assert.notDeepEqual(fresh.train.images.subarray(0, 192), first.train.images.subarray(0, 192));
    assert.deepEqual(fresh.train.images.subarray(192), first.train.images.subarray(192));
  });

  it('decodes again for another --background or --fit', async () => {
    const dir = freshDir();
    const cacheDir = join(dir, '.cache');
    put(join(dir, 'clear.png'), pngBytes(new Uint8Array(4 * 4 * 4), 4, 4, 4));
    const first = async (options: LoadOptions) => (await load(dir, { decoder: 'js', size: 4, cacheDir, ...options })).train.images[0];
    assert.equal(await first({}), 255);
    assert.equal(await first({ background: 'black' }), 0);
    assert.equal(await first({ background: '#808080' }), 128);
    assert.equal(await first({ background: '#808080', fit: 'pad' }), 128);
    assert.equal(readdirSync(cacheDir).length, 4, 'one cache file per setting');
  });
});
