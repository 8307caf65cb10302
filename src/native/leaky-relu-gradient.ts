// LeakyRelu's gradient on the native backend's one-pass kernel. Gradients are global in tfjs, so this replaces
// tfjs's for every backend: where the active backend lacks the kernel, or while a tape records the backward pass
// (R1 and WGAN-GP differentiate it again), it is tfjs's own composition, where(x > 0, dy, dy·alpha). Both give
// the same values bit for bit.
import * as tf from '@tensorflow/tfjs-core';
import { type GradConfig, LeakyRelu, type NamedAttrMap } from '@tensorflow/tfjs-core';
import { LEAKY_RELU_GRAD } from './kernels/leaky-relu-grad.ts';

export const leakyReluGrad: GradConfig = {
  kernelName: LeakyRelu,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const { alpha } = attrs as unknown as { alpha: number };
    return {
      x: () => (!tf.engine().isTapeOn() && tf.getKernel(LEAKY_RELU_GRAD, tf.getBackend())
        ? tf.engine().runKernel(LEAKY_RELU_GRAD, { x, dy: dy as tf.Tensor }, { alpha } as unknown as NamedAttrMap) as tf.Tensor
        : tf.where(tf.greater(x, 0), dy as tf.Tensor, tf.mul(dy as tf.Tensor, alpha))),
    };
  },
};
