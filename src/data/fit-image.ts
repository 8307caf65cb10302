// One decoded image fitted to a square dataset row, as the folder and emoji loaders (and the browser
// studio) prepare them: alpha composited over a background colour, grey or RGB, then resized to cover and
// centre-cropped, or fitted inside and padded with the background. Free of Node imports.
import { DataError } from '../core/errors.ts';
import { convertChannels, luma, resizeContain, resizeCover } from './resize.ts';

/** An sRGB colour, each channel an integer 0..255. */
export type Rgb = [number, number, number];

/** How an image that is not square at the output size is made so: cropped to its centre, or padded. */
export const FIT_MODES = ['crop', 'pad'] as const;
export type FitMode = (typeof FIT_MODES)[number];

/** The row an image becomes. */
export interface FitOptions {
  /** Output side in pixels, 1..4096. */
  size: number;
  /** 1 for grey, 3 for RGB. */
  channels: 1 | 3;
  /** crop: resize to cover size x size, keep the centre; pad: resize to fit inside, centred on the background. */
  fit: FitMode;
  /** Behind transparent pixels, and the padding. */
  background: Rgb;
}

/** `white`, `black` or `#rrggbb` (case-insensitive) as [r, g, b]; a DataError names --background and the value otherwise. */
export function parseBackground(text: string): Rgb {
  const value = text.trim().toLowerCase();
  if (value === 'white') return [255, 255, 255];
  if (value === 'black') return [0, 0, 0];
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/.exec(value);
  if (!hex) throw new DataError(`--background "${text}" is not a colour: use white, black or #rrggbb (like #808080)`);
  return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
}

/** Whether `text` is a colour parseBackground accepts. */
export function isBackground(text: string): boolean {
  try {
    parseBackground(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Fits uint8 pixels [height, width, channelsIn] (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA) to a row
 * [size, size, channels]: alpha composited over the background (rounded in 8 bits), grey by Rec.601 luma,
 * then cropped or padded as `fit` says. Always a new array.
 */
export function fitImage(pixels: Uint8Array, width: number, height: number, channelsIn: 1 | 2 | 3 | 4, options: FitOptions): Uint8Array {
  const { size, channels, fit, background } = options;
  if (!Number.isInteger(size) || size < 1 || size > 4096) throw new DataError(`image size must be an integer from 1 to 4096, got ${size}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || pixels.length !== width * height * channelsIn) {
    throw new DataError(`fitImage: ${pixels.length} bytes do not hold a ${width}x${height} image of ${channelsIn} channel(s)`);
  }
  const image = convertChannels({ pixels, width, height, channels: channelsIn }, channels, background);
  if (fit === 'crop') {
    const row = resizeCover(image, size, size).pixels;
    return row === pixels ? pixels.slice() : row; // a new array, also when nothing changed
  }
  const inner = resizeContain(image, size, size);
  const fill = channels === 1 ? [Math.round(luma(...background))] : background;
  const out = new Uint8Array(size * size * channels);
  for (let i = 0; i < out.length; i++) out[i] = fill[i % channels];
  const left = Math.floor((size - inner.width) / 2);
  const top = Math.floor((size - inner.height) / 2);
  const rowBytes = inner.width * channels;
  for (let y = 0; y < inner.height; y++) {
    out.set(inner.pixels.subarray(y * rowBytes, (y + 1) * rowBytes), ((top + y) * size + left) * channels);
  }
  return out;
}
