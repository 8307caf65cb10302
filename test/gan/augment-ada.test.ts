// ADA's pipeline (src/gan/augment/ada-augment.ts, color-matrix.ts) against stylegan2-ada-pytorch's augment.py:
// colour matrices on known colours, grey images, the drawn ranges and probabilities, the fixed op order, p = 0,
// determinism for a seed, the data's random x-flip; on the cpu and native backends.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/core/random.ts';
import { initBackend } from '../../src/env/backend.ts';
import { ADA_OPS, adaAugment, drawAdaPlan, randomXFlip, runAdaPlan } from '../../src/gan/augment/ada-augment.ts';
import {
  applyColorMatrices, brightnessColor, type ColorMatrix, composeColor, contrastColor, hueColor, identityColor, isIdentityColor,
  lumaFlipColor, saturationColor,
} from '../../src/gan/augment/color-matrix.ts';
import { isIdentityMap } from '../../src/gan/augment/pixel-map.ts';
import { maxRelativeError, nativeMissing } from '../helpers/backends.ts';

/** Two RGB pixels as one 1×2 image. */
const PIXELS = [0.5, -0.25, 1, 0, 0.2, -0.8];

function colored(matrix: ColorMatrix, values = PIXELS, channels = 3): Float32Array {
  return tf.tidy(() => applyColorMatrices(tf.tensor4d(values, [1, 1, values.length / channels, channels]), [matrix]).dataSync() as Float32Array);
}

function close(actual: Float32Array, expected: number[], what: string): void {
  const error = maxRelativeError(actual, Float32Array.from(expected));
  assert.ok(error < 1e-6, `${what}: ${Array.from(actual)} vs ${expected} (error ${error})`);
}

/** Per pixel (r, g, b) → f(r, g, b) over PIXELS. */
const perPixel = (f: (r: number, g: number, b: number) => number[]) => [f(PIXELS[0], PIXELS[1], PIXELS[2]), f(PIXELS[3], PIXELS[4], PIXELS[5])].flat();

describe('ADA draws', () => {
  it('runs in the reference\'s order whatever the list says: xflip, rotate90, translation, color', () => {
    assert.deepEqual(ADA_OPS, ['xflip', 'rotate90', 'translation', 'color']);
    const shape = [3, 8, 8, 3];
    assert.deepEqual(drawAdaPlan(shape, ['color', 'xflip'], 0.7, new Rng(1)), drawAdaPlan(shape, ['xflip', 'color'], 0.7, new Rng(1)));
  });

  it('p = 0 draws the identity for every op', () => {
    const plan = drawAdaPlan([8, 8, 8, 3], ADA_OPS, 0, new Rng(2));
    assert.ok(plan.maps.every(isIdentityMap) && plan.colors.every(isIdentityColor));
  });

  it('integer translations are round(U(-1/8, 1/8) · side), ties to even: -4..4 on 32 pixels', () => {
    const rng = new Rng(3);
    const seen = new Set<number>();
    for (let k = 0; k < 100; k++) {
      // Reflect fill keeps the middle column's source exact: cols[16] = 16 − dx.
      for (const map of drawAdaPlan([8, 32, 32, 1], ['translation'], 1, rng).maps) seen.add(16 - map.cols[16]);
    }
    assert.deepEqual([...seen].sort((a, b) => a - b), [-4, -3, -2, -1, 0, 1, 2, 3, 4]);
  });

  it('each op touches an image with probability p; xflip then flips half of those, rotate90 turns 3/4 of them', () => {
    const n = 4000;
    const flips = drawAdaPlan([n, 4, 4, 1], ['xflip'], 0.4, new Rng(4)).maps.filter((m) => !isIdentityMap(m)).length / n;
    assert.ok(Math.abs(flips - 0.2) < 0.025, `xflip at p = 0.4 flipped ${flips}`);
    const turned = drawAdaPlan([n, 4, 4, 1], ['rotate90'], 1, new Rng(5)).maps.filter((m) => !isIdentityMap(m)).length / n;
    assert.ok(Math.abs(turned - 0.75) < 0.025, `rotate90 at p = 1 turned ${turned}`);
    const recoloured = drawAdaPlan([n, 4, 4, 3], ['color'], 0.1, new Rng(6)).colors.filter((m) => !isIdentityColor(m)).length / n;
    // Five colour steps, each at p = 0.1 (luma flip a coin on top): 1 − 0.9⁴ · 0.95 ≈ 0.377.
    assert.ok(Math.abs(recoloured - 0.377) < 0.03, `color at p = 0.1 changed ${recoloured}`);
  });

  it('leaves nothing outside rng.state: a run resumed from a checkpointed state draws the same plans (odd batch)', () => {
    const shape = [3, 8, 8, 3];
    const rng = new Rng(8);
    drawAdaPlan(shape, ADA_OPS, 1, rng);
    const resumed = new Rng(0);
    resumed.state = rng.state;
    assert.deepEqual(drawAdaPlan(shape, ADA_OPS, 1, resumed), drawAdaPlan(shape, ADA_OPS, 1, rng));
  });

  it('rotate90 needs square images and color RGB or grey ones', () => {
    assert.throws(() => drawAdaPlan([1, 4, 6, 3], ['rotate90'], 1, new Rng(7)), /rotate90 needs square images, not 4x6/);
    assert.throws(() => drawAdaPlan([1, 4, 4, 2], ['color'], 1, new Rng(7)), /color needs RGB or grey images, not 2 channels/);
  });
});

