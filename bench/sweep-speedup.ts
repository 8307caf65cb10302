// The speed-up of a real sweep from running trials side by side (issue #16): 8 trials of a Fashion-MNIST GAN (4 losses ×
// 2 seeds, trained and evaluated) as `--workers 2 --threads 1` against `--workers 1 --threads 2`, on this machine.
// Run: node --import tsx bench/sweep-speedup.ts [--steps 300] [--eval-n 1000] [--preset dcgan28] [--width 16]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GANVAE_BIN } from '../src/sweep/trial-process.ts';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '300' }, 'eval-n': { type: 'string', default: '1000' },
    preset: { type: 'string', default: 'dcgan28' }, width: { type: 'string' }, keep: { type: 'boolean' },
  },
});
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const root = mkdtempSync(join(tmpdir(), 'ganvae-sweep-speedup-'));
const spec = join(root, 'speedup.json');
writeFileSync(spec, JSON.stringify({
  name: 'speedup', family: 'gan',
  flags: { data: 'fashion-mnist', preset: values.preset, maxSteps: Number(values.steps), ...(values.width ? { width: Number(values.width) } : {}) },
  grid: { loss: ['ns', 'lsgan', 'hinge', 'wgan-gp'] }, seeds: [0, 1],
  eval: { n: Number(values['eval-n']), split: 'test' }, metric: 'fid',
}));

/** Runs the sweep with `workers` × `threads`; resolves to its wall seconds. */
async function sweep(workers: number, threads: number): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [GANVAE_BIN, 'sweep', spec, '--out', join(root, `w${workers}t${threads}`), '--workers', String(workers),
    '--threads', String(threads), '--top', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-10_000); });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`the sweep (${workers} × ${threads}) exited ${code}:\n${stderr}`);
  return (performance.now() - started) / 1000;
}

console.log(`${cpus()[0].model} × ${cpus().length} cores; 8 trials: ${values.preset}, ${values.steps} steps, eval n ${values['eval-n']}; load ${load()}`);
const one = await sweep(1, 2);
console.log(`  1 worker  × 2 threads: ${one.toFixed(1)} s (load ${load()})`);
const two = await sweep(2, 1);
console.log(`  2 workers × 1 thread:  ${two.toFixed(1)} s (load ${load()})`);
console.log(`  speed-up of 2 × 1 over 1 × 2: ${(one / two).toFixed(2)}×`);
if (!values.keep) rmSync(root, { recursive: true, force: true });
