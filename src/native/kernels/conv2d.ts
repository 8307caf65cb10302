// Conv2D and FusedConv2D on oneDNN: conv, + bias, + activation in one primitive.
import {
  backend_util, Conv2D, type Conv2DAttrs, FusedConv2D, type FusedConv2DAttrs,
  type KernelConfig, type TensorInfo, util,
} from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.ts';
import { activationCode, convGeometry, nativeConvSupported } from '../geometry.ts';
import { allocateFloat32, cpuKernel, float32Values, outputTensor } from '../tensors.ts';

type ConvInputs = { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
type ConvAttrs = Omit<FusedConv2DAttrs, 'dimRoundingMode'> & Pick<Conv2DAttrs, 'dimRoundingMode'>;
type ConvArgs = { inputs: ConvInputs; backend: MathBackendCPU; attrs: ConvAttrs };

/** Runs a (fused) convolution natively; returns undefined when tfjs's CPU kernel must do it. */
function nativeConv(addon: NativeAddon, { inputs, backend, attrs }: ConvArgs): TensorInfo | undefined {
  const { x, filter, bias, preluActivationWeights } = inputs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
    attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, false,
    backend_util.convertConv2DDataFormat(attrs.dataFormat));
  const code = activationCode(attrs.activation);
  const xValues = float32Values(backend, x);
  const filterValues = float32Values(backend, filter);
  const biasValues = bias ? float32Values(backend, bias) : null;
  if (code === undefined || preluActivationWeights || !xValues || !filterValues || biasValues === undefined
    || !nativeConvSupported(info)) return undefined;
  // A bias broadcasts over the channel axis only when it holds one value per output channel.
  if (bias && util.sizeFromShape(bias.shape) !== info.outChannels) return undefined;
  const y = allocateFloat32(backend, util.sizeFromShape(info.outShape));
  addon.conv2d(xValues, filterValues, biasValues, y, ...convGeometry(info), code, attrs.leakyreluAlpha ?? 0.2);
  return outputTensor(backend, info.outShape, y);
}

/** Conv2D kernel: x [b, h, w, c] (or NCHW), filter [fh, fw, c, out] → y [b, oh, ow, out]. */
export function conv2dKernel(addon: NativeAddon): KernelConfig {
  const fallback = cpuKernel(Conv2D);
  return {
    kernelName: Conv2D,
    backendName: 'native',
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args as unknown as { inputs: ConvInputs; backend: MathBackendCPU; attrs: Conv2DAttrs };
      return nativeConv(addon, { inputs, backend, attrs: { ...attrs, activation: 'linear' } }) ?? fallback(args);
    },
  };
}

/** FusedConv2D kernel: act(conv(x, filter) + bias); prelu falls back to tfjs's CPU kernel. */
export function fusedConv2dKernel(addon: NativeAddon): KernelConfig {
  const fallback = cpuKernel(FusedConv2D);
  return {
    kernelName: FusedConv2D,
    backendName: 'native',
    kernelFunc: (args) => nativeConv(addon, args as unknown as ConvArgs) ?? fallback(args),
  };
}
