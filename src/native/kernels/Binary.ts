// Broadcasting element-wise binary kernels on float32 (arithmetic and comparisons), in C++.
import {
  Add, backend_util, Equal, Greater, GreaterEqual, type KernelConfig, Less, LessEqual, Maximum, Minimum, Multiply,
  NotEqual, Pow, RealDiv, SquaredDifference, Sub, type TensorInfo, util,
} from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.ts';
import { allocateFloat32, cpuKernel, float32Values, outputTensor } from '../tensors.ts';

/** tfjs kernel name → the addon's op code (native/src/kernels/binary.cc, BinaryOp). */
const BINARY_OPS: Array<[string, number]> = [
  [Add, 0], [Sub, 1], [Multiply, 2], [RealDiv, 3], [Maximum, 4], [Minimum, 5], [SquaredDifference, 6], [Pow, 7],
  [Greater, 8], [GreaterEqual, 9], [Less, 10], [LessEqual, 11], [Equal, 12], [NotEqual, 13],
];
const FIRST_COMPARISON = 8;

/** One KernelConfig per binary op: a [..], b [..] → out of the broadcast shape (bool for comparisons). */
export function binaryKernels(addon: NativeAddon): KernelConfig[] {
  return BINARY_OPS.map(([kernelName, op]) => {
    const fallback = cpuKernel(kernelName);
    return {
      kernelName,
      backendName: 'native',
      kernelFunc: (args) => {
        const { inputs, backend } = args as unknown as { inputs: { a: TensorInfo; b: TensorInfo }; backend: MathBackendCPU };
        const { a, b } = inputs;
        const aValues = float32Values(backend, a);
        const bValues = float32Values(backend, b);
        if (!aValues || !bValues) return fallback(args);
        const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
        const size = util.sizeFromShape(outShape);
        const comparison = op >= FIRST_COMPARISON;
        const out = comparison ? new Uint8Array(size) : allocateFloat32(backend, size);
        addon.binary(aValues, a.shape, bValues, b.shape, out, outShape, op);
        return comparison ? backend.makeTensorInfo(outShape, 'bool', out) : outputTensor(backend, outShape, out as Float32Array);
      },
    };
  });
}
