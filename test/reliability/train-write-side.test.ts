// `ganvae train` as a careless or hostile user meets it: folders that are not runs, two writers on one
// run, runs stopped before their first checkpoint, NaN, over-large models, disk full, SIGTERM/SIGHUP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs, { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/core/random.ts';
import { initBackend } from '../../src/env/backend.ts';
import { discriminatorSize, generatorSize } from '../../src/gan/dcgan.ts';
import { reconstructionSize } from '../../src/gan/reconstruction.ts';
import { vaeSize } from '../../src/vae/vae.ts';
import { vaePreset } from '../../src/vae/presets.ts';
import { latestCheckpoint, readCheckpointState, writeCheckpoint } from '../../src/training/checkpoint.ts';
import { ganArchitecture, ganOptions, GanTrainable, resolveGanOptions } from '../../src/gan/gan-family.ts';
import { checkMemory } from '../../src/training/memory-budget.ts';
import { acquireRunLock, LOCK_FILE, RunLockedError } from '../../src/training/run-lock.ts';
import { modelsCurrent, trainRun } from '../../src/runs/train-run.ts';
import type { DataShape } from '../../src/training/trainable.ts';
import { buildVae } from '../../src/vae/vae.ts';
import { startGanvae, tempFolder, tinyRunArgs, tinyRunOptions, until, writeImageFolder } from '../training/fixtures.ts';

const temp = tempFolder('ganvae-reliability-');
const images = join(temp.dir, 'images');
before(async () => {
  await initBackend();
  writeImageFolder(images);
});
after(() => temp.remove());

/** Starts `ganvae ...args` in the temp folder. */
const ganvae = (args: string[]) => startGanvae(args, temp.dir);
const run = (args: string[]) => ganvae(args).done;

/** A folder holding a user's files where a careless --out could land. */
function userFolder(name: string, withMetrics: boolean): string {
  const dir = join(temp.dir, name);
  for (const sub of ['model', 'checkpoints', 'samples']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'model', 'mine.txt'), 'mine');
  writeFileSync(join(dir, 'checkpoints', 'old.txt'), 'old');
  writeFileSync(join(dir, 'samples', 'holiday.png'), 'holiday');
  if (withMetrics) writeFileSync(join(dir, 'metrics.jsonl'), '{"mine": 1}\n');
  return dir;
}

function userFilesIntact(dir: string, withMetrics: boolean): void {
  assert.equal(readFileSync(join(dir, 'model', 'mine.txt'), 'utf8'), 'mine');
  assert.equal(readFileSync(join(dir, 'checkpoints', 'old.txt'), 'utf8'), 'old');
  assert.equal(readFileSync(join(dir, 'samples', 'holiday.png'), 'utf8'), 'holiday');
  if (withMetrics) assert.equal(readFileSync(join(dir, 'metrics.jsonl'), 'utf8'), '{"mine": 1}\n');
}

describe('a folder that is not a run', () => {
  it('is refused (exit 2, named) and left untouched', async () => {
    const dir = userFolder('not-a-run', true);
    const { code, stderr } = await run(['train', 'gan', ...tinyRunArgs(images, { maxSteps: 2 }), '--out', dir]);
    assert.equal(code, 2, stderr);
    assert.match(stderr, new RegExp(`--out ${dir} is not empty and is not a ganvae run .*--force-into-existing`));
    assert.doesNotMatch(stderr, /new run in/, 'nothing is announced before the refusal');
    userFilesIntact(dir, true);
    assert.deepEqual(readdirSync(dir).sort(), ['checkpoints', 'metrics.jsonl', 'model', 'samples']);
  });

  it('with --force-into-existing, the run is written beside the user\'s files, which stay whole', async () => {
    const dir = userFolder('forced', false);
    const { code, stderr } = await run(['train', 'gan', ...tinyRunArgs(images, { maxSteps: 3, checkpointEvery: 1 }), '--out', dir, '--force-into-existing']);
    assert.equal(code, 0, stderr);
    userFilesIntact(dir, false);
    assert.ok(existsSync(join(dir, 'model', 'generator', 'model.json')));
    assert.deepEqual(readdirSync(join(dir, 'checkpoints')).sort(), ['latest', 'old.txt', 'step-00000003']);
  });

  it('with --force-into-existing, a file where the run would write (metrics.jsonl) is still refused, by name', async () => {
    const dir = userFolder('forced-clash', true);
    const { code, stderr } = await run(['train', 'gan', ...tinyRunArgs(images, { maxSteps: 2 }), '--out', dir, '--force-into-existing']);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /holds files at paths a run writes \(metrics.jsonl\)/);
    userFilesIntact(dir, true);
  });

  it('an option caught late (a preset that does not fit the data) leaves no folder behind', async () => {
    const dir = join(temp.dir, 'late-error');
    const { code, stderr } = await run(['train', 'gan', ...tinyRunArgs(images), '--preset', 'dcgan28', '--out', dir]);
    assert.equal(code, 2, stderr);
    assert.ok(!existsSync(dir), 'the run folder is written only after the configuration and models are valid');
  });
});

