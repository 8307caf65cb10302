// `ganvae traverse --run runs/NAME`: a latent traversal grid. VAE runs: each row sweeps one latent coordinate
// over [-range, range] while the others stay at the posterior mean of one test image. InfoGAN runs: each row
// varies one code (every category, or a sweep over [-range, range]) while z and the other codes stay at a seed's draw.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { imageGrid } from '../../data/image-grid.ts';
import { writePng } from '../../data/image-codec.ts';
import { decode, encode } from '../../vae/vae.ts';
import { decoderMeanImage } from '../../vae/likelihood.ts';
import { latentTraversal, linspace } from '../../vae/latent-grids.ts';
import { vaeRunImages } from '../../vae/vae-run.ts';
import { CliError, type Command, numberFlag, parseFlags } from '../command.ts';
import { checkOutputFile } from '../../core/output-paths.ts';
import { Rng } from '../../core/random.ts';
import { initBackend } from '../../env/backend.ts';
import { codeOffsets, latentVectors, writeCode } from '../../training/latent.ts';
import type { OpenRun } from '../../training/open-run.ts';
import { readRunInfo } from '../../training/run-folder.ts';
import { asCliError, openRunForCli } from '../open-run.ts';
import { parseIndices, withVaeRun } from '../vae-flags.ts';
import { sampleLabels } from './sample.ts';

const help = `usage: ganvae traverse --run runs/NAME [--image 0] [--dims all|0,3,5] [--steps 9] [--range 3] [--out traverse.png]
       ganvae traverse --run runs/GAN [--seed 0] [--class K] [--steps 9] [--range 1] [--out traverse.png]

VAE runs: encodes test image --image to its posterior mean, then decodes copies of that code with one
coordinate set to --steps values from -range to +range: one row per latent dimension in --dims
(default <run>/samples/traverse-image-N.png). Shows what each latent dimension controls.
  --image I      test-image index whose code is the starting point (its class for conditional runs)  [0]
  --dims LIST    latent dimensions to sweep, comma-separated, or all                                  [all]
  --steps N      values per row                                                                       [9]
  --range R      sweep z_d over [-R, R] (the prior puts 99.7% of its mass within ±3)                  [3]

GAN runs with InfoGAN codes (--info-categorical, --info-continuous): one row per code, from the latent
vector of seed --seed: a categorical code shows each of its categories, a continuous one --steps values
from -range to +range (default <run>/samples/traverse-seed-S.png).
  --seed S       seed of z and of the codes a row keeps                                               [0]
  --class K      conditional runs: the class of every image, index or name                            [0]
  --range R      sweep continuous codes over [-R, R] (they are drawn from [-1, 1])                    [1]`;

/** The string flags the GAN traversal reads. */
type TraverseFlags = Partial<Record<'run' | 'image' | 'dims' | 'seed' | 'class' | 'range' | 'out', string>>;

/** The traversal of an InfoGAN run: one row per code from seed `seed`'s vector; cells past a short row are grey. */
async function traverseCodes(run: OpenRun, values: TraverseFlags, steps: number): Promise<string> {
  const codes = run.trainable.latentCodes ?? [];
  if (!codes.length) throw new CliError(`${values.run} is a GAN run without latent codes; traverse needs codes (train with --info-categorical or --info-continuous)`);
  for (const flag of ['image', 'dims'] as const) if (values[flag] !== undefined) throw new CliError(`--${flag} is for VAE runs; ${values.run} is a GAN run`);
  const seed = numberFlag('seed', values.seed, 0, 0, 2 ** 32 - 1);
  if (!Number.isInteger(seed)) throw new CliError(`--seed must be an integer, got "${values.seed}"`);
  const range = numberFlag('range', values.range, 1, 0.01, 100);
  const out = values.out ?? join(values.run!, 'samples', `traverse-seed-${seed}.png`);
  checkOutputFile(values.out ? '--out' : 'the output file (--out)', out, `traverse-seed-${seed}.png`);
  const size = run.trainable.latentSize;
  const base = latentVectors(1, run.trainable, new Rng(seed));
  const rows = codes.map((code) => (code.kind === 'categorical' ? Array.from({ length: code.size }, (_, k) => k) : linspace(-range, range, steps)));
  const columns = Math.max(...rows.map((row) => row.length));
  const offsets = codeOffsets(codes);
  const vectors = new Float32Array(codes.length * columns * size);
  rows.forEach((row, r) => row.forEach((value, c) => {
    const vector = vectors.subarray((r * columns + c) * size, (r * columns + c + 1) * size);
    vector.set(base);
    writeCode(vector, offsets[r], codes[r], value);
  }));
  const count = codes.length * columns;
  const labels = sampleLabels(run, count, values.class ?? (run.trainable.numClasses ? '0' : undefined));
  const images = tf.tidy(() => run.trainable.sample(tf.tensor2d(vectors, [count, size]), labels && tf.tensor1d(labels, 'int32')));
  const data = await images.data() as Float32Array;
  const [, h, w, c] = images.shape;
  images.dispose();
  // 0 in [-1, 1] is the grid's grey padding: a short row (a code with fewer values) ends in blank cells.
  const cell = h * w * c;
  rows.forEach((row, r) => data.fill(0, (r * columns + row.length) * cell, (r + 1) * columns * cell));
  mkdirSync(dirname(out), { recursive: true });
  writePng(out, imageGrid({ data, shape: [count, h, w, c] }, { range: '[-1,1]', columns }));
  const described = codes.map((code) => (code.kind === 'categorical' ? `${code.name} (${code.size} categories)` : `${code.name} (${steps} values in [-${range}, ${range}])`));
  return `ganvae traverse: ${described.join(', ')} from seed ${seed} in ${out}`;
}

