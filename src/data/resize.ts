// Pure-JavaScript image geometry and colour for the folder loader when sharp is unavailable:
// resize with centre crop (antialiased linear filter, like sharp's 'linear' kernel) and channel
// conversion (alpha flattened onto black, Rec.601 luma for grey).
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

/** Scales `image` to cover outWidth x outHeight and crops the centre: uint8 [outHeight, outWidth, channels]. */
export function resizeCover(image: RawImage, outWidth: number, outHeight: number): RawImage {
  const { pixels, width, height, channels: c } = image;
  if (width === outWidth && height === outHeight) return image;
  const scale = Math.max(outWidth / width, outHeight / height);
  const spanX = outWidth / scale;
  const spanY = outHeight / scale;
  const tx = filterTaps(width, outWidth, (width - spanX) / 2, spanX);
  const ty = filterTaps(height, outHeight, (height - spanY) / 2, spanY);
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

/** Converts to 1 (grey) or 3 (RGB) channels: alpha is flattened onto black, colour to grey by Rec.601 luma. */
export function convertChannels(image: RawImage, to: 1 | 3): RawImage {
  const { pixels, width, height, channels: from } = image;
  if (from === to) return image;
  const n = width * height;
  const out = new Uint8Array(n * to);
  const hasAlpha = from === 2 || from === 4;
  for (let p = 0; p < n; p++) {
    const alpha = hasAlpha ? pixels[p * from + from - 1] / 255 : 1;
    const r = pixels[p * from] * alpha;
    const g = from >= 3 ? pixels[p * from + 1] * alpha : r;
    const b = from >= 3 ? pixels[p * from + 2] * alpha : r;
    if (to === 1) {
      out[p] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    } else {
      out[p * 3] = Math.round(r);
      out[p * 3 + 1] = Math.round(g);
      out[p * 3 + 2] = Math.round(b);
    }
  }
  return { pixels: out, width, height, channels: to };
}
