// The benchmark's workloads W1-W4 and D1-D2: ganvae training options, batch size, and the passes one iteration
// makes. ganvae trains them through its own model families (src/training/); the architecture those options resolve
// to is the JSON the PyTorch mirror (bench/pytorch/models.py) is built from. W1-W4 time the bare training step on a
// fixed random batch; D1 and D2 are `ganvae train gan` and `ganvae train vae` with no flags, timed through the
// whole training loop on Fashion-MNIST (the number a user meets).
import type { GanArchitecture } from '../src/gan/presets.ts';
import type { VaeArchitecture } from '../src/vae/vae.ts';
import { ganArchitecture, ganOptions, resolveGanOptions, type GanOptions } from '../src/gan/gan-family.ts';
import type { DataShape } from '../src/training/trainable.ts';
import { resolveVaeOptions, VAE_LOOP_DEFAULTS, vaeArchitecture, vaeOptions, type VaeOptions } from '../src/vae/vae-family.ts';
import type { Pass } from './flops.ts';

export const WORKLOAD_IDS = ['W1', 'W2', 'W3', 'W4', 'D1', 'D2'] as const;
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

interface WorkloadBase {
  id: WorkloadId;
  title: string;
  batch: number;
  /** [h, w, c] of the (random) training images. */
  imageShape: [number, number, number];
  /**
   * Timed through `ganvae train`'s loop (trainRun: batches from Fashion-MNIST's train split, binarisation, loss
   * windows, logging, checkpoints and sample grids as the defaults schedule them) rather than the bare step; the
   * PyTorch twin runs bench/pytorch/train_gan.py's or train_vae.py's loop (shuffled batches of the same data).
   */
  loop?: true;
}

/**
 * A GAN workload: one D step then one G step per iteration, with its loss (non-saturating unless it says),
 * augmentation and reconstruction, no flips; no R1 penalty or EMA generator but in D1 (the default run has both,
 * and so does its PyTorch twin, train_gan.py).
 */
export interface GanWorkload extends WorkloadBase {
  family: 'gan';
  /** `ganvae train gan` options, resolved. */
  options: GanOptions;
  /** The networks and Adam settings those options give (what the PyTorch mirror builds). */
  gan: GanArchitecture;
}

/** A VAE workload: dynamic binarisation and one Adam step on the negative ELBO per iteration. */
export interface VaeWorkload extends WorkloadBase {
  family: 'vae';
  /** `ganvae train vae` options, resolved. */
  options: VaeOptions;
  vae: { architecture: VaeArchitecture; learningRate: number };
}

export type Workload = GanWorkload | VaeWorkload;

function ganWorkload(id: WorkloadId, title: string, imageShape: [number, number, number], batch: number, options: Partial<GanOptions>): GanWorkload {
  const data: DataShape = { shape: imageShape, numClasses: 0 };
  // The EMA generator is a ganvae extra that PyTorch's reference loops lack: off, so both do the same work.
  const resolved = resolveGanOptions(ganOptions.parse({ loss: 'ns', ema: false, ...options }), data);
  return ganWorkloadOf(id, title, imageShape, batch, resolved);
}

function ganWorkloadOf(id: WorkloadId, title: string, imageShape: [number, number, number], batch: number, resolved: GanOptions): GanWorkload {
  const data: DataShape = { shape: imageShape, numClasses: 0 };
  const arch = ganArchitecture(resolved, data);
  arch.adam = { learningRate: resolved.learningRate!, beta1: resolved.beta1!, beta2: resolved.beta2! };
  return { id, title, family: 'gan', batch, imageShape, options: resolved, gan: arch };
}

/** Fashion-MNIST's images, which D1 and D2 train on. */
const FASHION_MNIST_SHAPE: [number, number, number] = [28, 28, 1];

function vaeWorkload(id: WorkloadId, title: string, batch: number, options: Partial<VaeOptions>): VaeWorkload {
  const data: DataShape = { shape: FASHION_MNIST_SHAPE, numClasses: 0 };
  const resolved = resolveVaeOptions(vaeOptions.parse(options), data);
  const architecture = vaeArchitecture(resolved, data);
  return { id, title, family: 'vae', batch, imageShape: FASHION_MNIST_SHAPE, options: resolved, vae: { architecture, learningRate: resolved.learningRate } };
}

