// Exports training images with ganvae's own loader (src/data, loadDataset): as the run in RUN_DIR loaded them, or
// as a data source gives them, into a NumPy .npy file (uint8 [n, h, w, c]) for bench/pytorch/train_gan.py, and/or
// as PNG files (a folder a `--data folder:DIR` run trains on, e.g. a seeded subset for the 100-image case).
//   node --import tsx bench/pytorch/export-dataset.ts --run runs/lite --npy runs/lite-train.npy
//   node --import tsx bench/pytorch/export-dataset.ts --data emoji --subset 111 --seed 1 --png-dir runs/emoji-111
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { permutation, Rng } from '../../src/core/random.ts';
import { takeRows, type Dataset } from '../../src/data/dataset.ts';
import { encodePng } from '../../src/data/image-codec.ts';
import { loadDataset } from '../../src/data/sources.ts';
import type { LoadOptions } from '../../src/data/data-source.ts';
import { readRunInfo } from '../../src/training/run-folder.ts';

/** What picks the images: a data source and the options that shape its rows, as `ganvae train` passes them. */
export interface ExportSource {
  /** `fashion-mnist`, `emoji`, `folder:DIR`, ... */
  data: string;
  load: LoadOptions;
}

/** The data source and load options of the run in `runDir`, from its resolved config (the same call trainRun makes). */
export function runSource(runDir: string): ExportSource {
  const { config } = readRunInfo(runDir);
  const optional = <T>(value: unknown) => (value === undefined || value === null ? undefined : (value as T));
  return {
    data: String(config.data),
    load: {
      dataDir: optional<string>(config.dataDir), size: optional<number>(config.imageSize), channels: config.grey ? 1 : 3,
      background: optional<string>(config.background), fit: optional<LoadOptions['fit']>(config.fit),
    },
  };
}

/** The train split of `source`, or a seeded subset of `subset` of its images (in their original order) → Dataset. */
export async function trainImages(source: ExportSource, subset?: number, seed = 0): Promise<Dataset> {
  const { train } = await loadDataset(source.data, { ...source.load, onWarning: (message) => console.error(`export-dataset: ${message}`) });
  if (subset === undefined) return train;
  if (!(Number.isInteger(subset) && subset >= 1 && subset <= train.count)) {
    throw new Error(`--subset must be an integer from 1 to the ${train.count} training images of ${source.data}, got ${subset}`);
  }
  return takeRows(train, permutation(train.count, new Rng(seed)).subarray(0, subset).sort());
}

/** A NumPy .npy file (format 1.0) of uint8 pixels [n, h, w, c]: numpy.load reads it as that array. */
export function npyBytes(dataset: Dataset): Buffer {
  const shape = `(${dataset.count}, ${dataset.height}, ${dataset.width}, ${dataset.channels})`;
  let header = `{'descr': '|u1', 'fortran_order': False, 'shape': ${shape}, }`;
  // Magic (6) + version (2) + length (2) + header, padded with spaces and ended by a newline to a multiple of 64.
  header = header.padEnd(Math.ceil((10 + header.length + 1) / 64) * 64 - 10 - 1, ' ') + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix.writeUInt8(1, 6);
  prefix.writeUInt8(0, 7);
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(dataset.images.buffer, dataset.images.byteOffset, dataset.images.byteLength)]);
}

/** Writes every image of `dataset` into the empty or missing folder `dir` as NNNNN.png (grey or RGB). */
export function writePngFolder(dataset: Dataset, dir: string): void {
  mkdirSync(dir, { recursive: true });
  if (readdirSync(dir).length) throw new Error(`--png-dir ${dir} is not empty: give a new folder`);
  const size = dataset.height * dataset.width * dataset.channels;
  for (let i = 0; i < dataset.count; i++) {
    const pixels = dataset.images.subarray(i * size, (i + 1) * size);
    writeFileSync(join(dir, `${String(i).padStart(5, '0')}.png`), encodePng(pixels, dataset.width, dataset.height, dataset.channels));
  }
}

const USAGE = 'usage: node --import tsx bench/pytorch/export-dataset.ts (--run RUN_DIR | --data SOURCE [--data-dir DIR] [--image-size N] [--grey]) ' +
  '[--subset N --seed S] (--npy FILE | --png-dir DIR)';

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      run: { type: 'string' }, data: { type: 'string' }, 'data-dir': { type: 'string' }, 'image-size': { type: 'string' }, grey: { type: 'boolean' },
      subset: { type: 'string' }, seed: { type: 'string', default: '0' }, npy: { type: 'string' }, 'png-dir': { type: 'string' },
    },
  });
  if ((values.run === undefined) === (values.data === undefined)) throw new Error(`give --run or --data\n${USAGE}`);
  if (!values.npy && !values['png-dir']) throw new Error(`give --npy FILE or --png-dir DIR (or both)\n${USAGE}`);
  const source: ExportSource = values.run ? runSource(values.run) : {
    data: values.data!,
    load: { dataDir: values['data-dir'], size: values['image-size'] ? Number(values['image-size']) : undefined, channels: values.grey ? 1 : 3 },
  };
  const dataset = await trainImages(source, values.subset === undefined ? undefined : Number(values.subset), Number(values.seed));
  if (values.npy) writeFileSync(values.npy, npyBytes(dataset));
  if (values['png-dir']) writePngFolder(dataset, values['png-dir']);
  console.error(`export-dataset: ${dataset.count} images ${dataset.height}x${dataset.width}x${dataset.channels} of ${source.data}` +
    `${values.npy ? ` → ${values.npy}` : ''}${values['png-dir'] ? ` → ${values['png-dir']}/` : ''}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await main(process.argv.slice(2));
  } catch (err) {
    console.error(`export-dataset: ${(err as Error).message}`);
    process.exitCode = 2;
  }
}
