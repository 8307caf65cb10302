// Reductions over any axes of a float32 tensor (Sum, Mean, Max, Min, Prod), in C++.
import { backend_util, type KernelConfig, Max, Mean, Min, Prod, Sum, type TensorInfo, util } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.ts';
import { allocateFloat32, cpuKernel, float32Values, outputTensor } from '../tensors.ts';

/** tfjs kernel name → the addon's op code: native/src/ops.def's GANVAE_REDUCE_OP list, exactly (test/native/registry.test.ts). */
export const REDUCE_OPS: Array<[string, number]> = [[Sum, 0], [Mean, 1], [Max, 2], [Min, 3], [Prod, 4]];

/** One KernelConfig per reduction: x [..] → x without the reduced axes (kept as 1s with keepDims). */
export function reduceKernels(addon: NativeAddon): KernelConfig[] {
  return REDUCE_OPS.map(([kernelName, op]) => {
    const fallback = cpuKernel(kernelName);
    return {
      kernelName,
      backendName: 'native',
      kernelFunc: (args) => {
        const { inputs, backend, attrs } = args as unknown as {
          inputs: { x: TensorInfo }; backend: MathBackendCPU;
          attrs: { axis?: number | number[]; reductionIndices?: number | number[]; keepDims: boolean } };
        const { x } = inputs;
        const values = float32Values(backend, x);
        if (!values) return fallback(args);
        // Max names its axes `reductionIndices`; the others `axis`.
        const axes = util.parseAxisParam(attrs.axis ?? attrs.reductionIndices ?? [], x.shape);
        const [outShape, reduceShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
        if (util.sizeFromShape(reduceShape) === 0 || axes.length === 0) return fallback(args);
        const out = allocateFloat32(backend, util.sizeFromShape(outShape));
        addon.reduce(values, x.shape, axes, out, op);
        return outputTensor(backend, attrs.keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape, out);
      },
    };
  });
}
