// Zero gradients for tfjs's comparison kernels, which tfjs registers none for. WGAN-GP differentiates a
// backward pass: LeakyReLU's gradient contains Greater(x, 0), which then lies on the path from the critic's
// weights to the penalty; its true derivative is 0 almost everywhere, so the outer pass needs exactly that.
import { getGradient, registerGradient, zerosLike, type Tensor } from '@tensorflow/tfjs-core';

const COMPARISONS = ['Greater', 'Less', 'LessEqual', 'Equal', 'NotEqual'];

/** Registers a zero gradient for each comparison kernel that has none (idempotent). */
export function registerComparisonGradients(): void {
  for (const kernelName of COMPARISONS) {
    if (getGradient(kernelName)) continue;
    registerGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy: Tensor | Tensor[], saved: Tensor[]) => ({ a: () => zerosLike(saved[0]), b: () => zerosLike(saved[1]) }),
    });
  }
}
