// tfjs-layers' BatchNormalization with a fused training step: on the `native` backend one kernel computes the
// batch statistics and the normalisation, and one its gradient (src/native/batch-norm-training.ts). The layer
// keeps tfjs's class name, weights and config, so saved models load unchanged anywhere (the browser included).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { tfjsLayerClass } from './layer-class.ts';
import { batchNormTraining, hasFusedBatchNormTraining } from '../native/batch-norm-training.ts';

type BatchNormalizationLayer = ReturnType<typeof tfl.layers.batchNormalization>;
type BatchNormalizationArgs = NonNullable<Parameters<typeof tfl.layers.batchNormalization>[0]>;

/** A tfjs-layers LayerVariable, as far as the fused step uses it. */
interface LayerVariable {
  read(): tf.Tensor;
  write(value: tf.Tensor): void;
}

/** The members of tfjs's BatchNormalization that the fused step uses (private in its typings). */
interface BatchNormalizationInternals {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: LayerVariable;
  beta: LayerVariable;
  movingMean: LayerVariable;
  movingVariance: LayerVariable;
}

const BatchNormalizationBase = tfjsLayerClass<new (args?: BatchNormalizationArgs) => BatchNormalizationLayer>('BatchNormalization');

/** BatchNormalization whose training-mode call runs as one fused kernel where the backend has it. */
export class FusedBatchNormalization extends BatchNormalizationBase {
  /** Same name as tfjs's layer: model.json files stay standard. */
  static className = 'BatchNormalization';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor | tf.Tensor[] {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const self = this as unknown as BatchNormalizationInternals;
    const lastAxis = self.axis === -1 || self.axis === input.rank - 1;
    if (!kwargs.training || !lastAxis || !self.center || !self.scale || input.dtype !== 'float32' || !hasFusedBatchNormTraining()) {
      return super.call(inputs, kwargs);
    }
    return tf.tidy(() => {
      const [y, mean, variance] = batchNormTraining(input, self.gamma.read() as tf.Tensor1D, self.beta.read() as tf.Tensor1D, self.epsilon);
      // tfjs-layers' moving-average update, term for term: v ← v − (v − batch)·(1 − momentum).
      for (const [variable, batch] of [[self.movingMean, mean], [self.movingVariance, variance]] as const) {
        tf.tidy(() => {
          const current = variable.read();
          variable.write(tf.sub(current, tf.mul(tf.sub(current, batch), 1 - self.momentum)));
        });
      }
      return y;
    });
  }
}

/** A BatchNormalization layer (fused training step on `native`); same arguments as tf.layers.batchNormalization. */
export function batchNormalization(args: BatchNormalizationArgs = {}): BatchNormalizationLayer {
  return new FusedBatchNormalization(args);
}
