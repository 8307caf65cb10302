// The options that turn a decoded image into a dataset row (side, channels, fit, background), shared by the
// sources that resize images (folder, emoji), with their defaults and checks.
import { DataError } from '../core/errors.ts';
import { FIT_MODES, parseBackground, type FitMode, type FitOptions } from './fit-image.ts';

/** How decoded images become rows [size, size, channels]. */
export interface ImageRowOptions {
  /** Output side in pixels. Default 64. */
  size?: number;
  /** 1 for grey, 3 for RGB. Default 3. */
  channels?: 1 | 3;
  /** crop: resize to cover size x size and keep the centre; pad: fit inside, padded with the background. Default 'crop'. */
  fit?: FitMode;
  /** Colour behind transparent pixels (and the padding): white, black or #rrggbb. Default 'white'. */
  background?: string;
}

/** `options` with their defaults, checked: DataErrors name the bad size, --fit or --background. */
export function resolveRowOptions(options: ImageRowOptions): FitOptions {
  const size = options.size ?? 64;
  if (!Number.isInteger(size) || size < 1 || size > 4096) throw new DataError(`image size must be an integer from 1 to 4096, got ${size}`);
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3) throw new DataError(`channels must be 1 (grey) or 3 (RGB), got ${String(channels)}`);
  const fit = options.fit ?? 'crop';
  if (!FIT_MODES.includes(fit)) throw new DataError(`--fit "${String(fit)}" is not a fit mode: use ${FIT_MODES.join(' or ')}`);
  return { size, channels, fit, background: parseBackground(options.background ?? 'white') };
}
