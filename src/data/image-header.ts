import { DataError } from '../core/errors.ts';
// Reads an image's format and dimensions from its header alone (PNG IHDR, JPEG SOF), so a file
// claiming a huge pixel count is refused before any decoder allocates for it.

export type ImageFormat = 'png' | 'jpeg';

/** What the header says: format, size, and channels as stored (1 grey, 2 grey+alpha, 3 colour, 4 colour+alpha or CMYK). */
export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  channels: number;
}

/** Default cap on width*height (about 8000x8000), well above photos and far below what exhausts memory. */
export const MAX_IMAGE_PIXELS = 64_000_000;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** PNG colour type -> channels (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA). */
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 };

/** The image format from the magic bytes, or null for anything else. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

function pngHeader(bytes: Uint8Array, file: string): ImageHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 33 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') {
    throw new DataError(`${file}: corrupt PNG (no IHDR chunk after the signature)`);
  }
  const channels = PNG_CHANNELS[bytes[25]];
  if (!channels) throw new DataError(`${file}: corrupt PNG (unknown colour type ${bytes[25]})`);
  return { format: 'png', width: view.getUint32(16), height: view.getUint32(20), channels };
}

/** Whether a JPEG marker starts a frame (SOF0-15 except DHT C4, JPG C8 and DAC CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function jpegHeader(bytes: Uint8Array, file: string): ImageHeader {
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) throw new DataError(`${file}: corrupt JPEG (expected a marker at byte ${i})`);
    const marker = bytes[i + 1];
    if (marker === 0xff) { i++; continue; } // fill byte
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; } // markers without a length
    if (marker === 0xd9 || marker === 0xda) break; // end of image or start of scan before any frame header
    const length = (bytes[i + 2] << 8) | bytes[i + 3];
    if (isStartOfFrame(marker)) {
      if (i + 10 > bytes.length) break;
      return {
        format: 'jpeg',
        height: (bytes[i + 5] << 8) | bytes[i + 6],
        width: (bytes[i + 7] << 8) | bytes[i + 8],
        channels: bytes[i + 9],
      };
    }
    if (length < 2) throw new DataError(`${file}: corrupt JPEG (segment length ${length} at byte ${i})`);
    i += 2 + length;
  }
  throw new DataError(`${file}: corrupt or truncated JPEG (no frame header with its dimensions)`);
}

/**
 * Reads format and dimensions from the header and checks them: a DataError naming `file` for
 * unknown formats, corrupt headers, zero sizes, or more than `maxPixels` pixels.
 */
export function readImageHeader(bytes: Uint8Array, file: string, maxPixels = MAX_IMAGE_PIXELS): ImageHeader {
  const format = sniffImageFormat(bytes);
  if (!format) throw new DataError(`${file}: not a PNG or JPEG image`);
  const header = format === 'png' ? pngHeader(bytes, file) : jpegHeader(bytes, file);
  if (header.width === 0 || header.height === 0) throw new DataError(`${file}: corrupt ${format.toUpperCase()} (size ${header.width}x${header.height})`);
  if (header.width * header.height > maxPixels) {
    throw new DataError(`${file}: the header claims ${header.width}x${header.height} pixels, more than the limit of ${maxPixels}; refusing to decode it`);
  }
  return header;
}
