// The IWAE training objective and the VampPrior on tiny models: k = 1 is the ELBO exactly, k > 1 bounds
// above it in expectation, the mixture density against a direct float64 computation, seeded mixture
// draws, and training steps that learn the pseudo-inputs and leave no tensors behind.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/env/backend.ts';
import { Rng } from '../../src/core/random.ts';
import { latentVectors } from '../../src/training/latent.ts';
import { buildVae, disposeVae, encode, pseudoInputImages, type Vae } from '../../src/vae/vae.ts';
import { vaeLoss, type VaeLossSettings } from '../../src/vae/objective.ts';
import { disposePriorDensity, mixtureLogDensity, mixtureRanges, mixtureValues, priorDensity, priorLogDensity, priorValues } from '../../src/vae/prior.ts';
import { toUnitInterval, vaeOptions, VaeTrainable } from '../../src/vae/vae-family.ts';
import { barBatch, tinyArchitecture } from './tiny.ts';

before(async () => { await initBackend(); });

/**
 * A tiny untrained VAE whose decoder depends strongly on z (first layer's kernel x8), so q(z|x) is far from
 * the posterior and the bounds sit visibly apart; `pseudoInputs` K > 0 gives it a VampPrior.
 */
function sharpVae(pseudoInputs = 0): Vae {
  const vae = buildVae(tinyArchitecture({ pseudoInputs }), 21);
  const layer = vae.decoder.getLayer('dec_dense1');
  const [kernel, bias] = layer.getWeights();
  const scaled = tf.mul(kernel, 8);
  layer.setWeights([scaled, bias]);
  scaled.dispose();
  return vae;
}

/** The bar batch as the objective sees it: x [n, 8, 8, 1] in [0, 1]. */
function unitBatch(n: number): tf.Tensor4D {
  const { images, labels } = barBatch(n, 3);
  const x = toUnitInterval(images);
  tf.dispose([images, labels]);
  return x;
}

/** vaeLoss's three terms as numbers. */
function lossNumbers(vae: Vae, x: tf.Tensor4D, settings: VaeLossSettings, seed: number): { loss: number; reconstruction: number; kl: number } {
  const terms = vaeLoss(vae, x, undefined, settings, seed);
  const out = { loss: terms.loss.dataSync()[0], reconstruction: terms.reconstruction.dataSync()[0], kl: terms.kl.dataSync()[0] };
  tf.dispose([terms.loss, terms.reconstruction, terms.kl]);
  return out;
}

const elbo = { objective: 'elbo', k: 1, klWeight: 1 } as const;
const iwae = (k: number) => ({ objective: 'iwae', k, klWeight: 1 }) as const;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const standardError = (xs: number[]) => Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1) / xs.length);

/** log N(z; μ, diag σ²) in float64. */
function gaussianLog(z: ArrayLike<number>, mu: ArrayLike<number>, logVar: ArrayLike<number>): number {
  let sum = 0;
  for (let d = 0; d < z.length; d++) sum += -0.5 * ((z[d] - mu[d]) ** 2 / Math.exp(logVar[d]) + logVar[d] + Math.log(2 * Math.PI));
  return sum;
}

/** log (1/K) Σ_k exp(a_k), in float64. */
function logMeanExpOf(values: number[]): number {
  const max = Math.max(...values);
  return max + Math.log(values.reduce((s, v) => s + Math.exp(v - max), 0) / values.length);
}

const rows = (t: tf.Tensor2D): number[][] => t.arraySync();

