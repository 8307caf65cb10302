// Puts model images on canvases: laid out and mapped to bytes by src/data/image-grid.ts, the same code
// that writes `ganvae sample` grids, so the page shows the same pixels as the PNGs.
import { imageGrid, type GridOptions } from '../../src/data/image-grid.ts';
import type { RawImage } from '../../src/data/image-codec.ts';

/** Copies a grey or RGB image into `canvas` (resized to it) and bumps its data-renders counter. */
export function drawRaw(canvas: HTMLCanvasElement, image: RawImage, displayWidth: number): void {
  canvas.width = image.width;
  canvas.height = image.height;
  // The canvas keeps one pixel per image pixel; CSS enlarges it without smoothing.
  canvas.style.width = `${Math.max(image.width, Math.round(displayWidth))}px`;
  const rgba = new ImageData(image.width, image.height);
  const c = image.channels;
  for (let p = 0; p < image.width * image.height; p++) {
    for (let k = 0; k < 3; k++) rgba.data[p * 4 + k] = image.pixels[p * c + (c === 1 ? 0 : k)];
    rgba.data[p * 4 + 3] = 255;
  }
  canvas.getContext('2d')!.putImageData(rgba, 0, 0);
  canvas.dataset.renders = String(Number(canvas.dataset.renders ?? 0) + 1);
}

/**
 * Draws images [n, h, w, c] (flat floats in `options.range`) as a grid on `canvas`, shown
 * `displayWidth` CSS pixels wide. Returns the layout for mapping clicks back to images.
 */
export function drawImages(canvas: HTMLCanvasElement, data: Float32Array, shape: [number, number, number, number], options: GridOptions, displayWidth: number) {
  const grid = imageGrid({ data, shape }, options);
  drawRaw(canvas, grid, displayWidth);
  const [n, h, w] = shape;
  const columns = Math.max(1, Math.min(n, options.columns ?? Math.ceil(Math.sqrt(n))));
  return { columns, cellWidth: w + (options.padding ?? 2), cellHeight: h + (options.padding ?? 2) };
}

/** The image index under a click on a grid drawn by drawImages, or null on padding/outside. */
export function cellAt(canvas: HTMLCanvasElement, event: MouseEvent, layout: ReturnType<typeof drawImages>, n: number): number | null {
  const scale = canvas.width / canvas.getBoundingClientRect().width;
  const x = event.offsetX * scale;
  const y = event.offsetY * scale;
  const column = Math.floor(x / layout.cellWidth);
  const row = Math.floor(y / layout.cellHeight);
  const index = row * layout.columns + column;
  return column < layout.columns && index >= 0 && index < n ? index : null;
}
