// Spectral normalisation of a kernel (forward and gradient) as two native-only kernels; src/native/spectral-norm.ts
// is the op and gradient that use them, src/tfjs/spectral-norm.ts the layers' normalisation.
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.ts';
import { allocateFloat32, outputTensor, requireFloat32 } from '../tensors.ts';

/** Kernel names (ganvae's own). */
export const SPECTRAL_NORM = 'GanvaeSpectralNorm';
export const SPECTRAL_NORM_GRAD = 'GanvaeSpectralNormGrad';

/**
 * Attributes of both kernels: where the kernel keeps its output channels (last: Dense, Conv2D; second last:
 * Conv2DTranspose [kh, kw, out, in]) and, for the forward kernel, whether to take a power-iteration step first.
 */
export interface SpectralNormAttrs {
  outputAxis: 'last' | 'secondLast';
  iterate: boolean;
}

/** The kernel as [outer, out, inner], PyTorch's matrix being [out, outer·inner]; throws on a kernel of rank < 2. */
export function kernelView(shape: readonly number[], outputAxis: SpectralNormAttrs['outputAxis'], kernelName: string): { outer: number; out: number; inner: number } {
  const rank = shape.length;
  if (rank < 2) throw new Error(`${kernelName}: the kernel must have rank >= 2, got shape [${shape}]`);
  const size = shape.reduce((a, b) => a * b, 1);
  const [out, inner] = outputAxis === 'last' ? [shape[rank - 1], 1] : [shape[rank - 2], shape[rank - 1]];
  return { outer: size / (out * inner), out, inner };
}

/** kernel [.., out(, in)], u [out], v [rest] → [kernel / σ (the kernel's shape), σ [], u' [out], v' [rest]]. */
export function spectralNormKernel(addon: NativeAddon): KernelConfig {
  return {
    kernelName: SPECTRAL_NORM,
    backendName: 'native',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { kernel, u, v } = inputs as { kernel: TensorInfo; u: TensorInfo; v: TensorInfo };
      const cpu = backend as MathBackendCPU;
      const { outputAxis, iterate } = attrs as unknown as SpectralNormAttrs;
      const { outer, out, inner } = kernelView(kernel.shape, outputAxis, SPECTRAL_NORM);
      const k = requireFloat32(cpu, kernel, 'kernel', SPECTRAL_NORM);
      const normalized = allocateFloat32(cpu, k.length);
      const sigma = new Float32Array(1);
      const uOut = new Float32Array(out);
      const vOut = new Float32Array(outer * inner);
      addon.spectralNorm(k, requireFloat32(cpu, u, 'u', SPECTRAL_NORM), requireFloat32(cpu, v, 'v', SPECTRAL_NORM), outer, out, inner, iterate ? 1 : 0,
        normalized, sigma, uOut, vOut);
      return [outputTensor(cpu, [...kernel.shape], normalized), outputTensor(cpu, [], sigma), outputTensor(cpu, [out], uOut),
        outputTensor(cpu, [outer * inner], vOut)];
    },
  };
}

/** kernel, dNormalized (the kernel's shape), u [out], v [rest], σ [], dσ [] (optional) → dKernel (the kernel's shape). */
export function spectralNormGradKernel(addon: NativeAddon): KernelConfig {
  return {
    kernelName: SPECTRAL_NORM_GRAD,
    backendName: 'native',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { kernel, dNormalized, u, v, sigma, dSigma } = inputs as Record<string, TensorInfo>;
      const cpu = backend as MathBackendCPU;
      const { outer, out, inner } = kernelView(kernel.shape, (attrs as unknown as SpectralNormAttrs).outputAxis, SPECTRAL_NORM_GRAD);
      if (dNormalized.shape.join() !== kernel.shape.join()) {
        throw new Error(`${SPECTRAL_NORM_GRAD}: dNormalized has shape [${dNormalized.shape}], the kernel [${kernel.shape}]`);
      }
      const k = requireFloat32(cpu, kernel, 'kernel', SPECTRAL_NORM_GRAD);
      const dKernel = allocateFloat32(cpu, k.length);
      addon.spectralNormGrad(k, requireFloat32(cpu, dNormalized, 'dNormalized', SPECTRAL_NORM_GRAD), requireFloat32(cpu, u, 'u', SPECTRAL_NORM_GRAD),
        requireFloat32(cpu, v, 'v', SPECTRAL_NORM_GRAD), requireFloat32(cpu, sigma, 'sigma', SPECTRAL_NORM_GRAD),
        dSigma ? requireFloat32(cpu, dSigma, 'dSigma', SPECTRAL_NORM_GRAD) : null, outer, out, inner, dKernel);
      return outputTensor(cpu, [...kernel.shape], dKernel);
    },
  };
}