describe('IWAE objective', () => {
  it('k = 1 is the ELBO exactly: the same loss as --objective elbo under the VampPrior, the single-sample ELBO under N(0, I)', () => {
    const x = unitBatch(16);
    for (const seed of [1, 2, 3]) {
      // The VampPrior's ELBO has no closed-form KL: both objectives are −(log p(x|z) + log p(z) − log q(z|x)) at one z.
      const vamp = sharpVae(4);
      assert.deepEqual(lossNumbers(vamp, x, iwae(1), seed), lossNumbers(vamp, x, elbo, seed));
      disposeVae(vamp);

      // N(0, I): the same z as the ELBO (the same reconstruction term to the bit), and the loss is that z's
      // log weight, computed here directly in float64 from the encoder's μ, log σ² and the same ε.
      const vae = sharpVae();
      const k1 = lossNumbers(vae, x, iwae(1), seed);
      const closedForm = lossNumbers(vae, x, elbo, seed);
      assert.equal(k1.reconstruction, closedForm.reconstruction);
      const { mu, logVar } = encode(vae, x);
      const eps = tf.randomNormal(mu.shape, 0, 1, 'float32', seed);
      const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)) as tf.Tensor2D;
      const [m, v, zs] = [rows(mu), rows(logVar), rows(z)];
      const klMonteCarlo = mean(zs.map((zi, i) => gaussianLog(zi, m[i], v[i]) - gaussianLog(zi, [0, 0], [0, 0])));
      const reference = k1.reconstruction + klMonteCarlo;
      assert.ok(Math.abs(k1.loss - reference) < 1e-4 * Math.abs(reference), `IWAE k=1 ${k1.loss} vs single-sample ELBO ${reference}`);
      assert.ok(Math.abs(k1.kl - klMonteCarlo) < 1e-4, `Monte-Carlo KL ${k1.kl} vs ${klMonteCarlo}`);
      tf.dispose([mu, logVar, eps, z]);
      disposeVae(vae);
    }
    x.dispose();
  });

  it('k > 1 bounds at least the ELBO on a fixed batch, in expectation over seeds, and tightens with k', () => {
    const x = unitBatch(16);
    const vae = sharpVae();
    const seeds = Array.from({ length: 12 }, (_, i) => 100 + i);
    // Bounds on log p(x) are the negated losses; the ELBO's with its closed-form KL.
    const bound = (settings: VaeLossSettings) => seeds.map((seed) => -lossNumbers(vae, x, settings, seed).loss);
    const [e, k1, k5, k20] = [bound(elbo), bound(iwae(1)), bound(iwae(5)), bound(iwae(20))];
    const gap = k5.map((b, i) => b - e[i]);
    assert.ok(mean(gap) > 3 * standardError(gap), `IWAE k=5 − ELBO: ${mean(gap).toFixed(3)} ± ${standardError(gap).toFixed(3)} nats`);
    assert.ok(Math.abs(mean(k1) - mean(e)) < 4 * standardError(k1.map((b, i) => b - e[i])), 'k = 1 estimates the ELBO');
    assert.ok(mean(k20) > mean(k5) && mean(k5) > mean(k1), `k=1 ${mean(k1).toFixed(2)} < k=5 ${mean(k5).toFixed(2)} < k=20 ${mean(k20).toFixed(2)}`);
    disposeVae(vae);
    x.dispose();
  });

  it('trains: the IWAE loss falls, reports reconstruction and KL over its k draws, and lies below their sum (the tighter bound)', () => {
    const trainable = new VaeTrainable(buildVae(tinyArchitecture(), 11), vaeOptions.parse({ learningRate: 1e-2, objective: 'iwae', k: 5 }));
    const batch = barBatch(16, 5);
    const rng = new Rng(9);
    const history: Record<string, number>[] = [];
    for (let i = 0; i < 30; i++) {
      const losses = trainable.trainStep(batch, rng);
      history.push(Object.fromEntries(Object.entries(losses).map(([k, v]) => [k, v.dataSync()[0]])));
      tf.dispose(Object.values(losses));
    }
    assert.ok(mean(history.slice(-5).map((h) => h.loss)) < 0.75 * mean(history.slice(0, 5).map((h) => h.loss)));
    for (const h of history) assert.ok(h.loss <= h.reconstruction + h.kl + 1e-3, `−IWAE ${h.loss} ≤ −ELBO ${h.reconstruction + h.kl}`);
    tf.dispose(batch);
    trainable.dispose();
  });
});

