// Per-kernel time profile of one ganvae training iteration (tf.profile): which tfjs kernels take what share
// of the step, i.e. what to move to C++ next. Run: node --import tsx bench/profile.ts --workloads W1,W3
// (--backend cpu for tfjs's pure-JS kernels, --precision bf16 for native bf16 operands, --batch N to replace the
// workloads' batch size, --warmup N, --iterations N to average N profiled iterations).
// D1 and D2 profile the default runs' step (D1's with its EMA update) on a fixed batch; what their loop adds
// around the step is the difference between `bench/run.ts --workloads D2` and W2 (the same network).
import * as tf from '@tensorflow/tfjs-core';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Rng } from '../src/core/random.ts';
import { initBackend } from '../src/env/backend.ts';
import { useComputePrecision, type ComputePrecision } from '../src/env/precision.ts';
import { createTrainable, randomBatch, trainIteration } from './ganvae.ts';
import { formatTable } from './table.ts';
import { WORKLOAD_IDS, workload, type WorkloadId } from './workloads.ts';

/** Time spent in one kernel (or one kernel on one set of input shapes) during the profiled iteration. */
export interface KernelShare {
  kernel: string;
  calls: number;
  ms: number;
}

/** Sums profiled kernels by `key` (kernel name, or name plus input shapes), largest first. */
export function aggregateKernels(kernels: { name: string; kernelTimeMs: number; inputShapes: number[][] }[],
  key: (k: { name: string; inputShapes: number[][] }) => string): KernelShare[] {
  const byKey = new Map<string, KernelShare>();
  for (const k of kernels) {
    const name = key(k);
    const share = byKey.get(name) ?? { kernel: name, calls: 0, ms: 0 };
    share.calls++;
    share.ms += k.kernelTimeMs;
    byKey.set(name, share);
  }
  return [...byKey.values()].sort((a, b) => b.ms - a.ms);
}

/**
 * Profiles `iterations` iterations of `id` after `warmup` unprofiled ones (kernel times summed over them, so that
 * one garbage collection or scheduler hiccup does not decide a small kernel's share); returns the shares and the
 * mean unprofiled iteration time.
 */
async function profileWorkload(id: WorkloadId, warmup: number, iterations: number, batchSize?: number): Promise<{ wallMs: number; byKernel: KernelShare[]; byShape: KernelShare[] }> {
  const w = workload(id, batchSize);
  const rng = new Rng(1);
  const trainable = createTrainable(w, rng);
  const batch = randomBatch(w);
  for (let i = 0; i < warmup; i++) trainIteration(trainable, batch, rng);
  const start = performance.now();
  for (let i = 0; i < iterations; i++) trainIteration(trainable, batch, rng);
  const wallMs = (performance.now() - start) / iterations;
  const kernels: { name: string; kernelTimeMs: number; inputShapes: number[][] }[] = [];
  for (let i = 0; i < iterations; i++) {
    const profile = await tf.profile(() => trainIteration(trainable, batch, rng));
    // `xxx__op` entries are customGrad scopes (fusedConv2d, fusedMatMul) whose kernels are listed on their own too.
    kernels.push(...profile.kernels.filter((k) => !k.name.endsWith('__op'))
      .map((k) => ({ name: k.name, kernelTimeMs: Number(k.kernelTimeMs) / iterations, inputShapes: k.inputShapes })));
  }
  tf.dispose(batch.images);
  trainable.dispose();
  return {
    wallMs,
    byKernel: aggregateKernels(kernels, (k) => k.name),
    byShape: aggregateKernels(kernels, (k) => `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join(' ')}`),
  };
}

function shareRows(shares: KernelShare[], totalMs: number, limit: number, iterations: number): string[][] {
  return shares.slice(0, limit).map((s) => [s.kernel, String(s.calls / iterations), s.ms.toFixed(1), `${((100 * s.ms) / totalMs).toFixed(1)}%`]);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { workloads: { type: 'string', default: 'W1,W3' }, backend: { type: 'string', default: 'native' }, warmup: { type: 'string', default: '2' },
      iterations: { type: 'string', default: '1' }, batch: { type: 'string' }, precision: { type: 'string', default: 'fp32' } },
  });
  const ids = values.workloads.split(',') as WorkloadId[];
  const iterations = Number(values.iterations);
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`--iterations must be a whole number of at least 1, got "${values.iterations}"`);
  for (const id of ids) {
    if (!(WORKLOAD_IDS as readonly string[]).includes(id)) throw new Error(`--workloads: unknown workload "${id}"; use ${WORKLOAD_IDS.join(', ')}`);
  }
  if (values.backend !== 'native' && values.backend !== 'cpu') throw new Error(`--backend must be native or cpu, got "${values.backend}"`);
  await initBackend(values.backend);
  if (values.precision !== 'fp32' && values.precision !== 'bf16') throw new Error(`--precision must be fp32 or bf16, got "${values.precision}"`);
  useComputePrecision(values.precision as ComputePrecision);
  // The profiler would otherwise read every kernel output back to check it for NaNs.
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  for (const id of ids) {
    const { wallMs, byKernel, byShape } = await profileWorkload(id, Number(values.warmup), iterations, values.batch === undefined ? undefined : Number(values.batch));
    const kernelMs = byKernel.reduce((sum, s) => sum + s.ms, 0);
    console.log(`\n${id} ${workload(id).title} on ${values.backend}${values.precision === 'bf16' ? ' (bf16)' : ''}: one iteration ${wallMs.toFixed(0)} ms unprofiled; ` +
      `kernels ${kernelMs.toFixed(0)} ms under the profiler (the rest of the profiled step is tfjs bookkeeping)` +
      `${iterations > 1 ? `; means over ${iterations} iterations, calls per iteration` : ''}`);
    console.log(formatTable(['kernel', 'calls', 'ms', '% of kernel time'], shareRows(byKernel, kernelMs, 20, iterations)));
    console.log(`\nTop kernel calls by input shapes (${id}):`);
    console.log(formatTable(['kernel and input shapes', 'calls', 'ms', '% of kernel time'], shareRows(byShape, kernelMs, 15, iterations)));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
