// A tfjs-layers layer holding a learned Gaussian log σ (one global value or one per pixel), so the
// decoder's model.json carries it and optimizers/checkpoints treat it like any other weight.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Options of `LearnedLogScale`: `shape` is [1, 1, 1] (global) or [h, w, c] (per pixel). */
export interface LearnedLogScaleArgs {
  shape: [number, number, number];
  /** log σ the weight starts at. */
  initialLogScale: number;
  /** log σ is clipped from below: an unbounded σ → 0 on constant pixels drives the loss to -∞. */
  minLogScale: number;
  name?: string;
}

/**
 * Ignores its input's values and returns the learned log σ broadcast to the input's shape:
 * input [batch, h, w, c] (the decoder's mean) → output [batch, h, w, c].
 */
export class LearnedLogScale extends tfl.layers.Layer {
  static className = 'GanvaeLearnedLogScale';
  private readonly args: LearnedLogScaleArgs;
  private logScale!: tfl.LayerVariable;

  constructor(args: LearnedLogScaleArgs) {
    super({ name: args.name });
    this.args = { shape: [...args.shape], initialLogScale: args.initialLogScale, minLogScale: args.minLogScale };
  }

  override build(): void {
    this.logScale = this.addWeight('log_scale', this.args.shape, 'float32', tfl.initializers.constant({ value: this.args.initialLogScale }));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const like = Array.isArray(inputs) ? inputs[0] : inputs;
      const clipped = tf.maximum(this.logScale.read(), this.args.minLogScale);
      return tf.add(tf.zerosLike(like), clipped);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}

tf.serialization.registerClass(LearnedLogScale);
