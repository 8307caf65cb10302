// `folder:<dir>`: PNG and JPEG files found recursively, composited over a background, resized and centre-cropped
// (or padded), grey or RGB, labelled by first-level sub-folder; decoded with sharp when it loads, else pngjs/jpeg-js
// and fitImage; unusable files skipped with one warning.
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { DataSource } from '../data-source.ts';
import { labelArray, splitDataset, type Dataset } from '../dataset.ts';
import { readFileChecked } from '../read-file.ts';
import { decodeImage, type RawImage } from '../image-codec.ts';
import { MAX_IMAGE_PIXELS, readImageHeader, sniffImageFormat, type ImageHeader } from '../image-header.ts';
import { fitImage, type FitOptions } from '../fit-image.ts';
import { resolveRowOptions, type ImageRowOptions } from '../row-options.ts';
import { loadSharp, type Sharp } from '../sharp-loader.ts';
import { DataError } from '../../core/errors.ts';

/** How folder images become dataset rows. */
export interface FolderOptions extends ImageRowOptions {
  /** Fail on the first listing of unusable files instead of skipping them with a warning. */
  strict?: boolean;
  /** Largest width*height a header may claim before the file is refused undecoded. */
  maxPixels?: number;
  /** Which decoder: sharp (libvips) when it loads, or the pure-JS codecs. Default 'auto'. */
  decoder?: 'auto' | 'sharp' | 'js';
}

/** One file under the folder: its path and what identifies its version for the cache. */
interface FolderEntry {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Files under `dir`, recursively and sorted, skipping hidden entries (like .cache or .DS_Store). */
function scanFolder(dir: string): FolderEntry[] {
  let stat;
  try {
    stat = statSync(dir);
  } catch {
    throw new DataError(`image folder ${dir} does not exist`);
  }
  if (!stat.isDirectory()) throw new DataError(`${dir} is not a folder`);
  const entries: FolderEntry[] = [];
  const walk = (folder: string) => {
    const children = readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of children) {
      if (child.name.startsWith('.')) continue;
      const path = join(folder, child.name);
      // Real folders are entered; a symlinked folder could loop back on itself, so only linked files count.
      if (child.isDirectory()) {
        walk(path);
        continue;
      }
      const info = statSync(path, { throwIfNoEntry: false });
      if (info?.isFile()) entries.push({ path, size: info.size, mtimeMs: info.mtimeMs });
    }
  };
  walk(resolve(dir));
  return entries;
}

/** The first bytes of a file, enough to recognise PNG and JPEG. */
function readMagic(path: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new DataError(`${path}: cannot read it (${(err as NodeJS.ErrnoException).code})`);
  }
  try {
    const head = new Uint8Array(8);
    return head.subarray(0, readSync(fd, head, 0, head.length, 0));
  } finally {
    closeSync(fd);
  }
}

/** Decodes, composites, resizes and converts one image with sharp: uint8 [size, size, channels]. */
async function prepareWithSharp(sharp: Sharp, bytes: Buffer, row: FitOptions, maxPixels: number): Promise<Uint8Array> {
  const { size, channels } = row;
  const [r, g, b] = row.background;
  const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels })
    .flatten({ background: { r, g, b } })
    .resize(size, size, { fit: row.fit === 'pad' ? 'contain' : 'cover', position: 'centre', kernel: 'linear', background: { r, g, b } })
    .toColourspace(channels === 1 ? 'b-w' : 'srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== channels || info.width !== size || info.height !== size) {
    throw new Error(`sharp produced ${info.width}x${info.height}x${info.channels}, expected ${size}x${size}x${channels}`);
  }
  return data;
}

/** Decodes one image with pngjs/jpeg-js and fits it: uint8 [size, size, channels]. */
function prepareWithJs(bytes: Buffer, file: string, row: FitOptions, maxPixels: number): Uint8Array {
  const decoded: RawImage = decodeImage(bytes, file, maxPixels);
  return fitImage(decoded.pixels, decoded.width, decoded.height, decoded.channels as 1 | 2 | 3 | 4, row);
}

/** Runs `task` over `items` with at most `limit` in flight, keeping results in order. */
async function mapLimited<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The class of a file: its first-level sub-folder, or the root folder's own name for files at the top. */
function classOf(root: string, path: string): string {
  const parts = relative(root, path).split(sep);
  return parts.length > 1 ? parts[0] : basename(root);
}

/** Lists skipped files in one message, at most 20 by name. */
function describeSkipped(dir: string, skipped: { path: string; reason: string }[]): string {
  const shown = skipped.slice(0, 20).map((s) => `  ${relative(dir, s.path)}: ${s.reason}`);
  const more = skipped.length > 20 ? [`  ... and ${skipped.length - 20} more`] : [];
  return `${skipped.length} file(s) in ${dir} are not usable images:\n${[...shown, ...more].join('\n')}`;
}

