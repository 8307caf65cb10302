// `ganvae train | sample | interpolate` as a user runs them: config precedence and errors, the sample and
// interpolate outputs (in process, through the command objects), and in child processes the exit codes,
// SIGINT (checkpoint, exit 130, resume) and SIGKILL at arbitrary moments never leaving a broken checkpoint.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { CliError } from '../../src/cli/command.ts';
import { command as interpolateCommand } from '../../src/cli/commands/interpolate.ts';
import { command as sampleCommand } from '../../src/cli/commands/sample.ts';
import { command as trainCommand } from '../../src/cli/commands/train.ts';
import { decodeImage } from '../../src/data/image-codec.ts';
import { Rng } from '../../src/core/random.ts';
import { initBackend } from '../../src/env/backend.ts';
import { latestCheckpoint, readCheckpointState, restoreCheckpoint } from '../../src/training/checkpoint.ts';
import { ganOptions, GanTrainable, resolveGanOptions } from '../../src/gan/gan-family.ts';
import type { DataShape } from '../../src/training/trainable.ts';
import { sleep, startGanvae, tempFolder, tinyRunArgs, until, writeImageFolder } from './fixtures.ts';

const temp = tempFolder();
const images = join(temp.dir, 'images');
before(async () => {
  await initBackend();
  writeImageFolder(images);
});
after(() => temp.remove());

/** Starts `ganvae ...args` with the temp folder as working directory (so its data cache lands there). */
const ganvae = (args: string[]) => startGanvae(args, temp.dir);
const run = (args: string[]) => ganvae(args).done;

/** Runs a command object in this process (quietly); resolves to its exit code, or the CliError's code and message. */
async function inProcess(cmd: { run(argv: string[]): Promise<number> }, args: string[]): Promise<{ code: number; message: string }> {
  const [log, error] = [console.log, console.error];
  console.log = console.error = () => {};
  try {
    return { code: await cmd.run(args), message: '' };
  } catch (err) {
    if (err instanceof CliError) return { code: err.exitCode, message: err.message };
    throw err;
  } finally {
    [console.log, console.error] = [log, error];
  }
}

/** Restores the run's latest checkpoint into a fresh GAN, proving it whole; returns its step. */
async function checkpointLoads(runDir: string): Promise<number> {
  const dir = latestCheckpoint(runDir);
  assert.ok(dir, `${runDir} has a complete checkpoint`);
  const state = readCheckpointState(dir);
  const data: DataShape = { shape: [8, 8, 1], numClasses: 3 };
  const saved = Object.fromEntries(Object.keys(ganOptions.shape).map((key) => [key, state.config[key]]));
  const gan = new GanTrainable(resolveGanOptions(ganOptions.parse(saved), data), data, new Rng(0));
  try {
    await restoreCheckpoint(dir, gan);
  } finally {
    gan.dispose();
  }
  return state.step;
}

