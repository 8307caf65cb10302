// DCGAN builders and presets: output shapes for every preset and size, parameter counts equal to the
// references (TF tutorial, PyTorch's dcgan), conditional inputs/outputs, seeded init, seeded dropout.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '../../src/core/random.ts';
import { initBackend } from '../../src/env/backend.ts';
import { buildDiscriminator, buildGenerator, checkGeneratorSpec, discriminatorFeatureSize, generatorSides, reseedDropout } from '../../src/gan/dcgan.ts';
import { defaultGanPreset, ganPreset, type GanPresetName } from '../../src/gan/presets.ts';
import { buildReconstructionDecoders, reconstructionLoss, reconstructionSide } from '../../src/gan/reconstruction.ts';

before(async () => {
  await initBackend();
});

function countParams(model: tfl.LayersModel, trainableOnly: boolean): number {
  return (trainableOnly ? model.trainableWeights : model.weights).reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/** Runs `model` on inputs of the given shapes and returns the output shapes; disposes everything. */
function outputShapes(model: tfl.LayersModel, inputs: tf.Tensor[]): number[][] {
  return tf.tidy(() => {
    const out = model.apply(inputs.length === 1 ? inputs[0] : inputs, { training: false }) as tf.Tensor | tf.Tensor[];
    return (Array.isArray(out) ? out : [out]).map((t) => t.shape);
  });
}

describe('presets', () => {
  const cases: { preset: GanPresetName; shape: [number, number, number]; sides: number[]; width?: number }[] = [
    { preset: 'dcgan28', shape: [28, 28, 1], sides: [7, 7, 14, 28] },
    { preset: 'dcgan64', shape: [64, 64, 3], sides: [4, 8, 16, 32, 64], width: 8 },
    { preset: 'seed', shape: [28, 28, 1], sides: [7, 14, 28, 28], width: 8 },
    { preset: 'seed', shape: [56, 56, 3], sides: [7, 14, 28, 56], width: 8 },
    { preset: 'dcgan', shape: [32, 32, 3], sides: [4, 8, 16, 32], width: 8 },
    { preset: 'dcgan', shape: [8, 8, 1], sides: [4, 8], width: 4 },
    { preset: 'lite', shape: [32, 32, 3], sides: [4, 8, 16, 32], width: 4 },
    { preset: 'lite', shape: [64, 64, 3], sides: [4, 8, 16, 32, 64], width: 4 },
    { preset: 'lite', shape: [128, 128, 1], sides: [4, 8, 16, 32, 64, 128], width: 2 },
    { preset: 'lite', shape: [256, 256, 3], sides: [4, 8, 16, 32, 64, 128, 256], width: 1 },
  ];
  for (const c of cases) {
    it(`${c.preset} makes ${c.shape.join('x')} images; D gives a logit and features`, () => {
      const arch = ganPreset(c.preset, c.shape, { width: c.width });
      assert.deepEqual(generatorSides(arch.generator), c.sides);
      const rng = new Rng(1);
      const g = buildGenerator(arch.generator, rng);
      const d = buildDiscriminator(arch.discriminator, rng);
      const [images] = outputShapes(g, [tf.zeros([2, arch.generator.latentSize])]);
      assert.deepEqual(images, [2, ...c.shape]);
      assert.deepEqual(outputShapes(d, [tf.zeros([2, ...c.shape])]), [[2, 1], [2, discriminatorFeatureSize(arch.discriminator)]]);
      g.dispose();
      d.dispose();
    });
  }

  it('dcgan (the default) is 32 wide unless --width says otherwise; the reference presets are 64 wide', () => {
    assert.deepEqual(ganPreset('dcgan', [28, 28, 1]).generator.filters, [64, 32]);
    assert.deepEqual(ganPreset('dcgan', [28, 28, 1]).discriminator.filters, [32, 64]);
    assert.deepEqual(ganPreset('dcgan', [28, 28, 1], { width: 64 }).discriminator.filters, [64, 128]);
    assert.deepEqual(ganPreset('dcgan28', [28, 28, 1]).generator.filters, [256, 128, 64]);
    assert.deepEqual(ganPreset('seed', [28, 28, 1]).discriminator.filters, [32, 64, 128]);
  });

  it('dcgan28 has the TF tutorial\'s parameter counts (G 2,330,944 of which 2,305,472 trainable; D 212,865)', () => {
    const arch = ganPreset('dcgan28', [28, 28, 1]);
    const g = buildGenerator(arch.generator, new Rng(0));
    const d = buildDiscriminator(arch.discriminator, new Rng(0));
    assert.equal(countParams(g, false), 2_330_944);
    assert.equal(countParams(g, true), 2_305_472);
    assert.equal(countParams(d, true), 212_865);
    assert.equal(arch.adam.learningRate, 1e-4);
    assert.equal(arch.discriminator.dropout, 0.3);
    g.dispose();
    d.dispose();
  });

  it('dcgan64 has pytorch/examples dcgan\'s parameter counts (netG 3,576,704; netD 2,765,568) and its optimiser', () => {
    const arch = ganPreset('dcgan64', [64, 64, 3]);
    const g = buildGenerator(arch.generator, new Rng(0));
    const d = buildDiscriminator(arch.discriminator, new Rng(0));
    assert.equal(countParams(g, true), 3_576_704);
    assert.equal(countParams(d, true), 2_765_568);
    assert.deepEqual(arch.adam, { learningRate: 2e-4, beta1: 0.5, beta2: 0.999 });
    g.dispose();
    d.dispose();
  });

  it('dcgan64 draws weights from N(0, 0.02) and batch-norm scales from N(1, 0.02)', () => {
    const arch = ganPreset('dcgan64', [64, 64, 3], { width: 16 });
    const g = buildGenerator(arch.generator, new Rng(3));
    const kernel = g.weights.find((w) => w.originalName.includes('conv2d_transpose') && w.originalName.endsWith('kernel'))!.read();
    const gamma = g.weights.find((w) => w.originalName.endsWith('gamma'))!.read();
    const moments = (t: tf.Tensor) => tf.tidy(() => {
      const { mean, variance } = tf.moments(t);
      return [mean.dataSync()[0], Math.sqrt(variance.dataSync()[0])];
    });
    const [km, ks] = moments(kernel);
    const [gm, gs] = moments(gamma);
    assert.ok(Math.abs(km) < 0.002 && Math.abs(ks - 0.02) < 0.002, `kernel mean ${km} std ${ks}`);
    assert.ok(Math.abs(gm - 1) < 0.01 && Math.abs(gs - 0.02) < 0.01, `gamma mean ${gm} std ${gs}`);
    g.dispose();
  });

  it('names the fix when a preset does not fit the images', () => {
    assert.throws(() => ganPreset('dcgan28', [32, 32, 3]), /dcgan28 is for 28x28 images.*use --preset dcgan/);
    assert.throws(() => ganPreset('dcgan64', [28, 28, 1]), /use --preset dcgan28/);
    assert.throws(() => ganPreset('dcgan', [30, 30, 1]), /halves 3 times/);
    const spec = ganPreset('dcgan', [32, 32, 1]).generator;
    assert.throws(() => checkGeneratorSpec({ ...spec, strides: [2, 2] }), /2 ConvT layers need 2 filters entries, got 3/);
    assert.throws(() => ganPreset('lite', [48, 48, 3]), /lite is for sides 32, 64, 128 or 256.*--image-size or --preset dcgan/);
    const lite = ganPreset('lite', [64, 64, 3]).generator;
    assert.throws(() => checkGeneratorSpec({ ...lite, excitations: [{ from: 3, to: 1 }] }), /excitation 3→1 must join two of the 5 hidden maps/);
    assert.throws(() => checkGeneratorSpec({ ...lite, excitations: [{ from: 0, to: 5 }] }), /excitation 0→5/);
    assert.throws(() => checkGeneratorSpec({ ...spec, baseSize: 8 }), /gives 8→16→32→64, not the image size 32/);
  });
});

describe('lite', () => {
  it('gates each map of side ≥ 32 by the map an eighth its side, and is the default for colour or large images', () => {
    assert.deepEqual(ganPreset('lite', [64, 64, 3]).generator.excitations, [{ from: 0, to: 3 }, { from: 1, to: 4 }]);
    assert.deepEqual(ganPreset('lite', [32, 32, 3]).generator.excitations, [{ from: 0, to: 3 }]);
    assert.deepEqual(ganPreset('lite', [64, 64, 3]).generator.filters, [256, 256, 128, 64, 32]);
    assert.deepEqual(ganPreset('lite', [64, 64, 3]).discriminator.filters, [32, 64, 128, 256]);
    assert.equal(defaultGanPreset([64, 64, 3]), 'lite');
    assert.equal(defaultGanPreset([64, 64, 1]), 'lite');
    assert.equal(defaultGanPreset([32, 32, 3]), 'lite');
    assert.equal(defaultGanPreset([28, 28, 1]), 'dcgan');
    assert.equal(defaultGanPreset([32, 32, 1]), 'dcgan');
    assert.equal(defaultGanPreset([28, 28, 3]), 'dcgan', 'lite does not fit 28x28');
    assert.equal(defaultGanPreset([48, 48, 3]), 'dcgan', 'lite does not fit 48x48');
  });

  it('the excitation gates reach the image: zeroing the gating map\'s source changes the output', () => {
    const arch = ganPreset('lite', [32, 32, 3], { width: 2 });
    const g = buildGenerator(arch.generator, new Rng(3));
    const names = g.layers.map((l) => l.getClassName());
    assert.equal(names.filter((n) => n === 'Multiply').length, 1);
    assert.equal(names.filter((n) => n === 'AveragePooling2D').length, 0, 'a 4x4 source needs no pooling');
    assert.equal(g.layers[g.layers.length - 1].getClassName(), 'Conv2D', 'a 3x3 convolution makes the image');
    g.dispose();
    const big = buildGenerator(ganPreset('lite', [64, 64, 3], { width: 2 }).generator, new Rng(3));
    assert.equal(big.layers.filter((l) => l.getClassName() === 'AveragePooling2D').length, 1, 'the 8x8 source is pooled to 4x4');
    big.dispose();
  });
});

describe('reconstruction decoders (FastGAN\'s self-supervised D)', () => {
  it('D gives its 16x16 and 8x8 maps; the decoders rebuild the image shrunk to half its side, and a quarter of it', () => {
    const arch = ganPreset('lite', [32, 32, 3], { width: 2 });
    arch.discriminator.reconstruction = true;
    const d = buildDiscriminator(arch.discriminator, new Rng(4));
    const decoders = buildReconstructionDecoders(arch.discriminator, new Rng(5));
    tf.tidy(() => {
      const real = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 6) as tf.Tensor4D;
      const outputs = d.apply(real, { training: false }) as tf.Tensor4D[];
      const [map16, map8] = outputs.slice(-2);
      assert.deepEqual(map16.shape, [2, 16, 16, 2]);
      assert.deepEqual(map8.shape, [2, 8, 8, 4]);
      assert.equal(reconstructionSide(32), 16);
      assert.equal(reconstructionSide(256), 32);
      const whole = decoders.whole.apply(map8, { training: true }) as tf.Tensor4D;
      assert.deepEqual(whole.shape, [2, 16, 16, 3]);
      // Quarter 3 is the bottom-right one: its target is that 16x16 corner of the image (no shrinking at side 32).
      const part = decoders.part.apply(tf.slice(map16, [0, 8, 8, 0], [-1, 8, 8, -1]), { training: true }) as tf.Tensor4D;
      const mse = (a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.square(tf.sub(a, b)));
      const expected = tf.add(mse(whole, tf.avgPool(real, 2, 2, 'valid')), mse(part, tf.slice(real, [0, 16, 16, 0], [-1, 16, 16, -1])));
      const loss = reconstructionLoss(decoders, map16, map8, real, 3);
      assert.ok(Math.abs(loss.dataSync()[0] - expected.dataSync()[0]) < 1e-5);
      assert.ok(Math.abs(reconstructionLoss(decoders, map16, map8, real, 0).dataSync()[0] - expected.dataSync()[0]) > 1e-6, 'another quarter, another target');
    });
    for (const m of [d, decoders.whole, decoders.part]) m.dispose();
  });
});

