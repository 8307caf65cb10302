// Checkpoints and models as in-memory files (src/training/run-files.ts, what the browser studio saves and exports)
// are the files `ganvae train` writes: a checkpoint encoded in memory restores through Node's restoreCheckpoint,
// one Node wrote restores through restoreCheckpointFiles, and both continue the same run bit for bit; the pause,
// resume and stop requests of the shared step loop.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/core/random.ts';
import { initBackend } from '../../src/env/backend.ts';
import { createBatcher } from '../../src/data/batches.ts';
import { latestCheckpoint, restoreCheckpoint, writeCheckpoint } from '../../src/training/checkpoint.ts';
import { trainRun } from '../../src/runs/train-run.ts';
import { encodeCheckpoint, encodeModels, restoreCheckpointFiles, type FileMap } from '../../src/training/run-files.ts';
import { LoopControl, runStepLoop } from '../../src/training/step-loop.ts';
import { trainingOptions } from '../../src/training/config.ts';
import { ganOptions, GanTrainable, resolveGanOptions } from '../../src/gan/gan-family.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import type { DataShape } from '../../src/training/trainable.ts';
import { tempFolder, tinyRunOptions, writeImageFolder } from './fixtures.ts';

const temp = tempFolder('ganvae-run-files-test-');
const data: DataShape = { shape: [8, 8, 1], numClasses: 0 };
const options = resolveGanOptions(ganOptions.parse({ width: 4 }), data);
const gan = (seed = 1) => new GanTrainable(options, data, new Rng(seed));
const rng = new Rng(7);
const dataset: Dataset = { name: 'noise', images: Uint8Array.from({ length: 16 * 64 }, () => rng.int(256)), count: 16, height: 8, width: 8, channels: 1 };
const loop = trainingOptions.parse({ batchSize: 4, logEvery: 1, checkpointEvery: 1000, checkpointMinutes: 0, sampleCount: 4, maxSteps: 6 });

before(async () => {
  await initBackend('cpu');
});
after(() => temp.remove());

/** Every file under `dir` by relative path. */
function readTree(dir: string): FileMap {
  const out: FileMap = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path).split('\\').join('/')] = new Uint8Array(readFileSync(path));
    }
  };
  walk(dir);
  return out;
}

/** `steps` steps of `trainable` from `rngState`, returning each step's losses. */
async function steps(trainable: GanTrainable, rngState: number, count: number): Promise<Record<string, number>[]> {
  const seen: Record<string, number>[] = [];
  const r = new Rng(0);
  r.state = rngState;
  const batcher = createBatcher(dataset, { batchSize: 4, seed: 0, dropLast: true });
  for (let i = 0; i < count; i++) {
    const b = batcher.batch(0, i % batcher.batchesPerEpoch);
    const images = tf.tensor4d(b.images, b.shape);
    const losses = trainable.trainStep({ images }, r);
    seen.push(Object.fromEntries(Object.entries(losses).map(([k, v]) => [k, v.dataSync()[0]])));
    tf.dispose([images, ...Object.values(losses)]);
  }
  return seen;
}

