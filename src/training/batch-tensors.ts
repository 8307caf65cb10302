// Turns a data batch (typed arrays) into the training batch (tensors). The batch's Float32Array becomes the
// tensor's storage on the CPU-side backends (cpu, native) with no copy, so do not reuse its arrays afterwards.
import * as tf from '@tensorflow/tfjs-core';
import type { Batch as DataBatch } from '../data/batches.ts';
import type { Batch } from './trainable.ts';

/** Wraps a batch's arrays as tensors: images [batch, h, w, c], labels [batch] (the caller disposes them). */
export function batchTensors(batch: DataBatch): Batch {
  const result: Batch = { images: tf.tensor4d(batch.images, batch.shape, 'float32') };
  if (batch.labels) result.labels = tf.tensor1d(batch.labels, 'int32');
  return result;
}
