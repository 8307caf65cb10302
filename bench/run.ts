// `npm run bench`: trains workloads W1-W4 on ganvae `native`, tfjs `cpu` (a few steps) and PyTorch CPU, one child
// process per measurement, and prints images/s, the ratio to PyTorch, GFLOPS, % of peak and peak RSS.
// Run: node --import tsx bench/run.ts [--workloads W1,W2] [--systems native,pytorch] [--seconds 20] [--threads 1,2]
//      [--repeats 3]
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { attainedRates, fasterOf, type AttainedRate } from './attained.ts';
import { FLOP_CONVENTION } from './flops.ts';
import { thisMachine } from './machine.ts';
import { ChildTimeout, runChild, type SystemName, type TimingPlan } from './measurement.ts';
import { HELP, parseBenchOptions, UsageError, type BenchOptions } from './options.ts';
import { RESULT_HEADERS, resultRows, summarizeWorkload, type RunRecord } from './results.ts';
import { formatTable } from './table.ts';
import { bundleWorker, WORKER_BUNDLE } from './worker-bundle.ts';
import { workload, type WorkloadId } from './workloads.ts';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

/** The child command that measures `id` on `system` with `threads`; ganvae's children run the bundled worker. */
function childCommand(id: WorkloadId, system: SystemName, threads: number, plan: TimingPlan, options: BenchOptions) {
  const timing = ['--seconds', String(plan.seconds), '--warmup', String(plan.warmupSteps), '--min-steps', String(plan.minSteps)];
  const env = { OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: '1' };
  if (system === 'pytorch') {
    return {
      command: options.python, env,
      args: [path.join(BENCH_DIR, 'pytorch', 'run.py'), '--config', JSON.stringify(workload(id, options.batch)), '--threads', String(threads), ...timing],
    };
  }
  return {
    command: process.execPath, env,
    args: [WORKER_BUNDLE, '--workload', id, '--backend', system === 'cpu' ? 'cpu' : 'native',
      '--precision', system === 'native-bf16' ? 'bf16' : 'fp32', '--threads', String(threads),
      ...(options.batch ? ['--batch', String(options.batch)] : []), ...timing],
  };
}

/**
 * The matrix product's GFLOPS at each of `threads`, on the native backend in this process (between the child runs,
 * so nothing else shares the cores); none without the addon.
 */
async function measureAttained(threads: number[]): Promise<AttainedRate[]> {
  const { initBackend } = await import('../src/env/backend.ts');
  const { loadAddon } = await import('../src/native/addon.ts');
  const { addon } = loadAddon();
  if (!addon || (await initBackend('native')).name !== 'native') return [];
  const rates = attainedRates(threads, (count) => addon.setThreads(count));
  addon.setThreads(os.availableParallelism());
  return rates;
}

/**
 * Timing plan per system: the pure-JS cpu backend runs a fixed few iterations without warm-up (one W3 iteration
 * takes hours there), the others warm up and then run for `seconds`.
 */
function timingPlan(system: SystemName, options: BenchOptions): TimingPlan {
  return system === 'cpu'
    ? { warmupSteps: 0, seconds: 0, minSteps: options.cpuSteps }
    : { warmupSteps: options.warmup, seconds: options.seconds, minSteps: 2 };
}

async function measure(id: WorkloadId, system: SystemName, threads: number, round: number, options: BenchOptions): Promise<RunRecord> {
  const before = os.loadavg()[0];
  const plan = timingPlan(system, options);
  const { command, args, env } = childCommand(id, system, threads, plan, options);
  const record: RunRecord = { workload: id, system, threads, round, plan, loadAverage: [before, before] };
  try {
    record.measurement = await runChild(command, args, env, system === 'cpu' ? options.cpuTimeout : options.timeout);
  } catch (err) {
    record.error = (err as Error).message;
    if (err instanceof ChildTimeout && err.timedSeconds > 0) record.timedOutAfter = err.timedSeconds;
  }
  record.loadAverage[1] = os.loadavg()[0];
  return record;
}

