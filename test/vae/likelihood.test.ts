// The decoder distributions: stable Bernoulli log-likelihood, Gaussian with fixed and learned σ.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/env/backend.ts';
import { reconstructionLogProb, decoderMeanImage } from '../../src/vae/likelihood.ts';
import { vaePreset } from '../../src/vae/presets.ts';

before(async () => { await initBackend(); });

const bernoulli = vaePreset('vae28', [1, 2, 1]);
const gaussian = vaePreset('vae28', [1, 2, 1], { likelihood: 'gaussian', gaussianSigma: 0.5 });

/** Runs reconstructionLogProb on one 1x2x1 image and returns the value for it. */
function logProb(arch: typeof bernoulli, x: number[], params: number[], logScale?: number[]): number {
  return tf.tidy(() => reconstructionLogProb(arch, tf.tensor4d(x, [1, 1, 2, 1]), {
    params: tf.tensor4d(params, [1, 1, 2, 1]),
    logScale: logScale && tf.tensor4d(logScale, [1, 1, 2, 1]),
  }).dataSync()[0]);
}

describe('vae likelihood', () => {
  it('Bernoulli log p(x|logits) equals x·log σ(l) + (1 − x)·log(1 − σ(l)), summed over pixels', () => {
    const sigmoid = (l: number) => 1 / (1 + Math.exp(-l));
    for (const [x, l] of [[[1, 0], [0.3, -2]], [[0, 1], [4, 1.5]], [[0.25, 0.8], [-1, 3]]]) {
      const expected = x.reduce((sum, xi, i) => sum + xi * Math.log(sigmoid(l[i])) + (1 - xi) * Math.log(1 - sigmoid(l[i])), 0);
      assert.ok(Math.abs(logProb(bernoulli, x, l) - expected) < 1e-5, `x ${x} logits ${l}`);
    }
  });

  it('Bernoulli stays finite for extreme logits, where the naive formula gives -Infinity or NaN', () => {
    // x = 1 with logit -200 costs 200 nats; x = 0 with logit 200 likewise; confident right answers cost ~0.
    assert.ok(Math.abs(logProb(bernoulli, [1, 0], [-200, 200]) - -400) < 1e-3);
    assert.ok(Math.abs(logProb(bernoulli, [1, 0], [200, -200])) < 1e-6);
  });

  it('Gaussian log p(x|μ) uses the fixed σ, or the learned log σ when given', () => {
    const log2pi = Math.log(2 * Math.PI);
    const fixed = -0.5 * ((0.2 / 0.5) ** 2 + (0.1 / 0.5) ** 2) - 2 * Math.log(0.5) - log2pi;
    assert.ok(Math.abs(logProb(gaussian, [0.7, 0.1], [0.5, 0.2]) - fixed) < 1e-5);
    const learned = -0.5 * ((0.2 / Math.exp(-1)) ** 2 + (0.1 / Math.exp(0.5)) ** 2) - (-1 + 0.5) - log2pi;
    assert.ok(Math.abs(logProb(gaussian, [0.7, 0.1], [0.5, 0.2], [-1, 0.5]) - learned) < 1e-5);
  });

  it('the mean image is sigmoid(logits) for Bernoulli and the clipped mean for Gaussian', () => {
    const [b, g] = tf.tidy(() => {
      const params = tf.tensor4d([0, 1.5], [1, 1, 2, 1]);
      return [decoderMeanImage(bernoulli, { params }), decoderMeanImage(gaussian, { params })].map((t) => Array.from(t.dataSync()));
    });
    assert.ok(Math.abs(b[0] - 0.5) < 1e-6 && Math.abs(b[1] - 1 / (1 + Math.exp(-1.5))) < 1e-6);
    assert.deepEqual(g, [0, 1]);
  });
});
