// y = activation(x + bias) as one differentiable op whose gradient is computed from y alone. tfjs-layers'
// Conv2DTranspose adds its bias and applies its activation as separate ops that each keep their input for the
// backward pass: two extra full-size tensors per layer until the step ends. This op keeps only y.
import * as tf from '@tensorflow/tfjs-core';

/** Activations whose derivative is a function of their output. */
export const OUTPUT_DIFFERENTIABLE = ['linear', 'relu', 'sigmoid', 'tanh'] as const;
export type OutputDifferentiable = (typeof OUTPUT_DIFFERENTIABLE)[number];

const activate: Record<OutputDifferentiable, (t: tf.Tensor) => tf.Tensor> = {
  linear: (t) => t,
  relu: tf.relu,
  sigmoid: tf.sigmoid,
  tanh: tf.tanh,
};

/** dy · f'(x) written with y = f(x). */
const backward: Record<OutputDifferentiable, (dy: tf.Tensor, y: tf.Tensor) => tf.Tensor> = {
  linear: (dy) => dy,
  relu: (dy, y) => tf.mul(dy, tf.step(y)),
  sigmoid: (dy, y) => tf.mul(dy, tf.mul(y, tf.sub(1, y))),
  tanh: (dy, y) => tf.mul(dy, tf.sub(1, tf.square(y))),
};

/** x [.., C], bias [C] → activation(x + bias) of x's shape; differentiable in x and bias. */
export function biasActivation(x: tf.Tensor, bias: tf.Tensor1D, activation: OutputDifferentiable): tf.Tensor {
  const op = tf.customGrad((...args) => {
    const [input, b, save] = args as [tf.Tensor, tf.Tensor1D, tf.GradSaveFunc];
    const y = activate[activation](tf.add(input, b));
    save([y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const dPre = backward[activation](dy, saved[0]);
        return [dPre, tf.sum(dPre, [...Array(dPre.rank - 1).keys()])];
      },
    };
  });
  return op(x, bias) as tf.Tensor;
}
