// run.json: older option names are read under their current names (VAE runs wrote the latent size as latentDim).
import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRunInfo, RUN_FORMAT_VERSION, writeRunInfo } from '../../src/training/run-folder.ts';
import { tempFolder } from './fixtures.ts';

const temp = tempFolder();
after(() => temp.remove());

it('reads an older VAE run\'s latentDim as latentSize, and leaves a current run as written', () => {
  const info = {
    formatVersion: RUN_FORMAT_VERSION, kind: 'vae' as const, config: { latentSize: 2, preset: 'vae28' },
    dataset: { name: 'mnist', shape: [28, 28, 1] as [number, number, number], classes: [] }, backend: 'cpu', createdAt: 'then',
  };
  writeRunInfo(temp.dir, info);
  assert.deepEqual(readRunInfo(temp.dir), info);
  const runJson = join(temp.dir, 'run.json');
  writeFileSync(runJson, readFileSync(runJson, 'utf8').replace('"latentSize"', '"latentDim"'));
  assert.deepEqual(readRunInfo(temp.dir).config, { latentSize: 2, preset: 'vae28' });
});
