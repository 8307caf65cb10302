// Slice and PadV2 as box copies in C++ (tfjs's CPU kernels compute an index per element; a contiguous Slice, which
// tfjs serves as a view of its input, stays tfjs's).
import { type KernelConfig, PadV2, type PadV2Attrs, Slice, type SliceAttrs, slice_util, type TensorInfo, util } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.ts';
import { allocateFloat32, cpuKernel, float32Values, outputTensor } from '../tensors.ts';

/** Slice kernel: x [d0, ..] → x[begin : begin + size]. */
export function sliceKernel(addon: NativeAddon): KernelConfig {
  const fallback = cpuKernel(Slice);
  return {
    kernelName: Slice,
    backendName: 'native',
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args as unknown as { inputs: { x: TensorInfo }; backend: MathBackendCPU; attrs: SliceAttrs };
      const { x } = inputs;
      const values = float32Values(backend, x);
      const [begin, size] = slice_util.parseSliceParams(x as never, attrs.begin, attrs.size);
      if (!values || size.some((s) => s === 0) || slice_util.isSliceContinous(x.shape, begin, size)) return fallback(args);
      slice_util.assertParamsValid(x as never, begin, size);
      const out = allocateFloat32(backend, util.sizeFromShape(size));
      addon.copyBox(values, x.shape, begin, out, size, size.map(() => 0), size);
      return outputTensor(backend, size, out);
    },
  };
}

/** PadV2 kernel: x [d0, ..] with paddings [[before, after], ..] → the constant around x. */
export function padV2Kernel(addon: NativeAddon): KernelConfig {
  const fallback = cpuKernel(PadV2);
  return {
    kernelName: PadV2,
    backendName: 'native',
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args as unknown as { inputs: { x: TensorInfo }; backend: MathBackendCPU; attrs: PadV2Attrs };
      const { x } = inputs;
      const values = float32Values(backend, x);
      if (!values || attrs.paddings.length !== x.shape.length || util.sizeFromShape(x.shape) === 0) return fallback(args);
      const outShape = x.shape.map((d, i) => attrs.paddings[i][0] + d + attrs.paddings[i][1]);
      const out = allocateFloat32(backend, util.sizeFromShape(outShape));
      out.fill(attrs.constantValue);
      addon.copyBox(values, x.shape, x.shape.map(() => 0), out, outShape, attrs.paddings.map(([before]) => before), x.shape);
      return outputTensor(backend, outShape, out);
    },
  };
}
