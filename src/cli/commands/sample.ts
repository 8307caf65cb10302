// `ganvae sample --run runs/NAME`: draws images from a trained run's generator (EMA weights when kept) or
// VAE decoder into one grid PNG, or one PNG per image with --out-dir.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { imageGrid } from '../../data/image-grid.ts';
import { writePng } from '../../data/image-codec.ts';
import { Rng } from '../../core/random.ts';
import { initBackend } from '../../env/backend.ts';
import { checkFixedCodes, type FixedCodes, latentBatch } from '../../training/latent.ts';
import type { OpenRun } from '../../training/open-run.ts';
import { openRunForCli } from '../open-run.ts';
import { CliError, type Command, numberFlag, parseFlags } from '../command.ts';
import { checkOutputFile, checkOutputFolder } from '../../core/output-paths.ts';

const help = `usage: ganvae sample --run runs/NAME [--n 64] [--class K] [--code NAME=V,..] [--seed 0] [--truncation T] [--out grid.png | --out-dir DIR]

Draws --n images from the run's latent prior (seeded) and writes them as one grid (default
<run>/samples/sample.png) or as DIR/0000.png, 0001.png, ... with --out-dir.
  --class K        conditional runs: the class index or name to draw (default: every class in turn, one per column)
  --code NAME=V,.. InfoGAN runs: fix codes for every image, a category index for cat0, cat1.., a value (drawn
                   from [-1, 1]) for cont0, cont1..; the others stay random (e.g. --code cat0=3,cont0=-0.5)
  --truncation T   redraw normal latent coordinates beyond ±T (the truncation trick; default off)
  --columns C      images per grid row (default: the number of classes, or √n)`;

/** Class labels [n] for a conditional run: --class (index or name) for all, else cycling through the classes. */
export function sampleLabels(run: OpenRun, n: number, classFlag: string | undefined): Int32Array | undefined {
  const classes = run.info.dataset.classes;
  if (!run.trainable.numClasses) {
    if (classFlag !== undefined) throw new CliError(`--class needs a conditional run, but ${run.info.kind} run has no class conditioning`);
    return undefined;
  }
  if (classFlag === undefined) return Int32Array.from({ length: n }, (_, i) => i % run.trainable.numClasses);
  const byName = classes.indexOf(classFlag);
  const index = byName >= 0 ? byName : Number(classFlag);
  if (!Number.isInteger(index) || index < 0 || index >= run.trainable.numClasses) {
    throw new CliError(`--class must be a class index 0..${run.trainable.numClasses - 1} or a name (${classes.join(', ')}), got "${classFlag}"`);
  }
  return new Int32Array(n).fill(index);
}

/** `--code name=value,..` as fixed codes of `run` (none when the flag is absent); errors name the flag. */
export function fixedCodesFlag(run: OpenRun, flag: string | undefined): FixedCodes {
  if (flag === undefined) return {};
  const fixed: Record<string, number> = {};
  for (const part of flag.split(',')) {
    const [name, value, extra] = part.split('=').map((s) => s.trim());
    if (!name || value === undefined || value === '' || extra !== undefined || !Number.isFinite(Number(value))) {
      throw new CliError(`--code takes NAME=VALUE pairs separated by commas (e.g. cat0=3,cont0=0.5), got "${flag}"`);
    }
    if (name in fixed) throw new CliError(`--code names ${name} twice in "${flag}"`);
    fixed[name] = Number(value);
  }
  try {
    checkFixedCodes(run.trainable.latentCodes ?? [], fixed);
  } catch (err) {
    throw new CliError(`--code: ${(err as Error).message}${run.trainable.latentCodes?.length ? '' : ' (train one with --info-categorical or --info-continuous)'}`, 2, { cause: err });
  }
  return fixed;
}

export const command: Command = {
  name: 'sample',
  summary: 'draw images from a trained run',
  async run(argv) {
    const { values } = parseFlags(argv, {
      run: { type: 'string' }, n: { type: 'string' }, class: { type: 'string' }, code: { type: 'string' }, seed: { type: 'string' },
      truncation: { type: 'string' }, out: { type: 'string' }, 'out-dir': { type: 'string' }, columns: { type: 'string' },
    });
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (!values.run) throw new CliError(`--run is required\n${help}`);
    if (values.out && values['out-dir']) throw new CliError('give --out (one grid) or --out-dir (one file per image), not both');
    const n = numberFlag('n', values.n, 64, 1, 10000);
    const seed = numberFlag('seed', values.seed, 0, 0, 2 ** 32 - 1);
    if (!Number.isInteger(n) || !Number.isInteger(seed)) throw new CliError(`--n and --seed must be integers, got ${values.n ?? n} and ${values.seed ?? seed}`);
    const truncation = numberFlag('truncation', values.truncation, 0, 0);
    await initBackend();
    const run = await openRunForCli(values.run);
    const out = values.out ?? join(values.run, 'samples', 'sample.png');
    try {
      if (values['out-dir']) checkOutputFolder('--out-dir', values['out-dir']);
      else checkOutputFile(values.out ? '--out' : 'the output file (--out)', out, 'sample.png');
      const labelValues = sampleLabels(run, n, values.class);
      const fixed = fixedCodesFlag(run, values.code);
      const images = tf.tidy(() => {
        const noise = latentBatch(n, run.trainable, new Rng(seed), { truncation, fixed });
        return run.trainable.sample(noise, labelValues && tf.tensor1d(labelValues, 'int32'));
      });
      const data = await images.data();
      const [, h, w, c] = images.shape;
      images.dispose();
      if (values['out-dir']) {
        mkdirSync(values['out-dir'], { recursive: true });
        for (let i = 0; i < n; i++) {
          const one = imageGrid({ data: data.subarray(i * h * w * c, (i + 1) * h * w * c), shape: [1, h, w, c] }, { range: '[-1,1]', padding: 0 });
          writePng(join(values['out-dir'], `${String(i).padStart(4, '0')}.png`), one);
        }
        console.log(`ganvae sample: ${n} images in ${values['out-dir']}`);
      } else {
        const columns = Math.round(numberFlag('columns', values.columns, labelValues && values.class === undefined ? run.trainable.numClasses : Math.ceil(Math.sqrt(n)), 1));
        mkdirSync(dirname(out), { recursive: true });
        writePng(out, imageGrid({ data, shape: [n, h, w, c] }, { range: '[-1,1]', columns }));
        console.log(`ganvae sample: ${n} images in ${out}`);
      }
      return 0;
    } finally {
      run.trainable.dispose();
    }
  },
};
