// `ganvae latent-map --run runs/NAME`: for a VAE with a 2-D latent space, the decoder's images over a
// grid of z (latent-map.png) and the encoded test images as points coloured by class (latent-scatter.svg).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { imageGrid } from '../../data/image-grid.ts';
import { writePng } from '../../data/image-codec.ts';
import { decode, encode } from '../../vae/vae.ts';
import { decoderMeanImage } from '../../vae/likelihood.ts';
import { latentMapCodes } from '../../vae/latent-grids.ts';
import { vaeRunImages } from '../../vae/vae-run.ts';
import { CliError, type Command, numberFlag, parseFlags } from '../command.ts';
import { checkOutputFolder } from '../../core/output-paths.ts';
import { parseIndices, withVaeRun } from '../vae-flags.ts';

const help = `usage: ganvae latent-map --run runs/NAME [--steps 20] [--n 2000] [--class K] [--out-dir DIR]

For a VAE trained with --latent-size 2, writes into --out-dir (default <run>/samples):
  latent-map.png      the decoder's mean image at a --steps x --steps grid of z, at the N(0, 1)
                      quantiles of 0.05..0.95 (z1 left to right, z2 bottom to top), as in Kingma & Welling
  latent-scatter.svg  the posterior means μ(x) of --n seeded test images, coloured by class
  --class K           conditional runs: the class index the map decodes                      [0]`;

/** Ten distinguishable colours (Tableau 10), cycled for more classes. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** An SVG scatter plot of 2-D points `xy` [n·2] coloured by `labels` [n], with axes and a legend. */
export function latentScatterSvg(xy: ArrayLike<number>, labels: ArrayLike<number> | undefined, classNames: string[], title: string): string {
  const n = xy.length / 2;
  const size = 560;
  const margin = 50;
  const legendWidth = 160;
  let extent = 1;
  for (let i = 0; i < xy.length; i++) if (Number.isFinite(xy[i])) extent = Math.max(extent, Math.abs(xy[i]));
  extent = Math.ceil(extent);
  const sx = (v: number) => margin + ((v + extent) / (2 * extent)) * size;
  const sy = (v: number) => margin + ((extent - v) / (2 * extent)) * size;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size + 2 * margin + legendWidth}" height="${size + 2 * margin}" font-family="sans-serif" font-size="12">`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="${margin}" y="${margin - 20}" font-size="14">${escapeXml(title)}</text>`,
    `<rect x="${margin}" y="${margin}" width="${size}" height="${size}" fill="none" stroke="#888"/>`,
  ];
  for (let t = -extent; t <= extent; t++) {
    parts.push(`<line x1="${sx(t)}" y1="${margin}" x2="${sx(t)}" y2="${margin + size}" stroke="#eee"/>`,
      `<line x1="${margin}" y1="${sy(t)}" x2="${margin + size}" y2="${sy(t)}" stroke="#eee"/>`,
      `<text x="${sx(t)}" y="${margin + size + 15}" text-anchor="middle">${t}</text>`,
      `<text x="${margin - 6}" y="${sy(t) + 4}" text-anchor="end">${t}</text>`);
  }
  parts.push(`<text x="${margin + size / 2}" y="${margin + size + 35}" text-anchor="middle">z1</text>`,
    `<text x="${margin - 35}" y="${margin + size / 2}" text-anchor="middle">z2</text>`);
  for (let i = 0; i < n; i++) {
    const color = PALETTE[(labels?.[i] ?? 0) % PALETTE.length];
    parts.push(`<circle cx="${sx(xy[2 * i]).toFixed(1)}" cy="${sy(xy[2 * i + 1]).toFixed(1)}" r="2" fill="${color}" fill-opacity="0.7"/>`);
  }
  (labels ? classNames : []).forEach((name, c) => {
    const y = margin + 10 + c * 18;
    parts.push(`<circle cx="${margin + size + 20}" cy="${y}" r="5" fill="${PALETTE[c % PALETTE.length]}"/>`,
      `<text x="${margin + size + 30}" y="${y + 4}">${escapeXml(name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

export const command: Command = {
  name: 'latent-map',
  summary: 'VAE with 2 latents: decoder map over z and scatter of encoded test images',
  async run(argv) {
    const { values } = parseFlags(argv, { run: { type: 'string' }, steps: { type: 'string' }, n: { type: 'string' }, class: { type: 'string' }, 'out-dir': { type: 'string' } });
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (!values.run) throw new CliError(`--run is required\n${help}`);
    const steps = numberFlag('steps', values.steps, 20, 2, 100);
    const n = numberFlag('n', values.n, 2000, 1);
    if (!Number.isInteger(steps) || !Number.isInteger(n)) throw new CliError('--steps and --n must be integers');
    return withVaeRun(values.run, async (vaeRun) => {
      const { vae, test } = vaeRun;
      const arch = vae.architecture;
      if (arch.latentSize !== 2) {
        throw new CliError(`latent-map draws 2-D latent spaces, but ${values.run} has ${arch.latentSize} latent dimensions; train one with --latent-size 2`);
      }
      const classNames = test.classNames ?? [];
      const [mapClass] = arch.numClasses ? parseIndices('class', values.class ?? '0', arch.numClasses, 'class indices') : [0];
      if (!arch.numClasses && values.class !== undefined) throw new CliError(`--class needs a conditional run; ${values.run} is unconditional`);
      const outDir = values['out-dir'] ?? join(values.run!, 'samples');
      checkOutputFolder(values['out-dir'] ? '--out-dir' : 'the output folder (--out-dir)', outDir, ['latent-map.png', 'latent-scatter.svg']);
      mkdirSync(outDir, { recursive: true });

      const images = tf.tidy(() => {
        const codes = latentMapCodes(steps);
        const labels = arch.numClasses ? tf.fill([steps * steps], mapClass, 'int32') as tf.Tensor1D : undefined;
        return decoderMeanImage(arch, decode(vae, codes, labels));
      });
      const mapPath = join(outDir, 'latent-map.png');
      writePng(mapPath, imageGrid({ data: await images.data(), shape: images.shape }, { range: '[0,1]', columns: steps, padding: 0 }));
      images.dispose();

      const set = vaeRunImages(vaeRun, { subset: Math.min(n, test.count) });
      const means: number[] = [];
      const classes: number[] = [];
      for (const { x, labels } of set.batches(500)) {
        const mu = tf.tidy(() => encode(vae, x, labels).mu);
        means.push(...await mu.data());
        if (labels) classes.push(...await labels.data());
        tf.dispose([mu, x, labels]);
      }
      const scatterPath = join(outDir, 'latent-scatter.svg');
      const title = `posterior means μ(x) of ${set.protocol}`;
      writeFileSync(scatterPath, latentScatterSvg(means, classes.length ? classes : undefined, classNames, title));
      console.log(`ganvae latent-map: ${steps}x${steps} decoder map in ${mapPath}; ${set.count} encoded test images in ${scatterPath}`);
      return 0;
    });
  },
};