describe('conditional networks', () => {
  const shape: [number, number, number] = [8, 8, 1];
  it('cGAN: G and D take a label input; the label changes their outputs', () => {
    const arch = ganPreset('dcgan', shape, { width: 4, conditioning: 'cgan', numClasses: 3 });
    const rng = new Rng(5);
    const g = buildGenerator(arch.generator, rng);
    const d = buildDiscriminator(arch.discriminator, rng);
    assert.deepEqual(g.inputs.map((i) => i.shape), [[null, 100], [null, 1]]);
    assert.deepEqual(d.inputs.map((i) => i.shape), [[null, 8, 8, 1], [null, 1]]);
    tf.tidy(() => {
      const noise = tf.randomNormal([2, 100], 0, 1, 'float32', 1);
      const image = (label: number) => g.apply([noise, tf.fill([2, 1], label)], { training: false }) as tf.Tensor;
      assert.deepEqual(image(0).shape, [2, 8, 8, 1]);
      assert.ok(tf.max(tf.abs(tf.sub(image(0), image(2)))).dataSync()[0] > 1e-4, 'the label must reach the generator');
      const logit = (label: number) => (d.apply([image(0), tf.fill([2, 1], label)], { training: false }) as tf.Tensor[])[0];
      assert.ok(tf.max(tf.abs(tf.sub(logit(0), logit(1)))).dataSync()[0] > 1e-6, 'the label must reach the discriminator');
    });
    g.dispose();
    d.dispose();
  });

  it('AC-GAN: D has no label input and a third output of class logits [n, K]', () => {
    const arch = ganPreset('dcgan', shape, { width: 4, conditioning: 'acgan', numClasses: 5 });
    const d = buildDiscriminator(arch.discriminator, new Rng(1));
    assert.equal(d.inputs.length, 1);
    assert.deepEqual(outputShapes(d, [tf.zeros([3, 8, 8, 1])]), [[3, 1], [3, discriminatorFeatureSize(arch.discriminator)], [3, 5]]);
    d.dispose();
  });

  it('refuses conditioning without classes', () => {
    const arch = ganPreset('dcgan', shape, { width: 4, conditioning: 'cgan', numClasses: 0 });
    assert.throws(() => buildGenerator(arch.generator, new Rng(0)), /needs a dataset with labels/);
  });
});

