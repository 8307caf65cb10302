// DiffAugment (src/gan/augment/diff-augment.ts) against DiffAugment_pytorch.py's semantics: the colour formulas with
// the drawn factors, translation and cutout on images with known outputs, the reference's ranges, the per-image
// probability p and determinism for a seed; on the cpu and native backends.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/core/random.ts';
import { initBackend } from '../../src/env/backend.ts';
import {
  adjustBrightness, adjustContrast, adjustSaturation, cutoutImages, cutoutSize, DIFF_AUGMENT_OPS, DIFF_AUGMENT_RECORDS, diffAugment,
  drawColor, drawCutout, drawTranslation, translateImages, translationLimit,
} from '../../src/gan/augment/diff-augment.ts';
import { maxRelativeError, nativeMissing } from '../helpers/backends.ts';

const ALL = new Array<boolean>(4).fill(true);

function randomImages(shape: [number, number, number, number], seed: number): tf.Tensor4D {
  return tf.randomUniform(shape, -1, 1, 'float32', seed) as tf.Tensor4D;
}

/** The reference's colour op in plain JS on NHWC values: brightness, then saturation, then contrast, per image. */
function referenceColor(values: Float32Array, [n, h, w, c]: number[], f: ReturnType<typeof drawColor>): Float64Array {
  const x = Float64Array.from(values);
  const pixels = h * w;
  for (let i = 0; i < n; i++) {
    const base = i * pixels * c;
    for (let k = 0; k < pixels * c; k++) x[base + k] += f.brightness[i];
    for (let q = 0; q < pixels; q++) {
      let mean = 0;
      for (let ch = 0; ch < c; ch++) mean += x[base + q * c + ch] / c;
      for (let ch = 0; ch < c; ch++) x[base + q * c + ch] = (x[base + q * c + ch] - mean) * f.saturation[i] + mean;
    }
    let mean = 0;
    for (let k = 0; k < pixels * c; k++) mean += x[base + k] / (pixels * c);
    for (let k = 0; k < pixels * c; k++) x[base + k] = (x[base + k] - mean) * f.contrast[i] + mean;
  }
  return x;
}

describe('DiffAugment draws', () => {
  it('sizes follow int(side · ratio + 0.5): translation 1/8, cutout 1/2', () => {
    assert.deepEqual([4, 8, 28, 32, 64, 3].map(translationLimit), [1, 1, 4, 4, 8, 0]);
    assert.deepEqual([4, 5, 7, 8, 28, 32, 3].map(cutoutSize), [2, 3, 4, 4, 14, 16, 2]);
  });

  it('translations are uniform integers in [-s, s] on each side, 0 for images outside the gate', () => {
    const rng = new Rng(3);
    const seen = { dy: new Set<number>(), dx: new Set<number>() };
    for (let k = 0; k < 200; k++) {
      const { dy, dx } = drawTranslation(rng, [4, 32, 16, 3], [true, false, true, true]);
      assert.equal(dy[1], 0);
      assert.equal(dx[1], 0);
      dy.forEach((v, i) => i !== 1 && seen.dy.add(v));
      dx.forEach((v, i) => i !== 1 && seen.dx.add(v));
    }
    assert.deepEqual([...seen.dy].sort((a, b) => a - b), [-4, -3, -2, -1, 0, 1, 2, 3, 4]);
    assert.deepEqual([...seen.dx].sort((a, b) => a - b), [-2, -1, 0, 1, 2]);
  });

  it('cutout centres are uniform in [0, side − size mod 2], the box starting size/2 before them', () => {
    const rng = new Rng(4);
    const tops = new Set<number>();
    const lefts = new Set<number>();
    for (let k = 0; k < 300; k++) {
      for (const box of drawCutout(rng, [4, 8, 5, 1], ALL)) {
        assert.ok(box);
        assert.deepEqual([box.height, box.width], [4, 3]);
        tops.add(box.top);
        lefts.add(box.left);
      }
    }
    // side 8, size 4: centres 0..8, tops -2..6; side 5, size 3: centres 0..4, lefts -1..3.
    assert.deepEqual([...tops].sort((a, b) => a - b), [-2, -1, 0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...lefts].sort((a, b) => a - b), [-1, 0, 1, 2, 3]);
    assert.deepEqual(drawCutout(new Rng(1), [2, 8, 8, 1], [false, true]).map((b) => b === null), [true, false]);
  });

  it('colour factors: brightness U − 0.5, saturation 2U, contrast U + 0.5; identity outside the gate', () => {
    const rng = new Rng(5);
    for (let k = 0; k < 100; k++) {
      const f = drawColor(rng, [true, false]);
      assert.ok(f.brightness[0] >= -0.5 && f.brightness[0] < 0.5);
      assert.ok(f.saturation[0] >= 0 && f.saturation[0] < 2);
      assert.ok(f.contrast[0] >= 0.5 && f.contrast[0] < 1.5);
      assert.deepEqual([f.brightness[1], f.saturation[1], f.contrast[1]], [0, 1, 1]);
    }
    const u = new Rng(6);
    const expected = [u.next() - 0.5, 2 * u.next(), u.next() + 0.5];
    const f = drawColor(new Rng(6), [true]);
    assert.deepEqual([f.brightness[0], f.saturation[0], f.contrast[0]], expected);
  });
});

