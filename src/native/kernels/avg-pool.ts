// AvgPool and AvgPoolGrad on oneDNN's pooling (padding excluded from each average, as tfjs computes it).
import {
  AvgPool, type AvgPoolAttrs, AvgPoolGrad, type AvgPoolGradAttrs, backend_util, type KernelConfig, type TensorInfo, util,
} from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.ts';
import { convGeometry, nativeConvSupported } from '../geometry.ts';
import { allocateFloat32, cpuKernel, float32Values, outputTensor } from '../tensors.ts';

/** The pooling of `x`'s shape as the addon's convolution geometry, or undefined where tfjs's kernel must run it. */
function poolGeometry(shape: number[], attrs: AvgPoolAttrs): { info: backend_util.Conv2DInfo; geometry: number[] } | undefined {
  if (shape.length !== 4) return undefined;
  const info = backend_util.computePool2DInfo(shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { padInfo: p } = info;
  // Every window must hold an input pixel (oneDNN's average excluding padding needs one), as 'same' and 'valid' give.
  if (!nativeConvSupported(info) || p.top >= info.filterHeight || p.bottom >= info.filterHeight || p.left >= info.filterWidth || p.right >= info.filterWidth) return undefined;
  return { info, geometry: convGeometry(info) };
}

/** AvgPool kernel: x [b, h, w, c] → [b, oh, ow, c]. */
export function avgPoolKernel(addon: NativeAddon): KernelConfig {
  const fallback = cpuKernel(AvgPool);
  return {
    kernelName: AvgPool,
    backendName: 'native',
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args as unknown as { inputs: { x: TensorInfo }; backend: MathBackendCPU; attrs: AvgPoolAttrs };
      const values = float32Values(backend, inputs.x);
      const pool = poolGeometry(inputs.x.shape, attrs);
      if (!values || !pool) return fallback(args);
      const y = allocateFloat32(backend, util.sizeFromShape(pool.info.outShape));
      addon.avgPool(values, y, ...pool.geometry);
      return outputTensor(backend, pool.info.outShape, y);
    },
  };
}

/** AvgPoolGrad kernel: dy [b, oh, ow, c] and the forward input (for its shape) → dx [b, h, w, c]; unpadded poolings only. */
export function avgPoolGradKernel(addon: NativeAddon): KernelConfig {
  const fallback = cpuKernel(AvgPoolGrad);
  return {
    kernelName: AvgPoolGrad,
    backendName: 'native',
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args as unknown as { inputs: { dy: TensorInfo; input: TensorInfo }; backend: MathBackendCPU; attrs: AvgPoolGradAttrs };
      const dyValues = float32Values(backend, inputs.dy);
      const pool = poolGeometry(inputs.input.shape, { ...attrs, dimRoundingMode: undefined });
      // tfjs's gradient divides every window by its full size, padding included (its forward pass does not), so a
      // padded pooling keeps tfjs's kernel and the same gradient on every backend.
      const padded = pool && [pool.info.padInfo.top, pool.info.padInfo.bottom, pool.info.padInfo.left, pool.info.padInfo.right].some((p) => p > 0);
      if (!dyValues || !pool || padded || !util.arraysEqual(pool.info.outShape, inputs.dy.shape)) return fallback(args);
      const dx = allocateFloat32(backend, util.sizeFromShape(inputs.input.shape));
      addon.avgPoolGrad(dyValues, dx, ...pool.geometry);
      return outputTensor(backend, inputs.input.shape, dx);
    },
  };
}
