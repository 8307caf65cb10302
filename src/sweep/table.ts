// A sweep's result table: every trial's swept flags and metrics, ranked by the spec's metric; as CSV, as a
// terminal table, and a Vega-Lite plot of the metric against each swept flag.
import type { TopLevelSpec } from 'vega-lite';
import { METRICS, type MetricName, type Sweep } from './spec.ts';
import type { TrialResult } from './trial.ts';

/** A trial that failed after all its attempts. */
export interface TrialFailure {
  id: string;
  error: string;
  attempts: number;
  host: string;
  failedAt: string;
}

/** Where a sweep stands: its trials' results and failures, by trial id. */
export interface SweepState {
  results: Map<string, TrialResult>;
  failures: Map<string, TrialFailure>;
}

export interface TableRow {
  /** 1 for the best; null for trials without a value of the metric. */
  rank: number | null;
  id: string;
  status: 'done' | 'failed' | 'pending';
  swept: Record<string, unknown>;
  metrics: Record<MetricName, number | null> | null;
  steps: number | null;
  wallSeconds: number | null;
  host: string | null;
  error: string | null;
  runDir: string | null;
}

/** Every trial of `sweep` as a row, the done ones ranked best first by the sweep's metric, then failed, then pending. */
export function rankTrials(sweep: Pick<Sweep, 'trials' | 'metric' | 'goal'>, state: SweepState): TableRow[] {
  const rows: TableRow[] = sweep.trials.map((t) => {
    const r = state.results.get(t.id);
    const f = state.failures.get(t.id);
    return {
      rank: null, id: t.id, status: r ? 'done' : f ? 'failed' : 'pending', swept: t.swept, metrics: r?.metrics ?? null,
      steps: r?.steps ?? null, wallSeconds: r?.wallSeconds ?? null, host: r?.host ?? f?.host ?? null, error: r ? null : f?.error ?? null,
      runDir: r?.runDir ?? null,
    };
  });
  const value = (row: TableRow) => row.metrics?.[sweep.metric] ?? null;
  const sign = sweep.goal === 'min' ? 1 : -1;
  const order = { done: 0, failed: 1, pending: 2 };
  rows.sort((a, b) => {
    const [va, vb] = [value(a), value(b)];
    if (va !== null && vb !== null) return sign * (va - vb) || (a.id < b.id ? -1 : 1);
    if (va !== null || vb !== null) return va !== null ? -1 : 1;
    return order[a.status] - order[b.status] || (a.id < b.id ? -1 : 1);
  });
  let rank = 0;
  for (const row of rows) if (value(row) !== null) row.rank = ++rank;
  return rows;
}

const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The table as CSV: rank, trial, status, the swept flags, every metric, steps, seconds, host, error, run folder. */
export function tableCsv(rows: TableRow[], sweptKeys: string[]): string {
  const header = ['rank', 'trial', 'status', ...sweptKeys, ...METRIC_NAMES, 'steps', 'wallSeconds', 'host', 'error', 'runDir'];
  const lines = rows.map((r) => [r.rank, r.id, r.status, ...sweptKeys.map((k) => r.swept[k]), ...METRIC_NAMES.map((m) => r.metrics?.[m] ?? null),
    r.steps, r.wallSeconds, r.host, r.error, r.runDir].map(csvCell).join(','));
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

function formatNumber(v: number | null): string {
  if (v === null) return '-';
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(3) : Number(v.toPrecision(5)).toString();
}

/** The table for a terminal: rank, trial, swept flags, the ranking metric first, then the others. */
export function tableText(rows: TableRow[], sweptKeys: string[], metric: MetricName): string {
  const metrics = [metric, ...METRIC_NAMES.filter((m) => m !== metric)];
  const header = ['#', 'trial', ...sweptKeys, ...metrics, 'steps', 'status'];
  const body = rows.map((r) => [r.rank === null ? '-' : String(r.rank), r.id, ...sweptKeys.map((k) => String(r.swept[k])),
    ...metrics.map((m) => formatNumber(r.metrics?.[m] ?? null)), r.steps === null ? '-' : String(r.steps),
    r.status === 'failed' ? `failed: ${(r.error ?? '').slice(0, 60)}` : r.status]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** Counts of a sweep's trials by status, and the best done trial. */
export function progressLine(rows: TableRow[], metric: MetricName, running = 0): string {
  const done = rows.filter((r) => r.status === 'done').length;
  const failed = rows.filter((r) => r.status === 'failed').length;
  const best = rows.find((r) => r.rank === 1);
  const bestText = best ? `; best ${metric} ${formatNumber(best.metrics![metric])} (trial ${best.id}${Object.keys(best.swept).length ? `, ${JSON.stringify(best.swept)}` : ''})` : '';
  return `${done}/${rows.length} done, ${running} running, ${failed} failed${bestText}`;
}

/** A Vega-Lite plot of the ranking metric against each swept flag (one panel per flag). */
export function rankingPlotSpec(rows: TableRow[], sweptKeys: string[], metric: MetricName): TopLevelSpec {
  const done = rows.filter((r) => r.metrics?.[metric] !== null && r.metrics?.[metric] !== undefined);
  const keys = sweptKeys.length ? sweptKeys : ['trial'];
  const values = done.flatMap((r) => keys.map((k) => ({
    flag: k, value: k === 'trial' ? r.id : r.swept[k], valueText: String(k === 'trial' ? r.id : r.swept[k]), [metric]: r.metrics![metric], trial: r.id,
  })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${metric} against each swept flag`,
    data: { values },
    facet: { field: 'flag', type: 'nominal', title: 'swept flag' },
    spec: {
      width: 220, height: 180,
      mark: { type: 'point', filled: true, size: 60 },
      encoding: {
        x: { field: 'valueText', type: 'ordinal', title: 'value' },
        y: { field: metric, type: 'quantitative', title: metric, scale: { zero: false } },
        tooltip: [{ field: 'trial' }, { field: 'valueText', title: 'value' }, { field: metric, type: 'quantitative' }],
      },
    },
    resolve: { scale: { x: 'independent' } },
  } as TopLevelSpec;
}
