// The exponential moving average of a weight, as the EMA generator keeps it: one fused pass on the `native`
// backend, tfjs's element-wise ops elsewhere, with the same float32 results on both.
import * as tf from '@tensorflow/tfjs-core';
import { nativeMovingAverage } from '../native/moving-average.ts';

/** average·decay + value·(1 − decay), element-wise; `average` and `value` of one shape, float32 → a new tensor. */
export function movingAverage(average: tf.Tensor, value: tf.Tensor, decay: number): tf.Tensor {
  if (!tf.util.arraysEqual(average.shape, value.shape)) {
    throw new Error(`movingAverage: the average has shape [${average.shape}] and the value [${value.shape}]; they must be equal`);
  }
  return nativeMovingAverage(average, value, decay) ?? tf.tidy(() => tf.add(tf.mul(average, decay), tf.mul(value, 1 - decay)));
}
