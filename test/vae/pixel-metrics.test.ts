// Reconstruction metrics on cases computed by hand: PSNR/MSE/BCE values, SSIM's special cases and a
// direct float64 evaluation of its formula for one 11x11 window.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/env/backend.ts';
import { Rng } from '../../src/core/random.ts';
import { binaryCrossEntropy, meanSquaredError, psnr } from '../../src/metrics/pixel-errors.ts';
import { ssim } from '../../src/metrics/ssim.ts';

before(async () => { await initBackend(); });

const C1 = 0.01 ** 2;
const C2 = 0.03 ** 2;

/** Runs a [batch] metric on two images given as flat arrays of shape [1, h, w, 1]. */
function metric(fn: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor1D, a: number[], b: number[], h: number, w: number): number {
  return tf.tidy(() => fn(tf.tensor4d(a, [1, h, w, 1]), tf.tensor4d(b, [1, h, w, 1])).dataSync()[0]);
}

/** SSIM of one 11x11 window by the definition, in float64: Gaussian weights σ 1.5, then the SSIM formula. */
function referenceSsim(a: number[], b: number[]): number {
  const g = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / (2 * 1.5 * 1.5)));
  const total = g.reduce((s, v) => s + v, 0) ** 2;
  let muA = 0; let muB = 0; let aa = 0; let bb = 0; let ab = 0;
  for (let y = 0; y < 11; y++) {
    for (let x = 0; x < 11; x++) {
      const wgt = (g[y] * g[x]) / total;
      const i = y * 11 + x;
      muA += wgt * a[i]; muB += wgt * b[i]; aa += wgt * a[i] * a[i]; bb += wgt * b[i] * b[i]; ab += wgt * a[i] * b[i];
    }
  }
  const varA = aa - muA * muA; const varB = bb - muB * muB; const cov = ab - muA * muB;
  return ((2 * muA * muB + C1) * (2 * cov + C2)) / ((muA * muA + muB * muB + C1) * (varA + varB + C2));
}

describe('vae pixel metrics', () => {
  it('MSE and PSNR: an offset of 0.1 everywhere is MSE 0.01 and PSNR 20 dB; identical images PSNR ∞', () => {
    const a = Array.from({ length: 16 }, (_, i) => i / 40);
    const b = a.map((v) => v + 0.1);
    assert.ok(Math.abs(metric(meanSquaredError, a, b, 4, 4) - 0.01) < 1e-6);
    assert.ok(Math.abs(metric(psnr, a, b, 4, 4) - 20) < 1e-3);
    assert.equal(metric(psnr, a, a, 4, 4), Infinity);
  });

  it('BCE: a pixel predicted at 0.5 costs ln 2 whatever its value; a sure wrong pixel costs log(1/1e-7)', () => {
    assert.ok(Math.abs(metric(binaryCrossEntropy, [1, 0], [0.5, 0.5], 1, 2) - 2 * Math.LN2) < 1e-5);
    assert.ok(Math.abs(metric(binaryCrossEntropy, [1, 0], [0, 0], 1, 2) - -Math.log(1e-7)) < 1e-2);
  });

  it('SSIM of an image with itself is 1', () => {
    const rng = new Rng(3);
    const a = Array.from({ length: 256 }, () => rng.next());
    assert.ok(Math.abs(metric(ssim, a, a, 16, 16) - 1) < 1e-5);
  });

  it('SSIM of two flat images a, b is (2ab + C1) / (a² + b² + C1)', () => {
    for (const [va, vb] of [[0.2, 0.6], [0.9, 0.1], [0.5, 0.5]]) {
      const expected = (2 * va * vb + C1) / (va * va + vb * vb + C1);
      const got = metric(ssim, new Array(196).fill(va), new Array(196).fill(vb), 14, 14);
      assert.ok(Math.abs(got - expected) < 1e-4, `${va} vs ${vb}: ${got} vs ${expected}`);
    }
  });

  it('SSIM of one 11x11 window equals the formula evaluated directly (random, inverted and noisy images)', () => {
    const rng = new Rng(8);
    const a = Array.from({ length: 121 }, () => rng.next());
    for (const b of [a.map((v) => 1 - v), a.map((v) => Math.min(1, Math.max(0, v + 0.2 * (rng.next() - 0.5)))), Array.from({ length: 121 }, () => rng.next())]) {
      const expected = referenceSsim(a, b);
      const got = metric(ssim, a, b, 11, 11);
      assert.ok(Math.abs(got - expected) < 1e-4, `${got} vs ${expected}`);
      assert.ok(Math.abs(metric(ssim, b, a, 11, 11) - got) < 1e-6, 'symmetric');
    }
  });

  it('SSIM of colour images is the mean of the per-channel SSIMs', () => {
    const rng = new Rng(9);
    const channels = [0, 1, 2].map(() => [Array.from({ length: 121 }, () => rng.next()), Array.from({ length: 121 }, () => rng.next())]);
    const interleave = (which: 0 | 1) => Array.from({ length: 363 }, (_, i) => channels[i % 3][which][Math.floor(i / 3)]);
    const got = tf.tidy(() => ssim(tf.tensor4d(interleave(0), [1, 11, 11, 3]), tf.tensor4d(interleave(1), [1, 11, 11, 3])).dataSync()[0]);
    const expected = channels.reduce((sum, [a, b]) => sum + referenceSsim(a, b), 0) / 3;
    assert.ok(Math.abs(got - expected) < 1e-4, `${got} vs ${expected}`);
  });

  it('refuses images smaller than the window and mismatched shapes, naming them', () => {
    assert.throws(() => metric(ssim, new Array(100).fill(0), new Array(100).fill(0), 10, 10), /images 10x10 are smaller than the 11x11 window/);
    assert.throws(() => tf.tidy(() => ssim(tf.zeros([1, 12, 12, 1]), tf.zeros([1, 12, 11, 1]))), /shapes differ/);
  });
});
