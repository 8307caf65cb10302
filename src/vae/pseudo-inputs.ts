// A tfjs-layers layer holding the VampPrior's K learned pseudo-inputs u_k = sigmoid(w_k) as one weight w
// [K, h, w, c], so model/pseudo-inputs/model.json carries them and optimizers/checkpoints treat them like any weight.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Options of `PseudoInputs`. */
export interface PseudoInputsArgs {
  /** K, the number of pseudo-inputs. */
  count: number;
  /** [h, w, c] of one pseudo-input (the images'). */
  imageShape: [number, number, number];
  /** Seed of the logits' N(mean, stddev²) draws. */
  seed: number;
  name?: string;
}

/**
 * Where the logits w_k start: N(−0.05, 0.01²), the reference implementation's default
 * (jmtomczak/vae_vampprior, `--pseudoinputs_mean/std`), so every u_k starts near a flat grey 0.49.
 */
export const PSEUDO_INPUT_INIT = { mean: -0.05, stddev: 0.01 };

/**
 * Ignores its input's values and returns the pseudo-inputs: input [K, 1] (one row per pseudo-input) →
 * sigmoid(w) [K, h, w, c] in (0, 1). Reading the weight whole keeps the gradient a plain copy (an
 * embedding lookup's gradient is a segment sum over K rows, and a dense layer on one-hot rows a K×K product).
 */
export class PseudoInputs extends tfl.layers.Layer {
  static className = 'GanvaePseudoInputs';
  private readonly args: PseudoInputsArgs;
  private logits!: tfl.LayerVariable;

  constructor(args: PseudoInputsArgs) {
    super({ name: args.name });
    this.args = { count: args.count, imageShape: [...args.imageShape], seed: args.seed };
  }

  override build(): void {
    const init = tfl.initializers.randomNormal({ ...PSEUDO_INPUT_INIT, seed: this.args.seed });
    this.logits = this.addWeight('logits', [this.args.count, ...this.args.imageShape], 'float32', init);
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [shape[0], ...this.args.imageShape];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const rows = (Array.isArray(inputs) ? inputs[0] : inputs).shape[0];
    if (rows !== this.args.count) throw new Error(`PseudoInputs: input has ${rows} rows; this layer holds ${this.args.count} pseudo-inputs`);
    return tf.tidy(() => tf.sigmoid(this.logits.read()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}

tf.serialization.registerClass(PseudoInputs);
