// From raw measurements to the benchmark's results: best thread count per system, images/s, the ratio to
// PyTorch (only when the PyTorch mirror has ganvae's exact layers), GFLOPS, % of peak and peak RSS. With several
// rounds (--repeats), speeds are medians over rounds and the ratio is the median of each round's paired ratio: the
// machine's speed drifts over minutes, and two runs of one round ran next to each other.
import { stepFlops, type LayerShape, type NetworkLayers } from './flops.ts';
import type { AttainedRate } from './attained.ts';
import type { Measurement, SystemName, TimingPlan } from './measurement.ts';
import { iterationPasses, type Workload, type WorkloadId } from './workloads.ts';

/** One child run: a measurement or the reason it failed. */
export interface RunRecord {
  workload: WorkloadId;
  system: SystemName;
  threads: number;
  /** Which round of the interleaved systems this run belongs to (0 with a single round). */
  round: number;
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
  /** Timed steps and seconds, summed over the rounds at the chosen thread count. */
  steps: number | null;
  seconds: number | null;
  /** Successful rounds at the chosen thread count. */
  rounds: number;
  /** Median over those rounds. */
  imagesPerSec: number | null;
  /** Slowest and fastest round, or null. */
  imagesPerSecRange: [number, number] | null;
  /** The speed columns are upper bounds: the timed iterations did not finish before the timeout. */
  upperBound: boolean;
  /**
   * images/s divided by PyTorch's (the median of the rounds' paired ratios where both ran in a round); null for
   * PyTorch itself or without a fair PyTorch baseline.
   */
  vsPytorch: number | null;
  /** The lowest and highest paired ratio, or null. */
  vsPytorchRange: [number, number] | null;
  gflops: number | null;
  percentOfPeak: number | null;
  /** Of the matrix product's GFLOPS at the same thread count (attained.ts), when it was measured. */
  percentOfAttained: number | null;
  /** The highest over the chosen thread count's rounds. */
  peakRssMiB: number | null;
  error: string | null;
  /** Every run (thread count and round): images/s (null when it failed) and peak RSS. */
  tried: { threads: number; round: number; imagesPerSec: number | null; peakRssMiB: number | null; loadAverage: [number, number]; error?: string }[];
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

function rate(m: Measurement): number {
  return m.steps / m.seconds;
}

/** Median of a non-empty list. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A system's successful runs at one thread count, and their median iterations/s. */
interface ThreadRuns {
  threads: number;
  runs: (RunRecord & { measurement: Measurement })[];
  rate: number;
}

/** The thread count of `records` (one system) with the highest median speed, or undefined when none succeeded. */
function bestThreads(records: RunRecord[]): ThreadRuns | undefined {
  const ok = records.filter((r): r is RunRecord & { measurement: Measurement } => r.measurement !== undefined);
  const groups = [...new Set(ok.map((r) => r.threads))].map((threads) => {
    const runs = ok.filter((r) => r.threads === threads);
    return { threads, runs, rate: median(runs.map((r) => rate(r.measurement))) };
  });
  return groups.sort((a, b) => b.rate - a.rate)[0];
}

/** `ours` over `theirs` round by round where both ran in a round, else the ratio of their medians. */
function pairedRatios(ours: ThreadRuns, theirs: ThreadRuns): number[] {
  const paired = ours.runs.flatMap((r) => {
    const partner = theirs.runs.find((t) => t.round === r.round);
    return partner ? [rate(r.measurement) / rate(partner.measurement)] : [];
  });
  return paired.length ? paired : [ours.rate / theirs.rate];
}

/**
 * Summarises the runs of `w` (any systems, thread counts and rounds) against a nominal machine peak of `peakGflops`
 * and the GFLOPS a matrix product attained at each thread count (`attained`, possibly none).
 */
export function summarizeWorkload(w: Workload, records: RunRecord[], systems: SystemName[], peakGflops: number,
  attained: AttainedRate[] = []): WorkloadResult {
  const mine = records.filter((r) => r.workload === w.id);
  const best = new Map(systems.map((s) => [s, bestThreads(mine.filter((r) => r.system === s))]));
  const ganvaeBest = best.get('native') ?? best.get('cpu');
  const pytorchBest = best.get('pytorch');
  const layersFrom: NetworkLayers | undefined = (ganvaeBest ?? pytorchBest)?.runs[0].measurement.layers;
  const flopsPerIteration = layersFrom ? stepFlops(layersFrom, iterationPasses(w)) : null;
  const problem = ganvaeBest && pytorchBest ? mirrorProblem(ganvaeBest.runs[0].measurement, pytorchBest.runs[0].measurement) : null;
  const baseline = pytorchBest && !problem ? pytorchBest : undefined;

  const derived = (iterationsPerSec: number, threads: number) => {
    const gflops = flopsPerIteration === null ? null : (flopsPerIteration * iterationsPerSec) / 1e9;
    const reference = attained.find((a) => a.threads === threads)?.gflops;
    return {
      imagesPerSec: iterationsPerSec * w.batch,
      gflops,
      percentOfPeak: gflops !== null && peakGflops > 0 ? (100 * gflops) / peakGflops : null,
      percentOfAttained: gflops !== null && reference ? (100 * gflops) / reference : null,
    };
  };
  const results = systems.map((system): SystemResult => {
    const runs = mine.filter((r) => r.system === system);
    const tried = runs.map((r) => ({
      threads: r.threads,
      round: r.round,
      imagesPerSec: r.measurement ? rate(r.measurement) * w.batch : null,
      peakRssMiB: r.measurement?.peakRssBytes ? r.measurement.peakRssBytes / MIB : null,
      loadAverage: r.loadAverage,
      ...(r.error ? { error: r.error } : {}),
    }));
    const chosen = best.get(system);
    const compared = system !== 'pytorch' && baseline !== undefined;
    if (!chosen) {
      const error = runs.map((r) => r.error).find(Boolean) ?? 'not run';
      // Killed during its timed iterations: fewer than minSteps finished in that time, an upper bound on the speed.
      const cut = runs.find((r) => r.timedOutAfter);
      const bound = cut ? cut.plan.minSteps / cut.timedOutAfter! : null;
      return {
        system, threads: cut?.threads ?? null, steps: null, seconds: cut?.timedOutAfter ?? null, rounds: 0,
        ...(bound ? derived(bound, cut!.threads) : { imagesPerSec: null, gflops: null, percentOfPeak: null, percentOfAttained: null }),
        imagesPerSecRange: null,
        upperBound: bound !== null, vsPytorch: bound && compared ? bound / baseline.rate : null, vsPytorchRange: null,
        peakRssMiB: null, error, tried, details: {},
      };
    }
    const speeds = chosen.runs.map((r) => rate(r.measurement) * w.batch);
    const ratios = compared ? pairedRatios(chosen, baseline) : null;
    const rss = chosen.runs.map((r) => r.measurement.peakRssBytes).filter((b): b is number => b !== null);
    return {
      system,
      threads: chosen.threads,
      steps: chosen.runs.reduce((sum, r) => sum + r.measurement.steps, 0),
      seconds: chosen.runs.reduce((sum, r) => sum + r.measurement.seconds, 0),
      rounds: chosen.runs.length,
      ...derived(chosen.rate, chosen.threads),
      imagesPerSecRange: [Math.min(...speeds), Math.max(...speeds)],
      upperBound: false,
      vsPytorch: ratios ? median(ratios) : null,
      vsPytorchRange: ratios ? [Math.min(...ratios), Math.max(...ratios)] : null,
      peakRssMiB: rss.length ? Math.max(...rss) / MIB : null,
      error: system === 'pytorch' && problem ? `not a mirror of ganvae's model: ${problem}` : null,
      tried,
      details: chosen.runs[0].measurement.details,
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

/** A median figure, followed by its range over rounds when more than one round ran. */
function withRange(value: number | null, range: [number, number] | null, rounds: number, suffix: string, below: boolean): string {
  const shown = figure(value, 3, suffix, below);
  return range && rounds > 1 ? `${shown} (${figure(range[0], 3)}–${figure(range[1], 3)}${suffix})` : shown;
}

/** Rows of the console table, one per workload and system. */
export function resultRows(results: WorkloadResult[]): string[][] {
  return results.flatMap((w) => w.systems.map((s) => [
    `${w.id} ${w.title}`, s.system, s.threads === null ? '-' : String(s.threads), s.steps === null ? '-' : String(s.steps),
    withRange(s.imagesPerSec, s.imagesPerSecRange, s.rounds, '', s.upperBound),
    withRange(s.vsPytorch, s.vsPytorchRange, s.rounds, 'x', s.upperBound), figure(s.gflops, 3, '', s.upperBound),
    figure(s.percentOfPeak, 3, '%', s.upperBound), figure(s.percentOfAttained, 3, '%', s.upperBound), s.peakRssMiB === null ? '-' : `${s.peakRssMiB.toFixed(0)} MiB`,
  ]));
}

export const RESULT_HEADERS = ['workload', 'system', 'threads', 'steps', 'images/s', 'vs PyTorch', 'GFLOPS', '% peak', '% matMul', 'peak RSS'];
