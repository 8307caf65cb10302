// The --augment flags (src/gan/augment/augment-options.ts) and the Augmenter the trainer holds (augmenter.ts):
// defaults per kind, ConfigErrors that name the flag and the valid ops, --help texts from the registries, and
// adaptive ADA's p fed by D's real logits and resumed from its checkpointed state.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { ConfigError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/random.ts';
import { initBackend } from '../../src/env/backend.ts';
import { ADA_OP_RECORDS, ADA_OPS, adaAugment } from '../../src/gan/augment/ada-augment.ts';
import { augmentOptionFields, resolveAugment, type AugmentOptions } from '../../src/gan/augment/augment-options.ts';
import { createAugmenter } from '../../src/gan/augment/augmenter.ts';
import { DIFF_AUGMENT_OPS, DIFF_AUGMENT_RECORDS, diffAugment } from '../../src/gan/augment/diff-augment.ts';

const RGB = [32, 32, 3];

function configError(options: AugmentOptions, pattern: RegExp, shape = RGB): void {
  assert.throws(() => resolveAugment(options, shape), (e: Error) => e instanceof ConfigError && pattern.test(e.message), JSON.stringify(options));
}

describe('--augment flags', () => {
  it('parse with zod to augment none, policy and p unset', () => {
    assert.deepEqual(z.strictObject(augmentOptionFields).parse({}), { augment: 'none' });
    assert.throws(() => z.strictObject(augmentOptionFields).parse({ augmentP: 1.5 }));
  });

  it('--help lists every op of both registries with its summary', () => {
    const help = augmentOptionFields.augmentPolicy.description ?? '';
    for (const [name, record] of [...Object.entries(DIFF_AUGMENT_RECORDS), ...Object.entries(ADA_OP_RECORDS)]) {
      assert.ok(help.includes(`${name} (${record.summary})`), name);
    }
  });

  it('default to every op of the kind; diffaug p 1, ada adaptive from 0; a list keeps its order', () => {
    assert.deepEqual(resolveAugment({ augment: 'none' }, RGB), { kind: 'none' });
    assert.deepEqual(resolveAugment({ augment: 'diffaug' }, RGB), { kind: 'diffaug', policy: ['color', 'translation', 'cutout'], p: 1 });
    assert.deepEqual(resolveAugment({ augment: 'ada' }, RGB), { kind: 'ada', policy: ['xflip', 'rotate90', 'translation', 'color'], p: 0, adaptive: true });
    assert.deepEqual(resolveAugment({ augment: 'ada', augmentP: 0.3, augmentPolicy: 'color, xflip' }, RGB),
      { kind: 'ada', policy: ['color', 'xflip'], p: 0.3, adaptive: false });
    assert.deepEqual(resolveAugment({ augment: 'diffaug', augmentPolicy: 'cutout,color', augmentP: 0.5 }, RGB),
      { kind: 'diffaug', policy: ['cutout', 'color'], p: 0.5 });
  });

  it('refuse unknown, empty and repeated ops, listing the valid ones', () => {
    configError({ augment: 'diffaug', augmentPolicy: 'color,xflip' },
      /^--augment-policy: unknown op 'xflip' for --augment diffaug; valid ops: color, translation, cutout$/);
    configError({ augment: 'ada', augmentPolicy: 'cutout' }, /unknown op 'cutout' for --augment ada; valid ops: xflip, rotate90, translation, color/);
    configError({ augment: 'ada', augmentPolicy: '' }, /an empty name in ''/);
    configError({ augment: 'diffaug', augmentPolicy: 'color,,cutout' }, /an empty name in 'color,,cutout'/);
    configError({ augment: 'diffaug', augmentPolicy: 'color,color' }, /lists color twice/);
  });

  it('refuse a policy or p without an augmentation, and ops the images cannot take', () => {
    configError({ augment: 'none', augmentPolicy: 'color' }, /--augment-policy needs --augment diffaug or --augment ada/);
    configError({ augment: 'none', augmentP: 0.5 }, /--augment-p needs --augment diffaug or --augment ada/);
    configError({ augment: 'ada' }, /rotate90 needs square images, not 32x48; these are 32x48x3 \(leave rotate90 out of the list\)/, [32, 48, 3]);
    configError({ augment: 'ada', augmentPolicy: 'xflip,color' }, /color needs RGB or grey images, not 2 channels/, [8, 8, 2]);
    assert.equal(resolveAugment({ augment: 'ada', augmentPolicy: 'xflip,translation' }, [32, 48, 3]).kind, 'ada');
  });
});

describe('Augmenter', () => {
  before(async () => {
    await initBackend();
  });

  it('none clones, diffaug and fixed-p ADA run their ops with the spec\'s p and never adapt', () => {
    tf.tidy(() => {
      const x = tf.randomUniform([4, 8, 8, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
      const none = createAugmenter({ kind: 'none' });
      assert.deepEqual(none.augment(x, new Rng(1)).dataSync(), x.dataSync());
      assert.equal(none.p, 0);
      const diffaug = createAugmenter(resolveAugment({ augment: 'diffaug', augmentP: 0.5 }, [8, 8, 3]));
      assert.deepEqual(diffaug.augment(x, new Rng(2)).dataSync(), diffAugment(x, DIFF_AUGMENT_OPS, new Rng(2), 0.5).dataSync());
      const fixed = createAugmenter(resolveAugment({ augment: 'ada', augmentP: 0.4 }, [8, 8, 3]));
      assert.deepEqual(fixed.augment(x, new Rng(3)).dataSync(), adaAugment(x, ADA_OPS, 0.4, new Rng(3)).dataSync());
      for (let i = 0; i < 8; i++) fixed.observeReal(tf.ones([4, 1]));
      assert.equal(fixed.p, 0.4);
      assert.equal(fixed.state(), null);
    });
  });

  it('adaptive ADA raises p from D\'s real logits, augments with it, and resumes from state() exactly', () => {
    tf.tidy(() => {
      const spec = resolveAugment({ augment: 'ada' }, [8, 8, 3]);
      const ada = createAugmenter(spec);
      assert.equal(ada.p, 0);
      for (let i = 0; i < 10; i++) ada.observeReal(tf.ones([16, 1]));
      assert.equal(ada.p, 2 * (16 * 4) / 500_000);
      const x = tf.randomUniform([4, 8, 8, 3], -1, 1, 'float32', 4) as tf.Tensor4D;
      assert.deepEqual(ada.augment(x, new Rng(5)).dataSync(), adaAugment(x, ADA_OPS, ada.p, new Rng(5)).dataSync());
      const resumed = createAugmenter(spec, JSON.parse(JSON.stringify(ada.state())));
      for (let i = 0; i < 6; i++) {
        ada.observeReal(tf.ones([16, 1]));
        resumed.observeReal(tf.ones([16, 1]));
      }
      assert.equal(resumed.p, ada.p);
      // Four adjustments, summed as the controller sums them.
      assert.equal(ada.p, [1, 2, 3, 4].reduce((p) => p + (16 * 4) / 500_000, 0));
    });
  });
});
