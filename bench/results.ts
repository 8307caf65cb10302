// From raw measurements to the benchmark's results: best thread count per system, images/s, the ratio to
// PyTorch (only when the PyTorch mirror has ganvae's exact layers), GFLOPS, % of peak and peak RSS.
import { stepFlops, type LayerShape, type NetworkLayers } from './flops.ts';
import type { Measurement, SystemName, TimingPlan } from './measurement.ts';
import { iterationPasses, type Workload, type WorkloadId } from './workloads.ts';

/** One child run: a measurement or the reason it failed. */
export interface RunRecord {
  workload: WorkloadId;
  system: SystemName;
  threads: number;
  plan: TimingPlan;
  measurement?: Measurement;
  error?: string;
  /** Seconds the timed iterations had run when the child was killed at its timeout. */
  timedOutAfter?: number;
  /** 1-minute load average of the machine before and after the run (other processes skew timings). */
  loadAverage: [number, number];
}

/** A system's result on a workload: its best thread count, or why there is none. */
export interface SystemResult {
  system: SystemName;
  threads: number | null;
  steps: number | null;
  seconds: number | null;
  imagesPerSec: number | null;
  /** The speed columns are upper bounds: the timed iterations did not finish before the timeout. */
  upperBound: boolean;
  /** images/s divided by PyTorch's; null for PyTorch itself or without a fair PyTorch baseline. */
  vsPytorch: number | null;
  gflops: number | null;
  percentOfPeak: number | null;
  peakRssMiB: number | null;
  error: string | null;
  /** Every thread count tried: images/s (null when it failed) and peak RSS. */
  tried: { threads: number; imagesPerSec: number | null; peakRssMiB: number | null; loadAverage: [number, number]; error?: string }[];
  details: Record<string, unknown>;
}

/** A workload's results. */
export interface WorkloadResult {
  id: WorkloadId;
  title: string;
  batch: number;
  /** Analytic FLOPs of one training iteration (bench/flops.ts), null when no system reported its layers. */
  flopsPerIteration: number | null;
  /** Why PyTorch's numbers are not comparable (its layers differ from ganvae's), or null. */
  mirrorProblem: string | null;
  systems: SystemResult[];
}

const MIB = 1024 * 1024;

function describeLayer(l: LayerShape): string {
  return `${l.kind}${l.kernel ? ` ${l.kernel.join('x')}` : ''} [${l.input}] → [${l.output}]`;
}

/** Why two systems' networks differ (layer kinds, shapes, kernels or trainable parameter counts), or null. */
export function mirrorProblem(ganvae: Pick<Measurement, 'layers' | 'params'>, pytorch: Pick<Measurement, 'layers' | 'params'>): string | null {
  for (const [network, ours] of Object.entries(ganvae.layers)) {
    const theirs: LayerShape[] = pytorch.layers[network] ?? [];
    for (let i = 0; i < Math.max(ours.length, theirs.length); i++) {
      const a = ours[i] ? describeLayer(ours[i]) : 'nothing';
      const b = theirs[i] ? describeLayer(theirs[i]) : 'nothing';
      if (a !== b) return `${network} layer ${i + 1}: ganvae has ${a}, PyTorch ${b}`;
    }
    if (ganvae.params[network] !== pytorch.params[network]) {
      return `${network}: ganvae has ${ganvae.params[network]} trainable parameters, PyTorch ${pytorch.params[network]}`;
    }
  }
  return null;
}

function bestOf(records: RunRecord[]): RunRecord | undefined {
  const ok = records.filter((r) => r.measurement);
  return ok.sort((a, b) => rate(b.measurement!) - rate(a.measurement!))[0];
}

function rate(m: Measurement): number {
  return m.steps / m.seconds;
}

