// `ganvae reconstruct --run runs/NAME`: test images next to their VAE reconstructions in one PNG
// (rows alternate: inputs, then their reconstructions at z = μ(x)).
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { imageGrid } from '../../data/image-grid.ts';
import { writePng } from '../../data/image-codec.ts';
import { reconstruct } from '../../vae/reconstruction.ts';
import { vaeRunImages } from '../../vae/vae-run.ts';
import { CliError, type Command, numberFlag, parseFlags } from '../command.ts';
import { checkOutputFile } from '../../core/output-paths.ts';
import { parseIndices, withVaeRun } from '../vae-flags.ts';

const help = `usage: ganvae reconstruct --run runs/NAME [--n 32] [--columns 8] [--images I,J,...] [--out recon.png]

Encodes test images, decodes their posterior means and writes a grid whose rows alternate between
inputs and reconstructions (default <run>/samples/reconstruct.png). Models trained on binarised
images are shown the test set binarised once with the evaluation's fixed seed.
  --n N          how many test images (a seeded subset, the same as eval's)        [32]
  --images LIST  exactly these test-image indices instead, comma-separated
  --columns C    images per row                                                   [8]`;

/** Interleaves rows of `columns` images: inputs, then their reconstructions. a, b [n, h, w, c] → [2·rows·columns, h, w, c] (blank-padded). */
function interleaveRows(a: tf.Tensor4D, b: tf.Tensor4D, columns: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = a.shape;
    const rows = Math.ceil(n / columns);
    const pad = (t: tf.Tensor4D) => tf.concat([t, tf.zeros([rows * columns - n, h, w, c])]).reshape([rows, 1, columns, h, w, c]);
    return tf.concat([pad(a), pad(b)], 1).reshape([rows * 2 * columns, h, w, c]) as tf.Tensor4D;
  });
}

export const command: Command = {
  name: 'reconstruct',
  summary: 'VAE: test images next to their reconstructions',
  async run(argv) {
    const { values } = parseFlags(argv, { run: { type: 'string' }, n: { type: 'string' }, images: { type: 'string' }, columns: { type: 'string' }, out: { type: 'string' } });
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (!values.run) throw new CliError(`--run is required\n${help}`);
    const n = numberFlag('n', values.n, 32, 1, 1000);
    const columns = numberFlag('columns', values.columns, 8, 1, 100);
    if (!Number.isInteger(n) || !Number.isInteger(columns)) throw new CliError('--n and --columns must be integers');
    const out = values.out ?? join(values.run, 'samples', 'reconstruct.png');
    return withVaeRun(values.run, async (vaeRun) => {
      checkOutputFile(values.out ? '--out' : 'the output file (--out)', out, 'reconstruct.png');
      const indices = values.images ? parseIndices('images', values.images, vaeRun.test.count) : undefined;
      const set = vaeRunImages(vaeRun, indices ? { indices } : { subset: Math.min(n, vaeRun.test.count) });
      const { x, labels } = set.batches(set.count).next().value!;
      const grid = tf.tidy(() => interleaveRows(x, reconstruct(vaeRun.vae, x, labels), columns));
      tf.dispose([x, labels]);
      const image = imageGrid({ data: await grid.data(), shape: grid.shape }, { range: '[0,1]', columns });
      grid.dispose();
      mkdirSync(dirname(out), { recursive: true });
      writePng(out, image);
      console.log(`ganvae reconstruct: ${set.count} inputs and reconstructions (${set.protocol}) in ${out}`);
      return 0;
    });
  },
};
