// Named VAE architectures: `vae28` (the benchmark's workload W2) and `seed` (the design document's VAE,
// made consistent). `vaePreset(name, imageShape, overrides)` returns a full VaeArchitecture.
import type { VaeArchitecture } from './vae.ts';

/** Preset names accepted by `--preset`. */
export const VAE_PRESETS = ['vae28', 'seed'] as const;
export type VaePresetName = (typeof VAE_PRESETS)[number];

type PresetLayers = Omit<VaeArchitecture, 'imageShape' | 'numClasses' | 'likelihood' | 'gaussianScale' | 'gaussianSigma'>;

const PRESETS: Record<VaePresetName, PresetLayers> = {
  // W2 exactly: Conv(32,3,s2)-ReLU → Conv(64,3,s2)-ReLU → Flatten → Dense(256)-ReLU → μ, log σ² (16 each);
  // Dense(256)-ReLU → Dense(7·7·64)-ReLU → reshape → ConvT(64,3,s2)-ReLU → ConvT(32,3,s2)-ReLU → ConvT(1,3,s1) logits.
  vae28: {
    latentSize: 16, kernelSize: 3,
    encoderFilters: [32, 64], encoderDense: [256],
    decoderDense: [256], decoderBaseChannels: 64, decoderFilters: [64, 32],
  },
  // The design document's encoder Conv 32/64/128 (5, s2) → Flatten, plus the μ / log σ² heads it omits.
  // Its decoder, "Dense 1024·16·16 → reshape [16,16,128]", cannot reshape (1024·16·16 ≠ 16·16·128); we
  // read it as Dense((h/4)·(w/4)·128) → reshape [h/4, w/4, 128] (16x16 for 64x64 images, 7x7 for 28x28)
  // → ConvT(64,5,s2) → ConvT(32,5,s2) → ConvT(c,5,s1), i.e. the encoder mirrored up to the image size.
  seed: {
    latentSize: 128, kernelSize: 5,
    encoderFilters: [32, 64, 128], encoderDense: [],
    decoderDense: [], decoderBaseChannels: 128, decoderFilters: [64, 32],
  },
};

/** Likelihood and conditioning defaults shared by all presets (Bernoulli, unconditional). */
const DEFAULTS = { numClasses: 0, likelihood: 'bernoulli', gaussianScale: 'fixed', gaussianSigma: 0.1 } as const;

/** The preset `name` for images of `imageShape` [h, w, c], with any fields replaced by `overrides`. */
export function vaePreset(name: string, imageShape: [number, number, number], overrides: Partial<VaeArchitecture> = {}): VaeArchitecture {
  if (!(VAE_PRESETS as readonly string[]).includes(name)) {
    throw new Error(`unknown VAE preset "${name}"; use one of ${VAE_PRESETS.join(', ')}`);
  }
  return { ...DEFAULTS, ...PRESETS[name as VaePresetName], imageShape, ...overrides };
}
