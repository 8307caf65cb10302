// The shared training loop on a tiny GAN: budgets, metrics, grids, checkpoints and model/ files; exact
// resume (2k steps == k + resume + k); the divergence guard; no tensor leaks per step.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { decodeImage } from '../../src/data/image-codec.ts';
import { Rng } from '../../src/core/random.ts';
import { initBackend } from '../../src/env/backend.ts';
import { createBatcher } from '../../src/data/batches.ts';
import { loadDataset } from '../../src/data/sources.ts';
import { findNonFinite, latestCheckpoint, NonFiniteStateError, readCheckpointState, restoreCheckpoint, writeCheckpoint } from '../../src/training/checkpoint.ts';
import { trainingOptions } from '../../src/training/config.ts';
import { trainLoop } from '../../src/training/loop.ts';
import { ganKind, ganOptions, GanTrainable, resolveGanOptions, type GanOptions } from '../../src/gan/gan-family.ts';
import { openRun } from '../../src/runs/open-run.ts';
import { readRunInfo, RUN_FORMAT_VERSION } from '../../src/training/run-folder.ts';
import { trainRun } from '../../src/runs/train-run.ts';
import type { DataShape, Trainable } from '../../src/training/trainable.ts';
import { tempFolder, tinyRunOptions, writeImageFolder } from './fixtures.ts';

const temp = tempFolder();
const images = join(temp.dir, 'images');
before(async () => {
  await initBackend();
  writeImageFolder(images);
});
after(() => temp.remove());

/** Trains the tiny GAN into `name`; returns the outcome and every step's losses. */
async function tinyRun(name: string, extra: Record<string, unknown>, resume = false) {
  const steps: Record<string, number>[] = [];
  const outcome = await trainRun({
    family: 'gan', outDir: join(temp.dir, name), flags: resume ? extra : tinyRunOptions(images, extra), resume, dataCache: false,
    onStep: (_step, losses) => steps.push(losses),
  });
  return { ...outcome, steps };
}

