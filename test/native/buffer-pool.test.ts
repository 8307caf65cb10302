// The native backend's buffer pool recycles kernel outputs, but never an array someone else can see.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { BufferPool } from '../../src/native/buffer-pool.ts';
import { initBackend } from '../../src/env/backend.ts';
import { nativeMissing } from '../helpers/backends.ts';

describe('BufferPool', () => {
  it('recycles an owned array used by one tensor', () => {
    const pool = new BufferPool(2 ** 20);
    const a = pool.take(5000);
    pool.adopt(a);
    pool.recycle(a);
    assert.equal(pool.pooledBytes, 20000);
    assert.equal(pool.take(5000).buffer, a.buffer);
    assert.equal(pool.pooledBytes, 0);
  });

  it('serves a request from the smallest free buffer at most 1.5 times its size, as an exact-length view', () => {
    const pool = new BufferPool(2 ** 24);
    const [big, bigger] = [pool.take(6000), pool.take(9000)];
    for (const a of [bigger, big]) {
      pool.adopt(a);
      pool.recycle(a);
    }
    assert.equal(pool.take(3000).buffer === big.buffer, false, '6000 floats are too many for 3000');
    const view = pool.take(5000);
    assert.equal(view.length, 5000);
    assert.equal(view.buffer, big.buffer, 'best fit: the 6000-float buffer, not the 9000 one');
    pool.adopt(view);
    pool.recycle(view);
    assert.equal(pool.pooledBytes, (6000 + 9000) * 4, 'a view returns its whole buffer');
  });

  it('never recycles arrays that were read, shared, viewed, foreign, small, or over the cap', () => {
    const pool = new BufferPool(30000);
    const read = pool.take(5000);
    pool.adopt(read);
    pool.release(read);
    pool.recycle(read);
    const shared = pool.take(5000);
    pool.adopt(shared);
    pool.adopt(shared);
    pool.recycle(shared);
    const viewed = pool.take(5000);
    pool.adopt(viewed);
    pool.adopt(viewed.subarray(10, 20));
    pool.recycle(viewed);
    const foreign = new Float32Array(5000);
    pool.adopt(foreign);
    pool.recycle(foreign);
    const small = pool.take(10);
    pool.adopt(small);
    pool.recycle(small);
    assert.equal(pool.pooledBytes, 0);
    const first = pool.take(5000);
    const second = pool.take(5000);
    for (const a of [first, second]) {
      pool.adopt(a);
      pool.recycle(a);
    }
    assert.equal(pool.pooledBytes, 20000, 'the second array exceeds the 30000-byte cap');
  });
});

describe('native backend with the pool', { skip: nativeMissing }, () => {
  it('hands out values as exact arrays, even from a pooled view on a larger buffer', async () => {
    await initBackend('native');
    const x = tf.randomNormal([100, 100], 0, 1, 'float32', 2);
    tf.dispose(tf.mul(x, 2));
    const y = tf.add(tf.reshape(x, [9000 + 1000]).slice(0, 9000), 1);
    const values = y.dataSync();
    assert.equal(values.length, 9000);
    assert.equal(values.buffer.byteLength, 9000 * 4, 'a caller may use values.buffer whole (tfjs io does)');
    tf.dispose([x, y]);
  });

  it('keeps values returned by dataSync intact after their tensor is disposed', async () => {
    await initBackend('native');
    const x = tf.randomNormal([100, 100], 0, 1, 'float32', 1);
    const y = tf.square(x);
    const values = y.dataSync();
    const copy = Float32Array.from(values);
    y.dispose();
    for (let i = 0; i < 5; i++) tf.tidy(() => tf.mul(x, 3).dataSync());
    tf.dispose(tf.tidy(() => [tf.add(x, 1), tf.add(x, 2)]));
    assert.deepEqual(values, copy);
    x.dispose();
  });

  it('keeps a slice valid after the sliced tensor is disposed and its size is reused', async () => {
    await initBackend('native');
    const x = tf.randomNormal([100, 100], 0, 1, 'float32', 2);
    const y = tf.square(x);
    const row = tf.slice(y, [3, 0], [1, 100]);
    const expected = Float32Array.from(row.dataSync());
    y.dispose();
    const others = [tf.mul(x, 7), tf.mul(x, 8)];
    assert.deepEqual(row.dataSync(), expected);
    tf.dispose([x, row, ...others]);
  });

  it('reuses memory across training-like steps', async () => {
    await initBackend('native');
    const backend = tf.backend() as unknown as { pool: BufferPool };
    const x = tf.randomNormal([64, 1000], 0, 1, 'float32', 3);
    for (let i = 0; i < 3; i++) tf.tidy(() => tf.sum(tf.square(tf.mul(x, 2))));
    assert.ok(backend.pool.pooledBytes >= 64 * 1000 * 4, 'disposed kernel outputs should be in the pool');
    x.dispose();
  });
});
