// Broadcasting element-wise binary kernels on float32 (arithmetic and comparisons), in C++.
import {
  Add, backend_util, Equal, Greater, GreaterEqual, type KernelConfig, Less, LessEqual, Maximum, Minimum, Multiply,
  NotEqual, Pow, RealDiv, SquaredDifference, Sub, type TensorInfo, util,
} from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.ts';
import { allocateFloat32, cpuKernel, float32Values, outputTensor } from '../tensors.ts';

/**
 * tfjs kernel name → the addon's op code and the output's dtype (bool: a Uint8Array): native/src/ops.def's
 * GANVAE_BINARY_OP list, exactly (test/native/registry.test.ts).
 */
export const BINARY_OPS: Array<[string, number, 'float32' | 'bool']> = [
  [Add, 0, 'float32'], [Sub, 1, 'float32'], [Multiply, 2, 'float32'], [RealDiv, 3, 'float32'], [Maximum, 4, 'float32'],
  [Minimum, 5, 'float32'], [SquaredDifference, 6, 'float32'], [Pow, 7, 'float32'],
  [Greater, 8, 'bool'], [GreaterEqual, 9, 'bool'], [Less, 10, 'bool'], [LessEqual, 11, 'bool'], [Equal, 12, 'bool'],
  [NotEqual, 13, 'bool'],
];

/** One KernelConfig per binary op: a [..], b [..] → out of the broadcast shape (bool for comparisons). */
export function binaryKernels(addon: NativeAddon): KernelConfig[] {
  return BINARY_OPS.map(([kernelName, op, dtype]) => {
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
        const out = dtype === 'bool' ? new Uint8Array(size) : allocateFloat32(backend, size);
        addon.binary(aValues, a.shape, bValues, b.shape, out, outShape, op);
        return dtype === 'bool' ? backend.makeTensorInfo(outShape, 'bool', out) : outputTensor(backend, outShape, out as Float32Array);
      },
    };
  });
}