describe('seeding', () => {
  const arch = ganPreset('dcgan28', [28, 28, 1], { width: 4 });
  const weightsOf = (seed: number) => {
    const g = buildGenerator(arch.generator, new Rng(seed));
    const values = g.getWeights().map((w) => Array.from(w.dataSync()));
    g.dispose();
    return values;
  };

  it('the same seed gives the same weights, another seed others', () => {
    assert.deepEqual(weightsOf(7), weightsOf(7));
    assert.notDeepEqual(weightsOf(7)[0], weightsOf(8)[0]);
  });

  it('reseedDropout makes masks differ per step yet repeat from the same RNG state', () => {
    const d = buildDiscriminator(arch.discriminator, new Rng(2));
    const x = tf.ones([2, 28, 28, 1]);
    const logit = () => ((d.apply(x, { training: true }) as tf.Tensor[])[0]).dataSync()[0];
    const rng = new Rng(9);
    reseedDropout(d, rng);
    const first = logit();
    assert.equal(logit(), first, 'a Dropout seed is reused until reseeded');
    reseedDropout(d, rng);
    const second = logit();
    assert.notEqual(second, first);
    const replay = new Rng(9);
    reseedDropout(d, replay);
    assert.equal(logit(), first);
    x.dispose();
    d.dispose();
  });
});
