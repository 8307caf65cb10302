// Named GAN architectures with their optimiser settings: dcgan28, dcgan64, seed, a generic dcgan, and lite.
// `ganPreset('dcgan28', [28, 28, 1], {})` → generator and discriminator specs for buildGenerator/buildDiscriminator.
import type { Conditioning, DiscriminatorSpec, GeneratorSpec } from './dcgan.ts';
import type { GanLoss } from './losses.ts';


/** Adam's settings. */
export interface AdamSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
}

/** A resolved preset: both networks and the optimiser the reference used (the same for G and D). */
export interface GanArchitecture {
  generator: GeneratorSpec;
  discriminator: DiscriminatorSpec;
  adam: AdamSettings;
}

/** What a user may change on top of a preset; undefined keeps the preset's choice. */
export interface GanPresetOverrides {
  latentSize?: number;
  /** Base channel count: the layer widths are multiples of it (presetWidth: 32 for dcgan, 64 for the references). */
  width?: number;
  /** Batch norm in both networks (the discriminator never normalises its first layer). */
  batchNorm?: boolean;
  /** Discriminator dropout rate. */
  dropout?: number;
  conditioning?: Conditioning;
  numClasses?: number;
  /** Which networks get spectral normalisation. */
  spectralNorm?: SpectralNormTarget;
}

/** The --spectral-norm choices: which networks have spectrally normalised kernels. */
export const SPECTRAL_NORM_TARGETS = ['none', 'd', 'g', 'both'] as const;
export type SpectralNormTarget = (typeof SPECTRAL_NORM_TARGETS)[number];

const EMBEDDING_SIZE = 50;
/** DCGAN generators: the last ConvT makes the image, no skip-layer excitations. */
const DCGAN_OUTPUT = { outputKernel: 0, excitations: [] };

/** Powers of two times `width`, widest first: widths(64, 3) = [256, 128, 64]. */
function halving(width: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => width * 2 ** (count - 1 - i));
}

function requireSize(name: string, size: number, allowed: number[]): void {
  if (!allowed.includes(size)) {
    throw new Error(`--preset ${name} is for ${allowed.map((s) => `${s}x${s}`).join(' or ')} images, but the dataset's are ${size}x${size}; ` +
      `use --preset ${size === 28 ? 'dcgan28' : size === 64 ? 'dcgan64' : 'dcgan'} (or resize the data)`);
  }
}

/** Halvings from `size` down to a base side of at most 7 (at least one); errors when a halving is not exact. */
function genericDoublings(size: number): number {
  let doublings = 1;
  while (size / 2 ** doublings > 7) doublings++;
  if (!Number.isInteger(size / 2 ** doublings)) {
    throw new Error(`--preset dcgan needs an image side that halves ${doublings} times to an integer of at most 7 (28, 32, 64...), got ${size}`);
  }
  return doublings;
}

/** What every preset builds from: the image shape, the conditioning and the label embedding. */
interface PresetCommon {
  imageShape: [number, number, number];
  /** Off in every preset; --spectral-norm turns it on per network. */
  spectralNorm: false;
  /** Off unless --reconstruction gives the decoders a weight. */
  reconstruction: false;
  conditioning: Conditioning;
  numClasses: number;
  embeddingSize: number;
}

/** One named architecture: its --help summary, its base width, and its networks for square images of side `size`. */
export interface GanPresetRecord {
  summary: string;
  /** Base channel count unless --width says otherwise. */
  width: number;
  /** Training choices the preset makes unless --loss, --augment, --reconstruction or --r1 say otherwise (else ns, no augmentation, no R1). */
  recipe?: { loss?: GanLoss; augment?: 'none' | 'diffaug' | 'ada'; reconstruction?: number; r1?: number };
  build(size: number, width: number, common: PresetCommon): GanArchitecture;
}

