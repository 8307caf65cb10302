// The sweep's overhead per trial (issue #16): N tiny trials (--max-steps 1) on 2 workers through Redis, and on the
// embedded default, against the same `ganvae train` + `ganvae eval` in a shell loop, 2 at a time (xargs -P 2).
// Run: node --import tsx bench/sweep-overhead.ts [--trials 200] [--loop-trials N] [--no-redis] [--no-local] [--no-loop]
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { evalArgs, parseSweepSpec } from '../src/sweep/spec.ts';
import { GANVAE_BIN } from '../src/sweep/trial-process.ts';
import type { TrialResult } from '../src/sweep/trial.ts';
import { writeSpec, writeSweepData } from '../test/sweep/fixtures.ts';
import { startRedis } from '../test/sweep/redis-server.ts';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '200' }, 'loop-trials': { type: 'string' },
    'no-redis': { type: 'boolean' }, 'no-local': { type: 'boolean' }, 'no-loop': { type: 'boolean' }, keep: { type: 'boolean' },
  },
});
const n = Number(values.trials);
const loopN = Math.min(n, Number(values['loop-trials'] ?? n));
const node = process.execPath;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const seconds = (t: number) => (performance.now() - t) / 1000;

/** Runs `ganvae ...args`; resolves to its exit code and output. */
function ganvae(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<{ code: number | null; output: string }> } {
  const child = spawn(node, [GANVAE_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => { output = (output + c.toString()).slice(-20_000); });
  child.stderr!.on('data', (c: Buffer) => { output = (output + c.toString()).slice(-20_000); });
  return { child, done: new Promise((resolve) => child.on('exit', (code) => resolve({ code, output }))) };
}

/** The trials' own time (train + eval in their process), from the results a sweep wrote. */
function trialSeconds(results: TrialResult[]): number {
  return results.reduce((sum, r) => sum + r.wallSeconds, 0);
}

const root = mkdtempSync(join(tmpdir(), 'ganvae-sweep-bench-'));
console.log(`${cpus()[0].model} × ${cpus().length} cores; load average at the start ${load()}`);
const data = await writeSweepData(root);
const specPath = writeSpec(join(root, 'bench.json'), data, {
  name: 'bench', grid: { loss: ['ns'] }, seeds: Array.from({ length: n }, (_, i) => i), flags: { maxSteps: 1 },
});
const sweep = await parseSweepSpec(JSON.parse(readFileSync(specPath, 'utf8')), specPath);
const rows: string[] = [];
const report = (what: string, wall: number, count: number, inTrial?: number) => {
  const perTrial = (1000 * wall) / count;
  // Two slots: each trial holds one for 2 × wall / count; what the trial itself did not use of that is overhead.
  const overhead = inTrial === undefined ? '' : `; per trial ${(1000 * inTrial / count).toFixed(0)} ms inside the trial, ` +
    `${((2000 * wall - 1000 * inTrial) / count).toFixed(0)} ms of a slot outside it`;
  rows.push(`  ${what.padEnd(34)} ${wall.toFixed(1).padStart(7)} s for ${count}: ${perTrial.toFixed(0).padStart(5)} ms per trial${overhead} (load ${load()})`);
  console.log(rows.at(-1));
};

if (!values['no-redis']) {
  const redis = await startRedis();
  const workers = [0, 1].map(() => ganvae(['worker', '--redis', redis.url, '--threads', '1']));
  try {
    const t = performance.now();
    const out = join(root, 'redis');
    const { code, output } = await ganvae(['sweep', specPath, '--redis', redis.url, '--out', out, '--top', '0']).done;
    const wall = seconds(t);
    if (code !== 0) throw new Error(`the Redis sweep exited ${code}:\n${output}`);
    const { Redis } = await import('ioredis');
    const client = new Redis(redis.url);
    const results = Object.values(await client.hgetall('ganvae:sweep:bench:results')).map((j) => JSON.parse(j) as TrialResult);
    client.disconnect();
    report('sweep --redis, 2 workers × 1 thread', wall, n, trialSeconds(results));
  } finally {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.done));
    await redis.stop();
  }
}

if (!values['no-local']) {
  const t = performance.now();
  const out = join(root, 'local');
  const { code, output } = await ganvae(['sweep', specPath, '--out', out, '--workers', '2', '--threads', '1', '--top', '0']).done;
  const wall = seconds(t);
  if (code !== 0) throw new Error(`the embedded sweep exited ${code}:\n${output}`);
  const results = readdirSync(join(out, 'results')).map((f) => JSON.parse(readFileSync(join(out, 'results', f), 'utf8')) as TrialResult);
  report('sweep --workers 2 --threads 1', wall, n, trialSeconds(results));
}

if (!values['no-loop']) {
  // The same trials as a shell loop: ganvae train then ganvae eval, 2 at a time.
  const loop = join(root, 'loop');
  mkdirSync(loop, { recursive: true });
  const lines = sweep.trials.slice(0, loopN).map((trial) => {
    const config = join(loop, `${trial.id}.json`);
    writeFileSync(config, JSON.stringify(trial.config));
    const run = join(loop, trial.id);
    return `OMP_NUM_THREADS=1 ${node} ${GANVAE_BIN} train gan --config ${config} --out ${run} >/dev/null 2>&1 && ` +
      `OMP_NUM_THREADS=1 ${node} ${GANVAE_BIN} eval --run ${run} --out ${run}/eval ${evalArgs(trial.eval).join(' ')} >/dev/null 2>&1`;
  });
  writeFileSync(join(loop, 'commands.txt'), `${lines.join('\n')}\n`);
  const t = performance.now();
  const shell = spawn('bash', ['-c', `xargs -P 2 -d '\\n' -I{} bash -c '{}' < ${join(loop, 'commands.txt')}`], { stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => shell.on('exit', resolve));
  if (code !== 0) throw new Error(`the shell loop exited ${code}`);
  report('shell loop (train + eval, xargs -P 2)', seconds(t), loopN);
}

console.log(`\n${n} trials of --max-steps 1 (tiny GAN, 8×8 grey, eval on 20 images), 2 at a time, ${cpus()[0].model} × ${cpus().length}:`);
for (const row of rows) console.log(row);
if (!values.keep) rmSync(root, { recursive: true, force: true });
else console.log(`kept ${root}`);
