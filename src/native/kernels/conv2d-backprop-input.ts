// Conv2DBackpropInput on oneDNN: the input gradient of Conv2D and the forward pass of Conv2DTranspose.
import {
  backend_util, Conv2DBackpropInput, type Conv2DBackpropInputAttrs, 
  type KernelConfig, type TensorInfo, util,
} from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.ts';
import { convGeometry, nativeConvSupported } from '../geometry.ts';
import { allocateFloat32, cpuKernel, float32Values, outputTensor } from '../tensors.ts';

/** dy [b, oh, ow, out], filter [fh, fw, in, out] → dx of shape attrs.inputShape [b, h, w, in]. */
export function conv2dBackpropInputKernel(addon: NativeAddon): KernelConfig {
  const fallback = cpuKernel(Conv2DBackpropInput);
  return {
    kernelName: Conv2DBackpropInput,
    backendName: 'native',
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args as unknown as {
        inputs: { dy: TensorInfo; filter: TensorInfo }; backend: MathBackendCPU; attrs: Conv2DBackpropInputAttrs };
      const { dy, filter } = inputs;
      const info = backend_util.computeConv2DInfo(
        attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad,
        attrs.dimRoundingMode, false, backend_util.convertConv2DDataFormat(attrs.dataFormat));
      const dyValues = float32Values(backend, dy);
      const filterValues = float32Values(backend, filter);
      if (!dyValues || !filterValues || !nativeConvSupported(info)
        || !util.arraysEqual(dy.shape, info.outShape)) return fallback(args);
      const dx = allocateFloat32(backend, util.sizeFromShape(attrs.inputShape));
      addon.conv2dBackpropInput(dyValues, filterValues, dx, ...convGeometry(info));
      return outputTensor(backend, [...attrs.inputShape], dx);
    },
  };
}