for (const backend of ['cpu', 'native'] as const) {
  describe(`DiffAugment ops on ${backend}`, { skip: backend === 'native' && nativeMissing }, () => {
    before(async () => {
      await initBackend(backend);
    });

    it('brightness, saturation and contrast follow their formulas', () => {
      tf.tidy(() => {
        const x = tf.tensor4d([0.5, -0.25, 1, 0, 0.2, -0.8], [1, 1, 2, 3]);
        // Brightness +0.3; saturation ×2 about each pixel's channel mean (0.41667, -0.2); contrast ×0.5 about the image mean.
        assert.ok(maxRelativeError(adjustBrightness(x, [0.3]).dataSync() as Float32Array, Float32Array.from([0.8, 0.05, 1.3, 0.3, 0.5, -0.5])) < 1e-6);
        const m1 = (0.5 - 0.25 + 1) / 3;
        const m2 = (0 + 0.2 - 0.8) / 3;
        const saturated = [0.5, -0.25, 1].map((v) => 2 * (v - m1) + m1).concat([0, 0.2, -0.8].map((v) => 2 * (v - m2) + m2));
        assert.ok(maxRelativeError(adjustSaturation(x, [2]).dataSync() as Float32Array, Float32Array.from(saturated)) < 1e-6);
        const mean = (0.5 - 0.25 + 1 + 0 + 0.2 - 0.8) / 6;
        const contrasted = [0.5, -0.25, 1, 0, 0.2, -0.8].map((v) => 0.5 * (v - mean) + mean);
        assert.ok(maxRelativeError(adjustContrast(x, [0.5]).dataSync() as Float32Array, Float32Array.from(contrasted)) < 1e-6);
      });
    });

    it('the colour op is brightness, saturation, contrast with factors drawn by drawColor', () => {
      tf.tidy(() => {
        const shape: [number, number, number, number] = [4, 3, 5, 3];
        const x = randomImages(shape, 11);
        const out = DIFF_AUGMENT_RECORDS.color.apply(x, new Rng(12), ALL);
        const expected = referenceColor(x.dataSync() as Float32Array, shape, drawColor(new Rng(12), ALL));
        assert.ok(maxRelativeError(out.dataSync() as Float32Array, Float32Array.from(expected)) < 1e-5);
      });
    });

    it('translation by (1, -1) of a 4×4 image moves it down and left with zero fill', () => {
      tf.tidy(() => {
        const x = tf.tensor4d(Array.from({ length: 16 }, (_, k) => 10 * Math.floor(k / 4) + (k % 4) + 1), [1, 4, 4, 1]);
        assert.deepEqual(Array.from(translateImages(x, [1], [-1]).dataSync()), [
          0, 0, 0, 0,
          2, 3, 4, 0,
          12, 13, 14, 0,
          22, 23, 24, 0,
        ]);
      });
    });

    it('cutout zeroes the box on every channel, clipped to the image', () => {
      tf.tidy(() => {
        const x = tf.ones([2, 8, 8, 2]) as tf.Tensor4D;
        const out = cutoutImages(x, [{ top: -2, left: 5, height: 4, width: 4 }, null]).arraySync();
        for (let y = 0; y < 8; y++) {
          for (let col = 0; col < 8; col++) {
            const cut = y < 2 && col >= 5;
            assert.deepEqual(out[0][y][col], cut ? [0, 0] : [1, 1], `(${y}, ${col})`);
            assert.deepEqual(out[1][y][col], [1, 1]);
          }
        }
      });
    });

    it('diffAugment runs the policy in order with draws from one Rng (p = 1 draws no gate)', () => {
      tf.tidy(() => {
        const shape: [number, number, number, number] = [4, 8, 8, 3];
        const x = randomImages(shape, 13);
        const out = diffAugment(x, DIFF_AUGMENT_OPS, new Rng(14));
        const rng = new Rng(14);
        const colored = tf.tensor4d(Float32Array.from(referenceColor(x.dataSync() as Float32Array, shape, drawColor(rng, ALL))), shape);
        const { dy, dx } = drawTranslation(rng, shape, ALL);
        const expected = cutoutImages(translateImages(colored, dy, dx), drawCutout(rng, shape, ALL));
        assert.ok(maxRelativeError(out.dataSync() as Float32Array, expected.dataSync() as Float32Array) < 1e-5);
        // The reversed policy is another augmentation.
        assert.notDeepEqual(diffAugment(x, ['cutout', 'translation', 'color'], new Rng(14)).dataSync(), out.dataSync());
      });
    });

    it('is deterministic for a seed and differs between seeds', () => {
      tf.tidy(() => {
        const x = randomImages([4, 8, 8, 3], 15);
        const a = diffAugment(x, DIFF_AUGMENT_OPS, new Rng(16)).dataSync();
        assert.deepEqual(diffAugment(x, DIFF_AUGMENT_OPS, new Rng(16)).dataSync(), a);
        assert.notDeepEqual(diffAugment(x, DIFF_AUGMENT_OPS, new Rng(17)).dataSync(), a);
      });
    });

    it('augments each image with probability p: p = 0 changes nothing, p = 0.5 about half the images', () => {
      tf.tidy(() => {
        const x = randomImages([64, 8, 8, 3], 18);
        assert.deepEqual(diffAugment(x, DIFF_AUGMENT_OPS, new Rng(19), 0).dataSync(), x.dataSync());
        const out = diffAugment(x, DIFF_AUGMENT_OPS, new Rng(19), 0.5);
        const changed = tf.unstack(tf.abs(tf.sub(out, x))).map((d) => tf.max(d).dataSync()[0] > 1e-5);
        const count = changed.filter(Boolean).length;
        assert.ok(count > 16 && count < 48, `${count} of 64 images augmented at p = 0.5`);
      });
    });
  });
}
