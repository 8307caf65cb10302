// Bad calls into the addon throw clear JavaScript errors (checked in C++), never crash the process.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { loadAddon } from '../../src/native/addon.ts';
import { ACTIVATION_CODES } from '../../src/native/geometry.ts';
import { BINARY_OPS } from '../../src/native/kernels/binary.ts';
import { REDUCE_OPS } from '../../src/native/kernels/reduce.ts';
import { UNARY_OPS } from '../../src/native/kernels/unary.ts';
import { nativeMissing, runOn } from '../helpers/backends.ts';

// batch, inH, inW, inC, outH, outW, outC, fH, fW, sH, sW, dH, dW, padT, padL, padB, padR, channelsLast
const geometry = [1, 4, 4, 2, 4, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1];
const f32 = (n: number) => new Float32Array(n);

describe('addon argument validation', { skip: nativeMissing }, () => {
  const addon = loadAddon().addon!;

  it('accepts a well-formed call', () => {
    addon.conv2d(f32(32), f32(54), null, f32(48), ...geometry, 0, 0);
  });

  const bad: Array<[string, () => void, RegExp]> = [
    ['x too short', () => addon.conv2d(f32(31), f32(54), null, f32(48), ...geometry, 0, 0), /x has 31 elements, expected 32/],
    ['output too short', () => addon.conv2d(f32(32), f32(54), null, f32(47), ...geometry, 0, 0), /y has 47 elements, expected 48/],
    ['bias of wrong size', () => addon.conv2d(f32(32), f32(54), f32(2), f32(48), ...geometry, 0, 0), /bias has 2 elements, expected 3/],
    ['not a Float32Array', () => addon.conv2d(new Float64Array(32) as unknown as Float32Array, f32(54), null, f32(48), ...geometry, 0, 0), /x\) must be a Float32Array/],
    ['missing arguments', () => (addon.conv2d as (...a: unknown[]) => void)(f32(32)), /must be a Float32Array/],
    ['zero channels', () => addon.conv2d(f32(0), f32(0), null, f32(0), 1, 4, 4, 0, 4, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0), /inC is 0, must be at least 1/],
    ['negative padding', () => addon.conv2d(f32(32), f32(54), null, f32(48), 1, 4, 4, 2, 4, 4, 3, 3, 3, 1, 1, 1, 1, -1, 1, 1, 1, 1, 0, 0), /padTop is -1/],
    ['inconsistent output size', () => addon.conv2d(f32(32), f32(54), null, f32(75), 1, 4, 4, 2, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0), /inconsistent convolution geometry along height/],
    ['absurd dimensions', () => addon.conv2d(f32(32), f32(54), null, f32(48), 1, 2 ** 40, 4, 2, 4, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0), /too large/],
    ['non-integer size', () => addon.conv2d(f32(32), f32(54), null, f32(48), 1.5, 4, 4, 2, 4, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0), /must be an integer/],
    ['unknown activation', () => addon.conv2d(f32(32), f32(54), null, f32(48), ...geometry, 42, 0), /unknown activation code 42/],
    ['the activation code after the last', () => addon.conv2d(f32(32), f32(54), null, f32(48), ...geometry, Object.keys(ACTIVATION_CODES).length, 0), /unknown activation code/],
    ['backprop input with wrong dy', () => addon.conv2dBackpropInput(f32(47), f32(54), f32(32), ...geometry), /dy has 47 elements/],
    ['backprop filter with wrong dFilter', () => addon.conv2dBackpropFilter(f32(32), f32(48), f32(53), ...geometry), /dFilter has 53 elements/],
    ['matmul with wrong a', () => addon.batchMatMul(f32(5), f32(6), null, f32(4), 1, 1, 2, 3, 2, 0, 0, 0, 0), /a has 5 elements, expected 6/],
    ['matmul batches that do not broadcast', () => addon.batchMatMul(f32(12), f32(18), null, f32(12), 2, 3, 2, 3, 2, 0, 0, 0, 0), /batch sizes 2 and 3 do not broadcast/],
    ['binary with shapes that do not broadcast', () => addon.binary(f32(6), [2, 3], f32(2), [2], f32(6), [2, 3], 0), /dimension 2 does not broadcast to 3/],
    ['binary with a wrong output type', () => addon.binary(f32(2), [2], f32(2), [2], new Uint8Array(2) as unknown as Float32Array, [2], 0), /out must be a Float32Array/],
    ['binary with a bad shape entry', () => addon.binary(f32(2), [2.5], f32(2), [2], f32(2), [2], 0), /aShape\[0\] is not a valid dimension/],
    ['the binary op code after the last', () => addon.binary(f32(2), [2], f32(2), [2], f32(2), [2], BINARY_OPS.length), /unknown binary op/],
    ['a negative binary op code', () => addon.binary(f32(2), [2], f32(2), [2], f32(2), [2], -1), /unknown binary op -1/],
    ['a comparison into a Float32Array', () => addon.binary(f32(2), [2], f32(2), [2], f32(2), [2], BINARY_OPS.find(([, , dtype]) => dtype === 'bool')![1]), /out must be a Uint8Array for a comparison/],
    ['reduce over a repeated axis', () => addon.reduce(f32(6), [2, 3], [1, 1], f32(2), 0), /out of range or repeated/],
    ['reduce with a wrong output size', () => addon.reduce(f32(6), [2, 3], [1], f32(3), 0), /out has 3 elements, expected 2/],
    ['the reduce op code after the last', () => addon.reduce(f32(6), [2, 3], [1], f32(2), REDUCE_OPS.length), /unknown reduce op/],
    ['the unary op code after the last', () => addon.unary(f32(6), f32(6), UNARY_OPS.length, 0), /unknown unary op/],
    ['unary with mismatched sizes', () => addon.unary(f32(6), f32(5), 0, 0), /y has 5 elements, expected 6/],
    ['tile to a non-multiple', () => addon.tile(f32(2), [2], f32(5), [5]), /not a multiple/],
    ['a LeakyRelu gradient with a short dy', () => addon.leakyReluGrad(f32(6), f32(5), f32(6), 0.2), /dy has 5 elements, expected 6/],
    ['a LeakyRelu gradient with a short dx', () => addon.leakyReluGrad(f32(6), f32(6), f32(4), 0.2), /dx has 4 elements, expected 6/],
    ['a pixel map with a row index past the image', () => addon.pixelMap(f32(8), f32(8), 1, 2, 2, 2, new Int32Array([0, 2]), new Int32Array([0, 1]), new Int32Array([0]), 0), /rows\[1\] = 2 is outside \[-1, 2\)/],
    ['a pixel map with too few column indices', () => addon.pixelMap(f32(8), f32(8), 1, 2, 2, 2, new Int32Array([0, 1]), new Int32Array([0]), new Int32Array([0]), 0), /cols must hold n·w indices/],
    ['a transposed pixel map of a non-square image', () => addon.pixelMap(f32(12), f32(12), 1, 2, 3, 2, new Int32Array([0, 1]), new Int32Array([0, 1, 2]), new Int32Array([1]), 0), /needs square images/],
    ['a pixel map with float indices', () => addon.pixelMap(f32(8), f32(8), 1, 2, 2, 2, f32(2) as unknown as Int32Array, new Int32Array(2), new Int32Array(1), 0), /rows\) must be an Int32Array/],
    ['a pixel map with a short output', () => addon.pixelMap(f32(8), f32(7), 1, 2, 2, 2, new Int32Array(2), new Int32Array(2), new Int32Array(1), 0), /out has 7 elements, expected 8/],
    ['select with a float condition', () => addon.select(f32(2) as unknown as Uint8Array, f32(2), f32(2), f32(2)), /condition\) must be a Uint8Array/],
    ['matmul with a zero dimension', () => addon.batchMatMul(f32(0), f32(0), null, f32(0), 1, 1, 0, 3, 2, 0, 0, 0, 0), /at least 1/],
    ['average pooling that changes the channels', () => addon.avgPool(f32(32), f32(48), ...geometry), /pooling keeps the channel count/],
    ['average pooling with pads as large as the window', () => addon.avgPool(f32(8), f32(32), 1, 2, 2, 2, 4, 4, 2, 2, 2, 1, 1, 1, 1, 2, 2, 1, 1, 1), /pads must be smaller than the window/],
    ['a pooling gradient with a wrong dx', () => addon.avgPoolGrad(f32(8), f32(7), 1, 4, 4, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 1), /dx has 7 elements, expected 32/],
    ['a box copy that leaves its source', () => addon.copyBox(f32(6), [2, 3], [1, 1], f32(4), [2, 2], [0, 0], [2, 2]), /the box leaves a tensor along axis 0/],
    ['a box copy of mixed ranks', () => addon.copyBox(f32(6), [2, 3], [0], f32(6), [2, 3], [0, 0], [2, 3]), /must all have one rank/],
  ];
  for (const [label, call, message] of bad) {
    it(`rejects ${label}`, () => assert.throws(call, message));
  }

  it('tfjs-level shape errors still come from tfjs before any native call', async () => {
    await assert.rejects(runOn('native', () => tf.conv2d(tf.zeros([1, 5, 5, 2]) as tf.Tensor4D, tf.zeros([3, 3, 4, 1]) as tf.Tensor4D, 1, 'same')),
      /depth of input \(2\) must match input depth for filter 4/);
    await assert.rejects(runOn('native', () => tf.matMul(tf.zeros([2, 3]), tf.zeros([4, 2]))), /inner shapes/);
  });

  it('routes tfjs ops through the addon', async () => {
    const calls: string[] = [];
    const original = { ...addon };
    for (const name of ['conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'batchMatMul', 'binary', 'reduce', 'unary', 'select', 'tile'] as const) {
      (addon as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        calls.push(name);
        return (original[name] as (...a: unknown[]) => unknown)(...args);
      };
    }
    try {
      await runOn('native', () => {
        const x = tf.ones([1, 6, 6, 2]) as tf.Tensor4D;
        const [dx, dw] = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 1, 'same')))([x, tf.ones([3, 3, 2, 2])]);
        const v = tf.ones([2, 3]);
        return [dx, dw, tf.matMul(v, tf.ones([3, 2])), tf.add(v, 1), tf.sum(v, 0), tf.square(v), tf.where(tf.greater(v, 0), v, v), tf.tile(v, [2, 1])];
      });
    } finally {
      Object.assign(addon, original);
    }
    assert.deepEqual([...new Set(calls)].sort(),
      ['batchMatMul', 'binary', 'conv2d', 'conv2dBackpropFilter', 'conv2dBackpropInput', 'reduce', 'select', 'tile', 'unary']);
  });
});