/** Runs the GAN traversal on the run in `values.run`, disposing it after. */
async function traverseGan(values: TraverseFlags, steps: number): Promise<number> {
  await initBackend();
  const run = await openRunForCli(values.run!);
  try {
    console.log(await traverseCodes(run, values, steps));
    return 0;
  } finally {
    run.trainable.dispose();
  }
}

export const command: Command = {
  name: 'traverse',
  summary: 'latent traversal grid: VAE one latent dimension per row, InfoGAN one code per row',
  async run(argv) {
    const { values } = parseFlags(argv, {
      run: { type: 'string' }, image: { type: 'string' }, dims: { type: 'string' }, steps: { type: 'string' },
      range: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' }, class: { type: 'string' },
    });
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (!values.run) throw new CliError(`--run is required\n${help}`);
    const steps = numberFlag('steps', values.steps, 9, 2, 100);
    if (!Number.isInteger(steps)) throw new CliError(`--steps must be an integer, got "${values.steps}"`);
    let kind: string;
    try {
      kind = readRunInfo(values.run).kind;
    } catch (err) {
      throw asCliError(err);
    }
    if (kind === 'gan') return traverseGan(values, steps);
    for (const flag of ['seed', 'class'] as const) if (values[flag] !== undefined) throw new CliError(`--${flag} is for GAN runs; ${values.run} is a ${kind} run`);
    const range = numberFlag('range', values.range, 3, 0.01, 100);
    return withVaeRun(values.run, async (vaeRun) => {
      const latent = vaeRun.vae.architecture.latentSize;
      const [image] = parseIndices('image', values.image ?? '0', vaeRun.test.count);
      const out = values.out ?? join(values.run!, 'samples', `traverse-image-${image}.png`);
      checkOutputFile(values.out ? '--out' : 'the output file (--out)', out, `traverse-image-${image}.png`);
      const dims = !values.dims || values.dims === 'all' ? Array.from({ length: latent }, (_, d) => d) : parseIndices('dims', values.dims, latent, 'latent dimensions');
      const { x, labels } = vaeRunImages(vaeRun, { indices: [image] }).batches(1).next().value!;
      const images = tf.tidy(() => {
        const base = encode(vaeRun.vae, x, labels).mu.dataSync();
        const codes = latentTraversal(base, dims, linspace(-range, range, steps));
        const rowLabels = labels && (tf.tile(labels, [codes.shape[0]]) as tf.Tensor1D);
        return decoderMeanImage(vaeRun.vae.architecture, decode(vaeRun.vae, codes, rowLabels));
      });
      tf.dispose([x, labels]);
      const grid = imageGrid({ data: await images.data(), shape: images.shape }, { range: '[0,1]', columns: steps });
      images.dispose();
      mkdirSync(dirname(out), { recursive: true });
      writePng(out, grid);
      console.log(`ganvae traverse: ${dims.length} dimensions x ${steps} values in [-${range}, ${range}] around test image ${image} in ${out}`);
      return 0;
    });
  },
};
