// Convolutions into 1-4 output channels (forward and weight gradient) computed with SIMD lanes over output columns
// (narrow_conv.cc), where oneDNN would waste most of each vector on absent channels.
#pragma once

#include "../common.h"

namespace ganvae {

// Whether the narrow kernels compute `g`: channels last, 1-4 output channels, stride 1, no dilation.
bool narrowConvApplies(const ConvGeometry& g);

// y [n, oh, ow, outC] = conv(x [n, h, w, inC], filter [fh, fw, inC, outC]) + bias [outC] (bias may be null).
void narrowConvForward(const ConvGeometry& g, const float* x, const float* filter, const float* bias, float* y);

// dFilter [fh, fw, inC, outC] = the weight gradient of that convolution, from x and dy [n, oh, ow, outC]: each image's
// part in float, the images' parts added in order (the same result at any thread count).
void narrowConvBackwardFilter(const ConvGeometry& g, const float* x, const float* dy, float* dFilter);

}  // namespace ganvae
