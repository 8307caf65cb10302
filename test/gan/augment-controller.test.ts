// ADA's controller (src/gan/augment/ada-controller.ts): p moves by sign(E[sign D(real)] − 0.6) · batch · 4 / 500000
// every 4 D steps, up when D is overconfident on reals and down otherwise, clamped to [0, 1]; its JSON state resumes exactly.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { RunFolderError } from '../../src/core/errors.ts';
import { initBackend } from '../../src/env/backend.ts';
import { ADA_INTERVAL, ADA_SPEED_IMAGES, AdaController } from '../../src/gan/augment/ada-controller.ts';

/** Logits [n, 1] of which `positive` are above 0, the rest below. */
function logits(n: number, positive: number): tf.Tensor2D {
  return tf.tensor2d(Array.from({ length: n }, (_, i) => (i < positive ? 0.5 + i : -0.5 - i)), [n, 1]);
}

/** Feeds `steps` D steps of batch n with `positive` logits above 0. */
function feed(controller: AdaController, steps: number, n: number, positive: number): void {
  const batch = logits(n, positive);
  for (let i = 0; i < steps; i++) controller.observe(batch);
  batch.dispose();
}

describe('ADA controller', () => {
  before(async () => {
    await initBackend('cpu');
  });

  it('rises by batch · 4 / 500000 after 4 steps when D calls most reals real, not before', () => {
    const controller = new AdaController();
    feed(controller, ADA_INTERVAL - 1, 8, 8);
    assert.equal(controller.p, 0);
    feed(controller, 1, 8, 8);
    assert.equal(controller.p, (8 * 4) / ADA_SPEED_IMAGES);
    feed(controller, 4, 8, 7); // r_t = 0.75 > 0.6
    assert.equal(controller.p, (8 * 4) / ADA_SPEED_IMAGES * 2);
  });

  it('falls when r_t is below 0.6, holds at exactly 0.6', () => {
    const controller = new AdaController(0.5);
    feed(controller, 4, 10, 7); // r_t = (7 − 3) / 10 = 0.4
    assert.equal(controller.p, 0.5 - 40 / ADA_SPEED_IMAGES);
    feed(controller, 4, 10, 8); // r_t = 0.6
    assert.equal(controller.p, 0.5 - 40 / ADA_SPEED_IMAGES);
  });

  it('clamps to [0, 1]', () => {
    const low = new AdaController();
    feed(low, 8, 16, 0);
    assert.equal(low.p, 0);
    const high = new AdaController(1 - 1e-6);
    feed(high, 8, 16, 16);
    assert.equal(high.p, 1);
  });

  it('goes from 0 to 1 in 500k images of an overconfident D', () => {
    const controller = new AdaController();
    const batch = 125;
    feed(controller, ADA_SPEED_IMAGES / batch - ADA_INTERVAL, batch, batch);
    assert.ok(controller.p < 1);
    feed(controller, ADA_INTERVAL, batch, batch);
    assert.ok(controller.p > 1 - 1e-9, `p = ${controller.p}`);
  });

  it('restores from its JSON state mid-interval and continues exactly', () => {
    const original = new AdaController();
    feed(original, 6, 8, 8);
    feed(original, 3, 8, 2);
    const saved = JSON.parse(JSON.stringify(original.state));
    assert.deepEqual(Object.keys(saved).sort(), ['images', 'p', 'signSum', 'steps']);
    const resumed = AdaController.restore(saved);
    for (const positive of [8, 1, 8, 8, 3, 8, 8, 8, 0]) {
      feed(original, 1, 8, positive);
      feed(resumed, 1, 8, positive);
      assert.deepEqual(resumed.state, original.state);
    }
    assert.ok(original.p > 0);
  });

  it('refuses a corrupt state, naming the field, and skips non-finite logits', () => {
    assert.throws(() => AdaController.restore({ p: 1.5, signSum: 0, images: 0, steps: 0 }), (e: Error) => e instanceof RunFolderError && /ADA state.*p/.test(e.message));
    assert.throws(() => AdaController.restore({ p: 0.1 }), (e: Error) => e instanceof RunFolderError && /signSum/.test(e.message));
    const controller = new AdaController();
    const nan = tf.tensor2d([NaN, 1], [2, 1]);
    controller.observe(nan);
    nan.dispose();
    assert.deepEqual(controller.state, { p: 0, signSum: 0, images: 0, steps: 0 });
  });

  it('leaks no tensors', () => {
    const controller = new AdaController();
    const batch = logits(4, 3);
    controller.observe(batch);
    const count = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) controller.observe(batch);
    assert.equal(tf.memory().numTensors, count);
    batch.dispose();
  });
});
