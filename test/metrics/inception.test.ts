import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/env/backend.ts';
import { inceptionInput, loadInceptionExtractor } from '../../src/metrics/inception.ts';
import { saveLayersModel } from '../../src/core/layers-model-files.ts';
import { assertClose } from './reference.ts';

/** A stand-in with Inception's interface: [n, 299, 299, 3] → [mean per channel [n, 3], logits [n, 2]]. */
function standIn(): tfl.LayersModel {
  const input = tfl.input({ shape: [299, 299, 3] });
  const pooled = tfl.layers.globalAveragePooling2d({ dataFormat: 'channelsLast' }).apply(input) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ units: 2, kernelInitializer: 'ones', biasInitializer: 'zeros' }).apply(pooled) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: [pooled, logits] });
}

/** The mean over 299 outputs of TF1's resize (src = dst·in/out, no half-pixel shift) of a row [a, b]. */
function tf1ResizedMean(a: number, b: number): number {
  let sum = 0;
  for (let j = 0; j < 299; j++) {
    const source = (j * 2) / 299;
    const left = Math.floor(source);
    const fraction = source - left;
    const right = Math.min(left + 1, 1);
    sum += (1 - fraction) * [a, b][left] + fraction * [a, b][right];
  }
  return sum / 299;
}

test('Inception path: a stand-in model loads, grey 2×2 images are tiled, TF1-resized and scaled (x − 128)/128', async (t) => {
  await initBackend();
  const dir = mkdtempSync(join(tmpdir(), 'ganvae-inception-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const model = standIn();
  await saveLayersModel(model, dir);
  model.dispose();

  const extractor = await loadInceptionExtractor(join(dir, 'model.json'));
  t.after(() => extractor.dispose());
  assert.equal(extractor.featureDim, 3);
  assert.equal(extractor.numClasses, 2);
  assert.match(extractor.id, /^Inception-v3 \(ganvae-inception-\w+, 3-d\)$/);
  // Two grey images, columns [0, 255] and a constant 64.
  const images = Uint8Array.from([0, 255, 0, 255, 64, 64, 64, 64]);
  const { features, logits } = await extractor.extract(images, 2, [2, 2, 1]);
  const expected = (tf1ResizedMean(0, 255) - 128) / 128;
  for (let ch = 0; ch < 3; ch++) assertClose(features[ch], expected, 1e-5, `image 0 channel ${ch}`);
  for (let ch = 0; ch < 3; ch++) assertClose(features[3 + ch], -0.5, 1e-6, `image 1 channel ${ch}`);
  assertClose(logits[0], 3 * expected, 1e-5, 'logit = sum of the channel means');
  // The half-pixel resize would give another mean: the test can tell the two apart.
  assert.ok(Math.abs(expected - (127.5 - 128) / 128) > 1e-3);
});

test('inceptionInput keeps RGB images of 299×299 as they are, up to scaling', async () => {
  await initBackend();
  const pixels = Uint8Array.from({ length: 299 * 299 * 3 }, (_, i) => (i * 7) % 256);
  const input = inceptionInput(pixels, 1, [299, 299, 3]);
  const values = await input.data();
  input.dispose();
  for (const i of [0, 1, 1000, 299 * 299 * 3 - 1]) assertClose(values[i], (pixels[i] - 128) / 128, 1e-6, `pixel ${i}`);
});

test('a model without Inception\'s interface is refused with the shapes it has', async (t) => {
  await initBackend();
  const dir = mkdtempSync(join(tmpdir(), 'ganvae-inception-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const input = tfl.input({ shape: [64, 64, 3] });
  const out = tfl.layers.globalAveragePooling2d({ dataFormat: 'channelsLast' }).apply(input) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: out });
  await saveLayersModel(model, dir);
  model.dispose();
  await assert.rejects(loadInceptionExtractor(dir), /must have one input of shape \[n, 299, 299, 3\], got \[n, 64, 64, 3\]/);
});
