// The VAE builder: the vae28 preset is the benchmark's W2 layer for layer, seed adapts to the image
// size, conditioning and learned σ add inputs/outputs, and impossible shapes are refused by name.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/env/backend.ts';
import { buildVae, decode, disposeVae, encode } from '../../src/vae/vae.ts';
import { vaePreset } from '../../src/vae/presets.ts';

before(async () => { await initBackend(); });

/** [class, filters|units, kernel, strides, activation, output shape] of each layer with weights. */
function layerTable(model: tfl.LayersModel): string[] {
  return model.layers.filter((l) => l.countParams() > 0).map((l) => {
    const c = l.getConfig();
    return [l.getClassName(), c.filters ?? c.units ?? '', c.kernelSize ?? '', c.strides ?? '', c.padding ?? '', c.activation ?? '', JSON.stringify(l.outputShape)].join(' ');
  });
}

describe('vae model', () => {
  it('vae28 is W2: Conv32-Conv64-Dense256-μ/logσ² 16 and Dense256-Dense3136-ConvT64-ConvT32-ConvT1', () => {
    const vae = buildVae(vaePreset('vae28', [28, 28, 1]), 1);
    assert.deepEqual(layerTable(vae.encoder), [
      'Conv2D 32 3,3 2,2 same relu [null,14,14,32]',
      'Conv2D 64 3,3 2,2 same relu [null,7,7,64]',
      'Dense 256    relu [null,256]',
      'Dense 16    linear [null,16]',
      'Dense 16    linear [null,16]',
    ]);
    assert.deepEqual(layerTable(vae.decoder), [
      'Dense 256    relu [null,256]',
      'Dense 3136    relu [null,3136]',
      'Conv2DTranspose 64 3,3 2,2 same relu [null,14,14,64]',
      'Conv2DTranspose 32 3,3 2,2 same relu [null,28,28,32]',
      'Conv2DTranspose 1 3,3 1,1 same linear [null,28,28,1]',
    ]);
    disposeVae(vae);
  });

  it('seed reshapes to [h/4, w/4, 128] for 28x28 and 64x64 images and maps back to the image size', () => {
    for (const [size, grid] of [[28, 7], [64, 16]]) {
      const vae = buildVae(vaePreset('seed', [size, size, 3]), 1);
      assert.deepEqual(vae.decoder.getLayer('dec_reshape').outputShape, [null, grid, grid, 128]);
      assert.deepEqual(vae.decoder.outputs[0].shape, [null, size, size, 3]);
      assert.deepEqual(layerTable(vae.encoder).slice(0, 3).map((row) => row.split(' ').slice(0, 4).join(' ')),
        ['Conv2D 32 5,5 2,2', 'Conv2D 64 5,5 2,2', 'Conv2D 128 5,5 2,2']);
      disposeVae(vae);
    }
  });

  it('a conditional Gaussian VAE with per-pixel σ takes labels and returns μ and log σ per pixel', () => {
    const vae = buildVae(vaePreset('vae28', [8, 8, 2], { numClasses: 3, likelihood: 'gaussian', gaussianScale: 'per-pixel', gaussianSigma: 0.2, latentSize: 2 }), 5);
    const [muShape, logScale, paramsShape] = tf.tidy(() => {
      const labels = tf.tensor1d([0, 2], 'int32');
      const { mu } = encode(vae, tf.zeros([2, 8, 8, 2]), labels);
      const out = decode(vae, mu, labels);
      return [mu.shape, out.logScale!.dataSync()[0], out.params.shape];
    });
    assert.deepEqual(muShape, [2, 2]);
    assert.deepEqual(paramsShape, [2, 8, 8, 2]);
    assert.ok(Math.abs(logScale - Math.log(0.2)) < 1e-6, 'learned log σ starts at log(gaussianSigma)');
    assert.throws(() => encode(vae, tf.zeros([2, 8, 8, 2])), /conditional on 3 classes: pass labels/);
    disposeVae(vae);
  });

  it('the decoder with a learned σ survives a save/load round trip in tfjs Layers format', async () => {
    const vae = buildVae(vaePreset('vae28', [4, 4, 1], { likelihood: 'gaussian', gaussianScale: 'global', latentSize: 2 }), 2);
    let saved: tf.io.ModelArtifacts | undefined;
    await vae.decoder.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    assert.match(JSON.stringify(saved!.modelTopology), /GanvaeLearnedLogScale/);
    const restored = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
    const [before, after] = tf.tidy(() => {
      const z = tf.tensor2d([[0.3, -1]]);
      return [vae.decoder.predict(z), restored.predict(z)].map((out) => (out as tf.Tensor[]).map((t) => Array.from(t.dataSync())));
    });
    assert.deepEqual(after, before);
    restored.dispose();
    disposeVae(vae);
  });

  it('same seed, same weights; image sizes the decoder cannot reach are refused with the reason', () => {
    const weights = (seed: number) => {
      const vae = buildVae(vaePreset('vae28', [8, 8, 1], { latentSize: 2 }), seed);
      const values = vae.decoder.getWeights().map((w) => Array.from(w.dataSync()));
      disposeVae(vae);
      return values;
    };
    assert.deepEqual(weights(3), weights(3));
    assert.notDeepEqual(weights(3), weights(4));
    assert.throws(() => buildVae(vaePreset('vae28', [30, 30, 1]), 1), /image 30x30 is not divisible by 2\^2 = 4/);
    assert.throws(() => vaePreset('vae99', [28, 28, 1]), /unknown VAE preset "vae99"; use one of vae28, seed/);
  });
});
