// Animated GIF89a encoder (one global palette, LZW, looping) for interpolation animations.
// `encodeGif(frames, { delayMs: 100 })` → bytes; frames are uint8 RawImages of one size, grey or RGB.
import type { RawImage } from './image-codec.ts';

export interface GifOptions {
  /** Time each frame is shown, in milliseconds (GIF stores hundredths of a second; rounded, at least 20 ms). */
  delayMs?: number;
  /** Times the animation plays after the first (0: forever, the default). */
  repeat?: number;
  /** Integer nearest-neighbour magnification of every frame (default 1). */
  scale?: number;
}

/** GIF's LZW codes are at most 12 bits wide. */
const MAX_CODE = 4096;
/** Levels per channel of the fixed RGB palette: 6 red × 7 green × 6 blue = 252 colours (green, to which the eye is most sensitive, gets the most). */
const RGB_LEVELS = [6, 7, 6] as const;

/**
 * The 256-entry palette [256·3] for `channels`: 1 (grey) is the identity ramp, so grey frames are stored
 * exactly; 3 (RGB) is the fixed 6×7×6 cube, so each channel is off by at most half a level step
 * (26 for red and blue, 22 for green); unused entries are black.
 */
export function gifPalette(channels: 1 | 3): Uint8Array {
  const palette = new Uint8Array(256 * 3);
  if (channels === 1) {
    for (let i = 0; i < 256; i++) palette.fill(i, i * 3, i * 3 + 3);
    return palette;
  }
  const [nr, ng, nb] = RGB_LEVELS;
  for (let r = 0; r < nr; r++) {
    for (let g = 0; g < ng; g++) {
      for (let b = 0; b < nb; b++) {
        const i = (r * ng + g) * nb + b;
        palette.set([level(r, nr), level(g, ng), level(b, nb)], i * 3);
      }
    }
  }
  return palette;
}

/** Byte value of level `i` of `n` evenly spaced levels from 0 to 255. */
function level(i: number, n: number): number {
  return Math.round((i * 255) / (n - 1));
}

/** The index of the nearest level of `n` to byte value `v`. */
function nearestLevel(v: number, n: number): number {
  return Math.round((v * (n - 1)) / 255);
}

/** Palette indices [height·scale, width·scale] of one frame (see gifPalette). */
function frameIndices(frame: RawImage, scale: number): Uint8Array {
  const { width, height, channels, pixels } = frame;
  const [nr, ng, nb] = RGB_LEVELS;
  const out = new Uint8Array(width * scale * height * scale);
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      const p = (Math.floor(y / scale) * width + Math.floor(x / scale)) * channels;
      out[y * width * scale + x] = channels === 1 ? pixels[p]
        : (nearestLevel(pixels[p], nr) * ng + nearestLevel(pixels[p + 1], ng)) * nb + nearestLevel(pixels[p + 2], nb);
    }
  }
  return out;
}

/** Appends variable-width codes least significant bit first, as GIF's LZW stream packs them. */
class BitWriter {
  readonly bytes: number[] = [];
  private buffer = 0;
  private bits = 0;

  write(code: number, width: number): void {
    this.buffer |= code << this.bits;
    this.bits += width;
    while (this.bits >= 8) {
      this.bytes.push(this.buffer & 0xff);
      this.buffer >>>= 8;
      this.bits -= 8;
    }
  }

  flush(): void {
    if (this.bits > 0) this.bytes.push(this.buffer & 0xff);
    this.buffer = 0;
    this.bits = 0;
  }
}