describe('one writer per run', () => {
  it('a second train or --resume on a run in use exits 2 naming the holder; a dead holder\'s lock is taken over', async () => {
    const out = join(temp.dir, 'busy');
    const first = ganvae(['train', 'gan', ...tinyRunArgs(images, { epochs: 100000 }), '--out', out]);
    await until(() => existsSync(join(out, 'metrics.jsonl')), 'the first run to log a step');
    for (const args of [['train', 'gan', ...tinyRunArgs(images), '--out', out], ['train', 'gan', '--resume', '--out', out]]) {
      const second = await run(args);
      assert.equal(second.code, 2, second.stderr);
      assert.match(second.stderr, new RegExp(`is in use by process ${first.pid} on ${hostname()} \\(ganvae train gan`));
    }
    first.kill('SIGKILL');
    await first.done;
    assert.ok(existsSync(join(out, LOCK_FILE)), 'SIGKILL leaves the lock');
    const next = await run(['train', 'gan', '--resume', '--out', out, '--max-steps', '1000000', '--max-minutes', '0.001']);
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stderr, new RegExp(`taking over .*run.lock: its owner, process ${first.pid} .* is no longer running`));
    assert.ok(!existsSync(join(out, LOCK_FILE)), 'released at the end');
    const rows = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step);
    assert.deepEqual(rows, [...new Set(rows)], 'no step is logged twice');
  });

  it('takes a lock atomically: only one of two takers of a stale lock gets it', () => {
    const dir = join(temp.dir, 'lock-race');
    mkdirSync(dir);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: Number(dead), host: hostname(), processStart: null, command: 'old', since: 'then' }));
    const messages: string[] = [];
    const lock = acquireRunLock(dir, 'test', (m) => messages.push(m));
    assert.match(messages.join(), /no longer running/);
    assert.throws(() => acquireRunLock(dir, 'test again'), RunLockedError, 'this process holds it now');
    lock.release();
    assert.ok(!existsSync(join(dir, LOCK_FILE)));
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 1, host: 'elsewhere', processStart: null, command: 'x', since: 'then' }));
    assert.throws(() => acquireRunLock(dir, 'test'), /in use by process 1 on elsewhere .*if that process is no longer running, remove/);
  });
});

describe('a run stopped before its first checkpoint', () => {
  it('is not stuck: train says how to continue or start over, --resume starts it from step 0', async () => {
    const out = join(temp.dir, 'early-kill');
    const child = ganvae(['train', 'gan', ...tinyRunArgs(images, { epochs: 100000, checkpointEvery: 100000 }), '--out', out]);
    await until(() => existsSync(join(out, 'metrics.jsonl')), 'the first logged step');
    child.kill('SIGKILL');
    await child.done;
    assert.equal(latestCheckpoint(out), null);
    const again = await run(['train', 'gan', ...tinyRunArgs(images), '--out', out]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, new RegExp(`already holds a run; continue it with \`--resume --out ${out}\`, or start over: remove it \\(rm -r ${out}\\)`));
    const resumed = await run(['train', 'gan', '--resume', '--out', out, '--max-steps', '3']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /has no checkpoint yet \(it stopped before its first one\): starting it from step 0/);
    const rows = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step);
    assert.deepEqual(rows, [1, 2, 3], 'the killed attempt\'s rows are dropped');
  });

  it('a NaN before any checkpoint says nothing was kept (no false promise) and how to start over', async () => {
    const out = join(temp.dir, 'nan-early');
    const { code, stderr } = await run(['train', 'gan', ...tinyRunArgs(images, { learningRate: 1e18, batchNorm: false, checkpointEvery: 1, maxSteps: 20 }), '--out', out]);
    assert.equal(code, 1, stderr);
    assert.match(stderr, /became NaN or infinite between steps 1 and \d+; stopped without saving. No checkpoint had been written.*rm -r/);
    assert.doesNotMatch(stderr, /is intact/);
  });

  it('--resume with a --max-steps already reached says there is nothing to do', async () => {
    const out = join(temp.dir, 'done');
    assert.equal((await trainRun({ family: 'gan', outDir: out, flags: tinyRunOptions(images, { maxSteps: 4 }), dataCache: false })).result.step, 4);
    const { code, stderr } = await run(['train', 'gan', '--resume', '--out', out, '--max-steps', '2']);
    assert.equal(code, 2);
    assert.match(stderr, /is at step 4, --max-steps 2 leaves nothing to do; pass a larger --max-steps/);
  });
});