/** Summarises the runs of `w` (any systems, any thread counts) against a machine peak of `peakGflops`. */
export function summarizeWorkload(w: Workload, records: RunRecord[], systems: SystemName[], peakGflops: number): WorkloadResult {
  const mine = records.filter((r) => r.workload === w.id);
  const best = new Map(systems.map((s) => [s, bestOf(mine.filter((r) => r.system === s))]));
  const ganvaeBest = best.get('native') ?? best.get('cpu');
  const pytorchBest = best.get('pytorch');
  const layersFrom: NetworkLayers | undefined = (ganvaeBest ?? pytorchBest)?.measurement?.layers;
  const flopsPerIteration = layersFrom ? stepFlops(layersFrom, iterationPasses(w)) : null;
  const problem = ganvaeBest && pytorchBest ? mirrorProblem(ganvaeBest.measurement!, pytorchBest.measurement!) : null;
  const pytorchRate = pytorchBest && !problem ? rate(pytorchBest.measurement!) : null;

  const derived = (iterationsPerSec: number) => {
    const gflops = flopsPerIteration === null ? null : (flopsPerIteration * iterationsPerSec) / 1e9;
    return {
      imagesPerSec: iterationsPerSec * w.batch,
      gflops,
      percentOfPeak: gflops !== null && peakGflops > 0 ? (100 * gflops) / peakGflops : null,
    };
  };
  const results = systems.map((system): SystemResult => {
    const runs = mine.filter((r) => r.system === system);
    const tried = runs.map((r) => ({
      threads: r.threads,
      imagesPerSec: r.measurement ? rate(r.measurement) * w.batch : null,
      peakRssMiB: r.measurement?.peakRssBytes ? r.measurement.peakRssBytes / MIB : null,
      loadAverage: r.loadAverage,
      ...(r.error ? { error: r.error } : {}),
    }));
    const chosen = best.get(system)?.measurement;
    const vsPytorch = (iterationsPerSec: number) => (system !== 'pytorch' && pytorchRate ? iterationsPerSec / pytorchRate : null);
    if (!chosen) {
      const error = runs.map((r) => r.error).find(Boolean) ?? 'not run';
      // Killed during its timed iterations: fewer than minSteps finished in that time, an upper bound on the speed.
      const cut = runs.find((r) => r.timedOutAfter);
      const bound = cut ? cut.plan.minSteps / cut.timedOutAfter! : null;
      return {
        system, threads: cut?.threads ?? null, steps: null, seconds: cut?.timedOutAfter ?? null,
        ...(bound ? derived(bound) : { imagesPerSec: null, gflops: null, percentOfPeak: null }),
        upperBound: bound !== null, vsPytorch: bound ? vsPytorch(bound) : null, peakRssMiB: null, error, tried, details: {},
      };
    }
    return {
      system,
      threads: chosen.threads,
      steps: chosen.steps,
      seconds: chosen.seconds,
      ...derived(rate(chosen)),
      upperBound: false,
      vsPytorch: vsPytorch(rate(chosen)),
      peakRssMiB: chosen.peakRssBytes ? chosen.peakRssBytes / MIB : null,
      error: system === 'pytorch' && problem ? `not a mirror of ganvae's model: ${problem}` : null,
      tried,
      details: chosen.details,
    };
  });
  return { id: w.id, title: w.title, batch: w.batch, flopsPerIteration, mirrorProblem: problem, systems: results };
}

/** A number with `digits` significant digits (at least one decimal), '-' for null, '<' before an upper bound. */
function figure(value: number | null, digits: number, suffix = '', below = false): string {
  if (value === null) return '-';
  const decimals = Math.max(1, digits - 1 - Math.floor(Math.log10(Math.max(Math.abs(value), 1e-12))));
  return `${below ? '<' : ''}${value.toFixed(Math.min(decimals, 8))}${suffix}`;
}

/** Rows of the console table, one per workload and system. */
export function resultRows(results: WorkloadResult[]): string[][] {
  return results.flatMap((w) => w.systems.map((s) => [
    `${w.id} ${w.title}`, s.system, s.threads === null ? '-' : String(s.threads), s.steps === null ? '-' : String(s.steps),
    figure(s.imagesPerSec, 3, '', s.upperBound), figure(s.vsPytorch, 3, 'x', s.upperBound), figure(s.gflops, 3, '', s.upperBound),
    figure(s.percentOfPeak, 3, '%', s.upperBound), s.peakRssMiB === null ? '-' : `${s.peakRssMiB.toFixed(0)} MiB`,
  ]));
}

export const RESULT_HEADERS = ['workload', 'system', 'threads', 'steps', 'images/s', 'vs PyTorch', 'GFLOPS', '% peak', 'peak RSS'];
