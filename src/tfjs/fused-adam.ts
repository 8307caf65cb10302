// Adam whose per-variable update runs as one fused native pass on the `native` backend (and as
// tfjs's own AdamOptimizer elsewhere). Same state, same checkpoints, bit-identical results.
import * as tf from '@tensorflow/tfjs-core';
import { nativeAdamStep } from '../native/adam.ts';

/** AdamOptimizer's private state, which this subclass updates exactly as the base class does. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
}

/** tfjs's AdamOptimizer with a fused native update; a drop-in for `tf.train.adam`. */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (tf.getBackend() !== 'native') return super.applyGradients(variableGradients);
    const state = this as unknown as AdamState;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    // 1 - beta^t, rounded to float32 as tfjs's scalar sub would be.
    const [accBeta1, accBeta2] = [state.accBeta1.dataSync()[0], state.accBeta2.dataSync()[0]];
    const constants = {
      beta1: this.beta1, beta2: this.beta2, learningRate: this.learningRate, epsilon: this.epsilon,
      oneMinusAccBeta1: Math.fround(1 - accBeta1), oneMinusAccBeta2: Math.fround(1 - accBeta2),
    };
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        state.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        state.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (gradient == null) return;
        const m = state.accumulatedFirstMoment[i]!.variable;
        const v = state.accumulatedSecondMoment[i]!.variable;
        const step = nativeAdamStep(value, m, v, gradient, constants);
        if (!step) throw new Error(`FusedAdamOptimizer: variable ${name} is not float32 on the native backend`);
        value.assign(step[0]);
        m.assign(step[1]);
        v.assign(step[2]);
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }
}

/** Adam as `tf.train.adam(learningRate, beta1, beta2, epsilon)`, fused on the native backend. */
export function createAdam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): FusedAdamOptimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
