// Named VAE architectures: `vae28` (the benchmark's workload W2) and `seed` (the design document's VAE,
// made consistent). `vaePreset(name, imageShape, overrides)` returns a full VaeArchitecture.
import type { VaeArchitecture } from './vae.ts';

type PresetLayers = Omit<VaeArchitecture, 'imageShape' | 'numClasses' | 'likelihood' | 'gaussianScale' | 'gaussianSigma' | 'pseudoInputs'>;

/** The presets by --preset name: their --help summary and layers. */
export const VAE_PRESET_RECORDS = {
  // W2 exactly: Conv(32,3,s2)-ReLU → Conv(64,3,s2)-ReLU → Flatten → Dense(256)-ReLU → μ, log σ² (16 each);
  // Dense(256)-ReLU → Dense(7·7·64)-ReLU → reshape → ConvT(64,3,s2)-ReLU → ConvT(32,3,s2)-ReLU → ConvT(1,3,s1) logits.
  vae28: {
    summary: 'benchmark W2: Conv 32/64 (3, s2), Dense 256, 16 latents',
    latentSize: 16, kernelSize: 3,
    encoderFilters: [32, 64], encoderDense: [256],
    decoderDense: [256], decoderBaseChannels: 64, decoderFilters: [64, 32],
  },
  // The design document's encoder Conv 32/64/128 (5, s2) → Flatten, plus the μ / log σ² heads it omits.
  // Its decoder, "Dense 1024·16·16 → reshape [16,16,128]", cannot reshape (1024·16·16 ≠ 16·16·128); we
  // read it as Dense((h/4)·(w/4)·128) → reshape [h/4, w/4, 128] (16x16 for 64x64 images, 7x7 for 28x28)
  // → ConvT(64,5,s2) → ConvT(32,5,s2) → ConvT(c,5,s1), i.e. the encoder mirrored up to the image size.
  seed: {
    summary: 'the design document\'s VAE: Conv 32/64/128 (5, s2), 128 latents',
    latentSize: 128, kernelSize: 5,
    encoderFilters: [32, 64, 128], encoderDense: [],
    decoderDense: [], decoderBaseChannels: 128, decoderFilters: [64, 32],
  },
} as const satisfies Record<string, PresetLayers & { summary: string }>;

export type VaePresetName = keyof typeof VAE_PRESET_RECORDS;
/** Preset names accepted by `--preset`. */
export const VAE_PRESETS = Object.keys(VAE_PRESET_RECORDS) as [VaePresetName, ...VaePresetName[]];

/** Likelihood, conditioning and prior defaults shared by all presets (Bernoulli, unconditional, N(0, I)). */
const DEFAULTS = { numClasses: 0, likelihood: 'bernoulli', gaussianScale: 'fixed', gaussianSigma: 0.1, pseudoInputs: 0 } as const;

/** The preset `name` for images of `imageShape` [h, w, c], with any fields replaced by `overrides`. */
export function vaePreset(name: string, imageShape: [number, number, number], overrides: Partial<VaeArchitecture> = {}): VaeArchitecture {
  if (!(VAE_PRESETS as readonly string[]).includes(name)) {
    throw new Error(`unknown VAE preset "${name}"; use one of ${VAE_PRESETS.join(', ')}`);
  }
  const { summary: _summary, ...layers } = VAE_PRESET_RECORDS[name as VaePresetName];
  return { ...DEFAULTS, ...structuredClone(layers) as PresetLayers, imageShape, ...overrides };
}
