// Conv2DBackpropFilter on oneDNN: the filter gradient of Conv2D (and of Conv2DTranspose).
import {
  backend_util, Conv2DBackpropFilter, type Conv2DBackpropFilterAttrs, 
  type KernelConfig, type TensorInfo, util,
} from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.ts';
import { convGeometry, nativeConvSupported } from '../geometry.ts';
import { allocateFloat32, cpuKernel, float32Values, outputTensor } from '../tensors.ts';

/** x [b, h, w, in], dy [b, oh, ow, out] → dFilter of shape attrs.filterShape [fh, fw, in, out]. */
export function conv2dBackpropFilterKernel(addon: NativeAddon): KernelConfig {
  const fallback = cpuKernel(Conv2DBackpropFilter);
  return {
    kernelName: Conv2DBackpropFilter,
    backendName: 'native',
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args as unknown as {
        inputs: { x: TensorInfo; dy: TensorInfo }; backend: MathBackendCPU; attrs: Conv2DBackpropFilterAttrs };
      const { x, dy } = inputs;
      const info = backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad,
        attrs.dimRoundingMode, false, backend_util.convertConv2DDataFormat(attrs.dataFormat));
      const xValues = float32Values(backend, x);
      const dyValues = float32Values(backend, dy);
      if (!xValues || !dyValues || !nativeConvSupported(info)
        || !util.arraysEqual(dy.shape, info.outShape)) return fallback(args);
      const dFilter = allocateFloat32(backend, util.sizeFromShape(attrs.filterShape));
      addon.conv2dBackpropFilter(xValues, dyValues, dFilter, ...convGeometry(info));
      return outputTensor(backend, [...attrs.filterShape], dFilter);
    },
  };
}
