// tfjs-layers' layer classes as values, and replacing one under its own name. tfjs-layers exports its classes
// only as types; its serialization registry holds the constructors, and a subclass registered under the same
// class name is what models loaded in this process (checkpoints) are built with, while saved files stay standard.
import * as tf from '@tensorflow/tfjs-core';

/** The constructor tfjs-layers registered as `className`; throws when tfjs-layers is not loaded. */
export function tfjsLayerClass<T>(className: string): T {
  const registered = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!registered) throw new Error(`tfjs-layers did not register ${className} (is @tensorflow/tfjs-layers loaded?)`);
  return registered[0] as unknown as T;
}

/** Registers `layerClass` under its (tfjs's) class name, in place of tfjs's own class. */
export function replaceLayerClass(layerClass: unknown): void {
  tf.serialization.registerClass(layerClass as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
}
