// Gradients that tfjs composes wastefully, registered in the same form with fewer full-size passes.
// Gradients are global in tfjs (not per backend); each replacement computes the same values bit for bit.
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, type GradConfig, Mean, Relu, util } from '@tensorflow/tfjs-core';

/**
 * Mean: tfjs multiplies dy by a full-size tensor of ones built in a JavaScript loop, then divides;
 * dividing dy first and broadcasting gives the same values (dy·1 = dy) without the ones.
 */
const meanGrad: GradConfig = {
  kernelName: Mean,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const axes = util.parseAxisParam((attrs as unknown as { axis: number | number[] }).axis, x.shape);
    const reduceSize = util.sizeFromShape(backend_util.computeOutAndReduceShapes(x.shape, axes)[1]);
    return {
      x: () => {
        const expandedShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
        return tf.broadcastTo(tf.div(tf.reshape(dy as tf.Tensor, expandedShape), reduceSize), x.shape);
      },
    };
  },
};

/**
 * Relu: tfjs keeps the input x for dy·step(x); step(relu(x)) = step(x) everywhere (NaN and ±0 included), so
 * keeping the output instead lets x be freed when nothing else needs it — PyTorch's in-place ReLU, in effect
 * (DCGAN's BatchNorm → ReLU: one full-size tensor less per layer until the backward pass).
 */
const reluGrad: GradConfig = {
  kernelName: Relu,
  outputsToSave: [true],
  gradFunc: (dy, saved) => {
    const [y] = saved;
    return { x: () => tf.mul(dy as tf.Tensor, tf.cast(tf.step(y), 'float32')) };
  },
};

/** Registers the replacement gradients (idempotent). */
export function registerFastGradients(): void {
  tf.registerGradient(meanGrad);
  tf.registerGradient(reluGrad);
}
