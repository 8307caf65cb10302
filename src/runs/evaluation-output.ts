// How an evaluation reads for people: the metrics table of `ganvae eval`, and evaluateRun hooks that
// print its progress on the console as `ganvae eval` (and the demo) show it.
import { basename } from 'node:path';
import type { MetricValues } from '../metrics/evaluate.ts';
import { formatVaeEvaluation } from '../vae/evaluate.ts';
import type { EvaluateRequest, EvaluationResult } from './evaluate-run.ts';
import type { SampleEvaluationReport, ScoredSet } from './evaluation-report.ts';

function fixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined ? '-' : value.toFixed(digits);
}

const ROWS: [string, (m: MetricValues) => string][] = [
  ['FID', (m) => fixed(m.fid, 3)],
  ['KID ×1000', (m) => (m.kid ? `${fixed(m.kid.mean * 1000, 3)} ± ${fixed(m.kid.std * 1000, 3)}` : '-')],
  ['IS', (m) => `${fixed(m.inceptionScore.mean, 3)} ± ${fixed(m.inceptionScore.std, 3)}`],
  ['precision', (m) => fixed(m.precision, 4)],
  ['recall', (m) => fixed(m.recall, 4)],
  ['density', (m) => fixed(m.density, 4)],
  ['coverage', (m) => fixed(m.coverage, 4)],
];

/**
 * The report as `ganvae eval` prints it: one row per metric, one column for the evaluated images and
 * one for the floor, the IS of the reference images, then the reference and the extractor it names.
 */
export function formatEvaluation(report: SampleEvaluationReport): string {
  const otherSplit = report.reference.split === 'test' ? 'train' : 'test';
  const sets: { title: string; scored: ScoredSet }[] = [{ title: `${basename(report.evaluated.path)} (n=${report.evaluated.n})`, scored: report.evaluated }];
  if (report.floor) sets.push({ title: `floor: ${report.reference.data} ${otherSplit} (n=${report.floor.n})`, scored: report.floor });
  const header = [`metric (${report.extractor})`, ...sets.map((s) => s.title)];
  const body = ROWS.map(([name, cell]) => [name, ...sets.map((s) => cell(s.scored.metrics))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const lines = [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
  const realIs = report.referenceInceptionScore;
  if (realIs) lines.push(`IS of the reference images themselves: ${fixed(realIs.mean, 3)} ± ${fixed(realIs.std, 3)}`);
  lines.push('', `reference: ${report.reference.description}. Numbers from the ${report.extractor} extractor are not comparable with Inception FID/IS.`);
  return lines.join('\n');
}

/**
 * evaluateRun hooks that print as `ganvae eval` does: notes on stderr after `name: `, progress lines
 * rewritten in place on stderr (ended by a newline when a set is done), the VAE's likelihood metrics on stdout.
 */
export function consoleEvaluationHooks(name = 'ganvae eval'): Pick<EvaluateRequest, 'log' | 'onProgress' | 'onVaeEvaluation'> {
  return {
    log: (message) => console.error(`${name}: ${message}`),
    onProgress: (p) => {
      if (p.phase === 'features') {
        const rate = p.seconds > 0 ? ` (${(p.done / p.seconds).toFixed(0)} img/s)` : '';
        process.stderr.write(`\r${p.label}: ${p.done}/${p.total} images${rate}   ${p.done === p.total ? '\n' : ''}`);
      } else {
        // Spaces before the end overwrite a longer previous line; the last update ends the line.
        const eta = p.done < p.total ? `, ~${Math.round((p.seconds / p.done) * (p.total - p.done))} s left   ` : '   \n';
        process.stderr.write(`\rIWAE k=${p.k}: ${p.done}/${p.total} images in ${p.seconds.toFixed(0)} s${eta}`);
      }
    },
    onVaeEvaluation: (evaluation, seconds) => console.log(`${formatVaeEvaluation(evaluation)}\n(VAE evaluation took ${seconds.toFixed(1)} s)\n`),
  };
}

/** Prints a finished evaluation as `ganvae eval` does: its warnings on stderr, the table and where metrics.json went on stdout. */
export function printEvaluation({ report, path }: EvaluationResult): void {
  if (!('extractor' in report)) {
    console.log(`wrote ${path}`);
    return;
  }
  for (const warning of report.warnings) console.error(`warning: ${warning}`);
  console.log(formatEvaluation(report));
  console.log(`wrote ${path} in ${report.seconds}s`);
}
