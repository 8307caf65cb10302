// Element-wise, reduction, select and tile kernels of the native backend against tfjs cpu.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { maxRelativeError, nativeMissing, runOn } from '../helpers/backends.ts';

/** Runs `fn` on both backends; asserts equal shapes, dtypes and values within `tolerance`. */
async function assertSame(label: string, fn: () => tf.Tensor, tolerance = 1e-6): Promise<void> {
  const shapes: string[] = [];
  const record = () => {
    const t = fn();
    shapes.push(`${t.dtype}[${t.shape}]`);
    return tf.cast(t, 'float32');
  };
  const [expected] = await runOn('cpu', record);
  const [actual] = await runOn('native', record);
  assert.equal(shapes[1], shapes[0], `${label}: dtype/shape`);
  const error = maxRelativeError(actual, expected);
  assert.ok(error <= tolerance, `${label}: differs by ${error}`);
}

const normal = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

describe('native element-wise kernels vs tfjs cpu', { skip: nativeMissing }, () => {
  const broadcastPairs: Array<[number[], number[]]> = [
    [[4, 5, 6, 7], [4, 5, 6, 7]], [[4, 5, 6, 7], [7]], [[7], [4, 5, 6, 7]], [[4, 5, 6, 7], []], [[], [3, 2]],
    [[4, 5, 6, 7], [4, 1, 1, 7]], [[4, 1, 6, 1], [1, 5, 1, 7]], [[3, 1], [1, 9]], [[2, 3, 4], [3, 1]], [[5, 1, 1], [5, 6, 7]],
    [[64, 12544], [12544]], [[300000], [1]],
    // Large enough to split among threads mid-row: each thread starts its outer coordinates part-way through.
    [[16, 32, 32, 8], [16, 1, 1, 8]],
  ];
  const binaryOps: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
    ['add', tf.add], ['sub', tf.sub], ['mul', tf.mul], ['div', tf.div], ['maximum', tf.maximum], ['minimum', tf.minimum],
    ['squaredDifference', tf.squaredDifference], ['pow', (a, b) => tf.pow(tf.abs(a), b)],
    ['greater', tf.greater], ['greaterEqual', tf.greaterEqual], ['less', tf.less], ['lessEqual', tf.lessEqual],
    ['equal', (a, b) => tf.equal(tf.round(a), tf.round(b))], ['notEqual', (a, b) => tf.notEqual(tf.round(a), tf.round(b))],
  ];

  it('binary ops broadcast like tfjs', async () => {
    for (const [name, op] of binaryOps) {
      for (const [i, [aShape, bShape]] of broadcastPairs.entries()) {
        await assertSame(`${name} ${JSON.stringify(aShape)} ${JSON.stringify(bShape)}`,
          () => op(normal(aShape, 2 * i + 1), normal(bShape, 2 * i + 2)), 1e-6);
      }
    }
  });

  it('binary ops propagate NaN and Infinity like tfjs', async () => {
    for (const [name, op] of binaryOps.slice(0, 8)) {
      await assertSame(name, () => op(tf.tensor([NaN, 1, Infinity, -Infinity, 0]), tf.tensor([1, NaN, 2, -Infinity, 0])));
    }
  });

  it('reductions over every axis combination', async () => {
    const x = () => normal([3, 4, 5, 6], 9);
    const axesList = [[0], [1], [2], [3], [0, 1], [0, 1, 2], [1, 2, 3], [0, 2], [1, 3], [0, 3], [0, 1, 2, 3], [-1]];
    const reductions: Array<[string, (t: tf.Tensor, axes: number[], keep: boolean) => tf.Tensor]> = [
      ['sum', tf.sum], ['mean', tf.mean], ['max', tf.max], ['min', tf.min], ['prod', (t, a, k) => tf.prod(tf.add(tf.mul(t, 0.1), 1), a, k)],
    ];
    for (const [name, reduce] of reductions) {
      for (const axes of axesList) {
        for (const keep of [false, true]) {
          await assertSame(`${name} axes ${axes} keepDims ${keep}`, () => reduce(x(), axes, keep), 1e-5);
        }
      }
      await assertSame(`${name} of a scalar-like vector`, () => reduce(tf.tensor([NaN, 2, 3]), [0], false));
    }
  });

  it('large reductions, cut into blocks on several threads, match: reduced inner axis, kept inner axis, NaN', async () => {
    // [300, 1000] over its rows: 5 blocks of 65 rows; [200, 500, 8] over the middle axis: 13 blocks of 1,024 positions.
    const withNaN = (t: tf.Tensor) => tf.where(tf.equal(tf.range(0, t.size).reshape(t.shape), 123457), tf.fill(t.shape, NaN), t);
    const cases: Array<[string, () => tf.Tensor]> = [
      ['sum [300, 1000] axis 1', () => tf.sum(normal([300, 1000], 21), 1)],
      ['mean [200, 500, 8] axis 1', () => tf.mean(normal([200, 500, 8], 22), 1)],
      ['max [200, 500, 8] axis 1 with a NaN', () => tf.max(withNaN(normal([200, 500, 8], 23)), 1)],
      ['min [300, 1000] axis 1 with a NaN', () => tf.min(withNaN(normal([300, 1000], 24)), 1)],
      ['prod [200, 500, 8] axis 1', () => tf.prod(tf.add(tf.mul(normal([200, 500, 8], 25), 0.001), 1), 1)],
    ];
    for (const [name, reduce] of cases) await assertSame(name, reduce, 1e-5);
  });

  it('unary ops match, including their edge values', async () => {
    const edge = () => tf.concat([normal([1000], 5), tf.mul(normal([1000], 6), 30), tf.tensor([0, -0, NaN, Infinity, -Infinity, 1e-30, -1e-30])]);
    const ops: Array<[string, (t: tf.Tensor) => tf.Tensor]> = [
      ['square', tf.square], ['sqrt', (t) => tf.sqrt(tf.abs(t))], ['rsqrt', (t) => tf.rsqrt(tf.abs(t))], ['exp', tf.exp],
      ['log', (t) => tf.log(tf.abs(t))], ['log1p', (t) => tf.log1p(tf.abs(t))], ['neg', tf.neg], ['abs', tf.abs],
      ['relu', tf.relu], ['relu6', tf.relu6], ['leakyRelu', (t) => tf.leakyRelu(t, 0.3)], ['sigmoid', tf.sigmoid],
      // Reversed, the edge values fall in the vectorised tanh's lanes rather than its scalar tail.
      ['tanh', tf.tanh], ['tanh of the reversed values', (t) => tf.tanh(tf.reverse(t))], ['step', (t) => tf.step(t, 0.25)], ['elu', tf.elu], ['softplus', tf.softplus], ['reciprocal', tf.reciprocal],
    ];
    for (const [name, op] of ops) await assertSame(name, () => op(edge()), 1e-6);
  });

  it('select and tile match', async () => {
    await assertSame('where', () => {
      const a = normal([4, 9, 9, 3], 1);
      return tf.where(tf.greater(a, 0), a, tf.mul(a, 0.2));
    });
    for (const [shape, reps] of [[[1, 1, 1, 5], [4, 3, 2, 1]], [[2, 3], [3, 2]], [[7], [5]], [[2, 1, 3], [1, 4, 1]],
      [[4, 1, 1, 1], [1, 8, 8, 3]], [[3, 1, 2, 1], [2, 5, 1, 4]], [[2, 3, 1], [1, 1, 4]], [[1], [7]], [[2, 2], [1, 1]]] as const) {
      await assertSame(`tile ${shape} ${reps}`, () => tf.tile(normal([...shape], 3), [...reps]));
    }
  });

  it('batch norm forward matches for per-channel and repeating parameters', async () => {
    const x = () => normal([4, 5, 6, 8], 1);
    await assertSame('per channel', () => tf.batchNorm(x(), normal([8], 2), tf.abs(normal([8], 3)), normal([8], 4), normal([8], 5), 1e-3), 1e-6);
    await assertSame('no offset or scale', () => tf.batchNorm(x(), normal([8], 2), tf.abs(normal([8], 3))), 1e-6);
    await assertSame('full-shape parameters', () => tf.batchNorm(x(), normal([4, 5, 6, 8], 2), tf.abs(normal([4, 5, 6, 8], 3))), 1e-6);
    await assertSame('parameters repeating over a non-channel length', () => tf.batchNorm(normal([6, 4], 1), normal([3], 2), tf.abs(normal([3], 3))), 1e-6);
  });

  it('the replacement Mean gradient gives tfjs\'s values exactly: dy / n broadcast', async () => {
    const shape = [3, 4, 5, 6];
    for (const axes of [[0], [1, 2], [0, 1, 2, 3], [3]]) {
      const n = axes.reduce((p, a) => p * shape[a], 1);
      for (const backend of ['cpu', 'native'] as const) {
        const [grad] = await runOn(backend, () => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.mean(x, axes), 3)))(normal(shape, 7)));
        assert.ok(grad.every((g) => g === Math.fround(3 / n)), `${backend} mean grad over ${axes}`);
      }
    }
  });

  it('the replacement Relu gradient keeps the output, not the input, and gives step(x)·dy exactly', async () => {
    await runOn('native', () => tf.zeros([1]));
    const x = tf.tensor1d([-2, -0, 0, 0.5, 3, NaN]);
    const dy = tf.tensor1d([1, 2, 3, 4, 5, 6]);
    const { grads } = tf.engine().gradients(() => tf.relu(x), [x], dy);
    assert.deepEqual([...grads[0].dataSync()], [0, 0, 0, 4, 5, NaN]);
    // Saved for the backward pass: relu's output only, so its input's memory goes when the input is disposed.
    let freed = false;
    tf.dispose(tf.engine().gradients(() => {
      const input = tf.mul(x, 1);
      const y = tf.relu(input);
      const buffers = tf.memory().numDataBuffers;
      input.dispose();
      freed = tf.memory().numDataBuffers === buffers - 1;
      return tf.sum(y);
    }, [x]).grads);
    assert.ok(freed, 'relu kept its input alive');
    tf.dispose([x, dy, grads[0]]);
  });

  it('the replacement LeakyRelu gradient is one native kernel with tfjs\'s values exactly, edge values included', async () => {
    const x = () => tf.concat([normal([70000], 11), tf.tensor([0, -0, NaN, Infinity, -Infinity, 1e-30, -1e-30])]);
    const dy = () => tf.concat([normal([70000], 12), tf.tensor([1, 2, 3, 4, 5, 6, 7])]);
    const kernelsOf: Record<string, string[]> = {};
    const gradient = (backend: 'cpu' | 'native') => runOn(backend, () => {
      const input = x();
      return tf.engine().gradients(() => tf.leakyRelu(input, 0.3), [input], dy()).grads[0];
    });
    const [expected] = await gradient('cpu');
    const [actual] = await gradient('native');
    assert.equal(actual.length, expected.length);
    assert.ok(actual.every((v, i) => Object.is(v, expected[i])), 'the native LeakyRelu gradient differs from tfjs cpu');
    for (const backend of ['cpu', 'native'] as const) {
      await runOn(backend, () => tf.zeros([1]));
      const input = x();
      const profile = await tf.profile(() => tf.engine().gradients(() => tf.leakyRelu(input, 0.3), [input], dy()).grads[0]);
      kernelsOf[backend] = profile.kernels.map((k) => k.name);
      input.dispose();
    }
    assert.ok(kernelsOf.native.includes('GanvaeLeakyReluGrad') && !kernelsOf.native.includes('Select'), `native ran ${kernelsOf.native}`);
    assert.ok(kernelsOf.cpu.includes('Select') && !kernelsOf.cpu.includes('GanvaeLeakyReluGrad'), `cpu ran ${kernelsOf.cpu}`);
  });

  it('a gradient of the LeakyRelu gradient (R1, WGAN-GP) agrees with tfjs cpu', async () => {
    // ‖∂/∂x Σ leakyRelu(w·x)‖² differentiated in w: the inner backward pass runs while a tape records it.
    const penaltyGrad = () => {
      const x = normal([200], 13);
      return tf.grad((w: tf.Tensor) => {
        const inner = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(tf.mul(w, xx), 0.2), tf.linspace(-1, 2, 200))))(x);
        return tf.sum(tf.square(inner));
      })(tf.add(normal([200], 14), 0.5));
    };
    const [expected] = await runOn('cpu', penaltyGrad);
    const [actual] = await runOn('native', penaltyGrad);
    assert.ok(expected.some((v) => v !== 0));
    assert.ok(maxRelativeError(actual, expected) < 1e-6);
  });

  it('gradients through batch norm, leaky relu and broadcasting agree', async () => {
    const [expected] = await runOn('cpu', () => gradOfBatchNormNet());
    const [actual] = await runOn('native', () => gradOfBatchNormNet());
    assert.ok(maxRelativeError(actual, expected) < 1e-5);
  });
});

function gradOfBatchNormNet(): tf.Tensor {
  const x = tf.randomNormal([8, 5, 5, 6], 0, 1, 'float32', 3);
  const gamma = tf.randomNormal([6], 1, 0.1, 'float32', 4);
  return tf.grad((xx: tf.Tensor) => {
    const { mean, variance } = tf.moments(xx, [0, 1, 2]);
    const y = tf.batchNorm(xx, mean, variance, tf.zeros([6]), gamma, 1e-3);
    return tf.sum(tf.mul(tf.leakyRelu(y, 0.2), tf.linspace(-1, 1, 6)));
  })(x);
}
