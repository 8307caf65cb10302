// Lays images out in a grid with padding, for sample sheets: floats in [-1, 1] or [0, 1], or uint8.
import type { PixelRange } from './batches.ts';
import type { RawImage } from './image-codec.ts';

/** A batch of images [n, h, w, c] as a flat array (e.g. `{ data: await t.data(), shape: t.shape }`). */
export interface ImageBatch {
  data: Uint8Array | Float32Array | ArrayLike<number>;
  shape: readonly [number, number, number, number] | readonly number[];
}

export interface GridOptions {
  /** Images per row. Default ceil(sqrt(n)). */
  columns?: number;
  /** Pixels between images and around the edge. Default 2. */
  padding?: number;
  /** Range of float data; required unless `data` is a Uint8Array (already 0..255). */
  range?: PixelRange;
  /** Grey level of the padding, 0..255. Default 128. */
  padValue?: number;
}

/** Maps a value in `range` to 0..255 (NaN to 0). */
function toByte(v: number, range: PixelRange): number {
  const unit = range === '[-1,1]' ? (v + 1) / 2 : v;
  return unit > 0 ? (unit < 1 ? Math.round(unit * 255) : 255) : 0;
}

/** Tiles images [n, h, w, c] into one uint8 image [rows*(h+pad)+pad, columns*(w+pad)+pad, c]. */
export function imageGrid(images: ImageBatch, options: GridOptions = {}): RawImage {
  const [n, h, w, c] = images.shape;
  if (images.shape.length !== 4 || images.data.length !== n * h * w * c) {
    throw new Error(`imageGrid: data of length ${images.data.length} does not fill shape [${images.shape.join(', ')}]`);
  }
  const isBytes = images.data instanceof Uint8Array;
  if (!isBytes && !options.range) throw new Error('imageGrid: float images need options.range, \'[-1,1]\' or \'[0,1]\'');
  const columns = Math.max(1, Math.min(n, options.columns ?? Math.ceil(Math.sqrt(n))));
  const rows = Math.ceil(n / columns);
  const pad = options.padding ?? 2;
  const width = columns * (w + pad) + pad;
  const height = rows * (h + pad) + pad;
  const pixels = new Uint8Array(width * height * c).fill(options.padValue ?? 128);
  const range = options.range ?? '[0,1]';
  for (let i = 0; i < n; i++) {
    const top = pad + Math.floor(i / columns) * (h + pad);
    const left = pad + (i % columns) * (w + pad);
    for (let y = 0; y < h; y++) {
      const from = ((i * h + y) * w) * c;
      const to = ((top + y) * width + left) * c;
      for (let j = 0; j < w * c; j++) {
        const v = images.data[from + j];
        pixels[to + j] = isBytes ? v : toByte(v, range);
      }
    }
  }
  return { pixels, width, height, channels: c };
}
