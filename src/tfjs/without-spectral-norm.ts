// A model's plain twin for export: every spectral-norm layer (spectral-norm-layers.ts) becomes its built-in class with
// kernel / σ folded into the kernel, so model files of the twin load wherever tfjs does (the browser explorer too).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { isSpectralNormLayer, plainLayerConfig } from './spectral-norm-layers.ts';

/** The model classes' fromConfig (Functional and Sequential each have one). */
type ModelClass = tf.serialization.SerializableConstructor<tfl.LayersModel> & {
  fromConfig(cls: ModelClass, config: tf.serialization.ConfigDict, customObjects: tf.serialization.ConfigDict, fastWeightInit: boolean): tfl.LayersModel;
};

/**
 * A new model of `model`'s architecture and layer names in which every spectral-norm layer is the built-in Conv2D,
 * Conv2DTranspose or Dense with kernel / σ as its kernel (σ from the stored u and v), and every other layer holds a
 * copy of its weights. Its outputs equal `model`'s inference outputs (training: false), for inputs of any shape.
 */
export function withoutSpectralNorm(model: tfl.LayersModel): tfl.LayersModel {
  const cls = model.constructor as ModelClass;
  const plain = cls.fromConfig(cls, plainConfig(model.getConfig()) as tf.serialization.ConfigDict, {}, true);
  copyWeights(model, plain);
  return plain;
}

/** A copy of a (nested) model config in which every spectral-norm layer entry names its plain class and config. */
function plainConfig(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainConfig);
  if (value === null || typeof value !== 'object') return value;
  const copy = Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plainConfig(inner)]));
  const plain = typeof copy.className === 'string' && copy.config ? plainLayerConfig(copy.className, copy.config as tf.serialization.ConfigDict) : null;
  return plain ? { ...copy, ...plain } : copy;
}

/** Gives each layer of `to` the weights of the layer at the same place in `from`, folded for spectral-norm layers. */
function copyWeights(from: tfl.LayersModel, to: tfl.LayersModel): void {
  from.layers.forEach((layer, i) => {
    const target = to.layers[i];
    if (layer instanceof tfl.LayersModel) {
      copyWeights(layer, target as tfl.LayersModel);
    } else if (isSpectralNormLayer(layer)) {
      const folded = layer.foldedWeights();
      target.setWeights(folded);
      tf.dispose(folded);
    } else {
      target.setWeights(layer.getWeights());
    }
  });
}
