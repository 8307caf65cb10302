// Command-line options of `npm run bench` (bench/run.ts): parsing, defaults and the usage text.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_SYSTEMS, SYSTEMS, type SystemName } from './measurement.ts';
import { WORKLOAD_IDS, type WorkloadId } from './workloads.ts';

/** Where results go unless --out says otherwise (gitignored). */
export const DEFAULT_OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');

export const HELP = `usage: npm run bench -- [options]

  --workloads W1,W2,W3,W4,D1,D2  workloads to run (default all): W1 DCGAN-28, W2 ConvVAE-28, W3 DCGAN-64,
                             W4 Lite-64 (hinge, DiffAugment, spectral norm in D); D1, D2: \`ganvae train gan\`,
                             \`ganvae train vae\` with no flags, through the whole loop on Fashion-MNIST
  --systems native,pytorch,cpu  systems to run (default these three; native-bf16 adds ganvae with --precision bf16)
  --seconds N                timed seconds per measurement after warm-up (default 20)
  --warmup N                 untimed iterations before timing (default 2; none on cpu)
  --cpu-steps N              timed iterations on tfjs's pure-JS cpu backend, no warm-up (default 1)
  --cpu-timeout N            seconds before a cpu measurement is cut; its speed is then reported as an upper bound
                             (default 600)
  --repeats N                rounds per workload (default 1): every system and thread count in turn, N times over
                             (A B A B …); images/s is then the median over rounds and the ratio to PyTorch the
                             median of each round's paired ratio, which a machine whose speed drifts needs
  --threads 1,2              thread counts tried for native and PyTorch; the best is reported (default 1 and all cores)
  --fma-units N              vector FMA units per core for the peak (default 2; 1 on Xeon Bronze/Silver/Gold 5xxx)
  --python PATH              Python with Debian's python3-torch (default /usr/bin/python3)
  --timeout N                seconds before a measurement is abandoned (default 3600)
  --batch N                  replace every workload's batch size (a quick smoke run; not comparable results)
  --out PATH                 where to write the results as JSON (default bench/results/latest.json)`;

/** Parsed command-line options. */
export interface BenchOptions {
  workloads: WorkloadId[];
  systems: SystemName[];
  seconds: number;
  warmup: number;
  cpuSteps: number;
  cpuTimeout: number;
  threads: number[];
  /** Rounds of interleaved measurements per workload. */
  repeats: number;
  fmaUnits: number;
  python: string;
  timeout: number;
  /** Batch size replacing the workloads' own, or undefined. */
  batch?: number;
  out: string;
}

/** A bad flag: bench/run.ts prints it with the usage and exits 2. */
export class UsageError extends Error {}

function list<T extends string>(flag: string, value: string, allowed: readonly T[]): T[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) throw new UsageError(`--${flag}: unknown "${item}"; use ${allowed.join(', ')}`);
  }
  if (!items.length) throw new UsageError(`--${flag} is empty; use ${allowed.join(', ')}`);
  return items as T[];
}

function positive(flag: string, value: string, integer: boolean): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${flag} must be a ${integer ? 'non-negative integer' : 'non-negative number'}, got "${value}"`);
  }
  return n;
}

/** Parses `argv` (the arguments after bench/run.ts); throws UsageError naming the flag. */
export function parseBenchOptions(argv: string[]): BenchOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        workloads: { type: 'string', default: WORKLOAD_IDS.join(',') }, systems: { type: 'string', default: DEFAULT_SYSTEMS.join(',') },
        seconds: { type: 'string', default: '20' }, warmup: { type: 'string', default: '2' }, 'cpu-steps': { type: 'string', default: '1' },
        'cpu-timeout': { type: 'string', default: '600' },
        threads: { type: 'string', default: [...new Set([1, os.availableParallelism()])].join(',') },
        repeats: { type: 'string', default: '1' }, 'fma-units': { type: 'string', default: '2' }, python: { type: 'string', default: '/usr/bin/python3' },
        timeout: { type: 'string', default: '3600' }, batch: { type: 'string' }, out: { type: 'string', default: DEFAULT_OUT },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  const threads = values.threads.split(',').map((t) => positive('threads', t, true));
  if (threads.some((t) => t < 1)) throw new UsageError('--threads: thread counts must be at least 1');
  const repeats = positive('repeats', values.repeats, true);
  if (repeats < 1) throw new UsageError('--repeats must be at least 1');
  return {
    workloads: list('workloads', values.workloads, WORKLOAD_IDS),
    systems: list('systems', values.systems, SYSTEMS),
    seconds: positive('seconds', values.seconds, false),
    warmup: positive('warmup', values.warmup, true),
    cpuSteps: Math.max(1, positive('cpu-steps', values['cpu-steps'], true)),
    cpuTimeout: positive('cpu-timeout', values['cpu-timeout'], false),
    threads,
    repeats,
    fmaUnits: positive('fma-units', values['fma-units'], true),
    python: values.python,
    timeout: positive('timeout', values.timeout, false),
    batch: values.batch === undefined ? undefined : Math.max(1, positive('batch', values.batch, true)),
    out: values.out,
  };
}
