// The report's plots as Vega-Lite specs, rendered to SVG strings in Node (vega's 'none' renderer needs
// no canvas), so the HTML carries them inline and needs no script or network to display.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { MetricsRow } from './run-contents.ts';

/** Columns of metrics.jsonl that are bookkeeping, not logged losses. */
const BOOKKEEPING = new Set(['step', 'epoch', 'elapsedSec', 'imagesPerSec']);

const WIDTH = 560;

/** Every logged loss of `rows` against the step, one small panel per loss (their scales differ by orders of magnitude). */
export function lossChartSpec(rows: MetricsRow[]): TopLevelSpec {
  const values = rows.flatMap((row) => Object.entries(row)
    .filter(([key, value]) => !BOOKKEEPING.has(key) && Number.isFinite(value))
    .map(([series, value]) => ({ step: row.step, series, value })));
  return {
    data: { values },
    facet: { row: { field: 'series', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left' } } },
    spec: {
      width: WIDTH, height: 90,
      mark: { type: 'line', strokeWidth: 1.5 },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'step' },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
        color: { field: 'series', type: 'nominal', legend: null },
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** Training throughput (images/s) against wall time, one line per run. */
export function throughputChartSpec(runs: { name: string; rows: MetricsRow[] }[]): TopLevelSpec {
  const values = runs.flatMap(({ name, rows }) => rows.map((r) => ({ run: name, elapsedSec: r.elapsedSec, imagesPerSec: r.imagesPerSec })));
  return {
    data: { values },
    width: WIDTH, height: 140,
    mark: { type: 'line', point: true, strokeWidth: 1.5 },
    encoding: {
      x: { field: 'elapsedSec', type: 'quantitative', title: 'seconds of training' },
      y: { field: 'imagesPerSec', type: 'quantitative', title: 'images/s' },
      color: { field: 'run', type: 'nominal', title: 'run' },
    },
  };
}

/** Renders a Vega-Lite spec to a standalone SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
