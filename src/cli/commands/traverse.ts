// `ganvae traverse --run runs/NAME`: a latent traversal grid. Each row sweeps one latent coordinate
// over [-range, range] while the others stay at the posterior mean of one test image.
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
import { parseIndices, withVaeRun } from '../vae-flags.ts';

const help = `usage: ganvae traverse --run runs/NAME [--image 0] [--dims all|0,3,5] [--steps 9] [--range 3] [--out traverse.png]

Encodes test image --image to its posterior mean, then decodes copies of that code with one
coordinate set to --steps values from -range to +range: one row per latent dimension in --dims
(default <run>/samples/traverse-image-N.png). Shows what each latent dimension controls.
  --image I      test-image index whose code is the starting point (its class for conditional runs)  [0]
  --dims LIST    latent dimensions to sweep, comma-separated, or all                                  [all]
  --steps N      values per row                                                                       [9]
  --range R      sweep z_d over [-R, R] (the prior puts 99.7% of its mass within ±3)                  [3]`;

export const command: Command = {
  name: 'traverse',
  summary: 'VAE: latent traversal grid (one latent dimension varied per row)',
  async run(argv) {
    const { values } = parseFlags(argv, {
      run: { type: 'string' }, image: { type: 'string' }, dims: { type: 'string' }, steps: { type: 'string' },
      range: { type: 'string' }, out: { type: 'string' },
    });
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (!values.run) throw new CliError(`--run is required\n${help}`);
    const steps = numberFlag('steps', values.steps, 9, 2, 100);
    const range = numberFlag('range', values.range, 3, 0.01, 100);
    if (!Number.isInteger(steps)) throw new CliError(`--steps must be an integer, got "${values.steps}"`);
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
