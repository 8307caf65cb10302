// `ganvae report`: one self-contained HTML page for one run or comparing several: resolved config, loss
// and throughput plots (inline SVG), sample grids over training, VAE images, the metrics next to the
// real-data floor, backend and timings. Nothing in the page points outside it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatDuration } from '../training/progress.ts';
import { lossChartSpec, renderSvg, throughputChartSpec } from './charts.ts';
import { escapeHtml, htmlTable, imageFigure } from './html.ts';
import { evaluationColumns, metricsRows, type EvalReport, type MetricsColumn } from './metrics-table.ts';
import { readRunContents, type RunContents } from './run-contents.ts';

export interface ReportOptions {
  /** The page title. Default: "ganvae report: <run names>". */
  title?: string;
  /** Sample grids shown per run, spread over training. Default 12. */
  maxGrids?: number;
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; max-width: 1000px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; margin-top: 2em; } h3 { margin-top: 1.4em; }
table { border-collapse: collapse; margin: .5em 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } table.config td:first-child { font-family: monospace; }
.grids { display: flex; flex-wrap: wrap; gap: 10px; }
figure { margin: 0; } figure img { image-rendering: pixelated; width: 200px; border: 1px solid #ddd; }
figure.wide img { width: auto; max-width: 100%; }
figcaption { font-size: 12px; color: #555; max-width: 420px; }
.note { color: #555; font-size: 13px; }
@media print { body { max-width: none; margin: 0; } section, figure, table, svg { break-inside: avoid; } }
`;

/** The row of the run summary table: kind, data, backend, steps, time, throughput. */
function summaryRow(run: RunContents): string[] {
  const last = run.rows.at(-1);
  const meanRate = run.rows.length ? run.rows.reduce((s, r) => s + r.imagesPerSec, 0) / run.rows.length : NaN;
  const evalReport = run.evaluation as EvalReport | null;
  return [
    run.name, run.info.kind, `${run.info.dataset.name} ${run.info.dataset.shape.join('×')}`, run.info.backend,
    last ? String(last.step) : '0', last ? last.epoch.toFixed(2) : '0', last ? formatDuration(last.elapsedSec) : '-',
    Number.isFinite(meanRate) ? meanRate.toFixed(0) : '-',
    evalReport?.seconds !== undefined ? `${evalReport.seconds.toFixed(1)} s (${evalReport.backend ?? '?'})` : '-',
  ];
}

/** Notes under a run's metrics table: the reference, the protocol, warnings and eval timings. */
function evaluationNotes(report: EvalReport): string {
  const lines: string[] = [];
  if (report.reference) lines.push(`Reference: ${report.reference.description}.`);
  if (report.floor) lines.push(`Real-data floor: ${report.floor.description} — the best a generator can expect with this extractor and n.`);
  if (report.referenceInceptionScore) lines.push(`IS of the reference images themselves: ${report.referenceInceptionScore.mean.toFixed(3)} ± ${report.referenceInceptionScore.std.toFixed(3)}.`);
  if (report.extractor) lines.push(`Numbers from the ${report.extractor} extractor are not comparable with Inception FID/IS.`);
  if (report.vae) {
    const p = report.vae.protocol;
    lines.push(`VAE protocol: ${p.training}. ELBO on ${p.elboImages}; IWAE on ${p.iwaeImages}; ${p.units}.`);
    if (!report.evaluated?.metrics) lines.push('Sample metrics (FID and the others) were not computed: the run was evaluated with --vae-only.');
  }
  for (const w of report.warnings ?? []) lines.push(`Warning: ${w}`);
  if (report.timings) lines.push(`Evaluation timings (s): ${Object.entries(report.timings).map(([k, v]) => `${k} ${v}`).join(', ')}; total ${report.seconds ?? '?'} s on ${report.backend ?? '?'}.`);
  return lines.map((l) => `<p class="note">${escapeHtml(l)}</p>`).join('\n');
}

/** The configuration as a two-column table (values as JSON). */
function configTable(config: Record<string, unknown>): string {
  return htmlTable(['option', 'value'], Object.entries(config).map(([k, v]) => [k, JSON.stringify(v)]), 'config');
}

async function runSection(run: RunContents): Promise<string> {
  const parts = [`<section>\n<h2>${escapeHtml(run.name)} <small>(${escapeHtml(run.info.kind)}, ${escapeHtml(run.dir)})</small></h2>`];
  parts.push(`<p class="note">Created ${escapeHtml(run.info.createdAt)} on the ${escapeHtml(run.info.backend)} backend.</p>`);
  parts.push('<h3>Losses</h3>');
  parts.push(run.rows.length ? await renderSvg(lossChartSpec(run.rows)) : '<p class="note">No metrics.jsonl rows yet.</p>');
  if (run.grids.length) {
    parts.push('<h3>Samples over training (fixed noise)</h3>');
    parts.push(`<div class="grids">${run.grids.map((g) => imageFigure(g.path, g.caption)).join('\n')}</div>`);
  }
  if (run.extras.length) {
    parts.push('<h3>Other images</h3>');
    parts.push(run.extras.map((g) => imageFigure(g.path, g.caption).replace('<figure>', '<figure class="wide">')).join('\n'));
  }
  parts.push('<h3>Metrics</h3>');
  if (run.evaluation) {
    const report = run.evaluation as EvalReport;
    const columns = evaluationColumns(run.name, report);
    parts.push(htmlTable(['metric', ...columns.map((c) => c.title)], metricsRows(columns)));
    parts.push(evaluationNotes(report));
  } else {
    parts.push(`<p class="note">Not evaluated yet: run <code>ganvae eval --run ${escapeHtml(run.dir)}</code>, then rebuild this report.</p>`);
  }
  parts.push('<h3>Resolved configuration</h3>', configTable(run.info.config), '</section>');
  return parts.join('\n');
}

/** Side by side: every run's sample/likelihood metrics, plus the first real-data floor found. */
function comparisonTable(runs: RunContents[]): string {
  const columns: MetricsColumn[] = [];
  let floor: MetricsColumn | undefined;
  for (const run of runs) {
    if (!run.evaluation) continue;
    const [own, runFloor] = evaluationColumns(run.name, run.evaluation as EvalReport);
    if (own) columns.push(own);
    floor ??= runFloor;
  }
  if (floor) columns.push(floor);
  if (!columns.length) return '<p class="note">None of these runs is evaluated yet.</p>';
  return htmlTable(['metric', ...columns.map((c) => c.title)], metricsRows(columns));
}

/** The HTML page of the run folders `runDirs` (one or more), as a string. */
export async function buildReport(runDirs: string[], options: ReportOptions = {}): Promise<string> {
  if (!runDirs.length) throw new Error('a report needs at least one run folder');
  const runs = runDirs.map((dir) => readRunContents(dir, options.maxGrids ?? 12));
  const title = options.title ?? `ganvae report: ${runs.map((r) => r.name).join(', ')}`;
  const header = ['run', 'kind', 'data', 'backend', 'steps', 'epochs', 'training time', 'mean images/s', 'evaluation'];
  const withRows = runs.filter((r) => r.rows.length);
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="note">Written ${escapeHtml(new Date().toISOString())} by ganvae. Self-contained: plots are inline SVG, images are embedded PNGs.</p>`,
    htmlTable(header, runs.map(summaryRow)),
    withRows.length ? `<h3>Training throughput</h3>\n${await renderSvg(throughputChartSpec(withRows))}` : '',
    runs.length > 1 ? `<h2>Metrics compared</h2>\n${comparisonTable(runs)}` : '',
  ];
  for (const run of runs) body.push(await runSection(run));
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n${body.filter(Boolean).join('\n')}\n</body>\n</html>\n`;
}

/** Builds the report of `runDirs` and writes it to `outPath` (creating its folder). */
export async function writeReport(runDirs: string[], outPath: string, options: ReportOptions = {}): Promise<void> {
  const html = await buildReport(runDirs, options);
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, html);
}
