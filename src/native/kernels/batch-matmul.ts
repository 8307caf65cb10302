// BatchMatMul and _FusedMatMul on oneDNN's matmul (Dense layers run through these).
import {
  BatchMatMul, type BatchMatMulAttrs, broadcast_util, _FusedMatMul,
  type _FusedMatMulAttrs, type KernelConfig, type TensorInfo, util,
} from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.ts';
import { activationCode } from '../geometry.ts';
import { allocateFloat32, cpuKernel, float32Values, outputTensor } from '../tensors.ts';

type MatMulInputs = { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
type MatMulArgs = { inputs: MatMulInputs; backend: MathBackendCPU; attrs: _FusedMatMulAttrs };

/**
 * a [...batch, m, k] (or [..., k, m] transposed) times b [...batch, k, n] → [...batch, m, n].
 * Returns undefined when tfjs's CPU kernel must run it (other dtypes, prelu, general broadcasting).
 */
function nativeMatMul(addon: NativeAddon, { inputs, backend, attrs }: MatMulArgs): TensorInfo | undefined {
  const { a, b, bias, preluActivationWeights } = inputs;
  const { transposeA, transposeB } = attrs;
  const code = activationCode(attrs.activation);
  const aValues = float32Values(backend, a);
  const bValues = float32Values(backend, b);
  const biasValues = bias ? float32Values(backend, bias) : null;
  if (code === undefined || preluActivationWeights || !aValues || !bValues || biasValues === undefined
    || a.shape.length < 2 || b.shape.length < 2) return undefined;
  const m = transposeA ? a.shape[a.shape.length - 1] : a.shape[a.shape.length - 2];
  const k = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
  const kB = transposeB ? b.shape[b.shape.length - 1] : b.shape[b.shape.length - 2];
  const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  if (k !== kB || m * n * k === 0) return undefined;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = util.sizeFromShape(outerA);
  const batchB = util.sizeFromShape(outerB);
  // oneDNN broadcasts a whole batch of 1; other broadcasts (e.g. [2,1] with [1,3]) stay in tfjs.
  const sameOuter = util.arraysEqual(outerA, outerB);
  if (!sameOuter && batchA !== 1 && batchB !== 1) return undefined;
  const outer = sameOuter ? outerA : broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  if (bias && util.sizeFromShape(bias.shape) !== n) return undefined;
  const out = allocateFloat32(backend, Math.max(batchA, batchB) * m * n);
  addon.batchMatMul(aValues, bValues, biasValues, out, batchA, batchB, m, k, n,
    transposeA ? 1 : 0, transposeB ? 1 : 0, code, attrs.leakyreluAlpha ?? 0.2);
  return outputTensor(backend, [...outer, m, n], out);
}

/** BatchMatMul kernel. */
export function batchMatMulKernel(addon: NativeAddon): KernelConfig {
  const fallback = cpuKernel(BatchMatMul);
  return {
    kernelName: BatchMatMul,
    backendName: 'native',
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args as unknown as { inputs: MatMulInputs; backend: MathBackendCPU; attrs: BatchMatMulAttrs };
      return nativeMatMul(addon, { inputs, backend, attrs: { ...attrs, activation: 'linear' } }) ?? fallback(args);
    },
  };
}

/** _FusedMatMul kernel: act(a · b + bias). */
export function fusedMatMulKernel(addon: NativeAddon): KernelConfig {
  const fallback = cpuKernel(_FusedMatMul);
  return {
    kernelName: _FusedMatMul,
    backendName: 'native',
    kernelFunc: (args) => nativeMatMul(addon, args as unknown as MatMulArgs) ?? fallback(args),
  };
}