/** The workload `id`, resolved from ganvae's options and presets; `batch` replaces its batch size (quick smoke runs). */
export function workload(id: WorkloadId, batch?: number): Workload {
  switch (id) {
    case 'D1': {
      // `ganvae train gan` with no flags: every family default (preset dcgan, width 32, EMA generator), batch 64.
      const data: DataShape = { shape: FASHION_MNIST_SHAPE, numClasses: 0 };
      const resolved = resolveGanOptions(ganOptions.parse({}), data);
      return { ...ganWorkloadOf(id, 'default GAN (loop)', FASHION_MNIST_SHAPE, batch ?? 64, resolved), loop: true };
    }
    case 'D2':
      // `ganvae train vae` with no flags: preset vae28 at the family's defaults, its loop's batch size.
      return { ...vaeWorkload(id, 'default VAE (loop)', batch ?? VAE_LOOP_DEFAULTS.batchSize, {}), loop: true };
    case 'W1':
      // The TensorFlow DCGAN tutorial without dropout.
      return ganWorkload(id, 'DCGAN-28', [28, 28, 1], batch ?? 64, { preset: 'dcgan28', dropout: 0 });
    case 'W2':
      return vaeWorkload(id, 'ConvVAE-28', batch ?? 128, { preset: 'vae28', learningRate: 1e-3 });
    case 'W3':
      // Radford et al. as in pytorch/examples dcgan.
      return ganWorkload(id, 'DCGAN-64', [64, 64, 3], batch ?? 64, { preset: 'dcgan64' });
    case 'W4':
      // The lite preset's recipe (hinge loss, DiffAugment of everything D sees, FastGAN's reconstruction decoders)
      // with spectral norm in D.
      return ganWorkload(id, 'Lite-64', [64, 64, 3], batch ?? 32, {
        preset: 'lite', augment: 'diffaug', spectralNorm: 'd', loss: 'hinge', ema: false,
      });
  }
}

/**
 * The passes of one training iteration, for FLOP counting. GAN: the D step runs G forward, then D on the real
 * and the fake batch with D's weight gradients (and, with FastGAN's reconstruction, both decoders on D's maps of
 * the real batch, their gradients flowing back into D); the G step runs G on fresh noise and D, with the gradient
 * flowing through D (input gradients only) into G's weights. A lazy R1 penalty (D1) adds, on one D step in r1Every,
 * D on the real batch with its input gradient and the gradient of that gradient's norm into D's weights: counted
 * as two full passes (forward, weight and input gradients) of D, the first-order graph and its own backward, spread
 * over the r1Every iterations. VAE: encoder and decoder, forward and backward once.
 */
export function iterationPasses(w: Workload): Pass[] {
  const batch = w.batch;
  if (w.family === 'vae') {
    return [
      { network: 'encoder', batch, weightGradients: true, inputGradients: 'exceptFirst' },
      { network: 'decoder', batch, weightGradients: true, inputGradients: 'all' },
    ];
  }
  const decoders: Pass[] = w.gan.discriminator.reconstruction
    ? ['decoder-whole', 'decoder-part'].map((network) => ({ network, batch, weightGradients: true, inputGradients: 'all' }))
    : [];
  const r1Pass: Pass = { network: 'discriminator', batch: batch / w.options.r1Every, weightGradients: true, inputGradients: 'all' };
  const r1 = w.options.r1! > 0 ? [r1Pass, r1Pass] : [];
  return [
    ...r1,
    { network: 'generator', batch, weightGradients: false, inputGradients: 'none' },
    { network: 'discriminator', batch: 2 * batch, weightGradients: true, inputGradients: 'exceptFirst' },
    ...decoders,
    { network: 'generator', batch, weightGradients: true, inputGradients: 'exceptFirst' },
    { network: 'discriminator', batch, weightGradients: false, inputGradients: 'all' },
  ];
}
