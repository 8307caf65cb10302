// The PyTorch mirror (bench/pytorch/models.py) has ganvae's layers: same Conv/ConvT/Dense, pooling and Multiply shapes
// and kernels in the same order, and the same trainable parameter count per network, for every workload and for the
// lite preset at other sides and with spectral norm in both networks. Skipped where python3-torch is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { initBackend } from '../../src/env/backend.ts';
import { Rng } from '../../src/core/random.ts';
import { createTrainable, trainedNetworks } from '../../bench/ganvae.ts';
import { mirrorProblem } from '../../bench/results.ts';
import { tfjsLayerShapes, trainableParams } from '../../bench/tfjs-layers.ts';
import { WORKLOAD_IDS, workload, type GanWorkload, type Workload } from '../../bench/workloads.ts';
import { ganArchitecture, ganOptions, resolveGanOptions } from '../../src/gan/gan-family.ts';

const PYTHON = '/usr/bin/python3';
const torchInstalled = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const skip = !torchInstalled && 'python3-torch is not installed (npm run bench installs it)';

/** ganvae's and the mirror's layer records and parameter counts of `w`'s networks. */
async function bothSides(w: Workload) {
  await initBackend('cpu');
  const trainable = createTrainable(w, new Rng(1));
  const models = trainable.models();
  const networks = trainedNetworks(models);
  const ganvae = {
    layers: Object.fromEntries(networks.map((n) => [n, tfjsLayerShapes(models[n])])),
    params: Object.fromEntries(networks.map((n) => [n, trainableParams(models[n])])),
  };
  trainable.dispose();
  const child = spawnSync(PYTHON, ['bench/pytorch/run.py', '--config', JSON.stringify(w), '--layers-only'], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return { networks, ganvae, pytorch: JSON.parse(child.stdout) as typeof ganvae };
}

for (const id of WORKLOAD_IDS) {
  test(`${id}: PyTorch's networks match ganvae's`, { skip }, async () => {
    const { networks, ganvae, pytorch } = await bothSides(workload(id, 2));
    assert.equal(mirrorProblem(ganvae, pytorch), null);
    assert.equal(pytorch.layers[networks[0]].length, ganvae.layers[networks[0]].length);
  });
}

/** A benchmark-style workload (no EMA) of preset lite for side × side RGB images, with `options` on top. */
function liteWorkload(side: number, options: Record<string, unknown>): GanWorkload {
  const data = { shape: [side, side, 3] as [number, number, number], numClasses: 0 };
  const resolved = resolveGanOptions(ganOptions.parse({ preset: 'lite', ema: false, ...options }), data);
  return { id: 'W4', title: `lite-${side}`, family: 'gan', batch: 2, imageShape: data.shape, options: resolved, gan: ganArchitecture(resolved, data) };
}

const LITE_CASES: [number, Record<string, unknown>, number][] = [
  // side, options, the excitations' Multiply layers: side 32 gates 32 by 4; 128 gates 32, 64, 128 by 4, 8, 16.
  [32, { spectralNorm: 'both' }, 1],
  [128, { spectralNorm: 'both', width: 8 }, 3],
  [64, { reconstruction: 0, augment: 'none', loss: 'ns' }, 2],
];

for (const [side, options, multiplies] of LITE_CASES) {
  test(`lite at ${side}x${side} with ${JSON.stringify(options)}: PyTorch's networks match ganvae's, outputs included`, { skip }, async () => {
    const w = liteWorkload(side, options);
    const { networks, ganvae, pytorch } = await bothSides(w);
    assert.equal(mirrorProblem(ganvae, pytorch), null);
    assert.deepEqual(networks, w.gan.discriminator.reconstruction ? ['generator', 'discriminator', 'decoder-whole', 'decoder-part'] : ['generator', 'discriminator']);
    const generator = pytorch.layers.generator;
    assert.equal(generator.filter((l) => l.kind === 'multiply').length, multiplies);
    // The last layer makes the image (the to-RGB conv), D's the logit; the decoders make half-size images (at most 32).
    assert.deepEqual(generator[generator.length - 1].output, [side, side, 3]);
    assert.deepEqual(pytorch.layers.discriminator[pytorch.layers.discriminator.length - 1].output, [1]);
    for (const decoder of networks.filter((n) => n.startsWith('decoder'))) {
      const layers = pytorch.layers[decoder];
      assert.deepEqual(layers[layers.length - 1].output, [Math.min(32, side / 2), Math.min(32, side / 2), 3]);
    }
  });
}
