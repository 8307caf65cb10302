// Forward convolutions into 1-4 output channels computed with SIMD lanes over output columns (narrow_conv.cc), where
// oneDNN would waste most of each vector on absent channels.
#pragma once

#include "../common.h"

namespace ganvae {

// Whether the narrow kernels compute `g`: channels last, 1-4 output channels, stride 1, no dilation.
bool narrowConvApplies(const ConvGeometry& g);

// y [n, oh, ow, outC] = conv(x [n, h, w, inC], filter [fh, fw, inC, outC]) + bias [outC] (bias may be null).
void narrowConvForward(const ConvGeometry& g, const float* x, const float* filter, const float* bias, float* y);

}  // namespace ganvae
