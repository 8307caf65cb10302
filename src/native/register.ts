// Registers the `native` backend: tfjs's CPU backend with its kernels, oneDNN ones in place of the hot few.
import {
  type BackendValues, copyRegisteredKernels, type DataId, type DataType, getKernel, registerBackend, registerGradient, registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { BufferPool } from './buffer-pool.ts';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from './addon.ts';
import { conv2dKernel, fusedConv2dKernel } from './kernels/conv2d.ts';
import { conv2dBackpropInputKernel } from './kernels/conv2d-backprop-input.ts';
import { conv2dBackpropFilterKernel } from './kernels/conv2d-backprop-filter.ts';
import { batchMatMulKernel, fusedMatMulKernel } from './kernels/batch-matmul.ts';
import { batchNormKernel } from './kernels/batch-norm.ts';
import { batchNormTrainingGradKernel, batchNormTrainingKernel } from './kernels/batch-norm-training.ts';
import { batchNormTrainingGrad } from './batch-norm-training.ts';
import { leakyReluGradKernel } from './kernels/leaky-relu-grad.ts';
import { leakyReluGrad } from './leaky-relu-gradient.ts';
import { pixelMapKernel } from './kernels/pixel-map.ts';
import { pixelMapGrad } from './pixel-map.ts';
import { spectralNormGradKernel, spectralNormKernel } from './kernels/spectral-norm.ts';
import { spectralNormGrad } from './spectral-norm.ts';
import { binaryKernels } from './kernels/binary.ts';
import { reduceKernels } from './kernels/reduce.ts';
import { selectKernel } from './kernels/select.ts';
import { tileKernel } from './kernels/tile.ts';
import { avgPoolGradKernel, avgPoolKernel } from './kernels/avg-pool.ts';
import { padV2Kernel, sliceKernel } from './kernels/slice-pad.ts';
import { unaryKernels } from './kernels/unary.ts';

/** Name under which tfjs knows the backend. */
export const NATIVE_BACKEND = 'native';

let registered: NativeAddon | undefined;

/** The addon the `native` backend was registered with; undefined before (and in the browser, where nothing registers it). */
export function registeredAddon(): NativeAddon | undefined {
  return registered;
}

/** Registers the `native` backend once (idempotent); select it with tf.setBackend('native'). */
export function registerNativeBackend(addon: NativeAddon): void {
  if (registered) return;
  registered = addon;
  // Lower priority than cpu: tfjs must never pick it implicitly before ganvae's selection does.
  registerBackend(NATIVE_BACKEND, () => new NativeBackendCPU(), 0);
  registerGradient(batchNormTrainingGrad);
  registerGradient(leakyReluGrad);
  registerGradient(pixelMapGrad);
  registerGradient(spectralNormGrad);
  copyRegisteredKernels('cpu', NATIVE_BACKEND);
  const kernels = [conv2dKernel, fusedConv2dKernel, conv2dBackpropInputKernel, conv2dBackpropFilterKernel,
    batchMatMulKernel, fusedMatMulKernel, batchNormKernel, batchNormTrainingKernel, batchNormTrainingGradKernel,
    selectKernel, leakyReluGradKernel, tileKernel, avgPoolKernel, avgPoolGradKernel, sliceKernel, padV2Kernel, pixelMapKernel,
    spectralNormKernel, spectralNormGradKernel].map((make) => make(addon));
  for (const kernel of [...kernels, ...binaryKernels(addon), ...reduceKernels(addon), ...unaryKernels(addon)]) {
    // ganvae's own kernels (GanvaeBatchNormTraining, ...) have no cpu version to replace.
    if (getKernel(kernel.kernelName, NATIVE_BACKEND)) unregisterKernel(kernel.kernelName, NATIVE_BACKEND);
    registerKernel(kernel);
  }
}

/** The CPU backend whose kernel outputs come from a BufferPool (see buffer-pool.ts for the rules). */
export class NativeBackendCPU extends MathBackendCPU {
  /** Free arrays are capped at 1 GiB: a step's working set, not a leak. */
  readonly pool = new BufferPool(2 ** 30);

  constructor() {
    super();
    // No tfjs first-use banner: ganvae reports its backend choice itself.
    Reflect.set(this, 'firstUse', false);
  }

  override write(values: BackendValues, shape: number[], dtype: DataType): DataId {
    this.pool.adopt(values);
    return super.write(values, shape, dtype);
  }

  override move(dataId: DataId, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    this.pool.adopt(values);
    super.move(dataId, values, shape, dtype, refCount);
  }

  override readSync(dataId: DataId): BackendValues {
    const entry = this.data.get(dataId);
    this.pool.release(entry?.values);
    // A pooled view on the front of a larger buffer leaves as an exact copy: callers (tfjs's io among them)
    // may use values.buffer whole.
    if (entry?.values instanceof Float32Array && entry.values.byteLength !== entry.values.buffer.byteLength) {
      entry.values = entry.values.slice();
    }
    return super.readSync(dataId);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const values = this.data.get(dataId)?.values;
    const disposed = super.disposeData(dataId, force);
    if (disposed && !this.data.has(dataId)) this.pool.recycle(values);
    return disposed;
  }
}
