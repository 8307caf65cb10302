// Where a sweep trial's time goes, in one process: loading ganvae's modules (tfjs, models, metrics), then N tiny trials
// (--max-steps 1) one after another, each split into train and eval. Run: node --import tsx bench/sweep-profile.ts [N=5]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const n = Number(process.argv[2] ?? 5);
const ms = (t: number) => `${(performance.now() - t).toFixed(0)} ms`;
let t = performance.now();
const { parseSweepSpec } = await import('../src/sweep/spec.ts');
const { runTrial } = await import('../src/sweep/trial.ts');
const { writeSpec, writeSweepData } = await import('../test/sweep/fixtures.ts');
const tf = await import('@tensorflow/tfjs-core');
console.log(`${cpus()[0].model} × ${cpus().length}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`modules loaded: ${ms(t)} (what a trial's process pays once)`);
const root = mkdtempSync(join(tmpdir(), 'ganvae-sweep-profile-'));
t = performance.now();
const data = await writeSweepData(root);
console.log(`fixture (images, extractor): ${ms(t)}`);
const specPath = writeSpec(join(root, 'p.json'), data, { name: 'p', grid: { loss: ['ns'] }, seeds: Array.from({ length: n }, (_, i) => i), flags: { maxSteps: 1 } });
const sweep = await parseSweepSpec(JSON.parse(readFileSync(specPath, 'utf8')), specPath);
for (const trial of sweep.trials) {
  t = performance.now();
  const r = (await runTrial(trial, join(root, trial.id)))!;
  console.log(`trial ${trial.id}: ${ms(t)} (train ${(r.trainSeconds * 1000).toFixed(0)} ms, eval ${(r.evalSeconds * 1000).toFixed(0)} ms; ` +
    `${tf.memory().numTensors} tensors held after it)`);
}
rmSync(root, { recursive: true, force: true });
