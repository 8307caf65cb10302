// A folder of 100 images trains through the library (tiny GAN, two steps), with --background and --fit in
// its run.json; a batch larger than the training split is refused, naming both numbers, before the run
// folder is written.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../../src/env/backend.ts';
import { readRunInfo } from '../../src/training/run-folder.ts';
import { trainRun } from '../../src/runs/train-run.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { tempFolder, tinyRunOptions, writeImageFolder } from '../training/fixtures.ts';

const temp = tempFolder();
const images = join(temp.dir, 'hundred');
before(async () => {
  await initBackend();
  writeImageFolder(images, 100);
});
after(() => temp.remove());

const train = (name: string, extra: Record<string, unknown>) =>
  trainRun({ family: 'gan', outDir: join(temp.dir, name), flags: tinyRunOptions(images, extra), dataCache: false });

describe('a folder of 100 images', () => {
  it('trains with the default batch of 64 (90 training images) and records --background and --fit', async () => {
    const { result, runDir } = await train('default-batch', { batchSize: 64, maxSteps: 2, background: '#102030', fit: 'pad' });
    assert.equal(result.reason, 'max-steps');
    assert.equal(result.step, 2);
    const { config } = readRunInfo(runDir);
    assert.deepEqual([config.background, config.fit], ['#102030', 'pad']);
  });

  it('trains with a batch of exactly the 90 training images', async () => {
    assert.equal((await train('whole-split', { batchSize: 90, maxSteps: 2 })).result.step, 2);
  });

  it('refuses a batch of 128 before writing the run folder', async () => {
    await assert.rejects(train('too-large', { batchSize: 128, maxSteps: 2 }), (err: Error) => err instanceof ConfigError &&
      err.message === `--batch-size 128 is larger than the 90 training images of folder:${images}; use at most 90`);
    assert.ok(!existsSync(join(temp.dir, 'too-large')));
  });

  it('refuses a bad --background as a configuration error naming the flag', async () => {
    await assert.rejects(train('bad-colour', { background: 'sky', maxSteps: 1 }), /background \(--background\): must be white, black or #rrggbb/);
    assert.ok(!existsSync(join(temp.dir, 'bad-colour')));
  });
});
