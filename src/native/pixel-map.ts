// The native backend's per-image pixel-map op and its gradient: a gather of whole pixels (and its transpose, a
// scatter-add), where the portable path multiplies by one-hot matrices. The map and its transpose are each other's
// gradient, so gradients of every order exist.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';
import { PIXEL_MAP, type PixelMapAttrs } from './kernels/pixel-map.ts';

/** Whether the active backend has the pixel-map kernel (the `native` backend does). */
export function hasNativePixelMap(): boolean {
  return tf.getKernel(PIXEL_MAP, tf.getBackend()) !== undefined;
}

/**
 * images [n, h, w, c] → [n, h, w, c], out[i][y][x] = s[rows[i·h + y]][cols[i·w + x]] with s image i or (transposed[i]
 * = 1, square images) its spatial transpose; an index of -1 gives zeros. Differentiable in `images`.
 */
export function nativePixelMap(images: tf.Tensor4D, rows: Int32Array, cols: Int32Array, transposed: Int32Array): tf.Tensor4D {
  const attrs: PixelMapAttrs = { rows, cols, transposed, scatter: 0 };
  return tf.engine().runKernel(PIXEL_MAP, { x: images }, attrs as unknown as NamedAttrMap) as tf.Tensor4D;
}

export const pixelMapGrad: GradConfig = {
  kernelName: PIXEL_MAP,
  gradFunc: (dy, _saved, attrs) => {
    const transposedMap = { ...(attrs as unknown as PixelMapAttrs), scatter: 1 - (attrs as unknown as PixelMapAttrs).scatter };
    return { x: () => tf.engine().runKernel(PIXEL_MAP, { x: dy as tf.Tensor }, transposedMap as unknown as NamedAttrMap) as tf.Tensor };
  },
};
