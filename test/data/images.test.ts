// PNG/JPEG I/O and grids: exact PNG round trips, JPEG decoding, headers read and checked before
// decoding (huge claims refused), corrupt files named, grids laid out pixel-exactly, atomic writes.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage, encodePng, writePng } from '../../src/data/image-codec.ts';
import { readImageHeader } from '../../src/data/image-header.ts';
import { imageGrid } from '../../src/data/image-grid.ts';
import { jpegBytes, randomBytesSeeded, smoothImage, tempFolder } from './fixtures.ts';
import { DataError } from '../../src/core/errors.ts';

const temp = tempFolder();
after(temp.remove);

/** A PNG with a valid signature and IHDR claiming width x height, and no image data. */
function pngClaiming(width: number, height: number): Buffer {
  const png = encodePng(new Uint8Array(4), 2, 2, 1);
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  return png;
}

/** A JPEG whose frame header (after an APP0 segment) claims width x height. */
function jpegClaiming(width: number, height: number): Buffer {
  const jpeg = jpegBytes(smoothImage(8, 8, 3), 8, 8);
  // Find SOF0 (FFC0) and rewrite its height and width fields.
  const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
  jpeg.writeUInt16BE(height, sof + 5);
  jpeg.writeUInt16BE(width, sof + 7);
  return jpeg;
}

describe('encodePng / decodeImage', () => {
  for (const channels of [1, 2, 3, 4]) {
    it(`round-trips ${channels}-channel pixels exactly`, () => {
      const pixels = randomBytesSeeded(7 * 5 * channels, channels);
      const png = encodePng(pixels, 7, 5, channels);
      assert.deepEqual(readImageHeader(png, 'x.png'), { format: 'png', width: 7, height: 5, channels });
      const decoded = decodeImage(png, 'x.png');
      assert.deepEqual({ ...decoded, pixels: [...decoded.pixels] }, { pixels: [...pixels], width: 7, height: 5, channels });
    });
  }

  it('decodes a JPEG close to its source (lossy)', () => {
    const pixels = smoothImage(24, 16, 3);
    const decoded = decodeImage(jpegBytes(pixels, 24, 16), 'x.jpg');
    assert.deepEqual([decoded.width, decoded.height, decoded.channels], [24, 16, 3]);
    const meanError = decoded.pixels.reduce((s, v, i) => s + Math.abs(v - pixels[i]), 0) / pixels.length;
    assert.ok(meanError < 3, `mean abs error ${meanError}`);
  });

  it('refuses shapes that do not match the pixels', () => {
    assert.throws(() => encodePng(new Uint8Array(10), 2, 2, 3), /10 values do not fill \[2, 2, 3\]/);
  });
});

describe('headers are checked before decoding', () => {
  it('refuses a PNG claiming 100000 x 100000 pixels without decoding', () => {
    assert.throws(() => decodeImage(pngClaiming(100_000, 100_000), 'big.png'), /big\.png: the header claims 100000x100000 pixels, more than the limit/);
  });

  it('refuses a JPEG claiming 65000 x 65000 pixels without decoding', () => {
    const jpeg = jpegClaiming(65_000, 65_000);
    assert.deepEqual(readImageHeader(jpeg, 'big.jpg', Infinity), { format: 'jpeg', width: 65_000, height: 65_000, channels: 3 });
    assert.throws(() => decodeImage(jpeg, 'big.jpg'), /big\.jpg: the header claims 65000x65000 pixels/);
  });

  const corrupt: [string, Uint8Array, RegExp][] = [
    ['text', Buffer.from('hello, not an image'), /bad: not a PNG or JPEG image/],
    ['a PNG cut inside its header', encodePng(new Uint8Array(4), 2, 2, 1).subarray(0, 20), /bad: corrupt PNG \(no IHDR/],
    ['a PNG with damaged data', (() => {
      const png = encodePng(randomBytesSeeded(64 * 64, 1), 64, 64, 1);
      png.fill(0x5a, 45, png.length - 20);
      return png;
    })(), /bad: corrupt PNG \(/],
    ['a zero-size PNG', pngClaiming(0, 5), /bad: corrupt PNG \(size 0x5\)/],
    ['a JPEG cut before its frame header', jpegBytes(smoothImage(8, 8, 3), 8, 8).subarray(0, 30), /bad: corrupt or truncated JPEG/],
    ['a JPEG cut inside its image data', (() => {
      const jpeg = jpegBytes(smoothImage(64, 64, 3), 64, 64);
      return jpeg.subarray(0, Math.floor(jpeg.length * 0.7));
    })(), /bad: corrupt JPEG \(/],
  ];
  for (const [name, bytes, pattern] of corrupt) {
    it(`names the file for ${name}`, () => {
      assert.throws(() => decodeImage(bytes, 'bad'), (err: Error) => err instanceof DataError && pattern.test(err.message));
    });
  }
});

describe('imageGrid', () => {
  it('tiles uint8 images with padding, left to right then top to bottom', () => {
    // Three 2x2 grey images with values 10, 20, 30; 2 columns, padding 1, pad value 0.
    const data = new Uint8Array([10, 10, 10, 10, 20, 20, 20, 20, 30, 30, 30, 30]);
    const grid = imageGrid({ data, shape: [3, 2, 2, 1] }, { columns: 2, padding: 1, padValue: 0 });
    assert.deepEqual([grid.width, grid.height, grid.channels], [7, 7, 1]);
    const rows = Array.from({ length: 7 }, (_, y) => [...grid.pixels.subarray(y * 7, y * 7 + 7)]);
    assert.deepEqual(rows, [
      [0, 0, 0, 0, 0, 0, 0],
      [0, 10, 10, 0, 20, 20, 0],
      [0, 10, 10, 0, 20, 20, 0],
      [0, 0, 0, 0, 0, 0, 0],
      [0, 30, 30, 0, 0, 0, 0],
      [0, 30, 30, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0],
    ]);
  });

  it('maps floats from [-1, 1] and [0, 1] to 0..255, clamping outliers', () => {
    const shape = [1, 1, 5, 1];
    const tanh = imageGrid({ data: new Float32Array([-1, 0, 1, 2, NaN]), shape }, { range: '[-1,1]', padding: 0 });
    assert.deepEqual([...tanh.pixels], [0, 128, 255, 255, 0]);
    const unit = imageGrid({ data: new Float32Array([0, 0.5, 1, -3, 0.2]), shape }, { range: '[0,1]', padding: 0 });
    assert.deepEqual([...unit.pixels], [0, 128, 255, 0, 51]);
    assert.throws(() => imageGrid({ data: new Float32Array(5), shape }), /float images need options\.range/);
  });
});

describe('writePng', () => {
  it('writes a decodable PNG and leaves no temporary file', () => {
    const pixels = randomBytesSeeded(4 * 3 * 3, 5);
    const path = join(temp.dir, 'out.png');
    writePng(path, { pixels, width: 4, height: 3, channels: 3 });
    assert.deepEqual(readdirSync(temp.dir), ['out.png']);
    assert.deepEqual([...decodeImage(readFileSync(path)).pixels], [...pixels]);
    assert.throws(() => writePng(join(temp.dir, 'missing-folder', 'x.png'), { pixels, width: 4, height: 3, channels: 3 }), /cannot write .*x\.png: ENOENT/);
  });
});
