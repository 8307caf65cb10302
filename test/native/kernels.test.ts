// Every native kernel against tfjs's own CPU kernel on seeded random shapes, values and gradients.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { maxRelativeError, nativeMissing, runOn, seededRandom } from '../helpers/backends.ts';

const TOLERANCE = 1e-5;

/** Runs `fn` on both backends and asserts every output agrees within TOLERANCE. */
async function assertSameOnBothBackends(label: string, fn: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  const expected = await runOn('cpu', fn);
  const actual = await runOn('native', fn);
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const error = maxRelativeError(actual[i], expected[i]);
    assert.ok(error < TOLERANCE, `${label}: output ${i} differs by ${error}`);
  }
}

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

interface ConvCase { batch: number; h: number; w: number; inC: number; outC: number; k: number; stride: number; dilation: number; pad: Pad }

/** Seeded random convolution geometries covering the grid: kernels 1-5, strides 1-3, three paddings. */
function convCases(count: number, seed: number): ConvCase[] {
  const rand = seededRandom(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const cases: ConvCase[] = [];
  for (let i = 0; i < count; i++) {
    const k = 1 + Math.floor(rand() * 5);
    const stride = 1 + Math.floor(rand() * 3);
    const dilation = stride === 1 && k > 1 && rand() < 0.3 ? 2 : 1;
    const padKind = pick(['same', 'valid', 'explicit'] as const);
    const pad: Pad = padKind === 'explicit'
      ? [[0, 0], [Math.floor(rand() * 3), Math.floor(rand() * 3)], [Math.floor(rand() * 3), Math.floor(rand() * 3)], [0, 0]]
      : padKind;
    const span = (k - 1) * dilation + 1;
    cases.push({
      batch: pick([1, 2, 3]), h: span + Math.floor(rand() * 9), w: span + Math.floor(rand() * 9),
      inC: pick([1, 3, 4, 7, 16, 64]), outC: pick([1, 2, 5, 8, 32, 64]), k, stride, dilation, pad,
    });
  }
  return cases;
}

function describeCase(c: ConvCase): string {
  return `x[${c.batch},${c.h},${c.w},${c.inC}] k${c.k} s${c.stride} d${c.dilation} out${c.outC} pad ${JSON.stringify(c.pad)}`;
}

// Seeds start at 1: tfjs treats a seed of 0 as "no seed".
function convInputs(c: ConvCase, index: number) {
  const seed = 10 * index + 1;
  const x = tf.randomNormal([c.batch, c.h, c.w, c.inC], 0, 1, 'float32', seed) as tf.Tensor4D;
  const filter = tf.randomNormal([c.k, c.k, c.inC, c.outC], 0, 1, 'float32', seed + 1) as tf.Tensor4D;
  return { x, filter };
}

describe('native kernels vs tfjs cpu', { skip: nativeMissing }, () => {
  const cases = convCases(40, 7);

  it('Conv2D matches on 40 random geometries', async () => {
    for (const [i, c] of cases.entries()) {
      await assertSameOnBothBackends(describeCase(c), () => {
        const { x, filter } = convInputs(c, i);
        return tf.conv2d(x, filter, c.stride, c.pad, 'NHWC', c.dilation);
      });
    }
  });

  it('FusedConv2D matches with bias and each activation', async () => {
    const activations = ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu', 'prelu'] as const;
    for (const [i, c] of cases.slice(0, 14).entries()) {
      const activation = activations[i % activations.length];
      await assertSameOnBothBackends(`${describeCase(c)} ${activation}`, () => {
        const { x, filter } = convInputs(c, i);
        const bias = tf.randomNormal([c.outC], 0, 1, 'float32', i + 3);
        const preluActivationWeights = activation === 'prelu' ? tf.fill([c.outC], 0.1) : undefined;
        return tf.fused.conv2d({ x, filter, strides: c.stride, pad: c.pad, dilations: c.dilation, bias, activation,
          preluActivationWeights, leakyreluAlpha: 0.1 });
      });
    }
  });

  it('Conv2DBackpropInput (conv2dTranspose) matches on random geometries', async () => {
    for (const [i, c] of cases.filter((c) => c.dilation === 1).entries()) {
      await assertSameOnBothBackends(describeCase(c), () => {
        const { x, filter } = convInputs(c, i);
        const y = tf.conv2d(x, filter, c.stride, c.pad);
        const dy = tf.randomNormal(y.shape, 0, 1, 'float32', i + 3) as tf.Tensor4D;
        return tf.conv2dTranspose(dy, filter, x.shape, c.stride, c.pad);
      });
    }
  });

  it('Conv2DBackpropFilter matches on random geometries (through tf.grad)', async () => {
    for (const [i, c] of cases.filter((c) => c.dilation === 1).entries()) {
      await assertSameOnBothBackends(describeCase(c), () => {
        const { x, filter } = convInputs(c, i);
        const grads = tf.grads((xx: tf.Tensor, ff: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.stride, c.pad))));
        return grads([x, filter]);
      });
    }
  });

  // The geometries of the generators' ConvTs and the discriminators' input gradients: DCGAN's k4 s2 and k5 s2 'same',
  // odd and explicit pads, stride 3, rectangular images, a filter narrower than the stride; dx with 1-4 channels (an
  // image's) takes the GEMM + col2im path, the others oneDNN's convolutions unless listed below.
  const CONV_TRANSPOSE_CASES: ConvCase[] = [
    { batch: 2, h: 8, w: 8, inC: 16, outC: 32, k: 4, stride: 2, dilation: 1, pad: 'same' },
    { batch: 3, h: 28, w: 28, inC: 1, outC: 32, k: 5, stride: 2, dilation: 1, pad: 'same' },
    { batch: 2, h: 14, w: 14, inC: 32, outC: 64, k: 5, stride: 2, dilation: 1, pad: 'same' },
    { batch: 2, h: 16, w: 12, inC: 7, outC: 5, k: 3, stride: 2, dilation: 1, pad: 'same' },
    { batch: 1, h: 12, w: 12, inC: 4, outC: 8, k: 4, stride: 2, dilation: 1, pad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
    { batch: 1, h: 12, w: 9, inC: 3, outC: 2, k: 5, stride: 3, dilation: 1, pad: 'same' },
    { batch: 2, h: 10, w: 10, inC: 8, outC: 8, k: 2, stride: 2, dilation: 1, pad: 'valid' },
    { batch: 2, h: 10, w: 10, inC: 8, outC: 16, k: 4, stride: 2, dilation: 1, pad: 'valid' },
    { batch: 1, h: 9, w: 9, inC: 4, outC: 4, k: 4, stride: 2, dilation: 1, pad: 'same' },
    { batch: 1, h: 8, w: 8, inC: 4, outC: 4, k: 1, stride: 2, dilation: 1, pad: 'same' },
    { batch: 1, h: 8, w: 8, inC: 3, outC: 6, k: 3, stride: 2, dilation: 1, pad: [[0, 0], [2, 0], [0, 2], [0, 0]] },
    { batch: 2, h: 16, w: 16, inC: 3, outC: 64, k: 4, stride: 2, dilation: 1, pad: 'same' },
    { batch: 2, h: 9, w: 11, inC: 4, outC: 16, k: 3, stride: 1, dilation: 1, pad: 'same' },
    { batch: 2, h: 9, w: 9, inC: 2, outC: 5, k: 3, stride: 1, dilation: 1, pad: 'valid' },
    { batch: 1, h: 6, w: 6, inC: 1, outC: 1, k: 1, stride: 1, dilation: 1, pad: 'valid' },
    // Thin dx in several chunks, one per thread (3 images of 64x64 positions x 100 taps, 2 per chunk of 1M floats),
    // and with 64 taps, whole vectors, whose GEMM is the plain one transposed after (6 images, 4 per chunk).
    { batch: 3, h: 128, w: 128, inC: 4, outC: 8, k: 5, stride: 2, dilation: 1, pad: 'same' },
    { batch: 6, h: 128, w: 128, inC: 4, outC: 8, k: 4, stride: 2, dilation: 1, pad: 'same' },
    // The GEMM path for wide dy (strided, at least 128 channels), for small outputs (a 1x1 dy: z → 4x4, a 4x4 → 1
    // head), and in several chunks of images (21 images of 16 positions x 12,800 taps, past its 1M floats per chunk).
    { batch: 2, h: 8, w: 8, inC: 16, outC: 128, k: 4, stride: 2, dilation: 1, pad: 'same' },
    { batch: 2, h: 11, w: 9, inC: 8, outC: 130, k: 5, stride: 2, dilation: 1, pad: 'same' },
    { batch: 1, h: 12, w: 12, inC: 6, outC: 128, k: 3, stride: 3, dilation: 1, pad: 'valid' },
    { batch: 3, h: 4, w: 4, inC: 32, outC: 16, k: 4, stride: 1, dilation: 1, pad: 'valid' },
    { batch: 21, h: 8, w: 8, inC: 512, outC: 1, k: 5, stride: 2, dilation: 1, pad: 'same' },
  ];

  it('Conv2DBackpropInput (conv2dTranspose) matches on ConvT geometries, thin channels included, values and gradients', async () => {
    for (const [i, c] of CONV_TRANSPOSE_CASES.entries()) {
      await assertSameOnBothBackends(describeCase(c), () => {
        const { x, filter } = convInputs(c, i);
        const y = tf.conv2d(x, filter, c.stride, c.pad);
        const dy = tf.randomNormal(y.shape, 0, 1, 'float32', i + 3) as tf.Tensor4D;
        // The transposed convolution's value and its gradients (dy's runs Conv2D, the filter's Conv2DBackpropFilter).
        const loss = (d: tf.Tensor, f: tf.Tensor) => tf.sum(tf.square(tf.conv2dTranspose(d as tf.Tensor4D, f as tf.Tensor4D, x.shape, c.stride, c.pad)));
        return [tf.conv2dTranspose(dy, filter, x.shape, c.stride, c.pad), ...tf.grads(loss)([dy, filter])];
      });
    }
  });

  // Convolutions into 1-4 channels take narrow_conv.cc's kernels, forward and weight gradient: to-RGB layers, widths
  // past and short of its 64-column blocks, widths and channel counts past and short of its 8x8 transposes, 1x1 to
  // 7x7 filters (the weight gradient's unrolled tap loops and its generic one), explicit pads, with and without a bias.
  it('narrow convolutions (1-4 output channels) match: forward with and without a bias, and the weight gradient', async () => {
    const narrowCases: ConvCase[] = [
      { batch: 2, h: 64, w: 64, inC: 32, outC: 3, k: 3, stride: 1, dilation: 1, pad: 'same' },
      { batch: 3, h: 17, w: 83, inC: 5, outC: 1, k: 5, stride: 1, dilation: 1, pad: 'same' },
      { batch: 1, h: 9, w: 21, inC: 16, outC: 2, k: 1, stride: 1, dilation: 1, pad: 'valid' },
      { batch: 2, h: 12, w: 7, inC: 8, outC: 4, k: 4, stride: 1, dilation: 1, pad: [[0, 0], [2, 0], [0, 3], [0, 0]] },
      { batch: 1, h: 33, w: 130, inC: 3, outC: 3, k: 3, stride: 1, dilation: 1, pad: 'valid' },
      { batch: 2, h: 5, w: 19, inC: 12, outC: 3, k: 3, stride: 1, dilation: 1, pad: 'same' },
      { batch: 1, h: 10, w: 12, inC: 4, outC: 2, k: 7, stride: 1, dilation: 1, pad: 'same' },
    ];
    for (const [i, c] of narrowCases.entries()) {
      await assertSameOnBothBackends(describeCase(c), () => {
        const { x, filter } = convInputs(c, i);
        const bias = tf.randomNormal([c.outC], 0, 1, 'float32', i + 5);
        const dy = tf.randomNormal(tf.conv2d(x, filter, 1, c.pad).shape, 0, 1, 'float32', i + 6);
        const filterGradient = tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, 1, c.pad), dy)))(filter);
        return [tf.conv2d(x, filter, 1, c.pad), tf.fused.conv2d({ x, filter, strides: 1, pad: c.pad, bias }), filterGradient];
      });
    }
  });

  // Forward passes (f32) and weight gradients of convolutions into at most 16 positions per image take the im2col +
  // GEMM paths: a discriminator's last stride-2 layers, its 4x4 → 1 head, rectangular stride 3, several chunks of
  // images (21 images of 16 positions x 12,800 taps, past the paths' 1M floats per chunk), and 3 channels with an
  // activation (fused forward passes into 1-4 channels with an activation are not narrow_conv's).
  it('convolutions into small outputs (the im2col + GEMM paths) match: forward, fused, weight gradient, chunked', async () => {
    const smallCases: ConvCase[] = [
      { batch: 4, h: 8, w: 8, inC: 64, outC: 32, k: 4, stride: 2, dilation: 1, pad: 'same' },
      { batch: 3, h: 4, w: 4, inC: 32, outC: 1, k: 4, stride: 1, dilation: 1, pad: 'valid' },
      { batch: 2, h: 7, w: 11, inC: 5, outC: 6, k: 3, stride: 3, dilation: 1, pad: 'valid' },
      { batch: 21, h: 8, w: 8, inC: 512, outC: 1, k: 5, stride: 2, dilation: 1, pad: 'same' },
      { batch: 2, h: 6, w: 6, inC: 8, outC: 3, k: 3, stride: 2, dilation: 1, pad: 'same' },
    ];
    // The chunked case's sums reach ~100, whose float rounding a saturating activation would leave as the only error
    // next to its [0, 1] output: it takes LeakyRelu.
    const activations = ['sigmoid', 'relu6', 'elu', 'leakyrelu', 'relu'] as const;
    for (const [i, c] of smallCases.entries()) {
      await assertSameOnBothBackends(describeCase(c), () => {
        const { x, filter } = convInputs(c, i);
        const bias = tf.randomNormal([c.outC], 0, 1, 'float32', i + 9);
        const y = tf.conv2d(x, filter, c.stride, c.pad);
        const dy = tf.randomNormal(y.shape, 0, 1, 'float32', i + 7) as tf.Tensor4D;
        const dFilter = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy },
          { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilation, filterShape: filter.shape }) as tf.Tensor;
        const fused = tf.fused.conv2d({ x, filter, strides: c.stride, pad: c.pad, bias, activation: activations[i], leakyreluAlpha: 0.2 });
        return [y, fused, dFilter];
      });
    }
  });

  it('NCHW convolutions match', async () => {
    await assertSameOnBothBackends('NCHW conv', () => {
      const x = tf.randomNormal([2, 3, 9, 8], 0, 1, 'float32', 1) as tf.Tensor4D;
      const filter = tf.randomNormal([3, 3, 3, 5], 0, 1, 'float32', 2) as tf.Tensor4D;
      return tf.conv2d(x, filter, 2, 'same', 'NCHW');
    });
  });

  it('BatchMatMul matches for transposes, batches and broadcasting', async () => {
    const rand = seededRandom(11);
    for (let i = 0; i < 24; i++) {
      const m = 1 + Math.floor(rand() * 40);
      const k = 1 + Math.floor(rand() * 70);
      const n = 1 + Math.floor(rand() * 40);
      const transposeA = rand() < 0.5;
      const transposeB = rand() < 0.5;
      const batchA = [[], [3], [2, 3], [1]][i % 4];
      const batchB = i % 8 === 7 ? [1] : batchA;
      await assertSameOnBothBackends(`m${m} k${k} n${n} tA${transposeA} tB${transposeB} batch ${batchA}/${batchB}`, () => {
        const a = tf.randomNormal([...batchA, ...(transposeA ? [k, m] : [m, k])], 0, 1, 'float32', i + 1);
        const b = tf.randomNormal([...batchB, ...(transposeB ? [n, k] : [k, n])], 0, 1, 'float32', i + 100);
        return tf.matMul(a, b, transposeA, transposeB);
      });
    }
  });

  // m, k or n of 1 (dense layers into one unit and their gradients, spectral norm's power iterations) take
  // batch_matmul.cc's dot and axpy loops in f32: each loop order, past its 64-lane and 1,024-output blocks and its
  // threading threshold, batches broadcasting either way, with a bias.
  it('BatchMatMul and _FusedMatMul match on degenerate shapes (m, k or n of 1)', async () => {
    const cases: Array<[number[], number[], boolean, boolean]> = [
      [[64, 3136], [3136, 1], false, false],
      [[64, 1], [3136, 1], false, true],
      [[64, 3136], [64, 1], true, false],
      [[1, 2048], [2048, 256], false, false],
      [[1, 2048], [256, 2048], false, true],
      [[2048, 1], [2048, 256], true, false],
      [[1, 1, 300], [1, 300, 1], false, false],
      [[3, 5, 1], [1, 1, 7], false, false],
      [[1, 9, 2], [2, 9, 1], true, false],
      [[2, 1, 9], [1, 4, 9], false, true],
      [[2, 70, 1], [2, 70, 3], true, false],
    ];
    for (const [i, [aShape, bShape, transposeA, transposeB]] of cases.entries()) {
      await assertSameOnBothBackends(`[${aShape}]${transposeA ? 'ᵀ' : ''} · [${bShape}]${transposeB ? 'ᵀ' : ''}`, () => {
        const a = tf.randomNormal(aShape, 0, 1, 'float32', i + 1);
        const b = tf.randomNormal(bShape, 0, 1, 'float32', i + 50);
        const n = bShape[bShape.length - (transposeB ? 2 : 1)];
        const bias = tf.randomNormal([n], 0, 1, 'float32', i + 90);
        return [tf.matMul(a, b, transposeA, transposeB), tf.fused.matMul({ a, b, transposeA, transposeB, bias })];
      });
    }
  });

  it('_FusedMatMul matches with bias and activations', async () => {
    const activations = ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu', 'prelu'] as const;
    for (const [i, activation] of activations.entries()) {
      await assertSameOnBothBackends(activation, () => {
        const a = tf.randomNormal([17, 33], 0, 1, 'float32', i + 1);
        const b = tf.randomNormal([33, 9], 0, 1, 'float32', i + 1);
        const bias = tf.randomNormal([9], 0, 1, 'float32', i + 2);
        const preluActivationWeights = activation === 'prelu' ? tf.fill([9], 0.1) : undefined;
        return tf.fused.matMul({ a, b, bias, activation, preluActivationWeights, leakyreluAlpha: 0.1 });
      });
    }
  });

  it('gradients of a small conv net agree (tf.grads on native vs cpu)', async () => {
    await assertSameOnBothBackends('conv net grads', () => {
      const x = tf.randomNormal([4, 11, 11, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const w1 = tf.randomNormal([3, 3, 3, 8], 0, 0.3, 'float32', 2);
      const b1 = tf.randomNormal([8], 0, 0.1, 'float32', 3);
      const w2 = tf.randomNormal([5, 5, 4, 8], 0, 0.3, 'float32', 4);
      const dense = tf.randomNormal([11 * 11 * 8, 1], 0, 0.1, 'float32', 5);
      const loss = (w1_: tf.Tensor, b1_: tf.Tensor, w2_: tf.Tensor, d_: tf.Tensor) => {
        const h = tf.fused.conv2d({ x, filter: w1_ as tf.Tensor4D, strides: 1, pad: 'same', bias: b1_, activation: 'relu' });
        const g = tf.conv2dTranspose(h, w2_ as tf.Tensor4D, [4, 25, 25, 4], 2, 'valid');
        const p = tf.conv2d(g, w2_ as tf.Tensor4D, 2, 'valid');
        const logits = tf.matMul(p.reshape([4, -1]), d_);
        return tf.sigmoid(logits).sum();
      };
      return tf.grads(loss)([w1, b1, w2, dense]);
    });
  });

  it('AvgPool and AvgPoolGrad match on windows, strides and paddings (the excitation\'s 8x8 → 4x4 included)', async () => {
    const cases: [[number, number, number, number], number, number, 'same' | 'valid'][] = [
      [[32, 8, 8, 16], 2, 2, 'valid'], [[2, 16, 16, 8], 4, 4, 'valid'], [[2, 9, 7, 3], 3, 2, 'same'], [[1, 10, 10, 5], 3, 1, 'same'],
      [[3, 11, 13, 4], 2, 3, 'valid'], [[2, 5, 5, 2], 5, 5, 'valid'], [[1, 6, 6, 17], 3, 3, 'same'],
    ];
    for (const [i, [shape, window, stride, pad]] of cases.entries()) {
      await assertSameOnBothBackends(`avgPool x${JSON.stringify(shape)} window ${window} stride ${stride} ${pad}`, () => {
        const x = tf.randomNormal(shape, 0, 1, 'float32', i + 1) as tf.Tensor4D;
        const pooled = (t: tf.Tensor) => tf.avgPool(t as tf.Tensor4D, window, stride, pad);
        const y = pooled(x);
        const dy = tf.randomNormal(y.shape, 0, 1, 'float32', i + 50);
        return [y, tf.grad((t: tf.Tensor) => tf.sum(tf.mul(pooled(t), dy)))(x)];
      });
    }
  });

  it('Slice (not contiguous) and PadV2 match, as values and as each other\'s gradients', async () => {
    const cases: [number[], number[], number[]][] = [
      [[32, 16, 16, 64], [0, 8, 0, 0], [-1, 8, 8, -1]], [[4, 64, 64, 3], [0, 32, 32, 0], [-1, 32, 32, -1]],
      [[3, 5, 7], [1, 2, 3], [2, 3, 4]], [[6, 9], [0, 4], [6, 5]], [[2, 3, 4, 5, 6], [1, 0, 1, 2, 3], [1, 3, 2, 2, 3]],
    ];
    for (const [i, [shape, begin, size]] of cases.entries()) {
      await assertSameOnBothBackends(`slice x${JSON.stringify(shape)} at ${begin} size ${size}`, () => {
        const x = tf.randomNormal(shape, 0, 1, 'float32', i + 1);
        const sliced = (t: tf.Tensor) => tf.slice(t, begin, size);
        const y = sliced(x);
        const dy = tf.randomNormal(y.shape, 0, 1, 'float32', i + 50);
        return [y, tf.grad((t: tf.Tensor) => tf.sum(tf.mul(sliced(t), dy)))(x)];
      });
    }
    await assertSameOnBothBackends('pad with a constant, and its gradient', () => {
      const x = tf.randomNormal([3, 4, 5, 2], 0, 1, 'float32', 9);
      const padded = (t: tf.Tensor) => tf.pad(t, [[0, 1], [2, 0], [1, 3], [0, 0]], 0.5);
      const y = padded(x);
      const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 10);
      return [y, tf.grad((t: tf.Tensor) => tf.sum(tf.mul(padded(t), dy)))(x)];
    });
  });

  it('float32 tensors cast from bool run natively and correctly', async () => {
    await assertSameOnBothBackends('conv of a cast mask', () => {
      const mask = tf.cast(tf.greater(tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 1), 0), 'float32') as tf.Tensor4D;
      return tf.conv2d(mask, tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D, 1, 'same');
    });
  });

  it('empty tensors fall back to tfjs and give empty results', async () => {
    const [y] = await runOn('native', () => tf.conv2d(tf.zeros([0, 5, 5, 2]) as tf.Tensor4D, tf.ones([3, 3, 2, 4]) as tf.Tensor4D, 1, 'same'));
    assert.equal(y.length, 0);
  });
});
