// Two builds of the native addon compared on one kernel inside a real training step: every call of that kernel goes
// to build A or build B in turn (per set of argument sizes, so each shape alternates on its own), and the time of
// each side is summed per shape. On this project's VMs, whose speed drifts by ±8% between runs, both sides then share
// the drift; the comparison still moves by tens of percent from run to run where the thread wake-ups of small calls
// dominate, so run it in both orders (--a and --b swapped) and trust what both agree on. Load both builds from outside
// the checkout (copies of ganvae_native.node): when one side was the addon the backend registered, identical code read
// about 1.2x faster on that side.
// Run: node --import tsx bench/interleave.ts --a /tmp/new.node --b /tmp/old.node --kernel batchMatMul --workloads W4
// (--iterations N timed iterations after --warmup ones, --precision bf16 for both builds in bf16).
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Rng } from '../src/core/random.ts';
import { initBackend } from '../src/env/backend.ts';
import { useComputePrecision, type ComputePrecision } from '../src/env/precision.ts';
import { loadAddon, type NativeAddon } from '../src/native/addon.ts';
import { createTrainable, randomBatch, trainIteration } from './ganvae.ts';
import { formatTable } from './table.ts';
import { WORKLOAD_IDS, workload, type WorkloadId } from './workloads.ts';

/** Calls and summed milliseconds of one shape on each side, [A, B]. */
export interface SideTimes {
  calls: [number, number];
  ms: [number, number];
}

type AnyFunction = (...args: unknown[]) => unknown;

/** A call's shape key: the lengths of its typed-array arguments (what distinguishes a kernel's calls). */
function shapeKey(args: unknown[]): string {
  return args.filter((a) => ArrayBuffer.isView(a)).map((a) => (a as Float32Array).length).join(',');
}

/**
 * A function that passes each call to `a` or `b`, alternating per shape key (the first call of a shape to `a`),
 * timing each with `now` into `times` by key; returns what the chosen side returns.
 */
export function alternating(a: AnyFunction, b: AnyFunction, times: Map<string, SideTimes>, now: () => number = () => performance.now()): AnyFunction {
  return (...args: unknown[]) => {
    const key = shapeKey(args);
    const entry = times.get(key) ?? { calls: [0, 0], ms: [0, 0] };
    times.set(key, entry);
    const side = (entry.calls[0] + entry.calls[1]) % 2;
    const start = now();
    const result = (side === 0 ? a : b)(...args);
    entry.ms[side] += now() - start;
    entry.calls[side]++;
    return result;
  };
}

/**
 * Rows [shape, calls, ms/call A, ms/call B, B ÷ A], slowest (by B's total) first, then a row of the milliseconds
 * both sides would take for all the calls (shapes one side never ran are left out).
 */
export function comparisonRows(times: Map<string, SideTimes>): string[][] {
  const entries = [...times.entries()].filter(([, t]) => t.calls[0] > 0 && t.calls[1] > 0);
  const perCall = (t: SideTimes, side: 0 | 1) => t.ms[side] / t.calls[side];
  // Totals weight each side's mean per call by all the calls of its shape, so that an odd count does not tilt them.
  const total = (side: 0 | 1) => entries.reduce((sum, [, t]) => sum + perCall(t, side) * (t.calls[0] + t.calls[1]), 0);
  const rows = entries.sort((x, y) => y[1].ms[1] - x[1].ms[1]).map(([key, t]) => [key, String(t.calls[0] + t.calls[1]),
    perCall(t, 0).toFixed(3), perCall(t, 1).toFixed(3), `${(perCall(t, 1) / perCall(t, 0)).toFixed(2)}x`]);
  const [a, b] = [total(0), total(1)];
  return [...rows, ['all (ms in all)', String(entries.reduce((n, [, t]) => n + t.calls[0] + t.calls[1], 0)), a.toFixed(1), b.toFixed(1), `${(b / a).toFixed(2)}x`]];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      a: { type: 'string' }, b: { type: 'string' }, kernel: { type: 'string' }, workloads: { type: 'string', default: 'W4' },
      warmup: { type: 'string', default: '5' }, iterations: { type: 'string', default: '12' }, precision: { type: 'string', default: 'fp32' },
    },
  });
  if (!values.a || !values.b) throw new Error('--a and --b must each name a built addon (a copy of native/build/Release/ganvae_native.node)');
  const iterations = Number(values.iterations);
  const warmup = Number(values.warmup);
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`--iterations must be a whole number of at least 1, got "${values.iterations}"`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new Error(`--warmup must be a whole number, got "${values.warmup}"`);
  if (values.precision !== 'fp32' && values.precision !== 'bf16') throw new Error(`--precision must be fp32 or bf16, got "${values.precision}"`);
  const ids = values.workloads.split(',') as WorkloadId[];
  for (const id of ids) {
    if (!(WORKLOAD_IDS as readonly string[]).includes(id)) throw new Error(`--workloads: unknown workload "${id}"; use ${WORKLOAD_IDS.join(', ')}`);
  }
  const require = createRequire(import.meta.url);
  const [a, b] = [values.a, values.b].map((file) => require(file) as NativeAddon);
  const kernel = values.kernel as keyof NativeAddon;
  if (typeof a[kernel] !== 'function' || typeof b[kernel] !== 'function') throw new Error(`--kernel: both builds must export a function "${values.kernel}"`);
  await initBackend('native');
  useComputePrecision(values.precision as ComputePrecision);
  for (const build of [a, b]) build.setPrecision(values.precision === 'bf16' ? 1 : 0);
  // The backend calls the registered addon's methods by name: this one is routed to A and B in turn.
  const registered = loadAddon().addon as unknown as Record<string, AnyFunction>;
  const own = registered[kernel];
  for (const id of ids) {
    const w = workload(id);
    const rng = new Rng(1);
    const trainable = createTrainable(w, rng);
    const batch = randomBatch(w);
    for (let i = 0; i < warmup; i++) trainIteration(trainable, batch, rng);
    const times = new Map<string, SideTimes>();
    registered[kernel] = alternating(a[kernel] as AnyFunction, b[kernel] as AnyFunction, times);
    for (let i = 0; i < iterations; i++) trainIteration(trainable, batch, rng);
    registered[kernel] = own;
    tf.dispose(batch.images);
    trainable.dispose();
    console.log(`\n${id} ${w.title}: ${values.kernel} alternated between A (${values.a}) and B (${values.b}) over ${iterations} iterations (${values.precision})`);
    console.log(formatTable(['argument sizes', 'calls', 'A ms/call', 'B ms/call', 'B ÷ A'], comparisonRows(times)));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
