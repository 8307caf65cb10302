// A studio run as a run folder: the files `ganvae train` writes (run.json, metrics.jsonl, samples/, model/,
// checkpoints/step-N/ with checkpoints/latest linking to it), for the exported zip; and a run folder the CLI
// wrote (a zip, or a folder picked in the browser) read back into a run the studio continues.
import type { FileMap, MetricsRow, RunInfo } from '../../../src/browser.ts';
import type { ZipEntry } from './zip.ts';

/** What the studio keeps of a run: run.json, the logged rows, the sample grids and the latest checkpoint. */
export interface StudioRun {
  info: RunInfo;
  metrics: MetricsRow[];
  /** Sample grid PNGs by file name (epoch-0001.png, step-00000100.png, final.png). */
  samples: Record<string, Uint8Array>;
  /** The latest checkpoint's step and files (state.json, models/, optimizers/), or null before the first. */
  checkpoint: { step: number; files: FileMap } | null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `checkpoints/step-00000030`'s last part for a step. */
export function stepFolder(step: number): string {
  return `step-${String(step).padStart(8, '0')}`;
}

/**
 * The zip entries of `run` under the folder `name`/: run.json, metrics.jsonl, samples/, model/ (the checkpoint's
 * models: the weights the run ends with), checkpoints/step-N/ and the symlink checkpoints/latest → step-N.
 */
export function runEntries(run: StudioRun, name: string): ZipEntry[] {
  const entries: ZipEntry[] = [];
  const add = (path: string, data: Uint8Array, symlink = false) => entries.push({ path: `${name}/${path}`, data, symlink });
  add('run.json', encoder.encode(`${JSON.stringify(run.info, null, 2)}\n`));
  add('metrics.jsonl', encoder.encode(run.metrics.map((row) => `${JSON.stringify(row)}\n`).join('')));
  for (const [file, png] of Object.entries(run.samples).sort(([a], [b]) => a.localeCompare(b))) add(`samples/${file}`, png);
  if (run.checkpoint) {
    const folder = stepFolder(run.checkpoint.step);
    const files = Object.entries(run.checkpoint.files).sort(([a], [b]) => a.localeCompare(b));
    for (const [path, bytes] of files) add(`checkpoints/${folder}/${path}`, bytes);
    add('checkpoints/latest', encoder.encode(folder), true);
    for (const [path, bytes] of files) if (path.startsWith('models/')) add(`model/${path.slice('models/'.length)}`, bytes);
  }
  return entries;
}

/** A user-facing error about an imported run folder. */
export class RunImportError extends Error {}

/**
 * Reads a run folder from its files (zip entries, or files picked with their relative paths): run.json, the
 * checkpoint `checkpoints/latest` names (a symlink, a copied folder, or a file holding the name), metrics.jsonl
 * up to that step and the sample grids. Errors say what is missing.
 */
export function runFromEntries(entries: ZipEntry[], source: string): StudioRun {
  const runJson = entries.filter((e) => e.path === 'run.json' || e.path.endsWith('/run.json')).sort((a, b) => a.path.length - b.path.length)[0];
  if (!runJson) throw new RunImportError(`${source} holds no run.json: pick a run folder written by \`ganvae train\` or exported by the studio`);
  const prefix = runJson.path.slice(0, -'run.json'.length);
  const files = new Map<string, ZipEntry>();
  for (const e of entries) if (e.path.startsWith(prefix)) files.set(e.path.slice(prefix.length), e);
  let info: RunInfo;
  try {
    info = JSON.parse(decoder.decode(runJson.data)) as RunInfo;
  } catch (err) {
    throw new RunImportError(`${source}: run.json is not valid JSON (${(err as Error).message})`);
  }
  if (info.kind !== 'gan' && info.kind !== 'vae') throw new RunImportError(`${source}: run.json names a ${String(info.kind)} run; the studio trains GAN and VAE runs`);
  const latest = files.get('checkpoints/latest');
  let folder: string | null = null;
  if (latest) folder = decoder.decode(latest.data).trim();
  else if (files.has('checkpoints/latest/state.json')) folder = 'latest';
  else {
    const steps = [...files.keys()].map((p) => /^checkpoints\/(step-\d{8})\/state\.json$/.exec(p)?.[1]).filter((s): s is string => !!s).sort();
    folder = steps.at(-1) ?? null;
  }
  let checkpoint: StudioRun['checkpoint'] = null;
  if (folder) {
    const base = `checkpoints/${folder}/`;
    const ckFiles: FileMap = {};
    for (const [path, e] of files) if (path.startsWith(base)) ckFiles[path.slice(base.length)] = e.data;
    if (!ckFiles['state.json']) throw new RunImportError(`${source}: checkpoints/latest names ${folder}, but ${base}state.json is missing`);
    const state = JSON.parse(decoder.decode(ckFiles['state.json'])) as { step: number };
    checkpoint = { step: state.step, files: ckFiles };
  }
  if (!checkpoint) throw new RunImportError(`${source} has no checkpoint to continue from (checkpoints/latest is missing)`);
  const metricsFile = files.get('metrics.jsonl');
  const metrics: MetricsRow[] = [];
  for (const line of metricsFile ? decoder.decode(metricsFile.data).split('\n') : []) {
    try {
      const row = JSON.parse(line) as MetricsRow;
      if (row.step <= checkpoint.step) metrics.push(row);
    } catch {
      // An empty line, or a row cut short by a killed process.
    }
  }
  const samples: Record<string, Uint8Array> = {};
  for (const [path, e] of files) if (/^samples\/[^/]+\.png$/.test(path)) samples[path.slice('samples/'.length)] = e.data;
  return { info, metrics, samples, checkpoint };
}
