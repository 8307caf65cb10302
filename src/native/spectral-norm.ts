// Spectral normalisation of a kernel on the native backend's fused kernels, and its gradient. One kernel call
// replaces the ~25 small ops of a power-iteration step and the division (src/tfjs/spectral-norm.ts's composition),
// and one the ~10 of its gradient. A backward pass that is itself being differentiated runs in tfjs ops instead.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';
import { SPECTRAL_NORM, SPECTRAL_NORM_GRAD, type SpectralNormAttrs } from './kernels/spectral-norm.ts';

/** Whether the active backend has the fused kernels (the `native` backend does; others compose tfjs ops). */
export function hasFusedSpectralNorm(): boolean {
  return tf.getKernel(SPECTRAL_NORM, tf.getBackend()) !== undefined;
}

/**
 * kernel [.., out] (or [.., out, in] with outputAxis 'secondLast'), u [out], v [rest] → [kernel / σ, σ [], u' [out],
 * v' [rest]]: with `iterate`, u' and v' are one power-iteration step from u (torch's), else u and v. Differentiable
 * in the kernel through the first two outputs, u and v held constant.
 */
export function fusedSpectralNorm(kernel: tf.Tensor, u: tf.Tensor1D, v: tf.Tensor1D, attrs: SpectralNormAttrs): [tf.Tensor, tf.Scalar, tf.Tensor1D, tf.Tensor1D] {
  return tf.engine().runKernel(SPECTRAL_NORM, { kernel, u, v }, attrs as unknown as NamedAttrMap) as unknown as [tf.Tensor, tf.Scalar, tf.Tensor1D, tf.Tensor1D];
}

/**
 * The gradient: saves the kernel, σ, u' and v' (no intermediate of the kernel's size). While a tape records the
 * backward pass, it is composed of tfjs ops (`differentiableGradient`) instead of the fused kernel.
 */
export const spectralNormGrad: GradConfig = {
  kernelName: SPECTRAL_NORM,
  inputsToSave: ['kernel'],
  outputsToSave: [false, true, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [dNormalized, dSigma] = dys as (tf.Tensor | null)[];
    const [kernel, sigma, u, v] = saved;
    const { outputAxis } = attrs as unknown as SpectralNormAttrs;
    const dKernel = () => {
      const dN = dNormalized ?? tf.zerosLike(kernel);
      return tf.engine().isTapeOn()
        ? differentiableGradient(kernel, dN, u as tf.Tensor1D, v as tf.Tensor1D, dSigma, outputAxis)
        : tf.engine().runKernel(SPECTRAL_NORM_GRAD, { kernel, dNormalized: dN, u, v, sigma, ...(dSigma ? { dSigma } : {}) }, attrs as NamedAttrMap) as tf.Tensor;
    };
    return { kernel: dKernel, u: () => tf.zerosLike(u), v: () => tf.zerosLike(v) };
  },
};

/** v uᵀ laid out as the kernel: the derivative of σ = uᵀ W v in the kernel. u [out], v [rest] → the kernel's shape. */
function sigmaDerivative(shape: number[], u: tf.Tensor1D, v: tf.Tensor1D, outputAxis: SpectralNormAttrs['outputAxis']): tf.Tensor {
  const outer = tf.outerProduct(v, u);
  if (outputAxis === 'last') return tf.reshape(outer, shape);
  const rank = shape.length;
  const swapped = [...shape.slice(0, rank - 2), shape[rank - 1], shape[rank - 2]];
  return tf.transpose(tf.reshape(outer, swapped), [...Array(rank - 2).keys(), rank - 1, rank - 2]);
}

/**
 * The fused gradient in differentiable tfjs ops: dKernel = dN/σ + (dσ − Σ(dN·kernel)/σ²)·v uᵀ. σ = Σ(kernel·v uᵀ) is
 * recomputed from the kernel: a saved output is a copy that an outer gradient would not trace back to it.
 */
function differentiableGradient(kernel: tf.Tensor, dNormalized: tf.Tensor, u: tf.Tensor1D, v: tf.Tensor1D, dSigma: tf.Tensor | null,
  outputAxis: SpectralNormAttrs['outputAxis']): tf.Tensor {
  const derivative = sigmaDerivative(kernel.shape, u, v, outputAxis);
  const sigma = tf.sum(tf.mul(kernel, derivative));
  const throughSigma = tf.sub(dSigma ?? tf.scalar(0), tf.div(tf.sum(tf.mul(dNormalized, kernel)), tf.square(sigma)));
  return tf.add(tf.div(dNormalized, sigma), tf.mul(throughSigma, derivative));
}
