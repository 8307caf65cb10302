// Tile: repeats a float32 tensor along each axis, in C++.
import { type KernelConfig, type TensorInfo, Tile, type TileAttrs, util } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.ts';
import { allocateFloat32, cpuKernel, float32Values, outputTensor } from '../tensors.ts';

/** x [d0, d1, ..] with reps [r0, r1, ..] → [d0·r0, d1·r1, ..]. */
export function tileKernel(addon: NativeAddon): KernelConfig {
  const fallback = cpuKernel(Tile);
  return {
    kernelName: Tile,
    backendName: 'native',
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args as unknown as { inputs: { x: TensorInfo }; backend: MathBackendCPU; attrs: TileAttrs };
      const values = float32Values(backend, inputs.x);
      if (!values || attrs.reps.length !== inputs.x.shape.length) return fallback(args);
      const outShape = inputs.x.shape.map((d, i) => d * attrs.reps[i]);
      const out = allocateFloat32(backend, util.sizeFromShape(outShape));
      addon.tile(values, inputs.x.shape, out, outShape);
      return outputTensor(backend, outShape, out);
    },
  };
}
