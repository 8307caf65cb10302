// What this machine's cores deliver in fp32, measured: an n×n matrix product on the native backend (oneDNN's
// matmul, the library the convolutions run on) at each thread count. machine.ts's nominal peak assumes every
// core's FMA units are the process's own at nominal clock; on a VM a threaded product attained a third of it.
import * as tf from '@tensorflow/tfjs-core';

/** fp32 GFLOPS that one thread count attained on the matrix product. */
export interface AttainedRate {
  threads: number;
  gflops: number;
}

/**
 * GFLOPS of an `n`×`n` by `n`×`n` fp32 matMul on the current backend: 2n³ FLOPs over the fastest of the products
 * run within `seconds` (at least 3, after one untimed). `now` is the clock in ms (injectable for tests).
 */
export function matMulGflops(n: number, seconds: number, now: () => number = () => performance.now()): number {
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  tf.matMul(a, b).dispose();
  let fastest = Infinity;
  const start = now();
  for (let runs = 0; runs < 3 || now() - start < seconds * 1000; runs++) {
    const t0 = now();
    tf.matMul(a, b).dataSync();
    fastest = Math.min(fastest, now() - t0);
  }
  tf.dispose([a, b]);
  return (2 * n ** 3) / (fastest / 1000) / 1e9;
}

/** The matMul's GFLOPS at each of `threads` on the native backend (`setThreads` sets oneDNN's thread count). */
export function attainedRates(threads: number[], setThreads: (count: number) => void, n = 2048, seconds = 1): AttainedRate[] {
  return threads.map((count) => {
    setThreads(count);
    return { threads: count, gflops: matMulGflops(n, seconds) };
  });
}

/** Per thread count, the higher of two measurements (the machine's speed drifts; the faster one is nearer its rate). */
export function fasterOf(first: AttainedRate[], second: AttainedRate[]): AttainedRate[] {
  return first.map((a) => {
    const other = second.find((b) => b.threads === a.threads);
    return other && other.gflops > a.gflops ? other : a;
  });
}
