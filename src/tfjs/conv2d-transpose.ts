// tfjs-layers' Conv2DTranspose whose bias and activation run as one op that keeps only its output for the
// backward pass (bias-activation.ts). Same class name, weights and config: saved models load unchanged anywhere.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { tfjsLayerClass } from './layer-class.ts';
import { biasActivation, OUTPUT_DIFFERENTIABLE, type OutputDifferentiable } from './bias-activation.ts';

type Conv2DTransposeLayer = ReturnType<typeof tfl.layers.conv2dTranspose>;
type Conv2DTransposeArgs = Parameters<typeof tfl.layers.conv2dTranspose>[0];

/** The members of tfjs's Conv2DTranspose the fused call swaps out (private in its typings). */
interface Conv2DTransposeInternals {
  dataFormat: string;
  bias: { read(): tf.Tensor } | null;
  activation: { getClassName(): string } | null;
}

const Conv2DTransposeBase = tfjsLayerClass<new (args: Conv2DTransposeArgs) => Conv2DTransposeLayer>('Conv2DTranspose');

/** Conv2DTranspose with its bias and activation fused (channels-last, activations differentiable from their output). */
export class FusedConv2DTranspose extends Conv2DTransposeBase {
  /** Same name as tfjs's layer: model.json files stay standard. */
  static className = 'Conv2DTranspose';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const self = this as unknown as Conv2DTransposeInternals;
    const { bias, activation } = self;
    const name = activation?.getClassName() ?? 'linear';
    if (!bias || self.dataFormat !== 'channelsLast' || !(OUTPUT_DIFFERENTIABLE as readonly string[]).includes(name)) {
      return super.call(inputs, kwargs);
    }
    // tfjs's call computes the transposed convolution alone while bias and activation are unset.
    self.bias = null;
    self.activation = null;
    try {
      return tf.tidy(() => biasActivation(super.call(inputs, kwargs) as tf.Tensor, bias.read() as tf.Tensor1D, name as OutputDifferentiable));
    } finally {
      self.bias = bias;
      self.activation = activation;
    }
  }
}

/** A Conv2DTranspose layer (fused bias + activation); same arguments as tf.layers.conv2dTranspose. */
export function conv2dTranspose(args: Conv2DTransposeArgs): Conv2DTransposeLayer {
  return new FusedConv2DTranspose(args);
}