describe('ganvae train: configuration', () => {
  it('flags override the --config file; run.json records the resolved values', async () => {
    const config = join(temp.dir, 'config.json');
    writeFileSync(config, JSON.stringify({ maxSteps: 1, seed: 5, loss: 'hinge' }));
    const out = join(temp.dir, 'configured');
    const { code, stdout } = await run(['train', 'gan', ...tinyRunArgs(images), '--config', config, '--max-steps', '2', '--out', out]);
    assert.equal(code, 0);
    assert.match(stdout, /max-steps at step 2\/2/);
    const saved = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).config;
    assert.deepEqual([saved.maxSteps, saved.seed, saved.loss, saved.dSteps], [2, 5, 'hinge', 1]);
  });

  it('exits 2 with the message and no stack trace on bad usage', async () => {
    const { code, stderr } = await run(['train', 'gan', '--lossy', 'ns']);
    assert.equal(code, 2);
    assert.match(stderr, /ganvae train: Unknown option '--lossy'/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  });

  const bad: [string, string[], RegExp][] = [
    ['a value outside an enum', ['--loss', 'wasserstein'], /loss \(--loss\): Invalid option: expected one of "minimax"\|"ns"/],
    ['a non-number', ['--epochs', 'ten'], /--epochs must be a number, got "ten"/],
    ['a preset that does not fit the images', ['--preset', 'dcgan28'], /dcgan28 is for 28x28 images, but the dataset's are 8x8/],
    ['label smoothing with a Wasserstein loss', ['--loss', 'wgan', '--label-smoothing', '0.1'], /--label-smoothing applies to minimax, ns, lsgan and rasgan losses, not --loss wgan/],
    ['an InfoGAN weight without codes', ['--info-weight', '2'], /--info-weight 2 weighs InfoGAN's codes, and this run has none: add --info-categorical/],
    ['an R1 interval without R1', ['--r1', '0', '--r1-every', '4'], /--r1-every 4 spaces the R1 penalty, which is off: add --r1/],
  ];
  for (const [what, args, message] of bad) {
    it(`rejects ${what} with exit 2 and a message naming it`, async () => {
      const { code, message: text } = await inProcess(trainCommand, ['gan', ...tinyRunArgs(images), ...args, '--out', join(temp.dir, 'never')]);
      assert.equal(code, 2);
      assert.match(text, message);
    });
  }

  it('rejects a --config file with an unknown key', async () => {
    const config = join(temp.dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ epoch: 3 }));
    const { code, message } = await inProcess(trainCommand, ['gan', '--config', config, '--out', join(temp.dir, 'never')]);
    assert.equal(code, 2);
    assert.match(message, /unknown option "epoch"/);
  });
});

describe('ganvae train: stopping', () => {
  it('SIGINT finishes the step, checkpoints, exits 130; --resume continues from there', async () => {
    const out = join(temp.dir, 'interrupted');
    const child = ganvae(['train', 'gan', ...tinyRunArgs(images, { epochs: 100000 }), '--out', out]);
    await until(() => existsSync(join(out, 'metrics.jsonl')), 'the first logged step');
    child.kill('SIGINT');
    const { code, stderr } = await child.done;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /interrupted \(SIGINT\) at step \d+.*Checkpoint saved; continue with --resume/);
    const step = await checkpointLoads(out);
    assert.ok(step >= 1);
    const resumed = await run(['train', 'gan', '--resume', '--out', out, '--max-steps', String(step + 2)]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`resuming .* at step ${step}`));
    assert.equal(await checkpointLoads(out), step + 2);
  });

  it('SIGKILL at any moment leaves a checkpoint that loads; resuming then finishes', async () => {
    const out = join(temp.dir, 'killed');
    const args = ['train', 'gan', ...tinyRunArgs(images, { epochs: 100000, checkpointEvery: 1 }), '--out', out];
    // Kill at several delays after a checkpoint lands, so some kills hit the middle of the next write.
    for (const delay of [0, 7, 23, 61]) {
      const child = ganvae(delay === 0 ? args : ['train', 'gan', '--resume', '--out', out]);
      const start = latestCheckpoint(out);
      await until(() => latestCheckpoint(out) !== start, 'a new checkpoint');
      await sleep(delay);
      child.kill('SIGKILL');
      const { signal } = await child.done;
      assert.equal(signal, 'SIGKILL');
      await checkpointLoads(out);
    }
    const last = await checkpointLoads(out);
    const finish = await run(['train', 'gan', '--resume', '--out', out, '--max-steps', String(last + 1)]);
    assert.equal(finish.code, 0, finish.stderr);
    assert.equal(await checkpointLoads(out), last + 1);
    assert.deepEqual(readdirSync(join(out, 'checkpoints')).sort(), ['latest', `step-${String(last + 1).padStart(8, '0')}`], 'leftovers are cleaned up');
  });
});