for (const backend of ['cpu', 'native'] as const) {
  describe(`ADA on ${backend}`, { skip: backend === 'native' && nativeMissing }, () => {
    before(async () => {
      await initBackend(backend);
    });

    it('brightness then contrast is (x + b)·c on every channel', () => {
      close(colored(composeColor(contrastColor(1.5), brightnessColor(0.1))), PIXELS.map((v) => (v + 0.1) * 1.5), 'brightness, contrast');
      close(colored(identityColor()), PIXELS, 'identity');
    });

    it('luma flip reflects along (1, 1, 1): x − 2·mean(rgb); twice is the identity', () => {
      close(colored(lumaFlipColor(1)), perPixel((r, g, b) => [r, g, b].map((v) => v - (2 * (r + g + b)) / 3)), 'luma flip');
      close(colored(composeColor(lumaFlipColor(1), lumaFlipColor(1))), PIXELS, 'two luma flips');
      assert.ok(isIdentityColor(lumaFlipColor(0)));
    });

    it('hue rotation keeps grey, turns by a third to (b, r, g), and undoes with -theta', () => {
      close(colored(hueColor(1.1), [0.3, 0.3, 0.3]), [0.3, 0.3, 0.3], 'grey under hue');
      close(colored(hueColor((2 * Math.PI) / 3)), perPixel((r, g, b) => [b, r, g]), 'a third of a turn');
      close(colored(composeColor(hueColor(-0.7), hueColor(0.7))), PIXELS, 'hue and back');
    });

    it('saturation scales the chroma: 0 gives each pixel\'s mean, 2 is DiffAugment\'s (x − m)·2 + m', () => {
      close(colored(saturationColor(0)), perPixel((r, g, b) => new Array(3).fill((r + g + b) / 3)), 'saturation 0');
      close(colored(saturationColor(2)), perPixel((r, g, b) => [r, g, b].map((v) => 2 * (v - (r + g + b) / 3) + (r + g + b) / 3)), 'saturation 2');
    });

    it('grey images: brightness and contrast as in RGB, luma flip negates, hue and saturation are the identity', () => {
      const grey = [0.5, -0.25, 1];
      close(colored(composeColor(contrastColor(0.5), brightnessColor(-0.2)), grey, 1), grey.map((v) => (v - 0.2) * 0.5), 'grey b, c');
      close(colored(lumaFlipColor(1), grey, 1), grey.map((v) => -v), 'grey luma flip');
      close(colored(composeColor(saturationColor(3), hueColor(2)), grey, 1), grey, 'grey hue, saturation');
    });

    it('adaAugment is its plan run; deterministic for a seed; p = 0 changes nothing', () => {
      tf.tidy(() => {
        const x = tf.randomUniform([6, 8, 8, 3], -1, 1, 'float32', 8) as tf.Tensor4D;
        const out = adaAugment(x, ADA_OPS, 0.8, new Rng(9));
        assert.deepEqual(out.dataSync(), runAdaPlan(x, drawAdaPlan(x.shape, ADA_OPS, 0.8, new Rng(9))).dataSync());
        assert.deepEqual(adaAugment(x, ADA_OPS, 0.8, new Rng(9)).dataSync(), out.dataSync());
        assert.notDeepEqual(adaAugment(x, ADA_OPS, 0.8, new Rng(10)).dataSync(), out.dataSync());
        assert.deepEqual(adaAugment(x, ADA_OPS, 0, new Rng(9)).dataSync(), x.dataSync());
      });
    });

    it('randomXFlip mirrors each image or leaves it, both happening in a batch', () => {
      tf.tidy(() => {
        const x = tf.randomUniform([16, 4, 5, 3], -1, 1, 'float32', 11) as tf.Tensor4D;
        const out = tf.unstack(randomXFlip(x, new Rng(12)));
        const kinds = tf.unstack(x).map((image, i) => {
          if (tf.equal(out[i], image).all().dataSync()[0]) return 'same';
          return tf.equal(out[i], tf.reverse(image, 1)).all().dataSync()[0] ? 'mirrored' : 'other';
        });
        assert.ok(!kinds.includes('other'));
        assert.ok(kinds.includes('same') && kinds.includes('mirrored'), kinds.join(' '));
      });
    });
  });
}
