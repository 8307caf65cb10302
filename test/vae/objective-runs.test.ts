// IWAE and VampPrior runs through trainRun on a tiny image folder: an exact resume that keeps the
// pseudo-inputs, run.json and the evaluation recording the objective and prior, a run from before them
// opening and evaluating as the ELBO with N(0, I), and the flags that do not fit refused by name.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../../src/env/backend.ts';
import { Rng } from '../../src/core/random.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { command as trainCommand } from '../../src/cli/commands/train.ts';
import { latentVectors } from '../../src/training/latent.ts';
import { trainRun } from '../../src/runs/train-run.ts';
import { evaluateVae } from '../../src/vae/evaluate.ts';
import { openVaeRun } from '../../src/vae/vae-run.ts';
import { tempFolder, tinyRunOptions, writeImageFolder } from '../training/fixtures.ts';

const temp = tempFolder('ganvae-vae-objectives-test-');
const images = join(temp.dir, 'images');
before(async () => {
  await initBackend();
  // 30 images: 27 for training, 3 for the test split.
  writeImageFolder(images, 30);
});
after(() => temp.remove());

/** Options of a tiny VAE run: vae28's layers on 8x8 grey images, 2 latents, batches of 4. */
const tiny = (extra: Record<string, unknown> = {}) => ({
  data: `folder:${images}`, imageSize: 8, grey: true, preset: 'vae28', latentSize: 2, batchSize: 4,
  logEvery: 1, checkpointEvery: 1000, sampleCount: 4, ...extra,
});

async function tinyRun(name: string, flags: Record<string, unknown>, resume = false) {
  const steps: Record<string, number>[] = [];
  const outcome = await trainRun({ family: 'vae', outDir: join(temp.dir, name), flags, resume, dataCache: false, onStep: (_s, l) => steps.push(l) });
  return { ...outcome, steps };
}

const weights = (runDir: string, part: string) => readFileSync(join(runDir, 'model', part, 'weights.bin'));
const runJson = (runDir: string) => JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));

/** Runs `ganvae <command>` in-process: its exit code and the message of the error it ended with. */
async function cli(command: { run(argv: string[]): Promise<number> }, argv: string[]): Promise<{ code: number; message: string }> {
  try {
    return { code: await command.run(argv), message: '' };
  } catch (err) {
    return { code: (err as { exitCode?: number }).exitCode ?? 1, message: (err as Error).message };
  }
}

