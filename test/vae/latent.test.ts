// The latent maths: closed-form KL against a Monte-Carlo estimate, reparameterised draws, log densities.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/env/backend.ts';
import { diagonalGaussianLogDensity, klToStandardNormal, reparameterize, standardNormalLogDensity } from '../../src/vae/latent.ts';

before(async () => { await initBackend(); });

const MU = [[0.5, -1.2, 2.0], [0, 0, 0], [-0.3, 0.8, 0.1]];
const LOG_VAR = [[-0.7, 0.4, -2.0], [0, 0, 0], [1.1, -0.2, 0.5]];

describe('vae latent', () => {
  it('KL(q ‖ N(0, I)) in closed form matches a Monte-Carlo estimate E_q[log q(z) − log p(z)]', () => {
    const samples = 200_000;
    const [closed, monteCarlo] = tf.tidy(() => {
      const mu = tf.tensor2d(MU);
      const logVar = tf.tensor2d(LOG_VAR);
      // Sample-major: [samples, 3 posteriors, 3 latents].
      const eps = tf.randomNormal([samples, 3, 3], 0, 1, 'float32', 7);
      const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
      const estimate = tf.mean(tf.sub(diagonalGaussianLogDensity(z, mu, logVar), standardNormalLogDensity(z)), 0);
      return [klToStandardNormal(mu, logVar), estimate];
    }).map((t) => Array.from(t.dataSync()));
    assert.equal(closed[1], 0, 'KL of N(0, I) to itself');
    for (let i = 0; i < 3; i++) {
      // The estimator's standard deviation is below 3 nats here, so 200k samples give ≲ 0.01 error.
      assert.ok(Math.abs(closed[i] - monteCarlo[i]) < 0.03, `posterior ${i}: closed ${closed[i]} vs MC ${monteCarlo[i]}`);
    }
  });

  it('reparameterised draws have mean μ and variance σ², and the same seed gives the same draw', () => {
    const [meanError, varError, same] = tf.tidy(() => {
      const mu = tf.tile(tf.tensor2d([[1.5, -2]]), [100_000, 1]) as tf.Tensor2D;
      const logVar = tf.tile(tf.tensor2d([[Math.log(0.25), Math.log(4)]]), [100_000, 1]) as tf.Tensor2D;
      const z = reparameterize(mu, logVar, 3);
      const { mean, variance } = tf.moments(z, 0);
      const again = reparameterize(mu, logVar, 3);
      return [
        tf.max(tf.abs(tf.sub(mean, [1.5, -2]))).dataSync()[0],
        tf.max(tf.abs(tf.sub(tf.div(variance, [0.25, 4]), 1))).dataSync()[0],
        tf.all(tf.equal(z, again)).dataSync()[0],
      ];
    });
    assert.ok(meanError < 0.02, `mean off by ${meanError}`);
    assert.ok(varError < 0.02, `variance off by a factor ${varError}`);
    assert.equal(same, 1);
  });

  it('log densities match the Gaussian formula computed by hand', () => {
    const [q, p] = tf.tidy(() => [
      diagonalGaussianLogDensity(tf.tensor2d([[1, 2]]), tf.tensor2d([[0, 1]]), tf.tensor2d([[0, Math.log(4)]])),
      standardNormalLogDensity(tf.tensor2d([[1, 2]])),
    ]).map((t) => t.dataSync()[0]);
    const log2pi = Math.log(2 * Math.PI);
    assert.ok(Math.abs(q - (-0.5 * (1 + log2pi) - 0.5 * (1 / 4 + Math.log(4) + log2pi))) < 1e-5);
    assert.ok(Math.abs(p - (-0.5 * (1 + 4 + 2 * log2pi))) < 1e-5);
  });
});
