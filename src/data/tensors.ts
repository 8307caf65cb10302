// Turns a batch into tfjs tensors. The batch's Float32Array becomes the tensor's storage on the
// CPU-side backends (cpu, native) with no copy, so do not reuse a batch's arrays afterwards.
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from './batches.ts';

export interface BatchTensors {
  /** float32 [batch, h, w, c]. */
  images: tf.Tensor4D;
  /** int32 [batch], when the batch has labels. */
  labels?: tf.Tensor1D;
  /** float32 [batch, classes], when the batch has one-hot labels. */
  oneHot?: tf.Tensor2D;
}

/** Wraps a batch's arrays as tensors (the caller disposes them, e.g. inside tf.tidy). */
export function batchTensors(batch: Batch): BatchTensors {
  const result: BatchTensors = { images: tf.tensor4d(batch.images, batch.shape, 'float32') };
  if (batch.labels) result.labels = tf.tensor1d(batch.labels, 'int32');
  if (batch.oneHot) result.oneHot = tf.tensor2d(batch.oneHot, [batch.shape[0], batch.classCount ?? 0], 'float32');
  return result;
}
