// The 2-D latent map for models with a 2-D latent: the decoder over a grid of codes at the prior's
// quantiles (src/vae/latent-grids.ts latentMapCodes, as `ganvae latent-map` uses).
import { latentMapCodes } from '../../src/vae/latent-grids.ts';
import { drawImages } from './pixels.ts';
import type { RunModel } from './run-model.ts';

/** Images per side of the map. */
const STEPS = 15;

/** Draws the map for class `label` (conditional runs) on `canvas`. */
export async function renderLatentMap(model: RunModel, canvas: HTMLCanvasElement, label: number): Promise<void> {
  const grid = latentMapCodes(STEPS);
  const codes = await grid.data() as Float32Array;
  grid.dispose();
  const labels = model.manifest.numClasses ? new Int32Array(STEPS * STEPS).fill(label) : undefined;
  const images = await model.generate(codes, labels);
  drawImages(canvas, images, [STEPS * STEPS, ...model.imageShape], { range: model.range, columns: STEPS, padding: 0 }, 480);
}
