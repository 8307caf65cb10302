// FLOP counting: per-layer MACs and FLOPs, the pass rules, shape records of real tfjs models (an excitation's pooling
// and Multiply in builder order), and W1's and W4's totals by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/env/backend.ts';
import { forwardMacs, layerFlops, stepFlops, type LayerShape, type NetworkLayers, type Pass } from '../../bench/flops.ts';
import { tfjsLayerShapes, trainableParams } from '../../bench/tfjs-layers.ts';
import { createTrainable } from '../../bench/ganvae.ts';
import { iterationPasses, workload, type GanWorkload } from '../../bench/workloads.ts';
import { Rng } from '../../src/core/random.ts';

const dense = (n: number, m: number): LayerShape => ({ name: `d${n}x${m}`, kind: 'dense', input: [n], output: [m], kernel: null });

test('forward MACs per example of each layer kind', () => {
  const cases: [LayerShape, number][] = [
    [dense(100, 12544), 100 * 12544],
    // W1 D's first conv: every one of 14·14·64 outputs sums 5·5·1 products.
    [{ name: 'c', kind: 'conv', input: [28, 28, 1], output: [14, 14, 64], kernel: [5, 5] }, 14 * 14 * 64 * 25],
    // W1 G's second ConvT: every one of 7·7·128 inputs scatters into 5·5·64 outputs.
    [{ name: 't', kind: 'convT', input: [7, 7, 128], output: [14, 14, 64], kernel: [5, 5] }, 7 * 7 * 128 * 25 * 64],
  ];
  for (const [layer, macs] of cases) assert.equal(forwardMacs(layer), macs, layer.name);
});

test('FLOPs per layer and example: weighted layers 2 per MAC per computed pass, pooling and Multiply by their elements', () => {
  const conv: LayerShape = { name: 'c', kind: 'conv', input: [8, 8, 3], output: [4, 4, 2], kernel: [3, 3] }; // 864 MACs
  const pool: LayerShape = { name: 'p', kind: 'pool', input: [8, 8, 5], output: [4, 4, 5], kernel: [2, 2] }; // 80 outputs × 4
  const multiply: LayerShape = { name: 'm', kind: 'multiply', input: [6, 6, 2], output: [6, 6, 2], kernel: null }; // 72 outputs
  const cases: [LayerShape, boolean, boolean, number][] = [
    [conv, false, false, 2 * 864], [conv, true, false, 4 * 864], [conv, true, true, 6 * 864],
    [pool, false, false, 320], [pool, true, false, 320], [pool, false, true, 640],
    [multiply, false, false, 72], [multiply, true, true, 4 * 72],
  ];
  for (const [layer, weightGradient, inputGradient, flops] of cases) {
    assert.equal(layerFlops(layer, weightGradient, inputGradient), flops, `${layer.kind} ${weightGradient} ${inputGradient}`);
  }
  assert.equal(forwardMacs(pool), 0);
});

test('passes: forward 1x, weight and input gradients 1x each, first input gradient only when it flows on', () => {
  const layers = { net: [dense(2, 3), dense(3, 4)] }; // 6 and 12 MACs
  const cases: [Pass, number][] = [
    [{ network: 'net', batch: 1, weightGradients: false, inputGradients: 'none' }, 2 * 18],
    [{ network: 'net', batch: 2, weightGradients: true, inputGradients: 'exceptFirst' }, 2 * 2 * (6 * 2 + 12 * 3)],
    [{ network: 'net', batch: 1, weightGradients: true, inputGradients: 'all' }, 2 * 18 * 3],
    [{ network: 'net', batch: 1, weightGradients: false, inputGradients: 'all' }, 2 * 18 * 2],
  ];
  for (const [pass, flops] of cases) assert.equal(stepFlops(layers, [pass]), flops, JSON.stringify(pass));
  assert.throws(() => stepFlops(layers, [{ network: 'other', batch: 1, weightGradients: false, inputGradients: 'none' }]), /network "other"/);
});

test('tfjs layer records and trainable parameters of a small model', async () => {
  await initBackend('cpu');
  const input = tfl.input({ shape: [8, 8, 2] });
  let x = tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 5 }).apply(x) as tfl.SymbolicTensor });
  const records = tfjsLayerShapes(model).map(({ kind, input: i, output, kernel }) => ({ kind, input: i, output, kernel }));
  assert.deepEqual(records, [
    { kind: 'conv', input: [8, 8, 2], output: [4, 4, 4], kernel: [3, 3] },
    { kind: 'convT', input: [4, 4, 4], output: [8, 8, 3], kernel: [3, 3] },
    { kind: 'dense', input: [192], output: [5], kernel: null },
  ]);
  // conv 3·3·2·4 + 4, BN γ and β (its moving statistics are not trainable), convT 3·3·4·3 + 3, dense 192·5 + 5.
  assert.equal(trainableParams(model), 76 + 8 + 111 + 965);
  model.dispose();
});

test('tfjs records of an excitation-shaped graph: builder order, the pool\'s window, a Multiply\'s gated input', async () => {
  await initBackend('cpu');
  const input = tfl.input({ shape: [8, 8, 2] });
  const a = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(input) as tfl.SymbolicTensor;
  const b = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(a) as tfl.SymbolicTensor;
  // The gate branch is shallower than b, so tfjs's depth order would list it between the convolutions.
  let gate = tfl.layers.averagePooling2d({ poolSize: 2, strides: 2 }).apply(input) as tfl.SymbolicTensor;
  gate = tfl.layers.conv2d({ filters: 3, kernelSize: 4, padding: 'valid', activation: 'sigmoid' }).apply(gate) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: tfl.layers.multiply().apply([b, gate]) as tfl.SymbolicTensor });
  const records = tfjsLayerShapes(model).map(({ kind, input: i, output, kernel }) => ({ kind, input: i, output, kernel }));
  assert.deepEqual(records, [
    { kind: 'conv', input: [8, 8, 2], output: [8, 8, 3], kernel: [3, 3] },
    { kind: 'conv', input: [8, 8, 3], output: [8, 8, 3], kernel: [3, 3] },
    { kind: 'pool', input: [8, 8, 2], output: [4, 4, 2], kernel: [2, 2] },
    { kind: 'conv', input: [4, 4, 2], output: [1, 1, 3], kernel: [4, 4] },
    { kind: 'multiply', input: [8, 8, 3], output: [8, 8, 3], kernel: null },
  ]);
  model.dispose();
});

