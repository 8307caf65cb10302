// A page as a user of the npm package writes it: the `browser` entry of `ganvae` (resolved by Vite),
// a seeded DCGAN generator sampled four times, drawn on a canvas; window.sampled holds the values.
import { buildGenerator, ganPreset, initBackend, latentNoise, Rng } from 'ganvae';

const status = document.querySelector('#status');
try {
  const backend = await initBackend(new URLSearchParams(location.search).get('backend') ?? undefined);
  const arch = ganPreset('dcgan', [28, 28, 1], { width: 8 });
  const generator = buildGenerator(arch.generator, new Rng(1));
  const images = generator.predict(latentNoise(4, arch.generator.latentSize, 'normal', new Rng(2)));
  const values = await images.data();
  const context = document.querySelector('#samples').getContext('2d');
  const pixels = context.createImageData(112, 28);
  for (let n = 0; n < 4; n++) {
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const grey = Math.round((values[(n * 28 + y) * 28 + x] + 1) * 127.5);
        pixels.data.set([grey, grey, grey, 255], (y * 112 + n * 28 + x) * 4);
      }
    }
  }
  context.putImageData(pixels, 0, 0);
  status.textContent = `4 samples on ${backend.name}`;
  window.sampled = { backend: backend.name, shape: images.shape, values: Array.from(values) };
} catch (err) {
  status.textContent = String(err);
  window.sampled = { error: String(err?.stack ?? err) };
}
