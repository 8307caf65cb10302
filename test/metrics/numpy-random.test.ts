import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NumpyRandomState } from '../../src/metrics/numpy-random.ts';
import { reference } from './reference.ts';

const expected = reference.numpyRandom;

test('NumpyRandomState reproduces np.random.RandomState bit for bit', () => {
  const raw = new NumpyRandomState(2020);
  assert.deepEqual([raw.nextUint32(), raw.nextUint32(), raw.nextUint32()], expected.seed2020FirstUint32);
  assert.deepEqual(Array.from(new NumpyRandomState(2020).permutation(10)), expected.seed2020Permutation10);
  assert.deepEqual(Array.from(new NumpyRandomState(0).choiceWithoutReplacement(70000, 5)), expected.seed0Choice70000);
});

test('NumpyRandomState rejects seeds numpy rejects, and oversized samples', () => {
  assert.throws(() => new NumpyRandomState(-1), /between 0 and 2\*\*32 - 1/);
  assert.throws(() => new NumpyRandomState(2 ** 32), /between 0 and 2\*\*32 - 1/);
  assert.throws(() => new NumpyRandomState(1).choiceWithoutReplacement(3, 4), /sample of 4 without replacement from 3/);
});