describe('a run killed between its final checkpoint and the export of model/', () => {
  it('--resume at the step budget exports model/ again from the checkpoint instead of leaving the older one', async () => {
    const out = join(temp.dir, 'stale-model');
    await trainRun({ family: 'gan', outDir: out, flags: tinyRunOptions(images, { maxSteps: 3 }), dataCache: false });
    const weights = join(out, 'model', 'generator', 'weights.bin');
    const hourAgo = new Date(Date.now() - 3600_000);
    for (const part of ['generator', 'generator-ema', 'discriminator']) utimesSync(join(out, 'model', part, 'weights.bin'), hourAgo, hourAgo);
    assert.equal(modelsCurrent(out, latestCheckpoint(out)!), false);
    const { code, stderr } = await run(['train', 'gan', '--resume', '--out', out, '--max-steps', '3']);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /model\/ was older than the checkpoint at step 3: exported it again/);
    assert.ok(statSync(weights).mtimeMs > hourAgo.getTime() + 1000);
    assert.equal(modelsCurrent(out, latestCheckpoint(out)!), true);
  });
});

describe('signals', () => {
  for (const [signal, exitCode] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`${signal} finishes the step, checkpoints and exits ${exitCode}`, async () => {
      const out = join(temp.dir, `signal-${signal}`);
      const child = ganvae(['train', 'gan', ...tinyRunArgs(images, { epochs: 100000, checkpointEvery: 100000 }), '--out', out]);
      await until(() => existsSync(join(out, 'metrics.jsonl')), 'the first logged step');
      child.kill(signal);
      const { code, stderr } = await child.done;
      assert.equal(code, exitCode, stderr);
      assert.match(stderr, new RegExp(`interrupted \\(${signal}\\) at step \\d+.*Checkpoint saved`));
      const rows = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
      assert.equal(readCheckpointState(latestCheckpoint(out)!).step, JSON.parse(rows[rows.length - 1]).step, 'no logged step is lost');
    });
  }

  it('a second signal exits at once with the first one\'s code', async () => {
    const out = join(temp.dir, 'signal-twice');
    // Large images make each step long enough for the second signal to land inside it.
    const child = ganvae(['train', 'gan', ...tinyRunArgs(images, { epochs: 100000, imageSize: 64, width: 64, batchSize: 16 }), '--out', out]);
    await until(() => existsSync(join(out, 'metrics.jsonl')), 'the first logged step');
    child.kill('SIGTERM');
    await until(() => child.stderr().includes('stopping after this step'), 'the first signal to be handled');
    child.kill('SIGTERM');
    const { code, signal } = await child.done;
    assert.deepEqual([code, signal], [143, null], 'the process exits with the first signal\'s code instead of being killed by the second');
  });
});

describe('sizes', () => {
  it('size flags are bounded: --latent-size 100000 is refused at once', async () => {
    const started = Date.now();
    const { code, stderr } = await run(['train', 'gan', ...tinyRunArgs(images), '--latent-size', '100000', '--out', join(temp.dir, 'huge-z')]);
    assert.equal(code, 2);
    assert.match(stderr, /latentSize \(--latent-size\): Too big: expected number to be <=4096/);
    assert.ok(Date.now() - started < 30_000);
  });

  it('an over-large model is refused with its memory estimate before anything is built', async () => {
    const out = join(temp.dir, 'huge-width');
    const { code, stderr } = await run(['train', 'gan', ...tinyRunArgs(images), '--image-size', '256', '--width', '2048', '--out', out]);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /the model is too large for this machine: about [\d.]+ GiB to train \([\d.]+M parameters.*GiB of memory is available; lower --width/);
    assert.ok(!existsSync(out));
    assert.throws(() => checkMemory({ parameters: 1e6, activationsPerImage: 1e4 }, 64, 2 ** 20), /too large/);
    checkMemory({ parameters: 1e6, activationsPerImage: 1e4 }, 64, 2 ** 30);
  });

  const ganVariants = [{}, { conditional: 'cgan' }, { conditional: 'acgan', batchNorm: false }, { preset: 'seed' }, { loss: 'wgan-gp' }, { preset: 'lite', data: [32, 32, 3] }];
  for (const { data: shape, ...variant } of ganVariants as { data?: [number, number, number]; preset?: string }[]) {
    const data: DataShape = { shape: shape ?? [16, 16, 3], numClasses: 3 };
    it(`the GAN estimate counts exactly the parameters the builders make: ${JSON.stringify(variant)}`, () => {
      const options = resolveGanOptions(ganOptions.parse({ width: 8, ...variant }), data);
      const arch = ganArchitecture(options, data);
      const gan = new GanTrainable(options, data, new Rng(0));
      try {
        assert.equal(generatorSize(arch.generator).parameters, gan.generator.countParams());
        assert.equal(discriminatorSize(arch.discriminator).parameters, gan.discriminator.countParams());
        const decoders = gan.decoders ? gan.decoders.whole.countParams() + gan.decoders.part.countParams() : 0;
        assert.equal(arch.discriminator.reconstruction ? reconstructionSize(arch.discriminator).parameters : 0, decoders);
        assert.equal(variant.preset === 'lite', decoders > 0, 'lite has the decoders by default');
      } finally {
        gan.dispose();
      }
    });
  }
  for (const [preset, overrides] of [['vae28', {}], ['seed', { numClasses: 3 }], ['vae28', { likelihood: 'gaussian', gaussianScale: 'per-pixel' }]] as const) {
    it(`the VAE estimate counts exactly the parameters the builder makes: ${preset} ${JSON.stringify(overrides)}`, () => {
      const arch = vaePreset(preset, [28, 28, 1], overrides);
      const vae = buildVae(arch, 1);
      try {
        assert.equal(vaeSize(arch).parameters, vae.encoder.countParams() + vae.decoder.countParams());
      } finally {
        vae.encoder.dispose();
        vae.decoder.dispose();
      }
    });
  }
});

