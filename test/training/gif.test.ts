// The animated GIF encoder (src/data/gif.ts), checked by decoding its output with sharp (libvips' GIF
// reader): frame count, delays, loop flag, and pixels exact for grey, within the palette step for RGB.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { encodeGif, gifPalette, lzwEncode } from '../../src/data/gif.ts';
import type { RawImage } from '../../src/data/image-codec.ts';
import { Rng } from '../../src/core/random.ts';

/** A seeded noise frame: incompressible, so large frames fill LZW's 4096-code table and force clear codes. */
function noiseFrame(width: number, height: number, channels: number, seed: number): RawImage {
  const rng = new Rng(seed);
  return { pixels: Uint8Array.from({ length: width * height * channels }, () => rng.int(256)), width, height, channels };
}

/** Decodes a GIF with sharp: pixels of all frames stacked vertically, as RGB(A), plus metadata. */
async function decodeGif(gif: Uint8Array) {
  const image = sharp(gif, { animated: true });
  const meta = await image.metadata();
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  return { meta, data, info };
}

describe('encodeGif', () => {
  it('stores grey frames exactly, with their delay and an endless loop (frames big enough to reset the LZW table)', async () => {
    const frames = [0, 1, 2].map((seed) => noiseFrame(90, 70, 1, seed));
    const gif = encodeGif(frames, { delayMs: 120 });
    const { meta, data, info } = await decodeGif(gif);
    assert.equal(meta.format, 'gif');
    assert.equal(meta.pages, 3);
    assert.deepEqual(meta.delay, [120, 120, 120]);
    assert.equal(meta.loop, 0);
    assert.deepEqual([info.width, info.pageHeight], [90, 70]);
    frames.forEach((frame, f) => {
      for (let p = 0; p < 90 * 70; p++) {
        const decoded = data[(f * 90 * 70 + p) * info.channels];
        if (decoded !== frame.pixels[p]) assert.fail(`frame ${f} pixel ${p}: decoded ${decoded}, encoded ${frame.pixels[p]}`);
      }
    });
  });

  it('maps RGB frames to the 6×7×6 palette: every channel within half a level step', async () => {
    const frames = [5, 6].map((seed) => noiseFrame(20, 16, 3, seed));
    const { meta, data, info } = await decodeGif(encodeGif(frames, { delayMs: 50, repeat: 2 }));
    assert.equal(meta.pages, 2);
    // libvips counts plays: the first one and 2 repeats.
    assert.equal(meta.loop, 3);
    const tolerance = [25.5, 255 / 6 / 2, 25.5];
    let exact = 0;
    frames.forEach((frame, f) => {
      for (let p = 0; p < 20 * 16; p++) {
        for (let k = 0; k < 3; k++) {
          const diff = Math.abs(data[(f * 320 + p) * info.channels + k] - frame.pixels[p * 3 + k]);
          assert.ok(diff <= tolerance[k], `frame ${f} pixel ${p} channel ${k} off by ${diff}`);
          if (diff === 0) exact++;
        }
      }
    });
    // Quantised, not passed through: most noise values are not palette levels.
    assert.ok(exact < 0.2 * 2 * 320 * 3, `${exact} exact values`);
  });

  it('magnifies by an integer scale with nearest-neighbour pixels', async () => {
    const frame = noiseFrame(3, 2, 1, 9);
    const { data, info } = await decodeGif(encodeGif([frame], { scale: 4 }));
    assert.deepEqual([info.width, info.height], [12, 8]);
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 12; x++) assert.equal(data[(y * 12 + x) * info.channels], frame.pixels[Math.floor(y / 4) * 3 + Math.floor(x / 4)]);
    }
  });

  it('refuses frames it cannot store, naming the frame', () => {
    assert.throws(() => encodeGif([]), /no frames/);
    assert.throws(() => encodeGif([noiseFrame(2, 2, 4, 1)]), /grey \(1 channel\) or RGB \(3\), got 4 channels/);
    assert.throws(() => encodeGif([noiseFrame(2, 2, 1, 1), noiseFrame(3, 2, 1, 1)]), /frame 1 is 3x2x1, frame 0 is 2x2x1/);
    assert.throws(() => encodeGif([noiseFrame(2, 2, 1, 1)], { scale: 1.5 }), /scale must be a positive integer/);
  });
});

describe('gif palette and LZW', () => {
  it('the grey palette is the identity ramp; the RGB one holds the 252 cube colours, black first and white last', () => {
    const grey = gifPalette(1);
    assert.deepEqual([...grey.subarray(3 * 77, 3 * 78)], [77, 77, 77]);
    const rgb = gifPalette(3);
    assert.deepEqual([...rgb.subarray(0, 3)], [0, 0, 0]);
    assert.deepEqual([...rgb.subarray(3 * 251, 3 * 252)], [255, 255, 255]);
    assert.deepEqual([...rgb.subarray(3 * 1, 3 * 2)], [0, 0, 51]);
  });

  it('compresses a constant frame to a few bytes and starts with a clear code', () => {
    const codes = lzwEncode(new Uint8Array(10000).fill(7));
    // Run-length growth: n pixels take ~sqrt(2n) codes of at most 12 bits.
    assert.ok(codes.length < 250, `${codes.length} bytes`);
    assert.equal(codes[0], 0, 'clear code 256 in 9 bits: low byte 0');
    assert.equal(codes[1] & 1, 1);
  });
});
