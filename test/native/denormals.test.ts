// The native kernels flush float denormals to zero, as TensorFlow's CPU kernels do (denormal operands
// make each SSE/AVX operation take a microcode assist), on the calling thread and on the OpenMP workers,
// and give the main thread its IEEE mode back, so JavaScript arithmetic keeps denormals.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { nativeMissing, runOn } from '../helpers/backends.ts';

const TINY = 1e-20; // TINY² = 1e-40 is a float32 denormal (the smallest normal is 1.18e-38).
// Large enough to be split over the OpenMP workers.
const SIZE = 1 << 18;

describe('denormals in the native kernels', { skip: nativeMissing }, () => {
  it('element-wise results in the denormal range are flushed to zero on every thread (tfjs cpu keeps them)', async () => {
    const square = () => tf.mul(tf.fill([SIZE], TINY), tf.fill([SIZE], TINY));
    const [cpu] = await runOn('cpu', square);
    const [native] = await runOn('native', square);
    assert.ok(cpu[0] > 0 && cpu[0] < 1.18e-38, `tfjs cpu: ${cpu[0]}`);
    assert.equal(native.findIndex((v) => v !== 0), -1);
  });

  it('denormal inputs of a oneDNN convolution count as zero', async () => {
    // 1e-39 is a float32 denormal; a 3x3 kernel of ones sums nine of them (9e-39, still denormal).
    const conv = () => tf.conv2d(tf.fill([2, 16, 16, 8], 1e-39) as tf.Tensor4D, tf.ones([3, 3, 8, 8]) as tf.Tensor4D, 1, 'same');
    const [native] = await runOn('native', conv);
    assert.equal(native.findIndex((v) => v !== 0), -1);
  });

  it('JavaScript keeps IEEE denormals after native kernels ran', async () => {
    await runOn('native', () => tf.mul(tf.fill([SIZE], TINY), tf.fill([SIZE], 2)));
    // Computed from a runtime value so V8 cannot fold it at compile time.
    const smallestNormal = Number(process.env.GANVAE_TEST_UNSET ?? '2.2250738585072014e-308');
    assert.ok(smallestNormal / 4 > 0, 'a double denormal was flushed on the main thread');
    assert.ok(new Float32Array([TINY * TINY])[0] > 0, 'a float32 denormal was flushed on the main thread');
  });
});