async function main(argv: string[]): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseBenchOptions(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`bench: ${err.message}\n\n${HELP}`);
    return 2;
  }
  if (options === 'help') {
    console.log(HELP);
    return 0;
  }
  const machine = thisMachine(options.fmaUnits);
  console.log(`bench: ${machine.model}; peak ${machine.assumption}`);
  if (options.systems.some((s) => s !== 'pytorch')) await bundleWorker();
  const measuresAttained = options.systems.some((s) => s.startsWith('native'));
  const describe = (rates: AttainedRate[]) => rates.map((a) => `${a.gflops.toFixed(0)} GFLOPS at ${a.threads} thread(s)`).join(', ');
  const before = measuresAttained ? await measureAttained(options.threads) : [];
  if (before.length) console.log(`bench: attained fp32 before the workloads: a 2048² fp32 matMul through oneDNN runs ${describe(before)}`);
  const records: RunRecord[] = [];
  for (const id of options.workloads) {
    for (let round = 0; round < options.repeats; round++) {
      for (const system of options.systems) {
        // The pure-JS cpu backend is single-threaded, and too slow to repeat.
        if (system === 'cpu' && round > 0) continue;
        for (const threads of system === 'cpu' ? [1] : options.threads) {
          const record = await measure(id, system, threads, round, options);
          records.push(record);
          const m = record.measurement;
          const images = m ? m.steps * workload(id, options.batch).batch : 0;
          const what = m ? `${(images / m.seconds).toFixed(1)} images/s (${m.steps} steps in ${m.seconds.toFixed(1)} s; ` +
            `${(images / m.cpuSeconds).toFixed(1)} images per CPU-second)`
            : `failed: ${record.error}`;
          const which = options.repeats > 1 ? ` round ${round + 1}` : '';
          console.error(`bench: ${id}${which} ${system} ${threads} thread(s): ${what}; load ${record.loadAverage.map((l) => l.toFixed(1)).join(' → ')}`);
        }
      }
    }
  }
  const after = measuresAttained ? await measureAttained(options.threads) : [];
  const attained = fasterOf(before, after);
  if (after.length) console.log(`bench: attained fp32 after the workloads: ${describe(after)}; % matMul is of the higher`);
  const results = options.workloads.map((id) => summarizeWorkload(workload(id, options.batch), records, options.systems, machine.peakGflops, attained));
  console.log(`\n${formatTable(RESULT_HEADERS, resultRows(results))}\n`);
  // A cpu run cut at its timeout is expected (it still gives an upper bound); any other error is a failure.
  const failures = results.flatMap((w) => w.systems.filter((s) => s.error && !s.upperBound).map((s) => `${w.id} ${s.system}: ${s.error}`));
  const bounds = results.flatMap((w) => w.systems.filter((s) => s.upperBound).map((s) => `${w.id} ${s.system}: ${s.error}; '<' marks upper bounds`));
  for (const line of bounds) console.log(`note: ${line}`);
  for (const line of failures) console.log(`problem: ${line}`);
  const maxLoad = Math.max(...records.flatMap((r) => r.loadAverage));
  if (maxLoad > machine.cores) {
    console.log(`warning: the load average reached ${maxLoad.toFixed(1)} on ${machine.cores} core(s): other processes shared the CPU, timings are pessimistic`);
  }
  const rounds = options.repeats > 1 ? `; medians of ${options.repeats} rounds, the ranges in brackets` : '';
  console.log(`\nvs PyTorch = ganvae images/s ÷ PyTorch images/s (best thread count of each${rounds}).\n${FLOP_CONVENTION}\n` +
    `% peak: of ${machine.peakGflops.toFixed(0)} GFLOPS = ${machine.assumption}.` +
    (attained.length ? `\n% matMul: of the 2048² matMul's GFLOPS at the same thread count (the higher of the 'bench: attained' lines), what these cores deliver.` : ''));
  mkdirSync(path.dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify({
    createdAt: new Date().toISOString(), machine, attained, flopConvention: FLOP_CONVENTION, options, workloads: results, runs: records,
  }, null, 2)}\n`);
  console.log(`results: ${path.relative(process.cwd(), options.out)}`);
  return failures.length ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
