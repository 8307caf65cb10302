// The ganvae side of `npm run bench` as a child process: times one workload on one tfjs backend and prints
// its Measurement as one JSON line. bench/run.ts starts it bundled (bench/worker-bundle.ts) with OMP_NUM_THREADS set;
// by hand: node --import tsx bench/ganvae-worker.ts --workload W1 --backend native [--precision bf16] --threads 2 --seconds 20
import { parseArgs } from 'node:util';
import type { WorkloadId } from './workloads.ts';

// As bin/ganvae.js does: no source maps (tsx enables them), so peak RSS is what a `ganvae train` process holds.
// Everything that loads tfjs is imported below, after this line (static imports would load it first).
if (!process.env.GANVAE_DEBUG) process.setSourceMapsEnabled(false);
const { measureGanvae } = await import('./ganvae.ts');
const { WORKLOAD_IDS } = await import('./workloads.ts');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      workload: { type: 'string' }, backend: { type: 'string' }, precision: { type: 'string', default: 'fp32' }, threads: { type: 'string', default: '1' },
      seconds: { type: 'string', default: '20' }, batch: { type: 'string' }, warmup: { type: 'string', default: '3' }, 'min-steps': { type: 'string', default: '1' },
    },
  });
  const id = values.workload as WorkloadId;
  if (!(WORKLOAD_IDS as readonly string[]).includes(id)) throw new Error(`--workload must be one of ${WORKLOAD_IDS.join(', ')}, got "${id}"`);
  if (values.backend !== 'native' && values.backend !== 'cpu') throw new Error(`--backend must be native or cpu, got "${values.backend}"`);
  if (values.precision !== 'fp32' && values.precision !== 'bf16') throw new Error(`--precision must be fp32 or bf16, got "${values.precision}"`);
  const plan = { warmupSteps: Number(values.warmup), seconds: Number(values.seconds), minSteps: Number(values['min-steps']) };
  const batch = values.batch === undefined ? undefined : Number(values.batch);
  const measurement = await measureGanvae(id, values.backend, Number(values.threads), plan, batch, values.precision);
  console.log(JSON.stringify(measurement));
}

try {
  await main();
} catch (err) {
  // One line for the parent to show (it keeps the last lines of stderr), not a stack trace.
  console.error(`ganvae-worker: ${(err as Error).message}`);
  process.exitCode = 1;
}
