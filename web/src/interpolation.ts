// The interpolation strip: `steps` images from code a to code b, on a straight line or along the great
// circle (src/training/latent.ts interpolateLatents, as `ganvae interpolate` uses).
import { interpolateLatents } from '../../src/training/latent.ts';
import { drawImages } from './pixels.ts';
import type { RunModel } from './run-model.ts';

/** Draws the strip on `canvas` (data-frames = steps). */
export async function renderInterpolation(model: RunModel, canvas: HTMLCanvasElement, a: Float32Array, b: Float32Array, label: number, steps: number, mode: 'linear' | 'slerp'): Promise<void> {
  const path = interpolateLatents(a, b, steps, mode);
  const codes = await path.data() as Float32Array;
  path.dispose();
  const labels = model.manifest.numClasses ? new Int32Array(steps).fill(label) : undefined;
  const images = await model.generate(codes, labels);
  canvas.dataset.frames = String(steps);
  drawImages(canvas, images, [steps, ...model.imageShape], { range: model.range, columns: steps }, Math.min(1000, steps * 96));
}
