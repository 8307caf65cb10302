// The VAE's training step under the loop's Trainable contract: it learns, leaks nothing, is
// reproducible from its seeds, and follows the KL warm-up across steps.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/env/backend.ts';
import { Rng } from '../../src/core/random.ts';
import { buildVae } from '../../src/vae/vae.ts';
import { vaeOptions, VaeTrainable, type VaeOptions } from '../../src/vae/vae-family.ts';
import { barBatch, tinyArchitecture } from './tiny.ts';

before(async () => { await initBackend(); });

/** Runs `steps` train steps on one fixed batch; returns each step's losses as numbers. */
function train(options: Partial<VaeOptions>, steps: number, conditional = false, rngSeed = 9): Record<string, number>[] {
  const trainable = new VaeTrainable(buildVae(tinyArchitecture({ numClasses: conditional ? 2 : 0 }), 11), vaeOptions.parse({ learningRate: 1e-2, ...options }));
  const batch = barBatch(16, 5);
  const rng = new Rng(rngSeed);
  const history: Record<string, number>[] = [];
  for (let i = 0; i < steps; i++) {
    const losses = trainable.trainStep(batch, rng);
    history.push(Object.fromEntries(Object.entries(losses).map(([k, v]) => [k, v.dataSync()[0]])));
    tf.dispose(Object.values(losses));
  }
  tf.dispose(batch);
  trainable.dispose();
  return history;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('vae train step', () => {
  it('lowers the negative ELBO of a batch it trains on (Bernoulli, dynamic binarisation)', () => {
    const history = train({}, 40);
    const first = mean(history.slice(0, 5).map((h) => h.loss));
    const last = mean(history.slice(-5).map((h) => h.loss));
    assert.ok(last < 0.75 * first, `loss ${first.toFixed(2)} → ${last.toFixed(2)}`);
    for (const h of history) assert.ok(Math.abs(h.loss - (h.reconstruction + h.kl)) < 1e-3 * h.loss, 'loss = reconstruction + 1·KL');
  });

  it('also learns with a conditional Gaussian decoder and a learned per-pixel σ', () => {
    const history = train({ likelihood: 'gaussian', gaussianScale: 'per-pixel', gaussianSigma: 0.3, conditional: true }, 40, true);
    assert.ok(history.at(-1)!.loss < history[0].loss - 10, `loss ${history[0].loss.toFixed(1)} → ${history.at(-1)!.loss.toFixed(1)}`);
  });

  it('is reproducible: the same seeds give the same losses, another RNG seed different ones', () => {
    assert.deepEqual(train({}, 3), train({}, 3));
    assert.notDeepEqual(train({}, 3), train({}, 3, false, 10));
  });

  it('raises the KL weight linearly over klWarmupSteps up to β', () => {
    const history = train({ beta: 2, klWarmupSteps: 4 }, 6);
    assert.deepEqual(history.map((h) => h.klWeight), [0, 0.5, 1, 1.5, 2, 2]);
    for (const h of history) assert.ok(Math.abs(h.loss - (h.reconstruction + h.klWeight * h.kl)) < 1e-3 * h.loss);
  });

  it('leaks no tensors per step once warmed up, and dispose() frees the model and Adam state', () => {
    const start = tf.memory().numTensors;
    const trainable = new VaeTrainable(buildVae(tinyArchitecture(), 1), vaeOptions.parse({}));
    const batch = barBatch(8, 1);
    const rng = new Rng(1);
    const step = () => tf.dispose(Object.values(trainable.trainStep(batch, rng)));
    step(); // the first step creates Adam's slot variables
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    assert.equal(tf.memory().numTensors, before);
    tf.dispose(batch);
    trainable.dispose();
    assert.equal(tf.memory().numTensors, start);
  });
});
