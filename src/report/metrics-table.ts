// The metrics of eval/metrics.json (written by `ganvae eval`) as table columns: one column per scored set
// (a run's samples, the real-data floor), one row per metric, empty cells where a set lacks a metric.
import type { MetricValues } from '../metrics/evaluate.ts';
import { describeObjective, type VaeEvaluation } from '../vae/evaluate.ts';

/**
 * The parts of eval/metrics.json the report reads. `ganvae eval --vae-only` writes `evaluated` without
 * `n`, `description` and `metrics` (no samples were scored), and no extractor, reference or floor.
 */
export interface EvalReport {
  extractor?: string;
  evaluated?: { n?: number; description?: string; metrics?: MetricValues };
  reference?: { description: string };
  floor?: { n: number; description: string; metrics: MetricValues } | null;
  vae?: VaeEvaluation | null;
  referenceInceptionScore?: { mean: number; std: number } | null;
  warnings?: string[];
  backend?: string;
  seconds?: number;
  timings?: Record<string, number>;
}

/** A column of the table: its title and a cell per metric name. */
export interface MetricsColumn {
  title: string;
  cells: Map<string, string>;
}

const fixed = (v: number | null | undefined, digits: number) => (v === null || v === undefined ? '' : v.toFixed(digits));
const pm = (v: { mean: number; std: number } | null | undefined, digits: number, scale = 1) =>
  (v ? `${(v.mean * scale).toFixed(digits)} ± ${(v.std * scale).toFixed(digits)}` : '');

/** The sample metrics (FID & co.) of one scored set as cells. */
function sampleCells(m: MetricValues, extractor: string): [string, string][] {
  return [
    [`FID (${extractor})`, fixed(m.fid, 3)],
    ['KID ×1000', pm(m.kid, 3, 1000)],
    ['IS', pm(m.inceptionScore, 3)],
    ['precision', fixed(m.precision, 4)],
    ['recall', fixed(m.recall, 4)],
    ['density', fixed(m.density, 4)],
    ['coverage', fixed(m.coverage, 4)],
  ];
}

/**
 * The VAE likelihood metrics as cells (nats per image): the training objective and prior, the test ELBO
 * and its terms (the KL's estimate named when it is not in closed form), the IWAE objective's test bound,
 * the NLL and the reconstruction errors. An evaluation from before --objective and --prior has no
 * objective row and a closed-form KL.
 */
function vaeCells(v: VaeEvaluation): [string, string][] {
  const objective = v.objective;
  // In the cell, not the row name, so runs of either prior share the row.
  const klEstimate = v.elbo.klEstimate && v.elbo.klEstimate !== 'closed form' ? ` (${v.elbo.klEstimate})` : '';
  return [
    ...(objective ? [['trained on', describeObjective(objective)] as [string, string]] : []),
    ['test ELBO (nats)', fixed(v.elbo.elbo, 2)],
    ['  reconstruction term', fixed(v.elbo.reconstruction, 2)],
    ['  KL term', `${fixed(v.elbo.kl, 2)}${klEstimate}`],
    ...(objective?.objective === 'iwae' ? [[`test IWAE bound, k=${objective.k} (training objective)`, fixed(objective.testBound, 2)] as [string, string]] : []),
    [`NLL, IWAE k=${v.iwae.k} on ${v.iwae.images} images`, `${fixed(v.iwae.nll, 2)} ± ${fixed(v.iwae.nllStandardError, 2)}`],
    ['reconstruction MSE', fixed(v.reconstruction.mse, 5)],
    ['PSNR (dB)', fixed(v.reconstruction.psnr, 2)],
    ['BCE (nats)', fixed(v.reconstruction.bce, 2)],
    ['SSIM', fixed(v.reconstruction.ssim, 4)],
  ];
}

/** The columns of one run's evaluation: its samples and, when scored, the real-data floor. */
export function evaluationColumns(runName: string, report: EvalReport): MetricsColumn[] {
  const columns: MetricsColumn[] = [];
  const cells: [string, string][] = [];
  const sampleMetrics = report.evaluated?.metrics;
  if (sampleMetrics) cells.push(...sampleCells(sampleMetrics, report.extractor ?? 'extractor'));
  if (report.vae) cells.push(...vaeCells(report.vae));
  const n = sampleMetrics ? report.evaluated?.n : undefined;
  if (cells.length) columns.push({ title: n !== undefined ? `${runName} (n=${n})` : runName, cells: new Map(cells) });
  if (report.floor) {
    columns.push({ title: `real-data floor (n=${report.floor.n})`, cells: new Map(sampleCells(report.floor.metrics, report.extractor ?? 'extractor')) });
  }
  return columns;
}

/** Rows of a table over `columns`: metric names in first-seen order, then one cell per column. */
export function metricsRows(columns: MetricsColumn[]): string[][] {
  const names = [...new Set(columns.flatMap((c) => [...c.cells.keys()]))];
  return names.map((name) => [name, ...columns.map((c) => c.cells.get(name) ?? '')]);
}
