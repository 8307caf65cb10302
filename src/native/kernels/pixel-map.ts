// Per-image pixel maps (and their transpose) as one native-only kernel; src/native/pixel-map.ts is the op and
// gradient that use it, src/gan/augment/pixel-map.ts the augmentation that builds the maps.
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.ts';
import { allocateFloat32, float32Values, outputTensor } from '../tensors.ts';

/** Kernel name (ganvae's own: tfjs has no per-image gather). */
export const PIXEL_MAP = 'GanvaePixelMap';

/**
 * The maps, image after image: rows [n·h] and cols [n·w] source indices (-1: zero), transposed [n] 0 or 1 (read the
 * image's spatial transpose); scatter 1 runs the map's transpose (its gradient) instead.
 */
export interface PixelMapAttrs {
  rows: Int32Array;
  cols: Int32Array;
  transposed: Int32Array;
  scatter: 0 | 1;
}

/** x [n, h, w, c] → [n, h, w, c], the maps of `attrs` applied (or, with scatter, transposed). */
export function pixelMapKernel(addon: NativeAddon): KernelConfig {
  return {
    kernelName: PIXEL_MAP,
    backendName: 'native',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x } = inputs as { x: TensorInfo };
      const cpu = backend as MathBackendCPU;
      if (x.shape.length !== 4) throw new Error(`${PIXEL_MAP}: x must be [n, h, w, c], got [${x.shape}]`);
      const values = float32Values(cpu, x);
      if (!values) throw new Error(`${PIXEL_MAP}: x must be float32, got ${x.dtype}`);
      const { rows, cols, transposed, scatter } = attrs as unknown as PixelMapAttrs;
      const [n, h, w, c] = x.shape;
      const out = allocateFloat32(cpu, values.length);
      addon.pixelMap(values, out, n, h, w, c, rows, cols, transposed, scatter);
      return outputTensor(cpu, [...x.shape], out);
    },
  };
}