describe('run files', () => {
  it('a checkpoint encoded in memory has the files Node writes, and each side restores the other\'s bit for bit', async () => {
    const source = gan();
    await steps(source, 5, 3);
    const files = await encodeCheckpoint(source, { step: 3, rng: 99, config: { a: 1 } });
    const diskDir = await writeCheckpoint(join(temp.dir, 'run'), source, { step: 3, rng: 99, config: { a: 1 } });
    const disk = readTree(diskDir);
    assert.deepEqual(Object.keys(files).sort(), Object.keys(disk).sort());
    for (const [path, bytes] of Object.entries(files)) {
      if (path !== 'state.json') assert.deepEqual(bytes, disk[path], path);
    }
    // Memory → disk → Node's restore, and disk → memory → restoreCheckpointFiles: the same next steps as the source.
    const memoryDir = join(temp.dir, 'from-memory');
    for (const [path, bytes] of Object.entries(files)) {
      mkdirSync(dirname(join(memoryDir, path)), { recursive: true });
      writeFileSync(join(memoryDir, path), bytes);
    }
    const viaNode = gan(2);
    assert.equal((await restoreCheckpoint(memoryDir, viaNode)).step, 3);
    const viaFiles = gan(3);
    assert.equal((await restoreCheckpointFiles(disk, viaFiles, 'the checkpoint')).rng, 99);
    const expected = await steps(source, 11, 2);
    assert.deepEqual(await steps(viaNode, 11, 2), expected);
    assert.deepEqual(await steps(viaFiles, 11, 2), expected);
    const models = await encodeModels(source);
    assert.deepEqual(Object.keys(models).sort(), ['discriminator/model.json', 'discriminator/weights.bin', 'generator-ema/model.json', 'generator-ema/weights.bin', 'generator/model.json', 'generator/weights.bin']);
    for (const t of [source, viaNode, viaFiles]) t.dispose();
  });

  it('refuses a damaged checkpoint, naming the file', async () => {
    const source = gan();
    const files = await encodeCheckpoint(source, { step: 1, rng: 1, config: {} });
    const target = gan(2);
    const cases: [FileMap, RegExp][] = [
      [{ ...files, 'state.json': new TextEncoder().encode('{') }, /state\.json is not valid JSON/],
      [{ ...files, 'models/generator/weights.bin': files['models/generator/weights.bin'].subarray(8) }, /models\/generator\/model\.json hold \d+ bytes/],
      [Object.fromEntries(Object.entries(files).filter(([p]) => p !== 'optimizers/generator.bin')), /optimizers\/generator\.bin is missing/],
    ];
    for (const [damaged, message] of cases) await assert.rejects(restoreCheckpointFiles(damaged, target, 'saved run'), message);
    source.dispose();
    target.dispose();
  });

  it('the step loop pauses (checkpointing first), resumes and stops on request, and the steps are those of an uninterrupted run', async () => {
    const run = async (control?: LoopControl, onPaused?: (step: number) => void) => {
      const trainable = gan();
      const checkpoints: number[] = [];
      const losses: Record<string, number>[] = [];
      const result = await runStepLoop({
        trainable, batcher: createBatcher(dataset, { batchSize: 4, seed: 0, dropLast: true }), options: loop, rng: new Rng(4), startStep: 0,
        control, onPaused, onStep: (step, l) => {
          losses.push(l);
          if (step === 2) control?.pause();
        },
        hooks: { checkpoint: async (step) => void checkpoints.push(step), yieldBetweenSteps: () => new Promise((r) => setImmediate(r)) },
      });
      trainable.dispose();
      return { result, checkpoints, losses };
    };
    const plain = await run();
    const control = new LoopControl();
    const paused: number[] = [];
    const interrupted = await run(control, (step) => {
      paused.push(step);
      setTimeout(() => control.resume(), 20);
    });
    assert.deepEqual(paused, [2]);
    assert.deepEqual(interrupted.checkpoints, [2, 6], 'a pause checkpoints first');
    assert.deepEqual(interrupted.losses, plain.losses);
    assert.equal(interrupted.result.reason, 'max-steps');
    const stopper = new LoopControl();
    const stopped = await run(stopper, () => stopper.stop());
    assert.equal(stopped.result.reason, 'interrupted');
    assert.equal(stopped.result.step, 2);
  });

  it('a run whose checkpoints/latest lost its symlink in an unzip (a file naming the target, or a copied folder) still resumes', async () => {
    const images = writeImageFolder(join(temp.dir, 'images'));
    for (const form of ['file', 'folder'] as const) {
      const runDir = join(temp.dir, `unzipped-${form}`);
      await trainRun({ family: 'gan', outDir: runDir, flags: tinyRunOptions(images, { maxSteps: 2 }), dataCache: false });
      const latest = join(runDir, 'checkpoints', 'latest');
      const target = readlinkSync(latest);
      rmSync(latest);
      if (form === 'file') writeFileSync(latest, target);
      else cpSync(join(runDir, 'checkpoints', target), latest, { recursive: true });
      assert.ok(latestCheckpoint(runDir)?.endsWith(form === 'file' ? target : 'latest'), form);
      const { result } = await trainRun({ family: 'gan', outDir: runDir, flags: { maxSteps: 3 }, resume: true, dataCache: false });
      assert.equal(result.step, 3, form);
      assert.ok(lstatSync(latest).isSymbolicLink(), `${form}: the next checkpoint links latest again`);
      assert.deepEqual(readdirSync(join(runDir, 'checkpoints')).sort(), ['latest', 'step-00000003'], form);
    }
  });
});