test('W1 (DCGAN-28, batch 64): FLOPs of one iteration from ganvae\'s own networks match the hand count', async () => {
  await initBackend('cpu');
  const w = workload('W1');
  const trainable = createTrainable(w, new Rng(1));
  const models = trainable.models();
  const layers = { generator: tfjsLayerShapes(models.generator), discriminator: tfjsLayerShapes(models.discriminator) };
  trainable.dispose();
  const g = [100 * 12544, 7 * 7 * 256 * 25 * 128, 7 * 7 * 128 * 25 * 64, 14 * 14 * 64 * 25 * 1];
  const d = [14 * 14 * 64 * 25 * 1, 7 * 7 * 128 * 25 * 64, 6272];
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const perExample =
    sum(g) + // D step: G forward
    2 * (3 * sum(d) - d[0]) + // D on real and fake: forward, weight and input gradients but the first
    (3 * sum(g) - g[0]) + // G step: G forward, weight and input gradients but the first
    2 * sum(d); // D forward and input gradients only
  assert.equal(stepFlops(layers, iterationPasses(w)), 2 * 64 * perExample);
});

test('W4 (Lite-64, batch 32): FLOPs of one iteration from ganvae\'s own networks match the hand count', async () => {
  await initBackend('cpu');
  const w = workload('W4');
  const trainable = createTrainable(w, new Rng(1));
  const models = trainable.models();
  const layers = Object.fromEntries(['generator', 'discriminator', 'decoder-whole', 'decoder-part'].map((n) => [n, tfjsLayerShapes(models[n])]));
  trainable.dispose();
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  // G's MACs in builder order: Dense, ConvT 4→8, 8→16, 16→32, the 4→32 excitation's convs, ConvT 32→64, the 8→64
  // excitation's convs (after 2x2 pooling), the to-RGB conv; its elementwise FLOPs: two Multiplies and one pooling.
  const g = [100 * 4096, 4 * 4 * 256 * 16 * 256, 8 * 8 * 256 * 16 * 128, 16 * 16 * 128 * 16 * 64, 64 * 16 * 256, 64 * 64,
    32 * 32 * 64 * 16 * 32, 32 * 16 * 256, 32 * 32, 64 * 64 * 3 * 9 * 32];
  const gElementwise = 32 * 32 * 64 + 64 * 64 * 32 + 4 * 4 * 256 * 4;
  const gElementwiseBackward = 4 * (32 * 32 * 64 + 64 * 64 * 32) + 2 * 4 * 4 * 256 * 4;
  const d = [32 * 32 * 32 * 16 * 3, 16 * 16 * 64 * 16 * 32, 8 * 8 * 128 * 16 * 64, 4 * 4 * 256 * 16 * 128, 4096];
  // The decoders from D's 8x8 map (128 channels) and a quarter of its 16x16 map (64) to 32x32 images.
  const decoders = [8 * 8 * 128 * 16 * 64, 16 * 16 * 64 * 16 * 32, 32 * 32 * 3 * 9 * 32, 8 * 8 * 64 * 16 * 32, 16 * 16 * 32 * 16 * 16, 32 * 32 * 3 * 9 * 16];
  const perExample =
    2 * sum(g) + gElementwise + // D step: G forward
    2 * 2 * (3 * sum(d) - d[0]) + // D on real and fake: forward, weight and input gradients but the first
    2 * 3 * sum(decoders) + // the decoders: forward, weight and input gradients (into D)
    2 * (3 * sum(g) - g[0]) + gElementwiseBackward + // G step: G forward, weight and input gradients but the first
    2 * 2 * sum(d); // D forward and input gradients only
  assert.equal(stepFlops(layers, iterationPasses(w)), 32 * perExample);
});

test('D1 (the default GAN, batch 64): its lazy R1 adds two full D passes on the real batch, spread over 16 iterations', () => {
  const d1 = workload('D1');
  assert.ok(d1.family === 'gan');
  assert.deepEqual([d1.options.r1, d1.options.r1Every], [0.1, 16]);
  const layers = {
    generator: [{ name: 'g', kind: 'dense', input: [100], output: [784], kernel: null }],
    discriminator: [
      { name: 'd0', kind: 'conv', input: [28, 28, 1], output: [14, 14, 8], kernel: [5, 5] },
      { name: 'd1', kind: 'dense', input: [1568], output: [1], kernel: null },
    ],
  } satisfies NetworkLayers;
  const d = [14 * 14 * 8 * 25, 1568];
  const withoutR1: GanWorkload = { ...d1, options: { ...d1.options, r1: 0 } };
  // Each R1 pass: forward, weight and input gradients of every layer, first included (the penalty is on ∇ₓD).
  const r1PerIteration = 2 * (64 / 16) * 2 * 3 * (d[0] + d[1]);
  assert.equal(stepFlops(layers, iterationPasses(d1)) - stepFlops(layers, iterationPasses(withoutR1)), r1PerIteration);
});
