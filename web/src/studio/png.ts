// Grid images to PNG files in the browser (the exported run's samples/), encoded by the browser's canvas.
import type { RawImage } from '../../../src/browser.ts';

/** `image` (grey or RGB uint8) as PNG bytes (stored as RGBA, which every PNG reader, `ganvae report` included, reads). */
export async function encodePng(image: RawImage): Promise<Uint8Array> {
  const canvas = new OffscreenCanvas(image.width, image.height);
  const rgba = new ImageData(image.width, image.height);
  const c = image.channels;
  for (let p = 0; p < image.width * image.height; p++) {
    for (let k = 0; k < 3; k++) rgba.data[p * 4 + k] = image.pixels[p * c + (c === 1 ? 0 : k)];
    rgba.data[p * 4 + 3] = 255;
  }
  canvas.getContext('2d')!.putImageData(rgba, 0, 0);
  return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
}
