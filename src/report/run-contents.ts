// What the HTML report shows of one run folder (docs/architecture.md, "A run folder"): run.json,
// metrics.jsonl, the sample grids over training, other images (VAE reconstructions, traversals) and eval/metrics.json.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readRunInfo, runPaths, type RunInfo } from '../training/run-folder.ts';
import { RunFolderError } from '../core/errors.ts';

/** One row of metrics.jsonl: step, epoch, elapsedSec, imagesPerSec and the logged losses. */
export type MetricsRow = Record<string, number>;

/** An image file of the run with a caption. */
export interface RunImage {
  path: string;
  caption: string;
}

export interface RunContents {
  dir: string;
  name: string;
  info: RunInfo;
  rows: MetricsRow[];
  /** Grids from the fixed noise, in training order (epoch-N, step-N, final), thinned to at most `maxGrids`. */
  grids: RunImage[];
  /** Every other image in samples/: reconstructions, traversals, latent maps. */
  extras: RunImage[];
  /** eval/metrics.json as `ganvae eval` wrote it, or null. */
  evaluation: Record<string, unknown> | null;
}

const GRID_NAME = /^(epoch-(\d+)|step-(\d+)|final)\.png$/;

/** Reads metrics.jsonl; a line that is not JSON (a run killed mid-write) is named in the error. */
function readRows(path: string): MetricsRow[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((line) => line.trim()).map((line, i) => {
    try {
      return JSON.parse(line) as MetricsRow;
    } catch {
      throw new RunFolderError(`${path}: line ${i + 1} is not JSON`);
    }
  });
}

/** The step a grid file was drawn at; epoch grids use the steps per epoch seen in metrics.jsonl. */
function gridStep(name: string, stepsPerEpoch: number, lastStep: number): number {
  const m = GRID_NAME.exec(name)!;
  if (m[2]) return Number(m[2]) * stepsPerEpoch;
  if (m[3]) return Number(m[3]);
  return lastStep + 1;
}

/** Keeps `max` items spread evenly over `items`, always the first and the last. */
function thin<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const picks = new Set(Array.from({ length: max }, (_, i) => Math.round((i * (items.length - 1)) / (max - 1))));
  return [...picks].map((i) => items[i]);
}

function extraCaption(name: string): string {
  if (name === 'reconstruct.png') return 'Reconstructions: rows alternate between test inputs and their reconstructions';
  const traverse = /^traverse-image-(\d+)\.png$/.exec(name);
  if (traverse) return `Latent traversal around test image ${traverse[1]}: one row per latent dimension`;
  return name;
}

/** Reads the run folder `dir` for the report; RunFolderErrors name the folder or file that is missing or broken. */
export function readRunContents(dir: string, maxGrids = 12): RunContents {
  const info = readRunInfo(dir);
  const paths = runPaths(dir);
  const rows = readRows(paths.metrics);
  const last = rows.at(-1);
  const stepsPerEpoch = last && last.epoch > 0 ? last.step / last.epoch : 1;
  const lastStep = last?.step ?? 0;
  const files = existsSync(paths.samples) ? readdirSync(paths.samples).sort() : [];
  const grids = files.filter((f) => GRID_NAME.test(f))
    .map((f) => ({ file: f, step: gridStep(f, stepsPerEpoch, lastStep) }))
    .sort((a, b) => a.step - b.step)
    .map(({ file, step }) => ({
      path: join(paths.samples, file),
      caption: file === 'final.png' ? `final (step ${lastStep})` : file.startsWith('epoch') ? `epoch ${Number(GRID_NAME.exec(file)![2])} (step ${Math.round(step)})` : `step ${step}`,
    }));
  const extras = files.filter((f) => !GRID_NAME.test(f) && /\.(png|svg)$/.test(f)).map((f) => ({ path: join(paths.samples, f), caption: extraCaption(f) }));
  const evalPath = join(dir, 'eval', 'metrics.json');
  let evaluation: Record<string, unknown> | null = null;
  if (existsSync(evalPath)) {
    try {
      evaluation = JSON.parse(readFileSync(evalPath, 'utf8'));
    } catch (err) {
      throw new RunFolderError(`${evalPath} is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  return { dir, name: basename(dir.replace(/\/+$/, '')), info, rows, grids: thin(grids, maxGrids), extras, evaluation };
}
