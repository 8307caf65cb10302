// Access to the CPU backend's typed arrays, so native kernels read and write them in place.
import { type DataType, type KernelConfig, type KernelFunc, type TensorInfo, getKernel } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/**
 * The float32 values behind `t`, or undefined when `t` is not float32 (the kernel then falls back).
 * tfjs's CPU Cast from bool or int32 keeps the source's Uint8Array/Int32Array under dtype float32;
 * such values are converted once and stored back, so later kernels read them directly.
 */
export function float32Values(backend: MathBackendCPU, t: TensorInfo): Float32Array | undefined {
  if (t.dtype !== 'float32') return undefined;
  const entry = backend.data.get(t.dataId);
  if (entry.values instanceof Float32Array) return entry.values;
  if (entry.values instanceof Uint8Array || entry.values instanceof Int32Array) {
    const converted = Float32Array.from(entry.values);
    entry.values = converted;
    return converted;
  }
  return undefined;
}

/** float32Values for a kernel that has no fallback: throws naming the kernel and the input when `t` is not float32. */
export function requireFloat32(backend: MathBackendCPU, t: TensorInfo, name: string, kernelName: string): Float32Array {
  const values = float32Values(backend, t);
  if (!values) throw new Error(`${kernelName}: ${name} must be float32, got ${t.dtype}`);
  return values;
}

/**
 * An output buffer of `length` float32s for a kernel that overwrites every element: from the backend's
 * pool when it has one (contents stale), else zero-filled.
 */
export function allocateFloat32(backend: MathBackendCPU, length: number): Float32Array {
  const pool = (backend as { pool?: { take(length: number): Float32Array } }).pool;
  return pool ? pool.take(length) : new Float32Array(length);
}

/** Wraps a freshly written output buffer as a tensor owned by `backend`. */
export function outputTensor(backend: MathBackendCPU, shape: number[], values: Float32Array, dtype: DataType = 'float32'): TensorInfo {
  return backend.makeTensorInfo(shape, dtype, values);
}

/** tfjs's own CPU implementation of `kernelName`, used where oneDNN has no equivalent. */
export function cpuKernel(kernelName: string): KernelFunc {
  const config: KernelConfig | undefined = getKernel(kernelName, 'cpu');
  if (!config) throw new Error(`ganvae native backend: tfjs's cpu backend has no ${kernelName} kernel to fall back to`);
  return config.kernelFunc;
}
