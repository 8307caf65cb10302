// Fused Adam step for one variable on the native backend (see native/src/kernels/adam.cc).
import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { NATIVE_BACKEND, registeredAddon } from './register.ts';
import { allocateFloat32, float32Values } from './tensors.ts';

/** Adam's constants for one step, each as tfjs would round it to float32. */
export interface AdamStepConstants {
  beta1: number;
  beta2: number;
  /** 1 - beta1^t and 1 - beta2^t for this step. */
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  learningRate: number;
  epsilon: number;
}

/**
 * New [value, m, v] tensors (shape of `value`) after one Adam step, computed in one native pass;
 * undefined when the active backend is not `native` or a tensor is not float32.
 */
export function nativeAdamStep(value: tf.Tensor, m: tf.Tensor, v: tf.Tensor, gradient: tf.Tensor,
  c: AdamStepConstants): [tf.Tensor, tf.Tensor, tf.Tensor] | undefined {
  // The addon comes from the registered backend, not from loading it here: this module is also in the
  // browser entry's graph (through the trainers), where the addon never exists.
  const addon = registeredAddon();
  if (!addon || tf.getBackend() !== NATIVE_BACKEND) return undefined;
  const backend = tf.backend() as MathBackendCPU;
  const arrays = [value, m, v, gradient].map((t) => float32Values(backend, t));
  if (arrays.some((a) => !a || a.length !== value.size)) return undefined;
  const [valueData, mData, vData, gData] = arrays as Float32Array[];
  const out = [0, 1, 2].map(() => allocateFloat32(backend, value.size));
  addon.adamUpdate(valueData, mData, vData, gData, out[0], out[1], out[2], c.beta1, 1 - c.beta1, c.beta2, 1 - c.beta2,
    c.oneMinusAccBeta1, c.oneMinusAccBeta2, -c.learningRate, c.epsilon);
  return [tf.tensor(out[0], value.shape), tf.tensor(out[1], value.shape), tf.tensor(out[2], value.shape)];
}
