// Select (tf.where): condition ? t : e for float32 operands of one shape, in C++.
import { type KernelConfig, Select, type TensorInfo, util } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.ts';
import { allocateFloat32, cpuKernel, float32Values, outputTensor } from '../tensors.ts';

/** condition (bool) [..], t [..], e [..] of one shape → out [..]; other cases fall back to tfjs. */
export function selectKernel(addon: NativeAddon): KernelConfig {
  const fallback = cpuKernel(Select);
  return {
    kernelName: Select,
    backendName: 'native',
    kernelFunc: (args) => {
      const { inputs, backend } = args as unknown as {
        inputs: { condition: TensorInfo; t: TensorInfo; e: TensorInfo }; backend: MathBackendCPU };
      const { condition, t, e } = inputs;
      const conditionValues = backend.data.get(condition.dataId).values;
      const tValues = float32Values(backend, t);
      const eValues = float32Values(backend, e);
      if (!(conditionValues instanceof Uint8Array) || !tValues || !eValues
        || !util.arraysEqual(condition.shape, t.shape) || !util.arraysEqual(t.shape, e.shape)) return fallback(args);
      const out = allocateFloat32(backend, tValues.length);
      addon.select(conditionValues, tValues, eValues, out);
      return outputTensor(backend, [...t.shape], out);
    },
  };
}
