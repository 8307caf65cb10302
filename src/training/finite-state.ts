// Whether a model family's state is finite: no checkpoint, on disk or in a browser's IndexedDB, is ever written
// from a state holding a NaN or an infinity. Free of Node imports (the page's checkpoints use it too).
import * as tf from '@tensorflow/tfjs-core';
import type { Trainable } from './trainable.ts';

/** A model weight or optimiser variable that is NaN or infinite: no checkpoint is written from such a state. */
export class NonFiniteStateError extends Error {
  constructor(readonly what: string, step: number) {
    super(`${what} is NaN or infinite at step ${step}; no checkpoint was written from this state`);
    this.name = 'NonFiniteStateError';
  }
}

/**
 * The first model weight or optimiser variable of `trainable` that holds a NaN or infinity, named like
 * "generator weight dense/kernel" or "discriminator optimiser variable dense/kernel/v"; null when all are finite.
 */
export async function findNonFinite(trainable: Trainable): Promise<string | null> {
  const finite = async (t: tf.Tensor) => {
    const all = tf.tidy(() => tf.all(tf.isFinite(t)));
    const value = (await all.data())[0];
    all.dispose();
    return value === 1;
  };
  for (const [part, model] of Object.entries(trainable.models())) {
    for (const w of model.weights) if (!(await finite(w.read()))) return `${part} weight ${w.originalName}`;
  }
  for (const [name, optimizer] of Object.entries(trainable.optimizers())) {
    const weights = await optimizer.getWeights();
    let bad: string | null = null;
    for (const w of weights) {
      if (w.tensor.dtype === 'float32' && !(await finite(w.tensor))) {
        bad = w.name;
        break;
      }
    }
    weights.filter((w) => w.name === 'iter').forEach((w) => w.tensor.dispose());
    if (bad) return `${name} optimiser variable ${bad}`;
  }
  return null;
}
