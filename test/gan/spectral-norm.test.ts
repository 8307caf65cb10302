// Spectral normalisation layers (src/tfjs/spectral-norm*.ts) against closed forms: a power-iteration step by hand, σ
// against the largest singular value, kernel gradients against finite differences; files, export and backends.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/env/backend.ts';
import { loadLayersModel, saveLayersModel } from '../../src/core/layers-model-files.ts';
import { symmetricEigen } from '../../src/metrics/linalg.ts';
import {
  SpectralNormConv2D, SpectralNormConv2DTranspose, SpectralNormDense, spectralNormConv2d, spectralNormConv2dTranspose, spectralNormDense,
} from '../../src/tfjs/spectral-norm-layers.ts';
import { withoutSpectralNorm } from '../../src/tfjs/without-spectral-norm.ts';
import { batchNormalization } from '../../src/tfjs/batch-norm.ts';
import { maxRelativeError, nativeMissing, runOn } from '../helpers/backends.ts';

type SpectralLayer = SpectralNormConv2D | SpectralNormConv2DTranspose | SpectralNormDense;

const normal = (shape: number[], seed: number, std = 1) => tf.randomNormal(shape, 0, std, 'float32', seed);

/** One layer of each class, its input shape and whether its output channels are the kernel's second-last axis. */
const LAYERS: { name: string; make: () => SpectralLayer; input: number[]; secondLast: boolean }[] = [
  { name: 'Dense', make: () => spectralNormDense({ units: 5, seed: 1 }), input: [2, 7], secondLast: false },
  { name: 'Conv2D', make: () => spectralNormConv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', seed: 2 }), input: [2, 6, 6, 3], secondLast: false },
  {
    name: 'Conv2DTranspose', make: () => spectralNormConv2dTranspose({ filters: 3, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh', seed: 3 }),
    input: [2, 3, 3, 5], secondLast: true,
  },
];

/** A built layer with seeded kernel and bias, and u, v after one training call. */
function builtLayer(spec: (typeof LAYERS)[number]): SpectralLayer {
  const layer = spec.make();
  layer.apply(tfl.input({ shape: spec.input.slice(1) }));
  const [kernel, bias, ...rest] = layer.getWeights();
  layer.setWeights([normal(kernel.shape, 10, 0.5), normal(bias.shape, 11, 0.1), ...rest]);
  tf.dispose(layer.apply(normal(spec.input, 12), { training: true }) as tf.Tensor);
  return layer;
}

/** The kernel variable of a built layer (the first weight). */
const kernelOf = (layer: SpectralLayer) => layer.weights[0].read() as tf.Variable;
/** u and v of a built layer as plain arrays. */
const uv = (layer: SpectralLayer) => layer.getWeights().slice(-2).map((w) => Array.from(w.dataSync()));

/** σ_max of PyTorch's matrix of `kernel` (rows = output channels): √λ_max(W Wᵀ), in float64. */
function largestSingularValue(kernel: tf.Tensor, secondLast: boolean): number {
  const data = kernel.dataSync();
  const shape = kernel.shape;
  const out = shape[shape.length - (secondLast ? 2 : 1)];
  const inner = secondLast ? shape[shape.length - 1] : 1;
  const gram = new Float64Array(out * out);
  // Entry (outer, o, in) of the kernel sits at (outer·out + o)·inner + in: row o of W, column (outer, in).
  for (let outer = 0; outer < data.length / (out * inner); outer++) {
    for (let i = 0; i < inner; i++) {
      for (let a = 0; a < out; a++) {
        for (let b = 0; b < out; b++) gram[a * out + b] += data[(outer * out + a) * inner + i] * data[(outer * out + b) * inner + i];
      }
    }
  }
  const { values } = symmetricEigen(gram, out, false);
  return Math.sqrt(values[out - 1]);
}

describe('spectral normalisation layers', () => {
  // The native backend runs the fused kernels (src/native/spectral-norm.ts), cpu the tfjs composition.
  for (const backend of ['cpu', 'native'] as const) {
    const skip = { skip: backend === 'native' && nativeMissing };
    it(`${backend}: one training call takes torch's power-iteration step and divides by σ = uᵀ W v (by hand on a 2×3 W)`, skip, async () => {
      await initBackend(backend);
      const layer = spectralNormDense({ units: 2, useBias: false, seed: 1 });
      layer.apply(tfl.input({ shape: [3] }));
      const kernel = [[1, 2], [0, -1], [3, 1]]; // [in, out] = Wᵀ
      const u = [0.6, 0.8];
      layer.setWeights([tf.tensor2d(kernel), tf.tensor1d(u), tf.tensor1d([1, 0, 0])]);
      const x = tf.tensor2d([[0.5, -1, 2]]);
      const y = (layer.apply(x, { training: true }) as tf.Tensor).dataSync();
      const unit = (a: number[]) => a.map((e) => e / Math.hypot(...a));
      const v = unit(kernel.map((row) => row[0] * u[0] + row[1] * u[1])); // Wᵀu
      const wv = [0, 1].map((o) => kernel.reduce((sum, row, i) => sum + row[o] * v[i], 0)); // W v
      const nextU = unit(wv);
      const sigma = nextU[0] * wv[0] + nextU[1] * wv[1];
      const [storedU, storedV] = uv(layer);
      storedU.forEach((e, i) => assert.ok(Math.abs(e - nextU[i]) < 1e-6, `u[${i}] = ${e}, by hand ${nextU[i]}`));
      storedV.forEach((e, i) => assert.ok(Math.abs(e - v[i]) < 1e-6, `v[${i}] = ${e}, by hand ${v[i]}`));
      const expected = [0, 1].map((o) => [0.5, -1, 2].reduce((sum, xi, i) => sum + xi * kernel[i][o], 0) / sigma);
      y.forEach((e, i) => assert.ok(Math.abs(e - expected[i]) < 1e-5, `y[${i}] = ${e}, by hand ${expected[i]}`));
    });

    for (const spec of LAYERS) {
      it(`${backend}, ${spec.name}: σ converges to the largest singular value of W [out channels, rest]`, skip, async () => {
        await initBackend(backend);
        const layer = builtLayer(spec);
        const x = normal(spec.input, 4);
        for (let i = 0; i < 60; i++) tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
        const sigma = tf.tidy(() => layer.spectralNorm!.sigma(kernelOf(layer)).dataSync()[0]);
        const expected = largestSingularValue(kernelOf(layer), spec.secondLast);
        assert.ok(Math.abs(sigma - expected) < 1e-5 * expected, `σ ${sigma}, SVD ${expected}`);
        const [u, v] = uv(layer);
        assert.ok(Math.abs(Math.hypot(...u) - 1) < 1e-6 && Math.abs(Math.hypot(...v) - 1) < 1e-6, 'u and v are unit vectors');
      });

      it(`${backend}, ${spec.name}: the kernel gradient matches finite differences (u, v fixed, as in inference)`, skip, async () => {
        await initBackend(backend);
        const layer = builtLayer(spec);
        const x = normal(spec.input, 5);
        const weights = tf.tidy(() => normal((layer.apply(x) as tf.Tensor).shape, 6));
        const kernel = kernelOf(layer);
        const loss = () => tf.sum(tf.mul(layer.apply(x, { training: false }) as tf.Tensor, weights)) as tf.Scalar;
        const analytic = tf.tidy(() => tf.variableGrads(loss, [kernel]).grads[kernel.name].dataSync() as Float32Array);
        const values = kernel.dataSync().slice();
        const h = 5e-3;
        const at = (i: number, delta: number) => {
          const shifted = values.slice();
          shifted[i] += delta;
          kernel.assign(tf.tensor(shifted, kernel.shape));
          return tf.tidy(() => loss().dataSync()[0]);
        };
        const scale = Math.max(1, ...Array.from(analytic, Math.abs));
        for (let i = 0; i < values.length; i++) {
          const numeric = (at(i, h) - at(i, -h)) / (2 * h);
          assert.ok(Math.abs(numeric - analytic[i]) < 2e-3 * scale, `∂/∂kernel[${i}]: analytic ${analytic[i]}, numeric ${numeric}`);
        }
      });
    }

    it(`${backend}: a training call's kernel gradient treats u and v as constants (= the inference gradient at the stored u, v)`, skip, async () => {
      await initBackend(backend);
      const layer = builtLayer(LAYERS[1]);
      const x = normal(LAYERS[1].input, 7);
      const kernel = kernelOf(layer);
      const gradient = (training: boolean) => tf.tidy(() => tf.variableGrads(() => tf.sum(tf.square(layer.apply(x, { training }) as tf.Tensor)) as tf.Scalar, [kernel]).grads[kernel.name].dataSync() as Float32Array);
      const before = uv(layer);
      const duringTraining = gradient(true);
      assert.notDeepEqual(uv(layer), before, 'the training call updated u and v');
      assert.ok(maxRelativeError(duringTraining, gradient(false)) < 1e-6);
    });

  }

  it('an inference call leaves u and v as they are', async () => {
    await initBackend('cpu');
    const layer = builtLayer(LAYERS[2]);
    const before = uv(layer);
    tf.dispose(layer.apply(normal(LAYERS[2].input, 8)) as tf.Tensor);
    tf.dispose(layer.apply(normal(LAYERS[2].input, 8), { training: false }) as tf.Tensor);
    assert.deepEqual(uv(layer), before);
  });

  it('u starts as a unit vector drawn from the seed', async () => {
    await initBackend('cpu');
    const drawn = (seed: number) => {
      const layer = spectralNormConv2d({ filters: 6, kernelSize: 3, seed });
      layer.apply(tfl.input({ shape: [5, 5, 2] }));
      return uv(layer)[0];
    };
    assert.deepEqual(drawn(4), drawn(4));
    assert.notDeepEqual(drawn(4), drawn(5));
    assert.ok(Math.abs(Math.hypot(...drawn(4)) - 1) < 1e-6);
  });

  it('model files keep u and v: the loaded model gives the same outputs and continues the power iteration exactly', async () => {
    await initBackend('cpu');
    const model = mixedModel();
    const x = normal([2, 8, 8, 2], 9);
    for (let i = 0; i < 3; i++) tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    const dir = mkdtempSync(join(tmpdir(), 'ganvae-sn-'));
    try {
      await saveLayersModel(model, dir);
      const loaded = await loadLayersModel(dir);
      assert.deepEqual(loaded.layers.map((l) => l.getClassName()), model.layers.map((l) => l.getClassName()));
      const weights = (m: tfl.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
      assert.deepEqual(weights(loaded), weights(model));
      const outputs = (m: tfl.LayersModel, training: boolean) => tf.tidy(() => Array.from((m.apply(x, { training }) as tf.Tensor).dataSync()));
      assert.deepEqual(outputs(loaded, false), outputs(model, false));
      assert.deepEqual(outputs(loaded, true), outputs(model, true));
      assert.deepEqual(weights(loaded), weights(model), 'the same u and v after one more training call');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const [name, build] of [['functional', mixedModel], ['sequential', sequentialModel]] as const) {
    it(`withoutSpectralNorm (${name}): built-in classes only, with the SN model's inference outputs`, async () => {
      await initBackend('cpu');
      const model = build();
      const x = normal([3, 8, 8, 2], 12);
      for (let i = 0; i < 3; i++) tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
      const plain = withoutSpectralNorm(model);
      const expected = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
      const actual = tf.tidy(() => (plain.predict(x) as tf.Tensor).dataSync() as Float32Array);
      assert.ok(maxRelativeError(actual, expected) < 1e-6, `outputs differ by ${maxRelativeError(actual, expected)}`);
      const dir = mkdtempSync(join(tmpdir(), 'ganvae-sn-'));
      try {
        await saveLayersModel(plain, dir);
        const classes = [...readFileSync(join(dir, 'model.json'), 'utf8').matchAll(/"class_name":"(\w+)"/g)].map((m) => m[1]);
        const layerClasses = classes.filter((c) => !['GlorotUniform', 'Zeros', 'Ones', 'VarianceScaling', 'RandomNormal'].includes(c));
        assert.deepEqual([...new Set(layerClasses)].sort(), [name === 'functional' ? 'Model' : 'Sequential', 'BatchNormalization', 'Conv2D',
          'Conv2DTranspose', 'Dense', 'Flatten', 'LeakyReLU', ...(name === 'functional' ? ['InputLayer'] : [])].sort());
        const reloaded = tf.tidy(() => (withoutSpectralNorm(plain).predict(x) as tf.Tensor).dataSync() as Float32Array);
        assert.ok(maxRelativeError(reloaded, expected) < 1e-6, 'a model without SN layers copies as it is');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('a training step and an inference call leave no tensors behind', async () => {
    await initBackend('cpu');
    const model = mixedModel();
    const x = normal([2, 8, 8, 2], 14);
    const step = () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar);
      tf.dispose([value, grads, model.predict(x) as tf.Tensor]);
    };
    step();
    const before = tf.memory().numTensors;
    step();
    step();
    assert.equal(tf.memory().numTensors, before);
  });

  it('cpu and native agree on outputs, u and v, and the kernel gradients', { skip: nativeMissing }, async () => {
    const step = () => {
      const model = mixedModel();
      const x = normal([2, 8, 8, 2], 13);
      tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
      const kernels = model.trainableWeights.filter((w) => w.name.endsWith('kernel')).map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, kernels);
      return [value, ...kernels.map((k) => grads[k.name]), ...model.getWeights().filter((_, i) => model.weights[i].name.match(/\/[uv]$/))];
    };
    const expected = await runOn('cpu', step);
    const actual = await runOn('native', step);
    expected.forEach((e, i) => assert.ok(maxRelativeError(actual[i], e) < 1e-5, `result ${i} differs by ${maxRelativeError(actual[i], e)}`));
  });
});

/** images [n, 8, 8, 2] → [n, 3]: SN Conv2D (stride 2), LeakyReLU, SN Conv2DTranspose, batch norm, SN Dense. */
function mixedModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 2] });
  let x = spectralNormConv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', seed: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }).apply(input);
  x = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(x);
  x = spectralNormConv2dTranspose({ filters: 3, kernelSize: 4, strides: 2, padding: 'same', seed: 2, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }).apply(x);
  x = batchNormalization().apply(x);
  x = tfl.layers.flatten().apply(x);
  x = spectralNormDense({ units: 3, seed: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }).apply(x);
  return tfl.model({ inputs: input, outputs: x as tfl.SymbolicTensor });
}

/** The same stack as a Sequential model. */
function sequentialModel(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      spectralNormConv2d({ inputShape: [8, 8, 2], filters: 4, kernelSize: 3, strides: 2, padding: 'same', seed: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
      spectralNormConv2dTranspose({ filters: 3, kernelSize: 4, strides: 2, padding: 'same', seed: 2, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
      batchNormalization(),
      tfl.layers.flatten(),
      spectralNormDense({ units: 3, seed: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
}
