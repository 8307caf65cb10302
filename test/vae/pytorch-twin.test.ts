// The PyTorch twin of a VAE run (bench/pytorch/train_vae.py) moves weights both ways between tfjs's NHWC layout
// and PyTorch's NCHW: ganvae's weights, loaded into PyTorch and written back into a run with --into-run, come
// back bit for bit, so `ganvae eval` scores a PyTorch-trained model exactly as PyTorch holds it.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initBackend } from '../../src/env/backend.ts';
import { readRunInfo } from '../../src/training/run-folder.ts';
import { trainRun } from '../../src/runs/train-run.ts';
import { vaeArchitecture, vaeOptions } from '../../src/vae/vae-family.ts';
import { tempFolder, writeImageFolder } from '../training/fixtures.ts';

const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(import.meta.dirname, '../../bench/pytorch/train_vae.py');
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const temp = tempFolder('ganvae-vae-twin-');
before(async () => {
  await initBackend();
});
after(() => temp.remove());

it('train_vae.py --into-run writes ganvae weights it loaded back bit for bit', { skip: !hasTorch && 'needs Debian python3-torch' }, async () => {
  const images = writeImageFolder(join(temp.dir, 'images'), 12);
  const runDir = join(temp.dir, 'run');
  await trainRun({
    family: 'vae', outDir: runDir, dataCache: false,
    flags: { data: `folder:${images}`, imageSize: 8, grey: true, preset: 'vae28', latentSize: 3, batchSize: 4, maxSteps: 2, checkpointEvery: 1000, sampleCount: 4 },
  });
  const info = readRunInfo(runDir);
  const options = vaeOptions.parse(Object.fromEntries(Object.keys(vaeOptions.shape).map((k) => [k, info.config[k]])));
  const exported = join(temp.dir, 'exported');
  mkdirSync(exported);
  writeFileSync(join(exported, 'run.json'), JSON.stringify({ architecture: vaeArchitecture(options, { shape: info.dataset.shape, numClasses: info.dataset.classes.length }) }));
  // The copy's weight files start as zeros, so only what the script writes can make them equal to the run's.
  const copy = join(temp.dir, 'copy');
  cpSync(join(runDir, 'model'), join(copy, 'model'), { recursive: true });
  const parts = ['encoder', 'decoder'];
  for (const part of parts) {
    for (const file of readdirSync(join(copy, 'model', part)).filter((f) => f.endsWith('.bin'))) {
      writeFileSync(join(copy, 'model', part, file), Buffer.alloc(readFileSync(join(copy, 'model', part, file)).length));
    }
  }
  const result = spawnSync(PYTHON, [SCRIPT, exported, '--weights', join(runDir, 'model'), '--into-run', copy, '--k', '0', '--out', join(temp.dir, 'out.json')], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(result.status, 0, result.stderr);
  const empty = join(temp.dir, 'empty');
  mkdirSync(empty);
  const refused = spawnSync(PYTHON, [SCRIPT, exported, '--weights', join(runDir, 'model'), '--into-run', empty, '--k', '0', '--out', join(temp.dir, 'refused.json')], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /--into-run: .*empty.* has no model\.json/);
  for (const part of parts) {
    for (const file of readdirSync(join(runDir, 'model', part)).filter((f) => f.endsWith('.bin'))) {
      assert.ok(readFileSync(join(copy, 'model', part, file)).equals(readFileSync(join(runDir, 'model', part, file))), `${part}/${file} differs`);
    }
  }
});
