// The PyTorch mirror (bench/pytorch/models.py) has ganvae's layers: same Conv/ConvT/Dense shapes and kernels and
// the same trainable parameter count per network, for every workload. Skipped where python3-torch is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { initBackend } from '../../src/env/backend.ts';
import { Rng } from '../../src/core/random.ts';
import { createTrainable, trainedNetworks } from '../../bench/ganvae.ts';
import { mirrorProblem } from '../../bench/results.ts';
import { tfjsLayerShapes, trainableParams } from '../../bench/tfjs-layers.ts';
import { WORKLOAD_IDS, workload } from '../../bench/workloads.ts';

const PYTHON = '/usr/bin/python3';
const torchInstalled = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

for (const id of WORKLOAD_IDS) {
  test(`${id}: PyTorch's networks match ganvae's`, { skip: !torchInstalled && 'python3-torch is not installed (npm run bench installs it)' }, async () => {
    await initBackend('cpu');
    const w = workload(id, 2);
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
    const pytorch = JSON.parse(child.stdout);
    assert.equal(mirrorProblem(ganvae, pytorch), null);
    assert.equal(pytorch.layers[networks[0]].length, ganvae.layers[networks[0]].length);
  });
}
