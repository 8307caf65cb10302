// Translates tfjs's convolution description and fused activations into the addon's arguments.
import { backend_util } from '@tensorflow/tfjs-core';

/** The 18 geometry arguments the C++ kernels parse (native/src/common.h, ConvGeometry). */
export function convGeometry(info: backend_util.Conv2DInfo): number[] {
  return [
    info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.outHeight, info.outWidth, info.outChannels, info.filterHeight, info.filterWidth,
    info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
    info.padInfo.top, info.padInfo.left, info.padInfo.bottom, info.padInfo.right,
    info.dataFormat === 'channelsLast' ? 1 : 0,
  ];
}

/**
 * Whether oneDNN can run this geometry: every size positive and the output size the one that
 * floor((in + pads - span) / stride) + 1 gives (tfjs's 'ceil' rounding can disagree).
 */
export function nativeConvSupported(info: backend_util.Conv2DInfo): boolean {
  const { padInfo: p } = info;
  const sizes = [info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight,
    info.outWidth, info.outChannels, info.filterHeight, info.filterWidth];
  if (sizes.some((s) => s < 1) || p.top < 0 || p.bottom < 0 || p.left < 0 || p.right < 0) return false;
  const fits = (input: number, output: number, filter: number, stride: number, dilation: number, pad: number) => {
    const room = input + pad - ((filter - 1) * dilation + 1);
    return room >= 0 && Math.floor(room / stride) + 1 === output;
  };
  return fits(info.inHeight, info.outHeight, info.filterHeight, info.strideHeight, info.dilationHeight, p.top + p.bottom)
    && fits(info.inWidth, info.outWidth, info.filterWidth, info.strideWidth, info.dilationWidth, p.left + p.right);
}

/** tfjs's fused activation → the addon's code: native/src/ops.def's GANVAE_ACTIVATION list, exactly (test/native/registry.test.ts). */
export const ACTIVATION_CODES: Readonly<Record<string, number>> = {
  linear: 0, relu: 1, relu6: 2, leakyrelu: 3, sigmoid: 4, elu: 5,
};

/** The addon's code for a fused activation, or undefined when it has none (prelu). */
export function activationCode(activation: string | undefined): number | undefined {
  return ACTIVATION_CODES[activation ?? 'linear'];
}
