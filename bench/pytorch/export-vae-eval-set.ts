// Writes what bench/pytorch/train_vae.py needs to repeat a ganvae VAE run: its architecture and training
// settings (run.json, steps done) and the exact images ganvae evaluates it on, as .npy files read bit for bit:
// node --import tsx bench/pytorch/export-vae-eval-set.ts RUN_DIR OUT_DIR [--subset 1000]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../../src/env/backend.ts';
import { loadDataset } from '../../src/data/sources.ts';
import { vaeEvalSet, type VaeEvalSet } from '../../src/vae/eval-set.ts';
import { readRunInfo, runPaths } from '../../src/training/run-folder.ts';
import { binarization, vaeArchitecture, vaeOptions } from '../../src/vae/vae-family.ts';

/** A NumPy .npy (format 1.0) of uint8 `values` with C-order `shape`. */
function npyBytes(values: Uint8Array, shape: number[]): Buffer {
  const dict = `{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in \n.
  const headerLength = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10;
  const header = dict.padEnd(headerLength - 1, ' ') + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix.writeUInt8(1, 6);
  prefix.writeUInt16LE(headerLength, 8);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(values.buffer, values.byteOffset, values.byteLength)]);
}

/** Every image of `set` as uint8 0/1 pixels [count, h, w, c] (the binarised images are exactly 0 or 1). */
async function setBytes(set: VaeEvalSet): Promise<{ values: Uint8Array; shape: number[] }> {
  const { value } = set.batches(set.count).next();
  const { x, labels } = value!;
  const pixels = await x.data() as Float32Array;
  const shape = x.shape;
  x.dispose();
  labels?.dispose();
  const bad = pixels.findIndex((v) => v !== 0 && v !== 1);
  if (bad >= 0) throw new Error(`pixel ${bad} is ${pixels[bad]}: the export expects binarised images`);
  return { values: Uint8Array.from(pixels), shape };
}

/** The run's architecture, training settings and progress (steps and seconds of its last metrics row). */
function runSettings(runDir: string): Record<string, unknown> {
  const info = readRunInfo(runDir);
  if (info.kind !== 'vae') throw new Error(`${runDir} is a ${info.kind} run, not a VAE run`);
  const options = vaeOptions.parse(Object.fromEntries(Object.keys(vaeOptions.shape).map((k) => [k, info.config[k]])));
  const rows = readFileSync(runPaths(runDir).metrics, 'utf8').trim().split('\n');
  const last = JSON.parse(rows[rows.length - 1]) as { step: number; elapsedSec: number };
  return {
    run: runDir, data: info.config.data, backend: info.backend,
    architecture: vaeArchitecture(options, { shape: info.dataset.shape, numClasses: info.dataset.classes.length }),
    batchSize: info.config.batchSize, learningRate: options.learningRate, beta: options.beta, klWarmupSteps: options.klWarmupSteps,
    binarize: binarization(options), seed: info.config.seed, steps: last.step, trainSeconds: last.elapsedSec,
  };
}

async function main(): Promise<void> {
  const { values: flags, positionals } = parseArgs({ allowPositionals: true, options: { subset: { type: 'string', default: '1000' } } });
  if (positionals.length !== 2) throw new Error('usage: export-vae-eval-set.ts RUN_DIR OUT_DIR [--subset 1000]');
  const [runDir, out] = positionals;
  const settings = runSettings(runDir);
  if (settings.binarize !== 'dynamic') throw new Error(`${runDir} was not trained on binarised images; the export covers Bernoulli VAEs on binarised data`);
  await initBackend('cpu');
  const { test } = await loadDataset(String(settings.data));
  const sets = {
    'test-binarized': vaeEvalSet(test, { binarize: true }),
    'iwae-subset': vaeEvalSet(test, { binarize: true, subset: Number(flags.subset) }),
  };
  mkdirSync(out, { recursive: true });
  const protocol: Record<string, string> = {};
  for (const [name, set] of Object.entries(sets)) {
    const { values, shape } = await setBytes(set);
    writeFileSync(join(out, `${name}.npy`), npyBytes(values, shape));
    protocol[name] = set.protocol;
    console.log(`${join(out, `${name}.npy`)}: [${shape.join(', ')}] ${set.protocol}`);
  }
  writeFileSync(join(out, 'run.json'), `${JSON.stringify({ ...settings, protocol }, null, 2)}\n`);
}

main().catch((err: Error) => {
  console.error(`export-vae-eval-set: ${err.message}`);
  process.exitCode = 1;
});
