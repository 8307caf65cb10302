// Issue #19, items 3 and 4: loadLayersModel, which every reader goes through (sample, eval, resume via
// loadWeightsInto), refuses weight files whose size differs from model.json's weightsManifest and weights
// that are NaN or ±Infinity, naming the file (and the weight) instead of tfjs's raw message or garbage output.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { CliError } from '../../src/cli/command.ts';
import { command as evalCommand } from '../../src/cli/commands/eval.ts';
import { initBackend } from '../../src/env/backend.ts';
import { loadLayersModel, saveLayersModel } from '../../src/core/layers-model-files.ts';
import { loadWeightsInto } from '../../src/training/checkpoint.ts';
import { RunFolderError } from '../../src/core/errors.ts';
import { ganvae, quietly, tempFolder, writeGanRun, writeImageFolder } from './fixtures.ts';

const temp = tempFolder('ganvae-read-weights-');
const images = join(temp.dir, 'images');
before(async () => {
  await initBackend();
  writeImageFolder(images, 20);
});
after(() => temp.remove());

/** A 3 → 4 → 2 dense model saved in a new folder `name`; returns the folder. */
async function savedModel(name: string): Promise<string> {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 4, name: 'hidden' }), tfl.layers.dense({ units: 2, name: 'out' })] });
  const dir = join(temp.dir, name);
  try {
    await saveLayersModel(model, dir);
  } finally {
    model.dispose();
  }
  return dir;
}

/** Writes `value` into element `element` of the `index`-th weight of the model in `dir`; returns that weight's name. */
function poison(dir: string, index: number, element: number, value: number): string {
  const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).weightsManifest[0];
  const specs: { name: string; shape: number[] }[] = manifest.weights;
  const offset = specs.slice(0, index).reduce((sum, s) => sum + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
  const path = join(dir, manifest.paths[0]);
  const bytes = readFileSync(path);
  bytes.writeFloatLE(value, offset + 4 * element);
  writeFileSync(path, bytes);
  return specs[index].name;
}

const refused = (pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof RunFolderError, `a RunFolderError, got ${err}`);
  assert.match(err.message, pattern);
  return true;
};

describe('loadLayersModel', () => {
  it('loads an intact model', async () => {
    const model = await loadLayersModel(await savedModel('intact'));
    assert.equal(model.weights.length, 4);
    model.dispose();
  });

  it('refuses a truncated weight file, naming it and both sizes', async () => {
    const dir = await savedModel('truncated');
    // 3·4 + 4 + 4·2 + 2 = 26 float32 weights = 104 bytes.
    truncateSync(join(dir, 'weights.bin'), 50);
    await assert.rejects(loadLayersModel(dir), refused(new RegExp(`${join(dir, 'weights.bin')} holds 50 bytes, but the weightsManifest of ${join(dir, 'model.json')} describes 104 bytes .*truncated`)));
  });

  it('refuses a weight file longer than its manifest', async () => {
    const dir = await savedModel('longer');
    appendFileSync(join(dir, 'weights.bin'), Buffer.alloc(8));
    await assert.rejects(loadLayersModel(dir), refused(/weights\.bin holds 112 bytes, but .* describes 104 bytes .*longer than its weights/));
  });

  it('refuses NaN and infinite weights, naming the file, the weight and where', async () => {
    const nan = await savedModel('nan');
    const name = poison(nan, 1, 2, NaN);
    await assert.rejects(loadLayersModel(nan), refused(new RegExp(`${join(nan, 'weights.bin')}: weight "${name}" holds 1 non-finite value .* of 4, the first at element 2`)));
    const inf = await savedModel('inf');
    const last = poison(inf, 3, 0, -Infinity);
    await assert.rejects(loadLayersModel(inf), refused(new RegExp(`weight "${last}" holds 1 non-finite value`)));
  });

  it('names a weight file that is missing or a model.json that is not JSON', async () => {
    const missing = await savedModel('missing');
    writeFileSync(join(missing, 'model.json'), readFileSync(join(missing, 'model.json'), 'utf8').replace('weights.bin', 'gone.bin'));
    await assert.rejects(loadLayersModel(missing), refused(/names the weight file gone\.bin, but .*gone\.bin cannot be read \(ENOENT\)/));
    const broken = await savedModel('broken');
    writeFileSync(join(broken, 'model.json'), '{"modelTopology": ');
    await assert.rejects(loadLayersModel(broken), refused(/cannot read the tfjs model .*broken\/model\.json/));
  });

  it('guards resuming too: loadWeightsInto refuses non-finite weights', async () => {
    const dir = await savedModel('resume');
    poison(dir, 0, 0, NaN);
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 4 }), tfl.layers.dense({ units: 2 })] });
    try {
      await assert.rejects(loadWeightsInto(model, dir), refused(/non-finite/));
    } finally {
      model.dispose();
    }
  });
});

describe('readers of a run with broken weights', () => {
  it('sample (child process) and eval refuse NaN generator weights with exit 2, naming the file and the weight', async () => {
    const run = join(temp.dir, 'nan-run');
    await writeGanRun(run, images);
    const name = poison(join(run, 'model', 'generator'), 0, 5, NaN);
    const sampled = await ganvae(['sample', '--run', run, '--n', '4', '--out', join(temp.dir, 'nan.png')], temp.dir);
    assert.equal(sampled.code, 2, sampled.stderr);
    assert.match(sampled.stderr, new RegExp(`^ganvae sample: ${join(run, 'model', 'generator', 'weights.bin')}: weight "${name}" holds 1 non-finite value`));
    await assert.rejects(quietly(() => evalCommand.run(['--run', run, '-n', '10'])), (err: unknown) =>
      err instanceof CliError && err.exitCode === 2 && err.message.includes(`weight "${name}"`) && err.message.includes('generator'));
  });

  it('sample refuses a truncated discriminator file with exit 2 and its name, not tfjs\'s "the tensor should have"', async () => {
    const run = join(temp.dir, 'short-run');
    await writeGanRun(run, images);
    const file = join(run, 'model', 'discriminator', 'weights.bin');
    truncateSync(file, 250);
    const sampled = await ganvae(['sample', '--run', run, '--n', '4', '--out', join(temp.dir, 'short.png')], temp.dir);
    assert.equal(sampled.code, 2, sampled.stderr);
    assert.match(sampled.stderr, new RegExp(`^ganvae sample: ${file} holds 250 bytes, but the weightsManifest of .* describes \\d+ bytes .*truncated`));
    assert.doesNotMatch(sampled.stderr, /tensor should have/);
  });
});
