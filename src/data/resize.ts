// Pure-JavaScript image geometry and colour (fitImage builds on them; the folder loader uses them when sharp
// is unavailable): resize to cover with a centre crop or to fit inside (antialiased linear filter, like
// sharp's 'linear' kernel), and channel conversion (alpha composited over a background, Rec.601 luma for grey).
import type { RawImage } from './image-codec.ts';

interface Taps {
  /** First source index of each output's taps (taps beyond the edge are clamped into range). */
  indices: Int32Array;
  weights: Float32Array;
  perOutput: number;
}

/**
 * Filter taps mapping the source interval [start, start + span) onto `outSize` samples: a
 * triangle filter widened by the scale factor when shrinking, so downscaling averages (antialiasing).
 */
function filterTaps(inSize: number, outSize: number, start: number, span: number): Taps {
  const scale = span / outSize;
  const support = Math.max(1, scale);
  const perOutput = Math.ceil(2 * support) + 1;
  const indices = new Int32Array(outSize * perOutput);
  const weights = new Float32Array(outSize * perOutput);
  for (let i = 0; i < outSize; i++) {
    const center = start + (i + 0.5) * scale;
    const first = Math.floor(center - support);
    let total = 0;
    for (let k = 0; k < perOutput; k++) {
      const j = first + k;
      const w = Math.max(0, 1 - Math.abs((j + 0.5 - center) / support));
      indices[i * perOutput + k] = Math.min(inSize - 1, Math.max(0, j));
      weights[i * perOutput + k] = w;
      total += w;
    }
    for (let k = 0; k < perOutput; k++) weights[i * perOutput + k] /= total;
  }
  return { indices, weights, perOutput };
}

/**
 * Resamples the source rectangle starting at (x0, y0), spanning spanX x spanY source pixels, of `image`
 * onto outWidth x outHeight: uint8 [outHeight, outWidth, channels].
 */
function resampleRegion(image: RawImage, x0: number, y0: number, spanX: number, spanY: number, outWidth: number, outHeight: number): RawImage {
  const { pixels, width, height, channels: c } = image;
  const tx = filterTaps(width, outWidth, x0, spanX);
  const ty = filterTaps(height, outHeight, y0, spanY);
  // Horizontal pass over every source row, then the vertical pass reads only the rows it needs.
  const rows = new Float32Array(height * outWidth * c);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < outWidth; x++) {
      for (let ch = 0; ch < c; ch++) {
        let sum = 0;
        for (let k = 0; k < tx.perOutput; k++) {
          const t = x * tx.perOutput + k;
          sum += tx.weights[t] * pixels[(y * width + tx.indices[t]) * c + ch];
        }
        rows[(y * outWidth + x) * c + ch] = sum;
      }
    }
  }
  const out = new Uint8Array(outHeight * outWidth * c);
  for (let y = 0; y < outHeight; y++) {
    for (let i = 0; i < outWidth * c; i++) {
      let sum = 0;
      for (let k = 0; k < ty.perOutput; k++) {
        const t = y * ty.perOutput + k;
        sum += ty.weights[t] * rows[ty.indices[t] * outWidth * c + i];
      }
      out[y * outWidth * c + i] = Math.min(255, Math.max(0, Math.round(sum)));
    }
  }
  return { pixels: out, width: outWidth, height: outHeight, channels: c };
}

/** Scales `image` to cover outWidth x outHeight and crops the centre: uint8 [outHeight, outWidth, channels]. */
export function resizeCover(image: RawImage, outWidth: number, outHeight: number): RawImage {
  const { width, height } = image;
  if (width === outWidth && height === outHeight) return image;
  const scale = Math.max(outWidth / width, outHeight / height);
  const spanX = outWidth / scale;
  const spanY = outHeight / scale;
  return resampleRegion(image, (width - spanX) / 2, (height - spanY) / 2, spanX, spanY, outWidth, outHeight);
}

/**
 * Scales `image` to fit inside outWidth x outHeight, keeping its aspect ratio: uint8 [h, w, channels] with
 * w <= outWidth, h <= outHeight and one of them equal (the caller pads the rest).
 */
export function resizeContain(image: RawImage, outWidth: number, outHeight: number): RawImage {
  const { width, height } = image;
  const scale = Math.min(outWidth / width, outHeight / height);
  const fitWidth = Math.min(outWidth, Math.max(1, Math.round(width * scale)));
  const fitHeight = Math.min(outHeight, Math.max(1, Math.round(height * scale)));
  if (fitWidth === width && fitHeight === height) return image;
  return resampleRegion(image, 0, 0, width, height, fitWidth, fitHeight);
}

/** Rec.601 luma of an RGB triple (unrounded), the grey level every conversion here uses. */
export const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;

/**
 * Converts to 1 (grey) or 3 (RGB) channels: alpha (2 or 4 channels) is composited over `background`
 * (out = a·c + (1−a)·bg, default black), colour to grey by Rec.601 luma; each output value is rounded once.
 */
export function convertChannels(image: RawImage, to: 1 | 3, background: readonly [number, number, number] = [0, 0, 0]): RawImage {
  const { pixels, width, height, channels: from } = image;
  if (from === to) return image;
  const n = width * height;
  const out = new Uint8Array(n * to);
  const hasAlpha = from === 2 || from === 4;
  const [bgR, bgG, bgB] = background;
  for (let p = 0; p < n; p++) {
    const a = hasAlpha ? pixels[p * from + from - 1] : 255;
    const red = pixels[p * from];
    const green = from >= 3 ? pixels[p * from + 1] : red;
    const blue = from >= 3 ? pixels[p * from + 2] : red;
    // An integer over 255 (odd) never lies exactly halfway between two integers: Math.round rounds it correctly.
    const r = (a * red + (255 - a) * bgR) / 255;
    const g = (a * green + (255 - a) * bgG) / 255;
    const b = (a * blue + (255 - a) * bgB) / 255;
    if (to === 1) {
      out[p] = Math.round(luma(r, g, b));
    } else {
      out[p * 3] = Math.round(r);
      out[p * 3 + 1] = Math.round(g);
      out[p * 3 + 2] = Math.round(b);
    }
  }
  return { pixels: out, width, height, channels: to };
}
