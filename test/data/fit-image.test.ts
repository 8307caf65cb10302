// fitImage, the one function that turns a decoded image into a dataset row (folder, emoji, the studio page):
// 8-bit alpha compositing with correct rounding, Rec.601 grey, cover-and-crop as before, fit-and-pad, and
// --background parsing; table-driven against closed forms.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fitImage, parseBackground, type FitOptions, type Rgb } from '../../src/data/fit-image.ts';
import { convertChannels, resizeCover } from '../../src/data/resize.ts';
import { DataError } from '../../src/core/errors.ts';
import { smoothImage } from './fixtures.ts';

const WHITE: Rgb = [255, 255, 255];
const options = (extra: Partial<FitOptions> = {}): FitOptions => ({ size: 4, channels: 3, fit: 'crop', background: WHITE, ...extra });

/** An image of one pixel value repeated, [height, width, value.length]. */
const solid = (width: number, height: number, value: number[]) => Uint8Array.from({ length: width * height * value.length }, (_, i) => value[i % value.length]);

describe('parseBackground', () => {
  const good: [string, Rgb][] = [['white', [255, 255, 255]], ['black', [0, 0, 0]], ['#ff8000', [255, 128, 0]], ['#00FF7f', [0, 255, 127]], ['White', [255, 255, 255]]];
  for (const [text, rgb] of good) it(`reads ${text}`, () => assert.deepEqual(parseBackground(text), rgb));
  for (const bad of ['pink', '#fff', '#gg0000', '', 'rgb(1,2,3)']) {
    it(`refuses "${bad}", naming --background and the value`, () => {
      assert.throws(() => parseBackground(bad), (err: Error) => err instanceof DataError && err.message.includes(`--background "${bad}" is not a colour`));
    });
  }
});

describe('fitImage', () => {
  it('composites alpha over the background, rounded correctly in 8 bits, for every value and alpha', () => {
    const bg = 37;
    const pixels = new Uint8Array(256 * 256 * 2);
    for (let a = 0; a < 256; a++) for (let c = 0; c < 256; c++) pixels.set([c, a], (a * 256 + c) * 2);
    const out = fitImage(pixels, 256, 256, 2, options({ size: 256, background: [bg, bg, bg] }));
    for (let a = 0; a < 256; a++) {
      for (let c = 0; c < 256; c++) {
        // round(n / 255) with integers only: floor((2n + 255) / 510).
        const expected = Math.floor((2 * (a * c + (255 - a) * bg) + 255) / 510);
        assert.equal(out[(a * 256 + c) * 3], expected, `c ${c}, a ${a}`);
      }
    }
  });

  const cases: [string, Uint8Array, 1 | 2 | 3 | 4, Partial<FitOptions>, number[]][] = [
    ['RGBA half-transparent over white', solid(1, 1, [200, 100, 0, 128]), 4, { background: WHITE }, [227, 177, 127]],
    ['RGBA half-transparent over black', solid(1, 1, [200, 100, 0, 128]), 4, { background: [0, 0, 0] }, [100, 50, 0]],
    ['RGBA fully transparent shows the background', solid(1, 1, [9, 9, 9, 0]), 4, { background: [10, 20, 30] }, [10, 20, 30]],
    ['grey+alpha over a colour', solid(1, 1, [0, 51]), 2, { background: [255, 0, 0] }, [204, 0, 0]],
    ['RGB to grey by Rec.601 luma', solid(1, 1, [255, 0, 0]), 3, { channels: 1 }, [76]],
    ['RGBA to grey: the luma of the composite', solid(1, 1, [0, 0, 255, 0]), 4, { channels: 1, background: [0, 255, 0] }, [150]],
    ['grey to RGB repeats the level', solid(1, 1, [90]), 1, {}, [90, 90, 90]],
  ];
  for (const [name, pixels, channelsIn, extra, pixel] of cases) {
    it(name, () => {
      const out = fitImage(pixels, 1, 1, channelsIn, options({ size: 2, ...extra }));
      assert.deepEqual([...out.subarray(0, pixel.length)], pixel);
      assert.equal(out.length, 4 * pixel.length);
    });
  }

  it('crop is the folder loader\'s cover resize with a centre crop, unchanged for opaque images', () => {
    const pixels = smoothImage(40, 30, 3, 7);
    const expected = resizeCover(convertChannels({ pixels, width: 40, height: 30, channels: 3 }, 3), 16, 16).pixels;
    assert.deepEqual(fitImage(pixels, 40, 30, 3, options({ size: 16 })), expected);
  });

  it('pad fits a wide image inside and centres it on the background, grey padding by luma', () => {
    const red = solid(40, 20, [255, 0, 0]);
    const rgb = fitImage(red, 40, 20, 3, options({ size: 10, fit: 'pad', background: [0, 0, 255] }));
    const grey = fitImage(red, 40, 20, 3, options({ size: 10, fit: 'pad', channels: 1, background: [0, 0, 255] }));
    // 40x20 fits as 10x5, rows 2..6; rows 0, 1, 7, 8, 9 are padding.
    for (let y = 0; y < 10; y++) {
      const inside = y >= 2 && y <= 6;
      for (let x = 0; x < 10; x++) {
        assert.deepEqual([...rgb.subarray((y * 10 + x) * 3, (y * 10 + x) * 3 + 3)], inside ? [255, 0, 0] : [0, 0, 255], `(${x}, ${y})`);
        assert.equal(grey[y * 10 + x], inside ? 76 : 29, `(${x}, ${y}) grey`);
      }
    }
  });

  it('pad enlarges a small image to touch two sides; a square image fills the square', () => {
    const tall = fitImage(solid(2, 4, [0]), 2, 4, 1, options({ size: 8, channels: 1, fit: 'pad' }));
    const row = (y: number) => [...tall.subarray(y * 8, y * 8 + 8)];
    for (let y = 0; y < 8; y++) assert.deepEqual(row(y), [255, 255, 0, 0, 0, 0, 255, 255]);
    const square = smoothImage(12, 12, 3, 3);
    assert.deepEqual(fitImage(square, 12, 12, 3, options({ size: 6, fit: 'pad' })), fitImage(square, 12, 12, 3, options({ size: 6 })));
  });

  it('returns a new array even when nothing changes', () => {
    const pixels = smoothImage(4, 4, 3, 1);
    const out = fitImage(pixels, 4, 4, 3, options());
    assert.deepEqual(out, pixels);
    assert.notEqual(out, pixels);
  });

  it('refuses pixels that do not fill the shape, and bad sizes', () => {
    assert.throws(() => fitImage(new Uint8Array(10), 2, 2, 3, options()), /10 bytes do not hold a 2x2 image of 3 channel/);
    assert.throws(() => fitImage(new Uint8Array(12), 2, 2, 3, options({ size: 0 })), /image size must be an integer from 1 to 4096, got 0/);
  });
});