/**
 * The presets by --preset name:
 * - `dcgan28`: the TensorFlow DCGAN tutorial (28×28). G: Dense(7·7·256, no bias)-BN-LReLU → reshape →
 *   ConvT(128, 5, s1)-BN-LReLU → ConvT(64, 5, s2)-BN-LReLU → ConvT(c, 5, s2)-tanh; D: Conv(64, 5, s2)-LReLU-Dropout(0.3)
 *   → Conv(128, 5, s2)-LReLU-Dropout(0.3) → Flatten → Dense(1). Adam 1e-4. (Benchmark W1 is this with dropout 0.)
 * - `dcgan64`: Radford et al. as in pytorch/examples dcgan (64×64): nz 100, ngf = ndf = 64, kernel 4, BN, ReLU in G,
 *   LReLU(0.2) in D, N(0, 0.02) init, no biases, Adam 2e-4 β1 0.5. PyTorch's first ConvT (4×4 kernel on a 1×1 input) is the
 *   Dense → reshape(4, 4, 512) here, and D's last 4×4 valid Conv is Flatten → Dense(1): the same functions.
 * - `seed`: G: Dense 128 → Dense 1024 → Dense 7·7·256 → reshape → ConvT 128 (5, s2) → ConvT 64 (5, s2) → ConvT c (5, s2)
 *   tanh, ReLU between; D: Conv 32/64/128 (5, s2, LReLU 0.2) → Flatten → Dense 1 (the design's sigmoid is inside the
 *   loss). As written it makes 56×56 images. For other sizes: when the side is a multiple of 8 the base map is side/8
 *   with three stride-2 ConvTs (56 → 7, 32 → 4, 64 → 8); otherwise the base is side/4 and the last ConvT has stride 1
 *   (28: 7 → 14 → 28 → 28).
 * - `dcgan`: a generic DCGAN for any side that halves to at most 7 (28 → 7, 32 → 4, 64 → 4, 8 → 4): one stride-2
 *   ConvT(5) per doubling, BN, ReLU/LReLU(0.2), N(0, 0.02) init, Adam 2e-4 β1 0.5; width 32 (presetWidth).
 * - `lite`: for sides 32–256, from a 4×4 base. G: ConvT(4, s2)-BN-LReLU(0.2) per doubling with width·min(8, side/s)
 *   channels at side s, skip-layer excitations from each map to the one 8× its side (≥ 32), Conv(3)-tanh to the image;
 *   D: the dcgan64 critic at the same widths, with FastGAN's reconstruction decoders (reconstruction.ts). Recipe: hinge
 *   loss, DiffAugment, reconstruction weight 1; Adam 2e-4 (0.5, 0.999).
 */
