// The test-set ELBO and the IWAE bound: k = 1 is the ELBO in expectation, the bound tightens with k,
// the streamed log-mean-exp is exact for huge log weights, and the evaluation set follows the protocol.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/env/backend.ts';
import { buildVae, disposeVae, type Vae } from '../../src/vae/vae.ts';
import { evaluateElbo } from '../../src/vae/elbo.ts';
import { vaeEvalSet } from '../../src/vae/eval-set.ts';
import { evaluateIwae, LogSumExp } from '../../src/vae/iwae.ts';
import { barDataset, tinyArchitecture } from './tiny.ts';

let vae: Vae;
before(async () => {
  await initBackend();
  // An untrained model whose decoder depends strongly on z (first layer's kernel x8): q(z|x) is then far
  // from the true posterior and the bounds sit visibly apart. (Briefly trained tiny VAEs collapse to q = p(z).)
  vae = buildVae(tinyArchitecture(), 21);
  const layer = vae.decoder.getLayer('dec_dense1');
  const [kernel, bias] = layer.getWeights();
  const scaled = tf.mul(kernel, 8);
  layer.setWeights([scaled, bias]);
  scaled.dispose();
});

const test = barDataset(200, 77);

describe('vae likelihood bounds', () => {
  it('IWAE with k = 1 estimates the same quantity as the ELBO (within 4 standard errors)', async () => {
    const set = vaeEvalSet(test, { binarize: true });
    const elbo = await evaluateElbo(vae, set, { batchSize: 64, seed: 1 });
    const iwae = await evaluateIwae(vae, set, { k: 1, seed: 2 });
    assert.equal(iwae.images, 200);
    assert.ok(Math.abs(elbo.elbo - -(elbo.reconstruction + elbo.kl)) < 1e-9);
    assert.ok(Math.abs(iwae.nll - -elbo.elbo) < 4 * iwae.nllStandardError, `IWAE k=1 ${iwae.nll} vs −ELBO ${-elbo.elbo} ± ${iwae.nllStandardError}`);
    assert.ok(Math.abs(iwae.nll - iwae.negativeElbo) < 1e-3, 'k = 1: the bound is the single log weight');
  });

  it('tightens with k: NLL(k=1) > NLL(k=10) > NLL(k=100), all below the k-sample −ELBO', async () => {
    const set = vaeEvalSet(test, { binarize: true, subset: 50 });
    const results = [];
    for (const k of [1, 10, 100]) results.push(await evaluateIwae(vae, set, { k, seed: 3, decoderBatch: 256 }));
    const [k1, k10, k100] = results;
    assert.ok(k1.nll > k10.nll && k10.nll > k100.nll, `NLL ${k1.nll} > ${k10.nll} > ${k100.nll}`);
    assert.ok(k100.nll < k100.negativeElbo);
    // The k-sample ELBO estimate does not move with k (same expectation), unlike the bound.
    assert.ok(Math.abs(k100.negativeElbo - k10.negativeElbo) < Math.abs(k1.nll - k100.nll));
  });

  it('gives the same result whether an image\'s k samples fit one decoder batch or are split over several', async () => {
    // Splitting changes which noise is drawn, so compare at a k where Monte-Carlo error is small.
    const set = vaeEvalSet(test, { binarize: true, subset: 10 });
    const whole = await evaluateIwae(vae, set, { k: 400, seed: 4, decoderBatch: 400 });
    const split = await evaluateIwae(vae, set, { k: 400, seed: 5, decoderBatch: 64 });
    assert.ok(Math.abs(whole.nll - split.nll) < 0.5, `${whole.nll} vs ${split.nll}`);
  });

  it('streams log-sum-exp exactly for log weights far beyond float range', () => {
    const stream = new LogSumExp(2);
    // Two images (image index fastest), three chunks of log weights.
    // Two images, log weights laid out [samples, images]: two chunks of 2 and 1 samples.
    stream.add(Float32Array.from([-1000, 500, -1001, 503]), 2);
    stream.add(Float32Array.from([-999, 501]), 2);
    const direct = (xs: number[]) => { const m = Math.max(...xs); return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0)); };
    assert.ok(Math.abs(stream.value(0) - direct([-1000, -1001, -999])) < 1e-9);
    assert.ok(Math.abs(stream.value(1) - direct([500, 503, 501])) < 1e-9);
    assert.ok(Number.isFinite(stream.value(0)) && Math.abs(stream.total[1] - 1504) < 1e-9);
  });

  it('binarises the test set once with a fixed seed and picks a seeded subset, saying so', () => {
    const a = vaeEvalSet(test, { binarize: true, subset: 20 });
    const b = vaeEvalSet(test, { binarize: true, subset: 20 });
    const first = (set: typeof a) => { const { x, labels } = set.batches(20).next().value!; const v = Array.from(x.dataSync()); x.dispose(); labels?.dispose(); return v; };
    const values = first(a);
    assert.deepEqual(values, first(b));
    assert.ok(values.every((v) => v === 0 || v === 1));
    assert.match(a.protocol, /20 of 200 test images of bars \(seeded subset, seed \d+\), binarised once with fixed seed \d+/);
    assert.throws(() => vaeEvalSet(test, { binarize: true, subset: 201 }), /subset of 201 images: must be an integer in 1\.\.200/);
  });
});

process.on('exit', () => disposeVae(vae));