/**
 * Decodes the scanned `entries` of `dir` into one dataset [count, size, size, channels], labelled by
 * first-level sub-folder (unlabelled when every image sits at the top), and the warning listing skipped files.
 */
async function decodeFolder(dir: string, entries: FolderEntry[], options: FolderOptions = {}): Promise<{ dataset: Dataset; warnings: string[] }> {
  const row = resolveRowOptions(options);
  const { size, channels } = row;
  const maxPixels = options.maxPixels ?? MAX_IMAGE_PIXELS;
  const { sharp, error: sharpError } = options.decoder === 'js' ? { sharp: null, error: 'not requested' } : await loadSharp();
  if (options.decoder === 'sharp' && !sharp) throw new DataError(`sharp is not available here (${sharpError})`);

  const root = resolve(dir);
  const skipped: { path: string; reason: string }[] = [];
  const rows = await mapLimited(entries, 4, async ({ path }): Promise<Uint8Array | null> => {
    try {
      if (!sniffImageFormat(readMagic(path))) {
        skipped.push({ path, reason: 'not a PNG or JPEG file' });
        return null;
      }
      const bytes = readFileChecked(path, 512 * 2 ** 20);
      const header: ImageHeader = readImageHeader(bytes, path, maxPixels); // refuses huge images before decoding
      if (!sharp) return prepareWithJs(bytes, path, row, maxPixels);
      try {
        return await prepareWithSharp(sharp, bytes, row, maxPixels);
      } catch (err) {
        throw new DataError(`${path}: corrupt ${header.format.toUpperCase()} (${(err as Error).message.split('\n')[0]})`);
      }
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      skipped.push({ path, reason: err.message.startsWith(`${path}: `) ? err.message.slice(path.length + 2) : err.message });
      return null;
    }
  });
  skipped.sort((a, b) => a.path.localeCompare(b.path));
  if (skipped.length && options.strict) throw new DataError(`${describeSkipped(dir, skipped)}\n(--strict: fix or remove them, or drop --strict to skip them)`);

  const kept = entries.map((e, i) => ({ path: e.path, row: rows[i] })).filter((k): k is { path: string; row: Uint8Array } => k.row !== null);
  if (kept.length === 0) {
    throw new DataError(`no PNG or JPEG images in ${dir}${skipped.length ? ` (${skipped.length} other file(s) skipped)` : ''}`);
  }
  const warnings = skipped.length ? [`skipped ${describeSkipped(dir, skipped)}`] : [];

  const rowSize = size * size * channels;
  const images = new Uint8Array(kept.length * rowSize);
  kept.forEach((k, i) => images.set(k.row, i * rowSize));
  const dataset: Dataset = { name: `folder:${dir}`, images, count: kept.length, height: size, width: size, channels };
  const classes = kept.map((k) => classOf(root, k.path));
  if (kept.some((k) => relative(root, k.path).includes(sep))) {
    const classNames = [...new Set(classes)].sort();
    const index = new Map(classNames.map((name, i) => [name, i]));
    const labels = labelArray(kept.length, classNames.length);
    classes.forEach((name, i) => (labels[i] = index.get(name)!));
    Object.assign(dataset, { labels, classNames });
  }
  return { dataset, warnings };
}

export const folder: DataSource = {
  name: 'folder',
  argument: '<dir>',
  title: 'image folder',
  summary: 'PNG and JPEG files under <dir>, over --background, resized and centre-cropped (or padded: --fit pad) to --size; first-level sub-folders are the classes',
  classes: null,
  imageFiles(dir) {
    if (!dir) throw new DataError('source folder: needs a path, like folder:./my-images');
    return scanFolder(dir).map((e) => e.path).filter((path) => sniffImageFormat(readMagic(path)) !== null);
  },
  plan(dir, options) {
    if (!dir) throw new DataError('source folder: needs a path, like folder:./my-images');
    const testFraction = options.testFraction ?? 0.1;
    if (!(testFraction >= 0 && testFraction < 1)) throw new DataError(`test fraction must be in [0, 1), got ${testFraction}`);
    const row = resolveRowOptions(options);
    const entries = scanFolder(dir);
    const settings = {
      root: resolve(dir), ...row, strict: !!options.strict,
      maxPixels: options.maxPixels ?? null, decoder: options.decoder ?? 'auto', noSharp: process.env.GANVAE_NO_SHARP === '1',
      testFraction, splitSeed: options.splitSeed ?? 0, entries,
    };
    return {
      files: [],
      settings,
      decode: async () => {
        const { dataset, warnings } = await decodeFolder(dir, entries, options);
        return { splits: splitDataset(dataset, Math.floor(dataset.count * testFraction), settings.splitSeed), warnings };
      },
    };
  },
};
