// Registers the `native` backend: tfjs's CPU backend with its kernels, oneDNN ones in place of the hot few.
import { copyRegisteredKernels, registerBackend, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from './addon.ts';
import { conv2dKernel, fusedConv2dKernel } from './kernels/Conv2D.ts';
import { conv2dBackpropInputKernel } from './kernels/Conv2DBackpropInput.ts';
import { conv2dBackpropFilterKernel } from './kernels/Conv2DBackpropFilter.ts';
import { batchMatMulKernel, fusedMatMulKernel } from './kernels/BatchMatMul.ts';
import { batchNormKernel } from './kernels/BatchNorm.ts';
import { binaryKernels } from './kernels/Binary.ts';
import { reduceKernels } from './kernels/Reduce.ts';
import { selectKernel } from './kernels/Select.ts';
import { tileKernel } from './kernels/Tile.ts';
import { unaryKernels } from './kernels/Unary.ts';

/** Name under which tfjs knows the backend. */
export const NATIVE_BACKEND = 'native';

let registered = false;

/** Registers the `native` backend once (idempotent); select it with tf.setBackend('native'). */
export function registerNativeBackend(addon: NativeAddon): void {
  if (registered) return;
  registered = true;
  // Lower priority than cpu: tfjs must never pick it implicitly before ganvae's selection does.
  registerBackend(NATIVE_BACKEND, () => quietCpuBackend(), 0);
  copyRegisteredKernels('cpu', NATIVE_BACKEND);
  const kernels = [conv2dKernel, fusedConv2dKernel, conv2dBackpropInputKernel, conv2dBackpropFilterKernel,
    batchMatMulKernel, fusedMatMulKernel, batchNormKernel, selectKernel, tileKernel].map((make) => make(addon));
  for (const kernel of [...kernels, ...binaryKernels(addon), ...reduceKernels(addon), ...unaryKernels(addon)]) {
    unregisterKernel(kernel.kernelName, NATIVE_BACKEND);
    registerKernel(kernel);
  }
}

/** A CPU backend without tfjs's first-use banner (ganvae reports its backend choice itself). */
export function quietCpuBackend(): MathBackendCPU {
  const backend = new MathBackendCPU();
  Reflect.set(backend, 'firstUse', false);
  return backend;
}