export const GAN_PRESET_RECORDS = {
  dcgan28: {
    summary: 'the TensorFlow DCGAN tutorial, 28x28 (benchmark W1)',
    width: 64,
    build(size, width, common) {
      requireSize('dcgan28', size, [28]);
      // Keras's LeakyReLU default slope is 0.3, which the tutorial keeps.
      return {
        generator: {
          ...common, latentSize: 100, denseUnits: [], baseSize: 7, filters: halving(width, 3), strides: [1, 2, 2], kernelSize: 5,
          batchNorm: true, normalizeAfterReshape: false, activation: 'leakyRelu', leakyAlpha: 0.3, init: 'glorot', ...DCGAN_OUTPUT,
        },
        discriminator: { ...common, filters: [width, 2 * width], kernelSize: 5, batchNorm: false, bias: true, leakyAlpha: 0.3, dropout: 0.3, init: 'glorot' },
        adam: { learningRate: 1e-4, beta1: 0.9, beta2: 0.999 },
      };
    },
  },
  dcgan64: {
    summary: 'pytorch/examples dcgan, 64x64 (benchmark W3)',
    width: 64,
    build(size, width, common) {
      requireSize('dcgan64', size, [64]);
      return {
        generator: {
          ...common, latentSize: 100, denseUnits: [], baseSize: 4, filters: halving(width, 4), strides: [2, 2, 2, 2], kernelSize: 4,
          batchNorm: true, normalizeAfterReshape: true, activation: 'relu', leakyAlpha: 0.2, init: 'normal002', ...DCGAN_OUTPUT,
        },
        discriminator: { ...common, filters: halving(width, 4).reverse(), kernelSize: 4, batchNorm: true, bias: false, leakyAlpha: 0.2, dropout: 0, init: 'normal002' },
        adam: { learningRate: 2e-4, beta1: 0.5, beta2: 0.999 },
      };
    },
  },
  seed: {
    summary: 'the design document\'s MLP-then-ConvT generator',
    width: 64,
    build(size, width, common) {
      const threeDoublings = size % 8 === 0;
      if (!threeDoublings && size % 4 !== 0) throw new Error(`--preset seed needs an image side divisible by 4, got ${size}`);
      return {
        generator: {
          ...common, latentSize: 100, denseUnits: [128, 1024], baseSize: threeDoublings ? size / 8 : size / 4, filters: halving(width, 3),
          strides: threeDoublings ? [2, 2, 2] : [2, 2, 1], kernelSize: 5, batchNorm: false, normalizeAfterReshape: false, activation: 'relu', leakyAlpha: 0.2, init: 'glorot',
          ...DCGAN_OUTPUT,
        },
        discriminator: { ...common, filters: halving(width / 2, 3).reverse(), kernelSize: 5, batchNorm: false, bias: true, leakyAlpha: 0.2, dropout: 0, init: 'glorot' },
        adam: { learningRate: 2e-4, beta1: 0.5, beta2: 0.999 },
      };
    },
  },
  // Width 32, a quarter of the reference presets' convolution FLOPs, so that `ganvae train gan` with no flags
  // (a 9-minute budget) takes several epochs on a 2-core CPU instead of one. Lazy R1 with γ 0.1: it beat the plain
  // recipe in each of three seeded 9-minute Fashion-MNIST pairs (FID 13.84 against 15.35 on average; README).
  dcgan: {
    summary: 'Radford-style DCGAN for any side that halves to at most 7 (28, 32, 64...), with a light R1 penalty',
    width: 32,
    recipe: { r1: 0.1 },
    build(size, width, common) {
      const doublings = genericDoublings(size);
      return {
        generator: {
          ...common, latentSize: 100, denseUnits: [], baseSize: size / 2 ** doublings, filters: halving(width, doublings),
          strides: new Array<number>(doublings).fill(2), kernelSize: 5, batchNorm: true, normalizeAfterReshape: true, activation: 'relu', leakyAlpha: 0.2, init: 'normal002',
          ...DCGAN_OUTPUT,
        },
        discriminator: { ...common, filters: halving(width, doublings).reverse(), kernelSize: 5, batchNorm: true, bias: false, leakyAlpha: 0.2, dropout: 0, init: 'normal002' },
        adam: { learningRate: 2e-4, beta1: 0.5, beta2: 0.999 },
      };
    },
  },
  // FastGAN (Liu et al. 2021) made light for a CPU: its skip-layer excitations and to-RGB convolution, with
  // stride-2 ConvTs (the native backend's fast path) where FastGAN upsamples and convolves, and a DCGAN critic.
  lite: {
    summary: 'FastGAN-inspired, for sides 32 to 256: skip-layer excitation in G, hinge loss and DiffAugment (the default for colour or larger images)',
    width: 32,
    recipe: { loss: 'hinge', augment: 'diffaug', reconstruction: 1 },
    build(size, width, common) {
      const sides = liteSides(size);
      const channels = (side: number) => width * Math.min(8, size / side);
      return {
        generator: {
          ...common, latentSize: 100, denseUnits: [], baseSize: 4, filters: sides.map(channels), strides: new Array<number>(sides.length - 1).fill(2),
          kernelSize: 4, batchNorm: true, normalizeAfterReshape: true, activation: 'leakyRelu', leakyAlpha: 0.2, init: 'normal002', outputKernel: 3,
          // Each map of side ≥ 32 is gated by the map an eighth its side, as FastGAN's 8 → 128, 16 → 256.
          excitations: sides.flatMap((side, i) => (side * 8 <= size && side * 8 >= 32 ? [{ from: i, to: i + 3 }] : [])),
        },
        discriminator: {
          ...common, filters: sides.slice(0, -1).reverse().map((side) => channels(2 * side)), kernelSize: 4, batchNorm: true, bias: false,
          leakyAlpha: 0.2, dropout: 0, init: 'normal002',
        },
        adam: { learningRate: 2e-4, beta1: 0.5, beta2: 0.999 },
      };
    },
  },
} as const satisfies Record<string, GanPresetRecord>;

