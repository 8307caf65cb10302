// Loss curves of the running run on a canvas: one line per logged loss (the window means of metrics.jsonl) against
// the step, each scaled to its own range so that losses of different sizes all show their trend.
import type { MetricsRow } from '../../../src/browser.ts';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const NOT_LOSSES = new Set(['step', 'epoch', 'elapsedSec', 'imagesPerSec', 'klWeight']);

/** Draws `rows` on `canvas` with a legend naming each loss and its last value; bumps data-renders. */
export function drawLossChart(canvas: HTMLCanvasElement, rows: MetricsRow[]): void {
  const ctx = canvas.getContext('2d')!;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  if (rows.length === 0) return;
  const keys = Object.keys(rows[rows.length - 1]).filter((k) => !NOT_LOSSES.has(k));
  const [first, last] = [rows[0].step, rows[rows.length - 1].step];
  const pad = { left: 8, right: 8, top: 8 + 16 * keys.length, bottom: 20 };
  const x = (step: number) => pad.left + ((step - first) / Math.max(1, last - first)) * (width - pad.left - pad.right);
  keys.forEach((key, k) => {
    const values = rows.map((r) => r[key]).filter((v) => Number.isFinite(v));
    const [lo, hi] = [Math.min(...values), Math.max(...values)];
    const y = (v: number) => height - pad.bottom - ((v - lo) / Math.max(hi - lo, 1e-12)) * (height - pad.top - pad.bottom);
    ctx.strokeStyle = COLOURS[k % COLOURS.length];
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    rows.forEach((r, i) => (i ? ctx.lineTo(x(r.step), y(r[key])) : ctx.moveTo(x(r.step), y(r[key]))));
    ctx.stroke();
    ctx.fillStyle = ctx.strokeStyle;
    ctx.font = '12px sans-serif';
    ctx.fillText(`${key} ${rows[rows.length - 1][key].toFixed(4)}  (${lo.toPrecision(3)} … ${hi.toPrecision(3)})`, pad.left, 14 + 16 * k);
  });
  ctx.fillStyle = '#555';
  ctx.fillText(`step ${first}`, pad.left, height - 5);
  const end = `step ${last}`;
  ctx.fillText(end, width - pad.right - ctx.measureText(end).width, height - 5);
  canvas.dataset.renders = String(Number(canvas.dataset.renders ?? 0) + 1);
}
