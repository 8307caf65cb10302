// Fused exponential-moving-average update of one tensor on the native backend (see native/src/kernels/moving_average.cc).
import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { NATIVE_BACKEND, registeredAddon } from './register.ts';
import { allocateFloat32, float32Values } from './tensors.ts';

/**
 * average·decay + value·(1 − decay) (shape of `average`) in one native pass, bit-identical to tfjs's
 * add(mul(average, decay), mul(value, 1 − decay)); undefined when the active backend is not `native`, a tensor
 * is not float32 or the sizes differ.
 */
export function nativeMovingAverage(average: tf.Tensor, value: tf.Tensor, decay: number): tf.Tensor | undefined {
  // From the registered backend, as adam.ts: this module is in the browser entry's graph too.
  const addon = registeredAddon();
  if (!addon || tf.getBackend() !== NATIVE_BACKEND) return undefined;
  const backend = tf.backend() as MathBackendCPU;
  const a = float32Values(backend, average);
  const v = float32Values(backend, value);
  if (!a || !v || a.length !== average.size || v.length !== average.size || value.size !== average.size) return undefined;
  const out = allocateFloat32(backend, average.size);
  addon.movingAverage(a, v, out, decay, 1 - decay);
  return tf.tensor(out, average.shape);
}
