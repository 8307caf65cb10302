// Reference statistics files for FID (`ganvae eval --save-stats / --ref-stats`): one JSON header
// line, then μ `[dim]` and Σ `[dim, dim]` as little-endian float64. The header names the extractor,
// so statistics are never compared with features of another model.
import { readFileSync, writeFileSync } from 'node:fs';
import type { GaussianStats } from './features.ts';

const FORMAT = 'ganvae-fid-stats';
const FORMAT_VERSION = 1;

/** The header line of a statistics file. */
export interface StatsHeader {
  format: typeof FORMAT;
  formatVersion: number;
  /** Extractor id, e.g. "fashion-mnist classifier v2". */
  extractor: string;
  dim: number;
  n: number;
  /** What the statistics summarise, e.g. "fashion-mnist test split, first 10000 images". */
  description: string;
}

/** Writes `stats` to `path` (μ and Σ in float64, ~8·dim² bytes). */
export function saveStats(path: string, stats: GaussianStats, extractor: string, description: string): void {
  const header: StatsHeader = { format: FORMAT, formatVersion: FORMAT_VERSION, extractor, dim: stats.dim, n: stats.n, description };
  const headerBytes = Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
  const body = new Float64Array(stats.dim + stats.dim * stats.dim);
  body.set(stats.mu, 0);
  body.set(stats.sigma, stats.dim);
  // Float64Array bytes are in host order, little-endian on every platform Node supports here.
  writeFileSync(path, Buffer.concat([headerBytes, Buffer.from(body.buffer)]));
}

/**
 * Reads a statistics file, checking its format and that it was made by `extractor` with features of
 * `dim` dimensions; errors name the file and both extractors.
 */
export function loadStats(path: string, extractor: string, dim: number): { stats: GaussianStats; header: StatsHeader } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`cannot read the statistics file ${path}: ${(err as Error).message}`);
  }
  const newline = bytes.indexOf(10);
  let header: StatsHeader;
  try {
    header = JSON.parse(bytes.subarray(0, newline).toString('utf8'));
  } catch {
    throw new Error(`${path} is not a ganvae statistics file (written by \`ganvae eval --save-stats\`)`);
  }
  if (header.format !== FORMAT || header.formatVersion !== FORMAT_VERSION) {
    throw new Error(`${path}: expected ${FORMAT} version ${FORMAT_VERSION}, got ${header.format} version ${header.formatVersion}`);
  }
  if (header.extractor !== extractor || header.dim !== dim) {
    throw new Error(`${path} holds statistics of "${header.extractor}" (${header.dim}-d features), but this evaluation uses ` +
      `"${extractor}" (${dim}-d); FID is only defined between features of the same extractor`);
  }
  const expectedBytes = 8 * (dim + dim * dim);
  const body = bytes.subarray(newline + 1);
  if (body.byteLength !== expectedBytes) throw new Error(`${path} is truncated: ${body.byteLength} bytes of statistics, expected ${expectedBytes}`);
  const values = new Float64Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
  return { stats: { mu: values.slice(0, dim), sigma: values.slice(dim), dim, n: header.n }, header };
}
