// Element-wise unary kernels on float32 (activations, gradient masks, math functions), in C++.
import {
  Abs, Elu, Exp, type KernelConfig, LeakyRelu, Log, Log1p, Neg, Reciprocal, Relu, Relu6, Rsqrt, Sigmoid, Softplus,
  Sqrt, Square, Step, Tanh, type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.ts';
import { allocateFloat32, cpuKernel, float32Values, outputTensor } from '../tensors.ts';

/** tfjs kernel name → the addon's op code: native/src/ops.def's GANVAE_UNARY_OP list, exactly (test/native/registry.test.ts). */
export const UNARY_OPS: Array<[string, number]> = [
  [Square, 0], [Sqrt, 1], [Rsqrt, 2], [Exp, 3], [Log, 4], [Log1p, 5], [Neg, 6], [Abs, 7], [Relu, 8], [Relu6, 9],
  [LeakyRelu, 10], [Sigmoid, 11], [Tanh, 12], [Step, 13], [Elu, 14], [Softplus, 15], [Reciprocal, 16],
];

/** One KernelConfig per unary op: x [..] → y of the same shape. */
export function unaryKernels(addon: NativeAddon): KernelConfig[] {
  return UNARY_OPS.map(([kernelName, op]) => {
    const fallback = cpuKernel(kernelName);
    return {
      kernelName,
      backendName: 'native',
      kernelFunc: (args) => {
        const { inputs, backend, attrs } = args as unknown as {
          inputs: { x: TensorInfo }; backend: MathBackendCPU; attrs: { alpha?: number } };
        const values = float32Values(backend, inputs.x);
        if (!values) return fallback(args);
        const y = allocateFloat32(backend, values.length);
        // LeakyRelu's and Step's defaults where the attribute is absent.
        addon.unary(values, y, op, attrs?.alpha ?? (kernelName === LeakyRelu ? 0.2 : 0));
        return outputTensor(backend, [...inputs.x.shape], y);
      },
    };
  });
}