/** GIF's variable-width LZW of 8-bit indices: the compressed bytes (before sub-block framing). */
export function lzwEncode(indices: Uint8Array, minCodeSize = 8): Uint8Array {
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  const out = new BitWriter();
  // (prefix code · 256 + next index) → code of the string prefix + index.
  let table = new Map<number, number>();
  let next = end + 1;
  let width = minCodeSize + 1;
  out.write(clear, width);
  let prefix = indices[0];
  for (let i = 1; i < indices.length; i++) {
    const index = indices[i];
    const key = prefix * 256 + index;
    const known = table.get(key);
    if (known !== undefined) {
      prefix = known;
      continue;
    }
    out.write(prefix, width);
    if (next === MAX_CODE) {
      // The table is full: a clear code starts a fresh one (the decoder resets its own on reading it).
      out.write(clear, width);
      table = new Map();
      next = end + 1;
      width = minCodeSize + 1;
    } else {
      // The decoder widens one code later than the encoder adds the entry, so widen when `next` reaches 2^width.
      if (next >= 1 << width) width++;
      table.set(key, next++);
    }
    prefix = index;
  }
  if (indices.length) out.write(prefix, width);
  out.write(end, width);
  out.flush();
  return Uint8Array.from(out.bytes);
}

/** Little-endian 16-bit value. */
function u16(v: number): number[] {
  return [v & 0xff, (v >> 8) & 0xff];
}

/** Data split into sub-blocks of at most 255 bytes, each after its length, then the 0 terminator. */
function subBlocks(data: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.length; i += 255) {
    const chunk = data.subarray(i, i + 255);
    out.push(chunk.length, ...chunk);
  }
  out.push(0);
  return out;
}

/** Throws naming the frame and what is wrong when frames cannot share one GIF. */
function checkFrames(frames: RawImage[]): void {
  if (!frames.length) throw new Error('encodeGif: no frames');
  const { width, height, channels } = frames[0];
  if (channels !== 1 && channels !== 3) throw new Error(`encodeGif: frames must be grey (1 channel) or RGB (3), got ${channels} channels`);
  frames.forEach((f, i) => {
    if (f.width !== width || f.height !== height || f.channels !== channels) {
      throw new Error(`encodeGif: frame ${i} is ${f.width}x${f.height}x${f.channels}, frame 0 is ${width}x${height}x${channels}; all frames must match`);
    }
    if (f.pixels.length !== width * height * channels) throw new Error(`encodeGif: frame ${i} has ${f.pixels.length} values, not ${width}x${height}x${channels}`);
  });
}

/**
 * Encodes `frames` (uint8 [height, width, channels], channels 1 or 3, all the same size) as a looping
 * animated GIF89a with one global palette (gifPalette).
 */
export function encodeGif(frames: RawImage[], options: GifOptions = {}): Uint8Array {
  checkFrames(frames);
  const scale = options.scale ?? 1;
  if (!(Number.isInteger(scale) && scale >= 1)) throw new Error(`encodeGif: scale must be a positive integer, got ${scale}`);
  const repeat = options.repeat ?? 0;
  if (!(Number.isInteger(repeat) && repeat >= 0 && repeat < 65536)) throw new Error(`encodeGif: repeat must be an integer 0..65535, got ${repeat}`);
  // Browsers show delays under 2 cs as 10 cs, so 20 ms is the shortest that plays as asked.
  const delay = Math.min(65535, Math.max(2, Math.round((options.delayMs ?? 100) / 10)));
  const width = frames[0].width * scale;
  const height = frames[0].height * scale;
  if (width > 65535 || height > 65535) throw new Error(`encodeGif: ${width}x${height} exceeds GIF's 65535-pixel side`);
  const parts: number[][] = [];
  // Header and logical screen: a global 256-colour table (size field 7), 8 bits per primary.
  parts.push([...Buffer.from('GIF89a', 'ascii'), ...u16(width), ...u16(height), 0xf7, 0, 0]);
  parts.push([...gifPalette(frames[0].channels as 1 | 3)]);
  // NETSCAPE2.0 application extension: the loop count.
  parts.push([0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0', 'ascii'), 0x03, 0x01, ...u16(repeat), 0x00]);
  for (const frame of frames) {
    // Graphic control: disposal 1 (leave the frame in place; each frame covers the whole screen anyway), no transparency.
    parts.push([0x21, 0xf9, 0x04, 0x04, ...u16(delay), 0x00, 0x00]);
    parts.push([0x2c, ...u16(0), ...u16(0), ...u16(width), ...u16(height), 0x00]);
    parts.push([8, ...subBlocks(lzwEncode(frameIndices(frame, scale)))]);
  }
  parts.push([0x3b]);
  return Uint8Array.from(parts.flat());
}