describe('disk full and damaged checkpoints', () => {
  it('a full disk while checkpointing names what was written and the space it needs, and leaves no partial folder', async () => {
    const out = join(temp.dir, 'disk-full');
    await trainRun({ family: 'gan', outDir: out, flags: tinyRunOptions(images, { maxSteps: 1 }), dataCache: false });
    const data: DataShape = { shape: [8, 8, 1], numClasses: 3 };
    const gan = new GanTrainable(resolveGanOptions(ganOptions.parse({ preset: 'dcgan', width: 4 }), data), data, new Rng(0));
    const original = fs.writeFileSync;
    fs.writeFileSync = ((path: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
      if (String(path).includes(`${join('checkpoints', '.tmp-')}`)) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return (original as (...args: unknown[]) => void)(path, ...rest);
    }) as typeof fs.writeFileSync;
    syncBuiltinESMExports();
    try {
      await assert.rejects(writeCheckpoint(out, gan, { step: 7, rng: 0, config: {} }),
        /no space left on the device while writing the checkpoint of step 7 to .*checkpoints\/\.tmp-\S+: it needs about [\d.]+ MiB, [\d.]+ MiB are free/);
    } finally {
      fs.writeFileSync = original;
      syncBuiltinESMExports();
      gan.dispose();
    }
    assert.deepEqual(readdirSync(join(out, 'checkpoints')).sort(), ['latest', 'step-00000001'], 'the partial folder is removed, the old checkpoint kept');
  });

  it('a garbage checkpoint state.json is named in the error', async () => {
    const out = join(temp.dir, 'garbage-state');
    await trainRun({ family: 'gan', outDir: out, flags: tinyRunOptions(images, { maxSteps: 1 }), dataCache: false });
    writeFileSync(join(latestCheckpoint(out)!, 'state.json'), '{"step": 1, ');
    const { code, stderr } = await run(['train', 'gan', '--resume', '--out', out, '--max-steps', '2']);
    assert.equal(code, 2, 'a damaged run folder is bad input');
    assert.match(stderr, /checkpoints\/step-00000001\/state.json is damaged \(.*JSON.*\); the checkpoint cannot be used/);
  });
});

describe('a checkpoint whose optimiser state holds a NaN', () => {
  it('is refused on resume, naming the file', async () => {
    const out = join(temp.dir, 'nan-optimizer');
    await trainRun({ family: 'gan', outDir: out, flags: tinyRunOptions(images, { maxSteps: 1 }), dataCache: false });
    const bin = join(latestCheckpoint(out)!, 'optimizers', 'discriminator.bin');
    const bytes = readFileSync(bin);
    bytes.writeFloatLE(NaN, bytes.byteLength - 4);
    writeFileSync(bin, bytes);
    const { code, stderr } = await run(['train', 'gan', '--resume', '--out', out, '--max-steps', '2']);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /optimizers\/discriminator.bin holds NaN or infinite values in .*: this optimiser state cannot be resumed/);
  });
});

describe('ganvae train: names', () => {
  it('an unknown family lists every trainable one', async () => {
    const { code, stderr } = await run(['train', 'diffusion']);
    assert.equal(code, 2);
    assert.match(stderr, /unknown model family "diffusion"; use one of gan, vae, classifier/);
  });
});