/** The sides of lite's maps, 4 up to `size`; errors unless `size` is 4·2^k between 32 and 256. */
function liteSides(size: number): number[] {
  if (!liteFits(size)) throw new Error(`--preset lite is for sides 32, 64, 128 or 256, but the images are ${size}x${size}; use --image-size or --preset dcgan`);
  const sides = [4];
  while (sides[sides.length - 1] < size) sides.push(sides[sides.length - 1] * 2);
  return sides;
}

/** Whether --preset lite can make images of side `size`. */
function liteFits(size: number): boolean {
  return [32, 64, 128, 256].includes(size);
}

/**
 * The preset a run gets without --preset: lite for colour images or sides above 32 (where lite fits them),
 * else the generic dcgan.
 */
export function defaultGanPreset(imageShape: [number, number, number]): GanPresetName {
  const [size, , channels] = imageShape;
  return (channels === 3 || size > 32) && liteFits(size) ? 'lite' : 'dcgan';
}

export type GanPresetName = keyof typeof GAN_PRESET_RECORDS;
/** The --preset names. */
export const GAN_PRESETS = Object.keys(GAN_PRESET_RECORDS) as [GanPresetName, ...GanPresetName[]];

/** Base channel count of preset `name` unless --width says otherwise. */
export function presetWidth(name: GanPresetName): number {
  return GAN_PRESET_RECORDS[name].width;
}

/** Resolves preset `name` for images of `imageShape` [h, w, c] (square), with `overrides` applied. */
export function ganPreset(name: GanPresetName, imageShape: [number, number, number], overrides: GanPresetOverrides = {}): GanArchitecture {
  const [size, sizeW] = imageShape;
  if (size !== sizeW) throw new Error(`GAN presets need square images, the dataset's are ${size}x${sizeW}`);
  const width = overrides.width ?? presetWidth(name);
  const common: PresetCommon = {
    imageShape,
    spectralNorm: false,
    reconstruction: false,
    conditioning: overrides.conditioning ?? 'none',
    numClasses: overrides.numClasses ?? 0,
    embeddingSize: EMBEDDING_SIZE,
  };
  const record: GanPresetRecord | undefined = GAN_PRESET_RECORDS[name];
  if (!record) throw new Error(`unknown GAN preset "${name}"; use one of ${GAN_PRESETS.join(', ')}`);
  const arch = record.build(size, width, common);
  if (overrides.latentSize !== undefined) arch.generator.latentSize = overrides.latentSize;
  if (overrides.batchNorm !== undefined) {
    arch.generator.batchNorm = overrides.batchNorm;
    arch.discriminator.batchNorm = overrides.batchNorm;
  }
  if (overrides.dropout !== undefined) arch.discriminator.dropout = overrides.dropout;
  const spectralNorm = overrides.spectralNorm ?? 'none';
  arch.generator.spectralNorm = spectralNorm === 'g' || spectralNorm === 'both';
  arch.discriminator.spectralNorm = spectralNorm === 'd' || spectralNorm === 'both';
  return arch;
}
