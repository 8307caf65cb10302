// A user's image files (picked, dropped, or a picked folder) as training rows, decoded in the browser and fitted
// by the library's fitImage exactly as the CLI's folder loader fits them: sorted by path, labelled by first-level
// sub-folder, a 10% test split held out with the folder source's seed. Every file that cannot be used is listed
// with why: not an image, a header claiming too many pixels (refused before decoding), undecodable.
import { DataError, fitImage, MAX_IMAGE_PIXELS, readImageHeader, sniffImageFormat, splitDataset, type Dataset, type FitOptions } from '../../../src/browser.ts';
import type { StoredDataset } from './store.ts';

/** One chosen file and its path below the chosen folder (its name alone when files were picked). */
export interface ChosenFile {
  file: Blob;
  path: string;
}

/** A file that was left out, and why. */
export interface SkippedFile {
  path: string;
  reason: string;
}

/** The prepared training images and what was skipped. */
export interface PreparedImages {
  train: StoredDataset;
  /** Images held out as the test split (as `folder:` does: 10%). */
  testCount: number;
  skipped: SkippedFile[];
}

/** Largest file read, as the CLI's folder loader (512 MiB). */
const MAX_FILE_BYTES = 512 * 2 ** 20;
/** The folder source's test split. */
const TEST_FRACTION = 0.1;
const SPLIT_SEED = 0;

/** The files of a drop or a folder pick with their relative paths (File.webkitRelativePath when the browser gives one). */
export function chosenFiles(files: Iterable<File>): ChosenFile[] {
  return [...files].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
}

/** Compares paths folder by folder, by code units, as the CLI's folder scan orders its files. */
function comparePaths(a: string, b: string): number {
  const [pa, pb] = [a.split('/'), b.split('/')];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  return pa.length - pb.length;
}

/** Decoded RGBA pixels of an image file (no colour management, alpha not premultiplied: the file's bytes). */
async function decodeRgba(file: Blob, width: number, height: number): Promise<Uint8Array> {
  const bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  try {
    if (bitmap.width !== width || bitmap.height !== height) throw new Error(`decodes to ${bitmap.width}x${bitmap.height}, its header says ${width}x${height}`);
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(bitmap, 0, 0);
    return new Uint8Array(ctx.getImageData(0, 0, width, height).data.buffer);
  } finally {
    bitmap.close();
  }
}

/** One file as a row [size, size, channels], or why it cannot be one. */
async function prepareOne(chosen: ChosenFile, row: FitOptions, maxPixels: number): Promise<Uint8Array | string> {
  if (chosen.file.size > MAX_FILE_BYTES) return `larger than ${MAX_FILE_BYTES / 2 ** 20} MiB`;
  const head = new Uint8Array(await chosen.file.slice(0, 8).arrayBuffer());
  if (!sniffImageFormat(head)) return 'not a PNG or JPEG file';
  const bytes = new Uint8Array(await chosen.file.arrayBuffer());
  let width: number;
  let height: number;
  try {
    ({ width, height } = readImageHeader(bytes, chosen.path, maxPixels));
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    return err.message.startsWith(`${chosen.path}: `) ? err.message.slice(chosen.path.length + 2) : err.message;
  }
  let rgba: Uint8Array;
  try {
    rgba = await decodeRgba(chosen.file, width, height);
  } catch (err) {
    return `corrupt ${sniffImageFormat(head)!.toUpperCase()}: the browser cannot decode it (${(err as Error).message || (err as Error).name})`;
  }
  return fitImage(rgba, width, height, 4, row);
}

/**
 * Prepares `files` as the folder source would: rows fitted with `row`, labelled by first-level sub-folder when
 * any file lies in one, sorted by path, 10% held out. Hidden files (.DS_Store) are passed over; `onProgress`
 * hears how many files are done. Throws a DataError, listing the skipped files, when no image is usable.
 */
export async function prepareImages(files: ChosenFile[], row: FitOptions, onProgress?: (done: number, total: number) => void,
  maxPixels = MAX_IMAGE_PIXELS): Promise<PreparedImages> {
  const visible = files.filter((f) => !f.path.split('/').some((part) => part.startsWith('.'))).sort((a, b) => comparePaths(a.path, b.path));
  const skipped: SkippedFile[] = [];
  const kept: { path: string; row: Uint8Array }[] = [];
  for (let i = 0; i < visible.length; i++) {
    const result = await prepareOne(visible[i], row, maxPixels);
    if (typeof result === 'string') skipped.push({ path: visible[i].path, reason: result });
    else kept.push({ path: visible[i].path, row: result });
    onProgress?.(i + 1, visible.length);
  }
  if (kept.length === 0) {
    const what = files.length === 0 ? 'the folder is empty' : `${skipped.length} file(s) skipped`;
    throw Object.assign(new DataError(`no PNG or JPEG images to train on (${what})`), { skipped });
  }
  const { size, channels } = row;
  const rowSize = size * size * channels;
  const images = new Uint8Array(kept.length * rowSize);
  kept.forEach((k, i) => images.set(k.row, i * rowSize));
  // Paths from a folder pick start with the folder's own name: root/class/file.png.
  const root = kept[0].path.includes('/') ? kept[0].path.split('/')[0] : 'images';
  const relative = kept.map((k) => (k.path.startsWith(`${root}/`) ? k.path.slice(root.length + 1) : k.path));
  const dataset: Dataset = { name: `folder:${root}`, images, count: kept.length, height: size, width: size, channels };
  if (relative.some((p) => p.includes('/'))) {
    const classes = relative.map((p) => (p.includes('/') ? p.split('/')[0] : root));
    const classNames = [...new Set(classes)].sort();
    const index = new Map(classNames.map((name, i) => [name, i]));
    dataset.labels = Uint8Array.from(classes, (c) => index.get(c)!);
    dataset.classNames = classNames;
  }
  const testCount = Math.floor(dataset.count * TEST_FRACTION);
  const { train } = splitDataset(dataset, testCount, SPLIT_SEED);
  const classes = dataset.classNames ? `, ${dataset.classNames.length} classes (${dataset.classNames.join(', ')})` : ', no classes (all files in one folder)';
  return {
    train: { ...train, summary: `${kept.length} images from ${root}${classes}; ${train.count} to train on, ${testCount} held out as the test split` },
    testCount, skipped,
  };
}