describe('ganvae sample / interpolate', () => {
  const out = join(temp.dir, 'sampled');
  before(async () => {
    const { code, message } = await inProcess(trainCommand, ['gan', ...tinyRunArgs(images, { maxSteps: 2, conditional: 'cgan' }), '--out', out]);
    assert.equal(code, 0, message);
  });

  it('writes a grid with one column per class (as a user runs it), and one file per image with --out-dir', async () => {
    const grid = join(temp.dir, 'grid.png');
    const { code, stdout, stderr } = await run(['sample', '--run', out, '--n', '6', '--out', grid]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /6 images in/);
    const image = decodeImage(readFileSync(grid));
    assert.deepEqual([image.width, image.height], [3 * 10 + 2, 2 * 10 + 2]);
    const dir = join(temp.dir, 'singles');
    assert.equal((await inProcess(sampleCommand, ['--run', out, '--n', '4', '--class', 'class-1', '--out-dir', dir])).code, 0);
    assert.deepEqual(readdirSync(dir).sort(), ['0000.png', '0001.png', '0002.png', '0003.png']);
    assert.deepEqual([decodeImage(readFileSync(join(dir, '0000.png'))).width], [8]);
  });

  it('the same seed gives the same images', async () => {
    const a = join(temp.dir, 'a.png');
    const b = join(temp.dir, 'b.png');
    await inProcess(sampleCommand, ['--run', out, '--n', '3', '--seed', '4', '--out', a]);
    await inProcess(sampleCommand, ['--run', out, '--n', '3', '--seed', '4', '--out', b]);
    assert.ok(readFileSync(a).equals(readFileSync(b)));
  });

  it('interpolate writes a strip of --steps images and the same images as an animated GIF', async () => {
    const strip = join(temp.dir, 'strip.png');
    const { code } = await inProcess(interpolateCommand, ['--run', out, '--from', '1', '--to', '2', '--steps', '5', '--mode', 'linear', '--out', strip]);
    assert.equal(code, 0);
    const image = decodeImage(readFileSync(strip));
    assert.deepEqual([image.width, image.height], [5 * 10 + 2, 12]);
    // Defaults: ping-pong (5 frames there, 3 back), 100 ms, magnified to 128 pixels.
    const pingpong = await sharp(join(temp.dir, 'strip.gif'), { animated: true }).metadata();
    assert.deepEqual([pingpong.pages, pingpong.delay, pingpong.loop, pingpong.width, pingpong.pageHeight], [8, new Array(8).fill(100), 0, 128, 128]);
    const gif = join(temp.dir, 'forward.gif');
    const forward = await inProcess(interpolateCommand, ['--run', out, '--from', '1', '--to', '2', '--steps', '5', '--mode', 'linear', '--out', strip,
      '--gif', gif, '--gif-loop', 'forward', '--gif-delay-ms', '40', '--gif-scale', '1']);
    assert.equal(forward.code, 0, forward.message);
    const { data, info } = await sharp(gif, { animated: true }).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.pages, info.width, info.pageHeight], [5, 8, 8]);
    assert.deepEqual((await sharp(gif, { animated: true }).metadata()).delay, new Array(5).fill(40));
    // Grey frames are stored exactly: frame i is the strip's i-th image (after its 2-pixel padding).
    for (let f = 0; f < 5; f++) {
      for (let y = 0; y < 8; y++) {
        for (let x = 0; x < 8; x++) {
          assert.equal(data[((f * 8 + y) * 8 + x) * info.channels], image.pixels[(2 + y) * image.width + 2 + f * 10 + x], `frame ${f} (${x}, ${y})`);
        }
      }
    }
    const badLoop = await inProcess(interpolateCommand, ['--run', out, '--from', '1', '--to', '2', '--gif-loop', 'backwards']);
    assert.equal(badLoop.code, 2);
    assert.match(badLoop.message, /--gif-loop must be pingpong or forward, got "backwards"/);
  });

  it('explains bad input: a class that does not exist, a folder that is not a run, a newer run format', async () => {
    const badClass = await inProcess(sampleCommand, ['--run', out, '--class', '7']);
    assert.equal(badClass.code, 2);
    assert.match(badClass.message, /--class must be a class index 0..2 or a name \(class-0, class-1, class-2\)/);
    const notRun = await inProcess(sampleCommand, ['--run', images]);
    assert.equal(notRun.code, 2);
    assert.match(notRun.message, /is not a run folder: .*run.json is missing/);
    const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    writeFileSync(join(out, 'run.json'), JSON.stringify({ ...info, formatVersion: 99 }));
    const newer = await inProcess(interpolateCommand, ['--run', out, '--from', '1', '--to', '2']);
    assert.equal(newer.code, 2);
    assert.match(newer.message, /run format version 99, but this ganvae reads version 1/);
  });
});