describe('a run', () => {
  it('stops at --max-steps and writes run.json, metrics every k steps, grids, a checkpoint and model/', async () => {
    const { result, runDir } = await tinyRun('basic', { maxSteps: 6, logEvery: 2 });
    assert.equal(result.reason, 'max-steps');
    assert.equal(result.step, 6);
    const info = readRunInfo(runDir);
    assert.equal(info.formatVersion, RUN_FORMAT_VERSION);
    assert.deepEqual(info.dataset.shape, [8, 8, 1]);
    assert.deepEqual(info.dataset.classes, ['class-0', 'class-1', 'class-2']);
    assert.equal(info.config.learningRate, 2e-4, 'run.json holds the resolved preset values');
    const rows = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(rows.map((r) => r.step), [2, 4, 6]);
    for (const row of rows) for (const key of ['epoch', 'elapsedSec', 'imagesPerSec', 'dLoss', 'gLoss']) assert.equal(typeof row[key], 'number');
    // 18 training images in batches of 4: 4 steps per epoch, so one epoch grid, then the final one.
    assert.deepEqual(readdirSync(join(runDir, 'samples')).sort(), ['epoch-0001.png', 'final.png']);
    const grid = decodeImage(readFileSync(join(runDir, 'samples', 'final.png')));
    assert.deepEqual([grid.width, grid.height, grid.channels], [3 * 10 + 2, 3 * 10 + 2, 1]);
    assert.equal(readCheckpointState(latestCheckpoint(runDir)!).step, 6);
    for (const part of ['generator', 'generator-ema', 'discriminator']) {
      const json = JSON.parse(readFileSync(join(runDir, 'model', part, 'model.json'), 'utf8'));
      assert.equal(json.format, 'layers-model');
      assert.ok(existsSync(join(runDir, 'model', part, 'weights.bin')));
    }
  });

  it('stops at --max-minutes with a checkpoint', async () => {
    const { result, runDir } = await tinyRun('minutes', { maxMinutes: 0.0001 });
    assert.equal(result.reason, 'max-minutes');
    assert.equal(readCheckpointState(latestCheckpoint(runDir)!).step, result.step);
  });

  it('refuses to overwrite a run, and to change the model when resuming', async () => {
    await assert.rejects(tinyRun('basic', { maxSteps: 1 }), /already holds a run; continue it with `--resume --out/);
    await assert.rejects(tinyRun('basic', { loss: 'hinge' }, true), /--loss cannot change when resuming/);
  });
});

describe('checkpoints bounded by time', () => {
  for (const [minutes, expectMidRun] of [[0.0002, true], [0, false]] as const) {
    it(`--checkpoint-minutes ${minutes} ${expectMidRun ? 'checkpoints' : 'does not checkpoint'} before --checkpoint-every steps`, async () => {
      const runDir = join(temp.dir, `timed-${minutes}`);
      let seenAtStep8: number | null | undefined;
      await trainRun({
        family: 'gan', outDir: runDir, dataCache: false,
        flags: tinyRunOptions(images, { maxSteps: 8, checkpointEvery: 100000, checkpointMinutes: minutes }),
        onStep: (step) => {
          if (step === 8) {
            const dir = latestCheckpoint(runDir);
            seenAtStep8 = dir ? readCheckpointState(dir).step : null;
          }
        },
      });
      if (expectMidRun) assert.ok(seenAtStep8 !== null && seenAtStep8! >= 1 && seenAtStep8! < 8, `checkpoint before the end: ${seenAtStep8}`);
      else assert.equal(seenAtStep8, null);
      assert.equal(readCheckpointState(latestCheckpoint(runDir)!).step, 8, 'and one at the end');
    });
  }
});

describe('resume', () => {
  // Dropout, batch norm, EMA and a stop mid-epoch (4 steps per epoch) all have state a resume must restore.
  const options = { dropout: 0.3, checkpointEvery: 1000 };
  const k = 5;

  for (const [name, variant] of [['', options], [' with spectral norm in G and D and a lazy R1 penalty', { spectralNorm: 'both', r1: 0.5, r1Every: 3, checkpointEvery: 1000 }]] as const) {
  it(`2k steps in one go equal k steps, a resume and k more: same losses, same weights${name}`, async () => {
    const whole = await tinyRun(`whole${name.length}`, { ...variant, maxSteps: 2 * k });
    const first = await tinyRun(`split${name.length}`, { ...variant, maxSteps: k });
    const second = await tinyRun(`split${name.length}`, { maxSteps: 2 * k }, true);
    assert.equal(second.result.step, 2 * k);
    assert.deepEqual([...first.steps, ...second.steps], whole.steps);
    for (const part of ['generator', 'generator-ema', 'discriminator']) {
      const a = readFileSync(join(whole.runDir, 'model', part, 'weights.bin'));
      const b = readFileSync(join(second.runDir, 'model', part, 'weights.bin'));
      assert.ok(a.equals(b), `${part} weights differ after resuming`);
    }
    const rows = readFileSync(join(second.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step);
    assert.deepEqual(rows, Array.from({ length: 2 * k }, (_, i) => i + 1));
  });
  }

  it('exports plain networks when they are spectrally normalised: model/ names no spectral-norm layer, and the run opens and samples', async () => {
    const run = await tinyRun('spectral', { spectralNorm: 'both', r1: 1, maxSteps: 3 });
    assert.ok(run.steps.every((losses) => Number.isFinite(losses.r1) && Number.isFinite(losses.dAdversarial)));
    assert.ok(run.steps[0].r1 > 0, 'the first D step is an R1 step');
    assert.equal(run.steps[1].r1, 0, 'lazy: the next 15 are not');
    for (const part of ['generator', 'generator-ema', 'discriminator']) {
      assert.doesNotMatch(readFileSync(join(run.runDir, 'model', part, 'model.json'), 'utf8'), /"class_name":"SpectralNorm/);
      assert.match(readFileSync(join(latestCheckpoint(run.runDir)!, 'models', part, 'model.json'), 'utf8'), /"class_name":"SpectralNorm/);
    }
    const opened = await openRun(run.runDir);
    try {
      const noise = tf.randomNormal([2, opened.trainable.latentSize], 0, 1, 'float32', 1) as tf.Tensor2D;
      const fromModel = opened.trainable.sample(noise);
      const config = Object.fromEntries(Object.entries(opened.info.config).filter(([key]) => key in ganOptions.shape));
      const trained = ganKind.create(ganOptions.parse(config), opened.data, new Rng(0));
      await restoreCheckpoint(latestCheckpoint(run.runDir)!, trained);
      const fromCheckpoint = trained.sample(noise);
      // EMA averages the weights but copies spectral norm's unit vectors u and v from G.
      const gan = trained as GanTrainable;
      const vectors = (model: typeof gan.generator) => model.weights.filter((w) => /\/[uv]$/.test(w.originalName)).map((w) => Array.from(w.read().dataSync()));
      assert.ok(vectors(gan.generator).length > 0);
      assert.deepEqual(vectors(gan.generatorEma!), vectors(gan.generator));
      assert.ok(tf.max(tf.abs(tf.sub(fromModel, fromCheckpoint))).dataSync()[0] < 1e-5, 'the plain export samples what the trained networks do');
      tf.dispose([noise, fromModel, fromCheckpoint]);
      trained.dispose();
    } finally {
      opened.trainable.dispose();
    }
  });

  it('continues ADA\'s adaptive p and the data flips exactly, from the checkpoint\'s state.json', async () => {
    const ada = { augment: 'ada', flip: true, checkpointEvery: 1000 };
    const whole = await tinyRun('ada-whole', { ...ada, maxSteps: 2 * k });
    await tinyRun('ada-split', { ...ada, maxSteps: k });
    const second = await tinyRun('ada-split', { maxSteps: 2 * k }, true);
    assert.deepEqual(second.steps, whole.steps.slice(k));
    const family = (dir: string) => readCheckpointState(latestCheckpoint(dir)!).family;
    assert.deepEqual(family(second.runDir), family(whole.runDir));
    assert.equal(typeof (family(whole.runDir)?.ada as { p: number }).p, 'number');
    // A p written into the checkpoint is the p the resumed run augments with.
    const statePath = join(latestCheckpoint(second.runDir)!, 'state.json');
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    writeFileSync(statePath, JSON.stringify({ ...state, family: { ada: { ...state.family.ada, p: 0.5 } } }));
    const third = await tinyRun('ada-split', { maxSteps: 2 * k + 1 }, true);
    assert.ok(Math.abs(third.steps[0].adaP - 0.5) < 1e-3, `resumed p ${third.steps[0].adaP}`);
    writeFileSync(join(latestCheckpoint(second.runDir)!, 'state.json'), JSON.stringify({ ...state, step: 2 * k + 1, family: { ada: { p: 'high' } } }));
    await assert.rejects(tinyRun('ada-split', { maxSteps: 2 * k + 2 }, true), /state\.json: .*ADA state is corrupt: p/);
  });
});

describe('divergence guard', () => {
  it('stops at the first non-finite loss or optimiser state; with no checkpoint yet, --resume starts from step 0', async () => {
    // Adam moves each weight by about the learning rate: at 1e18 the first step's gradients overflow Adam's second moments.
    const { result, runDir } = await tinyRun('diverge', { learningRate: 1e18, batchNorm: false, checkpointEvery: 1, maxSteps: 40 });
    assert.equal(result.reason, 'diverged');
    const d = result.divergence!;
    assert.ok(d.cause === 'state' || Object.values(d.losses).some((v) => !Number.isFinite(v)));
    if (d.cause === 'state') assert.match(d.what!, /optimiser variable .*\/(m|v)$|weight /);
    assert.equal(result.checkpointStep, null, 'no checkpoint was written from the diverged state');
    assert.equal(latestCheckpoint(runDir), null);
    assert.ok(!existsSync(join(runDir, 'model')), 'no model/ is exported from diverged weights');
    const messages: string[] = [];
    const restarted = await trainRun({ family: 'gan', outDir: runDir, resume: true, flags: { maxSteps: 0 }, dataCache: false, log: (m) => messages.push(m) });
    assert.equal(restarted.result.reason, 'diverged', 'the same configuration diverges again');
    assert.match(messages.join('\n'), /has no checkpoint yet .*starting it from step 0/);
  });

  it('refuses to checkpoint a state whose optimiser moments hold a NaN, and keeps the last good checkpoint', async () => {
    const runDir = join(temp.dir, 'poisoned');
    const data: DataShape = { shape: [8, 8, 1], numClasses: 3 };
    const options = resolveGanOptions(ganOptions.parse({ preset: 'dcgan', width: 4 }), data);
    const gan = new GanTrainable(options, data, new Rng(1));
    const splits = await loadDataset(`folder:${images}`, { size: 8, channels: 1, cacheDir: false });
    const loop = { ...tinyRunOptions(images), ...trainingOptions.parse({ batchSize: 4, checkpointEvery: 1, maxSteps: 6, logEvery: 1, sampleCount: 4 }) };
    // After step 3 one of D's Adam moments becomes NaN while the weights and losses stay finite.
    const poisoning: Trainable = Object.create(gan, {
      trainStep: {
        value(batch: Parameters<Trainable['trainStep']>[0], rng: Rng) {
          const losses = gan.trainStep(batch, rng);
          if (++steps === 3) {
            const moment = (gan.optimizers().discriminator as unknown as { accumulatedSecondMoment: { variable: tf.Variable }[] }).accumulatedSecondMoment[0].variable;
            moment.assign(tf.fill(moment.shape, NaN));
          }
          return losses;
        },
      },
    });
    let steps = 0;
    mkdirSync(runDir, { recursive: true });
    try {
      const result = await trainLoop({
        runDir, trainable: poisoning, options: loop, rng: new Rng(2), startStep: 0, config: { ...loop, ...options },
        batcher: createBatcher(splits.train, { batchSize: 4, seed: 0, dropLast: true }),
      });
      assert.equal(result.reason, 'diverged');
      assert.equal(result.divergence!.cause, 'state');
      assert.match(result.divergence!.what!, /^discriminator optimiser variable conv2d_Conv2D\d+\/kernel\/v$/);
      assert.equal(result.checkpointStep, 2);
      const checkpoint = latestCheckpoint(runDir)!;
      assert.equal(readCheckpointState(checkpoint).step, 2);
      const restored = new GanTrainable(options, data, new Rng(0));
      await restoreCheckpoint(checkpoint, restored);
      assert.equal(await findNonFinite(restored), null, 'the kept checkpoint holds finite weights and optimiser state');
      restored.dispose();
      await assert.rejects(writeCheckpoint(runDir, gan, { step: 9, rng: 0, config: {} }), NonFiniteStateError);
      assert.deepEqual(readdirSync(join(runDir, 'checkpoints')).sort(), ['latest', 'step-00000002'], 'nothing written for the bad state');
    } finally {
      gan.dispose();
    }
  });
});

describe('memory', () => {
  const data: DataShape = { shape: [8, 8, 1], numClasses: 3 };
  const variants: Partial<GanOptions>[] = [
    {}, { loss: 'wgan-gp' }, { loss: 'wgan' }, { conditional: 'cgan' }, { conditional: 'acgan', featureMatching: true }, { dropout: 0.3, labelSmoothing: 0.1 },
    { augment: 'diffaug', flip: true }, { augment: 'ada', loss: 'rasgan' }, { spectralNorm: 'both', r1: 1, r1Every: 1 },
  ];
  for (const variant of variants) {
    it(`a training step leaks no tensors: ${JSON.stringify(variant)}`, () => {
      const gan = new GanTrainable(resolveGanOptions(ganOptions.parse({ preset: 'dcgan', width: 4, ...variant }), data), data, new Rng(1));
      const images = tf.randomUniform([4, 8, 8, 1], -1, 1, 'float32', 2) as tf.Tensor4D;
      const labels = tf.tensor1d([0, 1, 2, 0], 'int32');
      const rng = new Rng(3);
      const step = () => tf.dispose(gan.trainStep({ images, labels }, rng));
      step();
      step();
      const settled = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) step();
      assert.equal(tf.memory().numTensors, settled);
      tf.dispose([images, labels]);
      gan.dispose();
    });
  }

  it('a whole run, checkpoints and grids included, leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    await tinyRun('memory', { maxSteps: 5, checkpointEvery: 2, sampleEvery: 3 });
    assert.equal(tf.memory().numTensors, before);
  });
});
