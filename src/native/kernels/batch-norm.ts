// FusedBatchNorm forward (tf.batchNorm, and tfjs-layers' BatchNormalization), in C++.
import { FusedBatchNorm, type FusedBatchNormAttrs, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.ts';
import { allocateFloat32, cpuKernel, float32Values, outputTensor } from '../tensors.ts';

/** x [.., C] with mean, variance, offset?, scale? (usually [C]) → y of x's shape. */
export function batchNormKernel(addon: NativeAddon): KernelConfig {
  const fallback = cpuKernel(FusedBatchNorm);
  return {
    kernelName: FusedBatchNorm,
    backendName: 'native',
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args as unknown as {
        inputs: { x: TensorInfo; mean: TensorInfo; variance: TensorInfo; offset?: TensorInfo; scale?: TensorInfo };
        backend: MathBackendCPU; attrs: FusedBatchNormAttrs };
      const { x, mean, variance, offset, scale } = inputs;
      // tfjs's own kernel checks ranks and raises its errors; let it handle anything unusual.
      if (mean.shape.length !== variance.shape.length || (offset && offset.shape.length !== mean.shape.length)
        || (scale && scale.shape.length !== mean.shape.length)) return fallback(args);
      const [xv, mv, vv] = [x, mean, variance].map((t) => float32Values(backend, t));
      const ov = offset ? float32Values(backend, offset) : null;
      const sv = scale ? float32Values(backend, scale) : null;
      if (!xv || !mv || !vv || ov === undefined || sv === undefined || xv.length === 0) return fallback(args);
      const y = allocateFloat32(backend, xv.length);
      addon.batchNorm(xv, mv, vv, ov, sv, y, attrs.varianceEpsilon ?? 0.001);
      return outputTensor(backend, [...x.shape], y);
    },
  };
}
