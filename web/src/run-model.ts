// The run's models in the browser: loads the tfjs Layers files `ganvae serve` exposes and turns latent
// codes into images exactly as `ganvae sample` does (GAN tanh output, VAE decoder mean), and images into μ(x).
import * as tf from '@tensorflow/tfjs';
// Registers the learned-σ layer that Gaussian VAE decoders contain and the VampPrior's pseudo-inputs layer, so their model.json loads.
import '../../src/vae/log-scale.ts';
import '../../src/vae/pseudo-inputs.ts';
import type { Rng } from '../../src/core/random.ts';
import type { PixelRange } from '../../src/data/batches.ts';
import type { LatentSpace } from '../../src/training/latent.ts';
import { mixtureRanges, mixtureValues, type MixtureComponents } from '../../src/vae/prior.ts';
import type { ExplorerManifest } from '../../src/server/explorer-api.ts';

/** A loaded run: images from codes (and codes from images, for VAEs). */
export interface RunModel {
  manifest: ExplorerManifest;
  /** [h, w, c] of one image. */
  imageShape: [number, number, number];
  /** Range of the values `generate` returns, for the byte mapping of src/data/image-grid.ts. */
  range: PixelRange;
  /** What latent codes are drawn from, as `ganvae sample` draws them (a VampPrior's mixture included). */
  latentSpace: LatentSpace;
  /** Per entry of z, the interval a slider covers [latentSize − codes] each, where the prior is not N(0, I) or U(−1, 1). */
  sliderRanges?: { low: Float32Array; high: Float32Array };
  /** codes [n, latentSize] flat (labels [n] for conditional runs) → images [n, h, w, c] flat, in `range`. */
  generate(codes: Float32Array, labels?: Int32Array): Promise<Float32Array>;
  /** VAEs: image [h, w, c] in [0, 1] (label for conditional runs) → posterior mean μ [latentSize]. */
  encode?(image: Float32Array, label: number): Promise<Float32Array>;
}

/** One-hot labels [n, classes] for a conditional VAE. */
function oneHot(labels: Int32Array, classes: number): tf.Tensor2D {
  return tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat() as tf.Tensor2D;
}

/** The VampPrior's components: the run's pseudo-inputs [K, h, w, c] through the encoder, μ_k and log σ²_k [K, latent]. */
async function vampComponents(manifest: ExplorerManifest, encoder: tf.LayersModel): Promise<MixtureComponents> {
  const count = manifest.config.pseudoInputs;
  if (typeof count !== 'number') throw new Error(`run.json of ${manifest.name} has --prior vamp without config.pseudoInputs`);
  const pseudoInputs = await tf.loadLayersModel(manifest.models.pseudoInputs!);
  const [mu, logVar] = tf.tidy(() => encoder.predict(pseudoInputs.predict(tf.zeros([count, 1])) as tf.Tensor4D) as tf.Tensor2D[]);
  const [muData, logVarData] = await Promise.all([mu.data(), logVar.data()]) as Float32Array[];
  tf.dispose([mu, logVar]);
  pseudoInputs.dispose();
  return { count, latentSize: manifest.latentSize, mu: muData, logVar: logVarData };
}

/** Loads the models the manifest names (model.json + weights over HTTP). */
export async function loadRunModel(manifest: ExplorerManifest): Promise<RunModel> {
  const imageShape = manifest.dataset.shape;
  const latentSpace: LatentSpace = { latentSize: manifest.latentSize, prior: manifest.prior === 'uniform' ? 'uniform' : 'normal', latentCodes: manifest.latentCodes };
  const size = manifest.latentSize;
  const conditional = manifest.numClasses > 0;
  const labelsFor = (n: number, labels?: Int32Array) => {
    if (labels && labels.length !== n) throw new Error(`${labels.length} labels for ${n} codes`);
    return labels ?? new Int32Array(n);
  };
  if (manifest.kind === 'gan') {
    const generator = await tf.loadLayersModel(manifest.models.generator!);
    return {
      manifest, imageShape, range: '[-1,1]', latentSpace,
      async generate(codes, labels) {
        const n = codes.length / size;
        const out = tf.tidy(() => {
          const noise = tf.tensor2d(codes, [n, size]);
          // The generator takes class indices as floats [n, 1] for its embedding (src/gan/gan-family.ts).
          const inputs = conditional ? [noise, tf.tensor2d(Float32Array.from(labelsFor(n, labels)), [n, 1])] : noise;
          return generator.predict(inputs) as tf.Tensor4D;
        });
        const data = await out.data() as Float32Array;
        out.dispose();
        return data;
      },
    };
  }
  const [encoder, decoder] = await Promise.all([tf.loadLayersModel(manifest.models.encoder!), tf.loadLayersModel(manifest.models.decoder!)]);
  const classes = manifest.numClasses;
  const components = manifest.models.pseudoInputs ? await vampComponents(manifest, encoder) : null;
  return {
    manifest, imageShape, range: '[0,1]',
    latentSpace: components ? { ...latentSpace, priorValues: (n: number, rng: Rng, truncation?: number) => mixtureValues(components, n, rng, truncation) } : latentSpace,
    sliderRanges: components ? mixtureRanges(components) : undefined,
    async generate(codes, labels) {
      const n = codes.length / size;
      const out = tf.tidy(() => {
        const z = tf.tensor2d(codes, [n, size]);
        const result = decoder.predict(conditional ? [z, oneHot(labelsFor(n, labels), classes)] : z);
        const params = (Array.isArray(result) ? result[0] : result) as tf.Tensor4D;
        // The decoder's mean image, as src/vae/likelihood.ts decoderMeanImage.
        return manifest.output === 'bernoulli-logits' ? tf.sigmoid(params) : tf.clipByValue(params, 0, 1);
      });
      const data = await out.data() as Float32Array;
      out.dispose();
      return data;
    },
    async encode(image, label) {
      const mu = tf.tidy(() => {
        const x = tf.tensor4d(image, [1, ...imageShape]);
        const [mean] = encoder.predict(conditional ? [x, oneHot(Int32Array.of(label), classes)] : x) as tf.Tensor2D[];
        return mean;
      });
      const data = await mu.data() as Float32Array;
      mu.dispose();
      return data;
    },
  };
}
