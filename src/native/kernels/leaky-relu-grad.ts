// LeakyRelu's gradient as one native-only kernel (tfjs composes it from Greater, Multiply and Select);
// src/native/leaky-relu-gradient.ts is the gradient that uses it.
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.ts';
import { allocateFloat32, float32Values, outputTensor } from '../tensors.ts';

/** Kernel name (ganvae's own: tfjs has no LeakyRelu gradient kernel). */
export const LEAKY_RELU_GRAD = 'GanvaeLeakyReluGrad';

/** Its attribute: LeakyRelu's slope below zero. */
export interface LeakyReluGradAttrs {
  alpha: number;
}

/** x [..], dy [..] of one shape → dx = x > 0 ? dy : dy·alpha [..]. */
export function leakyReluGradKernel(addon: NativeAddon): KernelConfig {
  return {
    kernelName: LEAKY_RELU_GRAD,
    backendName: 'native',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const cpu = backend as MathBackendCPU;
      const xv = float32Values(cpu, x);
      const dyv = float32Values(cpu, dy);
      if (!xv || !dyv) throw new Error(`${LEAKY_RELU_GRAD}: x and dy must be float32, got ${x.dtype} and ${dy.dtype}`);
      if (x.shape.join() !== dy.shape.join()) throw new Error(`${LEAKY_RELU_GRAD}: dy has shape [${dy.shape}], x has [${x.shape}]`);
      const dx = allocateFloat32(cpu, xv.length);
      addon.leakyReluGrad(xv, dyv, dx, (attrs as unknown as LeakyReluGradAttrs).alpha);
      return outputTensor(cpu, [...x.shape], dx);
    },
  };
}
