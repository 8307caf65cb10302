// Prints what bench/pytorch/train_gan.py needs to repeat a ganvae GAN run: the resolved options, both networks'
// specs, the batch, the seed, and the steps and seconds the run took (its latest checkpoint, its last metrics row).
// node --import tsx bench/pytorch/gan-spec.ts RUN_DIR > spec.json
import { readFileSync } from 'node:fs';
import { ganArchitecture, ganOptions } from '../../src/gan/gan-family.ts';
import { latestCheckpoint, readCheckpointState } from '../../src/training/checkpoint.ts';
import { readRunInfo, runPaths } from '../../src/training/run-folder.ts';

/** The spec of the GAN run in `runDir`; errors name the folder and what is missing. */
export function ganRunSpec(runDir: string): Record<string, unknown> {
  const info = readRunInfo(runDir);
  if (info.kind !== 'gan') throw new Error(`${runDir} is a ${info.kind} run, not a GAN run`);
  const checkpoint = latestCheckpoint(runDir);
  if (!checkpoint) throw new Error(`${runDir} has no checkpoint: train it first`);
  const options = ganOptions.parse(Object.fromEntries(Object.keys(ganOptions.shape).filter((k) => k in info.config).map((k) => [k, info.config[k]])));
  const data = { shape: info.dataset.shape, numClasses: info.dataset.classes.length };
  const rows = readFileSync(runPaths(runDir).metrics, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, number>);
  const last = rows[rows.length - 1];
  const steps = readCheckpointState(checkpoint).step;
  return {
    run: runDir,
    data: info.config.data,
    imageShape: info.dataset.shape,
    batchSize: info.config.batchSize,
    seed: info.config.seed,
    steps,
    ganvae: { elapsedSec: last.elapsedSec, imagesPerSec: (steps * Number(info.config.batchSize)) / last.elapsedSec, backend: info.backend },
    options,
    gan: ganArchitecture(options, data),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runDir = process.argv[2];
  if (!runDir) {
    console.error('usage: node --import tsx bench/pytorch/gan-spec.ts RUN_DIR > spec.json');
    process.exit(2);
  }
  try {
    console.log(JSON.stringify(ganRunSpec(runDir), null, 2));
  } catch (err) {
    console.error(`gan-spec: ${(err as Error).message}`);
    process.exit(1);
  }
}