describe('IWAE and VampPrior runs', () => {
  const options = tiny({ objective: 'iwae', k: 3, prior: 'vamp', pseudoInputs: 6, klWarmupSteps: 4 });

  it('2k steps in one go equal k steps, a resume and k more: same losses, same weights, pseudo-inputs included', async () => {
    const k = 3;
    const whole = await tinyRun('whole', { ...options, maxSteps: 2 * k });
    const first = await tinyRun('split', { ...options, maxSteps: k });
    const second = await tinyRun('split', { maxSteps: 2 * k }, true);
    assert.deepEqual([...first.steps, ...second.steps], whole.steps);
    assert.ok(existsSync(join(first.runDir, 'checkpoints', 'latest', 'models', 'pseudo-inputs', 'model.json')), 'the checkpoint holds the pseudo-inputs');
    for (const part of ['encoder', 'decoder', 'pseudo-inputs']) assert.ok(weights(whole.runDir, part).equals(weights(second.runDir, part)), `${part} differs after resuming`);
    const { config } = runJson(whole.runDir);
    assert.deepEqual([config.objective, config.k, config.prior, config.pseudoInputs], ['iwae', 3, 'vamp', 6]);
  });

  it('reopens with its pseudo-inputs: seeded mixture draws repeat, and eval reports the objective, the prior and the IWAE objective\'s test bound', async () => {
    const runDir = join(temp.dir, 'whole');
    const [a, b] = [await openVaeRun(runDir), await openVaeRun(runDir)];
    try {
      assert.deepEqual(a.trainedOn, { objective: 'iwae', k: 3 });
      assert.deepEqual(latentVectors(5, a.run.trainable, new Rng(2)), latentVectors(5, b.run.trainable, new Rng(2)));
      const e = await evaluateVae(a.vae, a.test, { binarize: a.binarized, training: 'dynamic binarisation', k: 10, iwaeImages: 2, trainedOn: a.trainedOn });
      assert.deepEqual({ ...e.objective, testBound: undefined }, { objective: 'iwae', k: 3, prior: 'vamp', pseudoInputs: 6, testBound: undefined });
      assert.ok(Number.isFinite(e.objective!.testBound));
      assert.equal(e.elbo.klEstimate, 'Monte Carlo, one z per image');
      assert.ok(Math.abs(e.elbo.elbo + e.elbo.reconstruction + e.elbo.kl) < 1e-9);
    } finally {
      a.run.trainable.dispose();
      b.run.trainable.dispose();
    }
  });

  it('a run.json from before --objective and --prior opens and evaluates as the ELBO with N(0, I)', async () => {
    const fresh = await tinyRun('plain', tiny({ maxSteps: 2 }));
    const old = join(temp.dir, 'old');
    cpSync(fresh.runDir, old, { recursive: true });
    const info = runJson(old);
    for (const key of ['objective', 'k', 'prior', 'pseudoInputs']) delete info.config[key];
    writeFileSync(join(old, 'run.json'), JSON.stringify(info));
    const vaeRun = await openVaeRun(old);
    try {
      assert.deepEqual(vaeRun.trainedOn, { objective: 'elbo', k: 1 });
      assert.deepEqual(Object.keys(vaeRun.run.trainable.models()), ['encoder', 'decoder']);
      const e = await evaluateVae(vaeRun.vae, vaeRun.test, { binarize: vaeRun.binarized, training: 'dynamic binarisation', k: 5, iwaeImages: 1, trainedOn: vaeRun.trainedOn });
      assert.deepEqual(e.objective, { objective: 'elbo', k: 1, prior: 'normal', pseudoInputs: null, testBound: e.elbo.elbo });
      assert.equal(e.elbo.klEstimate, 'closed form');
    } finally {
      vaeRun.run.trainable.dispose();
    }
    // It resumes too, with the defaults filled in.
    const resumed = await tinyRun('old', { maxSteps: 3 }, true);
    assert.equal(resumed.result.step, 3);
  });

  const refused: [string, Record<string, unknown>, RegExp][] = [
    ['--k 0', { objective: 'iwae', k: 0 }, /k \(--k\): must be a whole number of at least 1/],
    ['--k with the ELBO', { k: 5 }, /--k 5 sets the importance samples of the IWAE objective: pass --objective iwae with it/],
    ['--pseudo-inputs without --prior vamp', { pseudoInputs: 4 }, /--pseudo-inputs 4 sets the VampPrior's size: pass --prior vamp with it/],
    ['--pseudo-inputs 0', { prior: 'vamp', pseudoInputs: 0 }, /pseudoInputs \(--pseudo-inputs\): must be a whole number of at least 1/],
    ['more pseudo-inputs than training images', { prior: 'vamp', pseudoInputs: 28 }, /--pseudo-inputs 28 is larger than the 27 training images: .*at most 27/],
    ['the default 500 pseudo-inputs on 27 images', { prior: 'vamp' }, /--pseudo-inputs 500 is larger than the 27 training images/],
    ['--prior vamp with --conditional', { prior: 'vamp', pseudoInputs: 4, conditional: true }, /--prior vamp needs an unconditional VAE/],
  ];
  for (const [what, flags, message] of refused) {
    it(`refuses ${what} before the run folder is written`, async () => {
      const outDir = join(temp.dir, `refused-${what.replace(/\W+/g, '-')}`);
      await assert.rejects(trainRun({ family: 'vae', outDir, flags: tiny({ maxSteps: 1, ...flags }), dataCache: false }),
        (err: Error) => err instanceof ConfigError && message.test(err.message));
      assert.ok(!existsSync(outDir), 'no run folder');
    });
  }

  it('takes 27 pseudo-inputs from 27 training images', async () => {
    const run = await tinyRun('vamp-all', tiny({ prior: 'vamp', pseudoInputs: 27, maxSteps: 1 }));
    assert.equal(runJson(run.runDir).config.pseudoInputs, 27);
  });

  it('refuses the VAE\'s flags on a GAN: exit 2, naming the family they belong to', async () => {
    const args = Object.entries(tinyRunOptions(images, { maxSteps: 1 })).flatMap(([key, value]) => [`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, String(value)]);
    for (const [flag, value] of [['objective', 'iwae'], ['k', '5'], ['pseudo-inputs', '10']]) {
      const result = await cli(trainCommand, ['gan', ...args, `--${flag}`, value, '--out', join(temp.dir, `gan-${flag}`)]);
      assert.equal(result.code, 2);
      assert.match(result.message, new RegExp(`--${flag} is an option of \`ganvae train vae\`, not of \`ganvae train gan\``));
    }
    // --prior exists for GANs (normal|uniform): the VAE's vamp is not one of its values.
    const prior = await cli(trainCommand, ['gan', ...args, '--prior', 'vamp', '--out', join(temp.dir, 'gan-prior')]);
    assert.equal(prior.code, 2);
    assert.match(prior.message, /prior \(--prior\)/);
  });
});
