// `ganvae interpolate --run runs/NAME --from 1 --to 2`: a PNG strip and an animated GIF of the images along the
// path between the latent codes of two seeds (spherical by default), to see how smoothly a model's latent space maps to images.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { imageGrid } from '../../data/image-grid.ts';
import { encodeGif } from '../../data/gif.ts';
import { writeFileAtomic } from '../../core/atomic-file.ts';
import { writePng } from '../../data/image-codec.ts';
import { Rng } from '../../core/random.ts';
import { initBackend } from '../../env/backend.ts';
import { interpolateLatents, latentVectors } from '../../training/latent.ts';
import { openRunForCli } from '../open-run.ts';
import { CliError, type Command, numberFlag, parseFlags } from '../command.ts';
import { checkOutputFile } from '../../core/output-paths.ts';
import { encodeImagePair } from '../vae-flags.ts';
import { sampleLabels } from './sample.ts';

const help = `usage: ganvae interpolate --run runs/NAME (--from SEED --to SEED | --images I,J) [--steps 10] [--mode slerp|linear] [--class K] [--out strip.png]
       [--gif anim.gif] [--gif-delay-ms 100] [--gif-loop pingpong|forward] [--gif-scale S]

Decodes --steps latent codes from the code of seed --from to that of seed --to (inclusive) into one
PNG strip (default <run>/samples/interpolate-FROM-TO.png) and an animated GIF of the same images
(default: the strip's path ending in .gif). slerp follows the great circle, which keeps Gaussian
codes at a typical length; linear mixes them.
  --gif-delay-ms   time each frame shows (default 100)
  --gif-loop       pingpong plays there and back (default, no jump at the loop), forward restarts
  --gif-scale      integer pixel magnification of the GIF (default: frames about 128 pixels wide)
  --images I,J   VAE runs: start and end at the posterior means of test images I and J instead
                 (conditional VAEs decode with image I's class unless --class is given)`;

export const command: Command = {
  name: 'interpolate',
  summary: 'a PNG strip and an animated GIF between two latent codes',
  async run(argv) {
    const { values } = parseFlags(argv, {
      run: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, steps: { type: 'string' },
      mode: { type: 'string' }, class: { type: 'string' }, out: { type: 'string' }, images: { type: 'string' },
      gif: { type: 'string' }, 'gif-delay-ms': { type: 'string' }, 'gif-loop': { type: 'string' }, 'gif-scale': { type: 'string' },
    });
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (!values.run) throw new CliError(`--run is required\n${help}`);
    if (!values.images && (values.from === undefined || values.to === undefined)) throw new CliError(`--from and --to (two seeds), or --images, are required\n${help}`);
    const from = numberFlag('from', values.from, 0, 0, 2 ** 32 - 1);
    const to = numberFlag('to', values.to, 0, 0, 2 ** 32 - 1);
    if (!Number.isInteger(from) || !Number.isInteger(to)) throw new CliError(`--from and --to must be integer seeds, got ${values.from} and ${values.to}`);
    const steps = numberFlag('steps', values.steps, 10, 2, 1000);
    if (!Number.isInteger(steps)) throw new CliError(`--steps must be an integer, got "${values.steps}"`);
    const mode = values.mode ?? 'slerp';
    if (mode !== 'slerp' && mode !== 'linear') throw new CliError(`--mode must be slerp or linear, got "${mode}"`);
    const delayMs = numberFlag('gif-delay-ms', values['gif-delay-ms'], 100, 20, 655350);
    const loop = values['gif-loop'] ?? 'pingpong';
    if (loop !== 'pingpong' && loop !== 'forward') throw new CliError(`--gif-loop must be pingpong or forward, got "${loop}"`);
    const scaleFlag = values['gif-scale'] === undefined ? undefined : numberFlag('gif-scale', values['gif-scale'], 1, 1, 64);
    if (scaleFlag !== undefined && !Number.isInteger(scaleFlag)) throw new CliError(`--gif-scale must be an integer, got "${values['gif-scale']}"`);
    const ends = values.images ? `image-${values.images.replace(',', '-')}` : `${from}-${to}`;
    const out = values.out ?? join(values.run, 'samples', `interpolate-${ends}.png`);
    const gifOut = values.gif ?? `${out.replace(/\.png$/i, '')}.gif`;
    await initBackend();
    const run = await openRunForCli(values.run);
    try {
      checkOutputFile(values.out ? '--out' : 'the output file (--out)', out, `interpolate-${ends}.png`);
      checkOutputFile(values.gif ? '--gif' : 'the GIF (--gif)', gifOut, `interpolate-${ends}.gif`);
      const encoded = values.images ? await encodeImagePair(run, values.run, values.images) : undefined;
      const labelValues = sampleLabels(run, steps, values.class ?? (run.trainable.numClasses ? String(encoded?.label ?? 0) : undefined));
      const images = tf.tidy(() => {
        const [a, b] = encoded?.codes ?? [latentVectors(1, run.trainable, new Rng(from)), latentVectors(1, run.trainable, new Rng(to))];
        const path = interpolateLatents(a, b, steps, mode);
        return run.trainable.sample(path, labelValues && tf.tensor1d(labelValues, 'int32'));
      });
      const data = await images.data();
      const [, h, w, c] = images.shape;
      images.dispose();
      const strip = imageGrid({ data, shape: [steps, h, w, c] }, { range: '[-1,1]', columns: steps });
      const frames = Array.from({ length: steps }, (_, i) =>
        imageGrid({ data: data.subarray(i * h * w * c, (i + 1) * h * w * c), shape: [1, h, w, c] }, { range: '[-1,1]', padding: 0 }));
      // Ping-pong adds the way back without repeating either end, so the loop never jumps.
      const played = loop === 'pingpong' ? [...frames, ...frames.slice(1, -1).reverse()] : frames;
      const scale = scaleFlag ?? Math.max(1, Math.round(128 / Math.max(h, w)));
      for (const path of [out, gifOut]) mkdirSync(dirname(path), { recursive: true });
      writePng(out, strip);
      writeFileAtomic(gifOut, encodeGif(played, { delayMs, scale }));
      console.log(`ganvae interpolate: ${steps} images (${mode}) in ${out}, animated in ${gifOut}`);
      return 0;
    } finally {
      run.trainable.dispose();
    }
  },
};