describe('VampPrior', () => {
  it('log p(z) is the log-mean-exp over components of diagonal Gaussians, computed directly in float64', () => {
    const rng = new Rng(4);
    const [K, d, n] = [5, 3, 7];
    const draw = (count: number, scale: number) => Array.from({ length: count }, () => Array.from({ length: d }, () => scale * rng.normal()));
    const [mu, logVar, z] = [draw(K, 2), draw(K, 0.5), draw(n, 2)];
    // Far from every component, where exp underflows without the max taken out.
    z.push([60, -60, 60]);
    const density = tf.tidy(() => mixtureLogDensity(tf.tensor2d(z), tf.tensor2d(mu), tf.tensor2d(logVar)));
    const got = Array.from(density.dataSync());
    density.dispose();
    z.forEach((zi, i) => {
      const expected = logMeanExpOf(mu.map((m, k) => gaussianLog(zi, m, logVar[k])));
      assert.ok(Math.abs(got[i] - expected) < 1e-4 * Math.max(1, Math.abs(expected)), `z ${i}: ${got[i]} vs ${expected}`);
    });
  });

  it('the prior of a VampPrior VAE is that mixture over the encoder\'s posteriors at its pseudo-inputs; N(0, I) otherwise', () => {
    const vae = buildVae(tinyArchitecture({ pseudoInputs: 3 }), 6);
    const prior = priorDensity(vae);
    assert.equal(prior.kind, 'vamp');
    const z = tf.tensor2d([[0.3, -1.2], [2, 0.5]]);
    const components = tf.tidy(() => encode(vae, pseudoInputImages(vae)));
    const [m, v] = [rows(components.mu), rows(components.logVar)];
    const got = priorLogDensity(prior, z);
    rows(z).forEach((zi, i) => {
      const expected = logMeanExpOf(m.map((mk, k) => gaussianLog(zi, mk, v[k])));
      assert.ok(Math.abs(got.dataSync()[i] - expected) < 1e-4, `${got.dataSync()[i]} vs ${expected}`);
    });
    const pseudo = pseudoInputImages(vae);
    assert.deepEqual(pseudo.shape, [3, 8, 8, 1]);
    assert.ok(pseudo.dataSync().every((u) => u > 0.45 && u < 0.52), 'pseudo-inputs start near sigmoid(−0.05)');
    const normal = buildVae(tinyArchitecture(), 6);
    assert.equal(priorDensity(normal).kind, 'normal');
    assert.equal(normal.pseudoInputs, undefined);
    tf.dispose([z, got, pseudo, components.mu, components.logVar]);
    disposePriorDensity(prior);
    disposeVae(vae);
    disposeVae(normal);
  });

  it('draws from the mixture: reproducible from a seed, through latentVectors as the CLI draws, with the mixture\'s moments', () => {
    const trainable = new VaeTrainable(buildVae(tinyArchitecture({ pseudoInputs: 4 }), 8), vaeOptions.parse({ prior: 'vamp', pseudoInputs: 4 }));
    const a = latentVectors(6, trainable, new Rng(5));
    assert.deepEqual(a, priorValues(trainable.vae, 6, new Rng(5)));
    assert.deepEqual(a, latentVectors(6, trainable, new Rng(5)));
    assert.notDeepEqual(a, latentVectors(6, trainable, new Rng(6)));
    assert.notDeepEqual(latentVectors(6, trainable, new Rng(5), { truncation: 0.5 }), a);
    // Moments of many draws: E[z] = mean_k μ_k, E[z²] = mean_k (μ_k² + σ_k²), per coordinate.
    const components = tf.tidy(() => encode(trainable.vae, pseudoInputImages(trainable.vae)));
    const [m, v] = [rows(components.mu), rows(components.logVar)];
    tf.dispose([components.mu, components.logVar]);
    const n = 40000;
    const draws = trainable.priorValues(n, new Rng(7));
    for (let d = 0; d < 2; d++) {
      const values = Array.from({ length: n }, (_, i) => draws[i * 2 + d]);
      const expectedMean = mean(m.map((mk) => mk[d]));
      const expectedSquare = mean(m.map((mk, k) => mk[d] ** 2 + Math.exp(v[k][d])));
      assert.ok(Math.abs(mean(values) - expectedMean) < 0.03, `E[z${d}] ${mean(values)} vs ${expectedMean}`);
      assert.ok(Math.abs(mean(values.map((x) => x * x)) - expectedSquare) < 0.05 * expectedSquare, `E[z${d}²] vs ${expectedSquare}`);
    }
    // The N(0, I) prior draws what the loop always drew.
    const normal = new VaeTrainable(buildVae(tinyArchitecture(), 8), vaeOptions.parse({}));
    assert.deepEqual(latentVectors(6, normal, new Rng(5)), latentVectors(6, { latentSize: 2 }, new Rng(5)));
    trainable.dispose();
    normal.dispose();
  });

  it('mixtureRanges spans every component to ±3σ, and every draw of mixtureValues without truncation lies almost always inside', () => {
    // Two components in 2-D: μ (−1, 0) σ (0.5, 1) and μ (2, 1) σ (1, 0.1).
    const components = { count: 2, latentSize: 2, mu: Float32Array.of(-1, 0, 2, 1), logVar: Float32Array.from([0.5, 1, 1, 0.1], (s) => 2 * Math.log(s)) };
    const { low, high } = mixtureRanges(components);
    for (const [got, want] of [[low[0], -2.5], [high[0], 5], [low[1], -3], [high[1], 3]]) assert.ok(Math.abs(got - want) < 1e-6, `${got} vs ${want}`);
    const draws = mixtureValues(components, 2000, new Rng(3));
    const outside = Array.from(draws).filter((z, i) => z < low[i % 2] || z > high[i % 2]).length;
    assert.ok(outside <= 10, `${outside} of 4000 coordinates outside the ranges`);
    assert.deepEqual(mixtureValues(components, 5, new Rng(3)), draws.subarray(0, 10));
  });

  it('trains the pseudo-inputs with the networks, as a model part of its own', () => {
    const trainable = new VaeTrainable(buildVae(tinyArchitecture({ pseudoInputs: 4 }), 2), vaeOptions.parse({ learningRate: 1e-2, prior: 'vamp', pseudoInputs: 4 }));
    assert.deepEqual(Object.keys(trainable.models()), ['encoder', 'decoder', 'pseudo-inputs']);
    const before = pseudoInputImages(trainable.vae);
    const batch = barBatch(16, 5);
    const rng = new Rng(3);
    for (let i = 0; i < 5; i++) tf.dispose(Object.values(trainable.trainStep(batch, rng)));
    const after = pseudoInputImages(trainable.vae);
    const moved = tf.tidy(() => tf.max(tf.abs(tf.sub(after, before))).dataSync()[0]);
    assert.ok(moved > 1e-3, `pseudo-inputs moved by ${moved}`);
    tf.dispose([before, after, batch]);
    trainable.dispose();
  });
});

describe('objective steps', () => {
  for (const options of [{ objective: 'iwae', k: 4 }, { prior: 'vamp', pseudoInputs: 5 }, { objective: 'iwae', k: 3, prior: 'vamp', pseudoInputs: 5 }]) {
    it(`leak no tensors per step once warmed up, and dispose() frees everything: ${JSON.stringify(options)}`, () => {
      const start = tf.memory().numTensors;
      const trainable = new VaeTrainable(buildVae(tinyArchitecture({ pseudoInputs: options.pseudoInputs ?? 0 }), 1), vaeOptions.parse(options));
      const batch = barBatch(8, 1);
      const rng = new Rng(1);
      const step = () => tf.dispose(Object.values(trainable.trainStep(batch, rng)));
      step(); // the first step creates Adam's slot variables
      const warm = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) step();
      trainable.priorValues(3, rng);
      assert.equal(tf.memory().numTensors, warm);
      tf.dispose(batch);
      trainable.dispose();
      assert.equal(tf.memory().numTensors, start);
    });
  }
});
