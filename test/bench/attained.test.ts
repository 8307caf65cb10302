// The attained-GFLOPS measurement: 2n³ FLOPs over the fastest timed product, at each thread count asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attainedRates, fasterOf, matMulGflops } from '../../bench/attained.ts';
import { initBackend } from '../../src/env/backend.ts';

/** A clock that reads the given times in ms, one per call, then stays at the last. */
function clock(times: number[]): () => number {
  let i = 0;
  return () => times[Math.min(i++, times.length - 1)];
}

test('matMulGflops divides 2n³ by the fastest of at least three timed products', async () => {
  await initBackend('cpu');
  // start 0; products timed 0→4, 4→6 (the fastest: 2 ms), 6→9; the loop then sees 9 ms past the 5 ms budget.
  const gflops = matMulGflops(16, 0.005, clock([0, 0, 4, 4, 6, 6, 9, 9]));
  assert.equal(gflops, (2 * 16 ** 3) / 0.002 / 1e9);
});

test('attainedRates sets each thread count before measuring it', async () => {
  await initBackend('cpu');
  const set: number[] = [];
  const rates = attainedRates([1, 2], (count) => set.push(count), 8, 0);
  assert.deepEqual(set, [1, 2]);
  assert.deepEqual(rates.map((r) => r.threads), [1, 2]);
  assert.ok(rates.every((r) => Number.isFinite(r.gflops) && r.gflops > 0));
});

test('fasterOf keeps the higher measurement of each thread count', () => {
  const rates = fasterOf([{ threads: 1, gflops: 100 }, { threads: 2, gflops: 150 }], [{ threads: 1, gflops: 120 }, { threads: 2, gflops: 140 }]);
  assert.deepEqual(rates, [{ threads: 1, gflops: 120 }, { threads: 2, gflops: 150 }]);
  assert.deepEqual(fasterOf([], []), []);
});
