// A user's image file as the model's input: decoded by the browser, then converted and resized by
// src/data/resize.ts exactly as the folder loader prepares training images (alpha onto black,
// Rec.601 luma for grey, cover-resize with centre crop), then scaled to [0, 1].
import { convertChannels, resizeCover } from '../../src/data/resize.ts';
import type { RawImage } from '../../src/data/image-codec.ts';

/** The decoded file as uint8 [h, w, c] (for display) and as floats [h, w, c] in [0, 1] (for the encoder). */
export interface PreparedImage {
  image: RawImage;
  values: Float32Array;
}

/** Decodes `file` and prepares it for a model of `shape` [h, w, c]; errors name the file. */
export async function prepareImage(file: Blob & { name?: string }, shape: [number, number, number]): Promise<PreparedImage> {
  let bitmap: ImageBitmap;
  try {
    // No colour management or premultiplication: the pixels stay the file's bytes, as in Node.
    bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new Error(`${file.name ?? 'the file'} is not an image this browser can decode (use PNG or JPEG)`);
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  const rgba = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
  bitmap.close();
  const [h, w, c] = shape;
  const decoded: RawImage = { pixels: new Uint8Array(rgba.data.buffer), width: rgba.width, height: rgba.height, channels: 4 };
  const image = resizeCover(convertChannels(decoded, c === 1 ? 1 : 3), w, h);
  return { image, values: Float32Array.from(image.pixels, (v) => v / 255) };
}
