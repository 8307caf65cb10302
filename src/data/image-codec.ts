// PNG and JPEG in pure JavaScript (pngjs, jpeg-js): decode any image we accept, encode PNGs, and
// write them atomically. Dimensions are checked from the header before decoding.
import { writeFileAtomic } from '../core/atomic-file.ts';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { MAX_IMAGE_PIXELS, readImageHeader } from './image-header.ts';
import { DataError } from '../core/errors.ts';

/** An image in memory: uint8 pixels [height, width, channels]; channels 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
export interface RawImage {
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** Keeps `keep` of every 4 RGBA channels (1: grey from red, 2: grey+alpha, 3: RGB, 4: all). */
function fromRgba(rgba: Uint8Array, width: number, height: number, keep: 1 | 2 | 3 | 4): RawImage {
  if (keep === 4) return { pixels: rgba, width, height, channels: 4 };
  const sources = keep === 1 ? [0] : keep === 2 ? [0, 3] : [0, 1, 2];
  const pixels = new Uint8Array(width * height * keep);
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < keep; k++) pixels[p * keep + k] = rgba[p * 4 + sources[k]];
  }
  return { pixels, width, height, channels: keep };
}

function hasTransparency(rgba: Uint8Array): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return true;
  return false;
}

/**
 * Decodes a PNG or JPEG to [height, width, channels] uint8 with the channels it stores (palette
 * PNGs give RGB, or RGBA when transparent). DataErrors name `file` for corrupt, unknown or too large images.
 */
export function decodeImage(bytes: Uint8Array, file = 'image', maxPixels = MAX_IMAGE_PIXELS): RawImage {
  const header = readImageHeader(bytes, file, maxPixels);
  try {
    if (header.format === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      const rgba = new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength);
      const keep = header.channels === 3 && hasTransparency(rgba) ? 4 : header.channels;
      return fromRgba(rgba, png.width, png.height, keep as 1 | 2 | 3 | 4);
    }
    const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: maxPixels / 1e6 });
    return fromRgba(decoded.data, decoded.width, decoded.height, header.channels === 1 ? 1 : 3);
  } catch (err) {
    throw new DataError(`${file}: corrupt ${header.format.toUpperCase()} (${(err as Error).message})`);
  }
}

const PNG_COLOR_TYPE: Record<number, 0 | 2 | 4 | 6> = { 1: 0, 2: 4, 3: 2, 4: 6 };

/** Encodes uint8 pixels [height, width, channels] (channels 1-4) as an 8-bit PNG. */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: number): Buffer {
  const colorType = PNG_COLOR_TYPE[channels];
  if (colorType === undefined) throw new Error(`encodePng: channels must be 1, 2, 3 or 4, got ${channels}`);
  if (pixels.length !== width * height * channels) {
    throw new Error(`encodePng: ${pixels.length} values do not fill [${height}, ${width}, ${channels}]`);
  }
  const data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  return PNG.sync.write({ width, height, data } as PNG, { colorType, inputColorType: colorType, inputHasAlpha: channels % 2 === 0 });
}


/** Encodes `image` as PNG and writes it atomically to `path`. */
export function writePng(path: string, image: RawImage): void {
  try {
    writeFileAtomic(path, encodePng(image.pixels, image.width, image.height, image.channels));
  } catch (err) {
    throw new DataError((err as Error).message, { cause: err });
  }
}
