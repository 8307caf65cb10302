// Loads sharp (libvips, shipped inside its npm package) once, on demand; null with a reason when
// it cannot load here, so callers fall back to the pure-JS codecs. GANVAE_NO_SHARP=1 forces that.
import type SharpModule from 'sharp';

export type Sharp = typeof SharpModule;

let loading: Promise<{ sharp: Sharp | null; error?: string }> | undefined;

/** sharp's factory, or null and why not. */
export function loadSharp(): Promise<{ sharp: Sharp | null; error?: string }> {
  loading ??= (async () => {
    if (process.env.GANVAE_NO_SHARP === '1') return { sharp: null, error: 'disabled by GANVAE_NO_SHARP=1' };
    try {
      const module = await import('sharp');
      return { sharp: module.default };
    } catch (err) {
      return { sharp: null, error: (err as Error).message.split('\n')[0] };
    }
  })();
  return loading;
}
