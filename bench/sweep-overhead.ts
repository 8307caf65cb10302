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

/**
 * Where a sweep's wall time went, from its trials' results (each says when it finished and how long it took): the
 * start (the coordinator, the workers picking the sweep up, each slot's process loading tfjs), the trials themselves,
 * the time between one trial and the next in a slot (queue, IPC, result files), and the end (the table and plot).
 */
function breakdown(results: TrialResult[], startedAt: number, endedAt: number, slots: number): string {
  const spans = results.map((r) => ({ end: Date.parse(r.finishedAt), wall: r.wallSeconds * 1000 })).map((s) => ({ ...s, start: s.end - s.wall }));
  const first = Math.min(...spans.map((s) => s.start));
  const last = Math.max(...spans.map((s) => s.end));
  const inside = spans.reduce((sum, s) => sum + s.wall, 0);
  const between = (slots * (last - first) - inside) / results.length;
  return `start ${((first - startedAt) / 1000).toFixed(1)} s, per trial ${(inside / results.length).toFixed(0)} ms inside it + ` +
    `${between.toFixed(0)} ms of its slot between trials, end ${((endedAt - last) / 1000).toFixed(1)} s`;
}

const root = mkdtempSync(join(tmpdir(), 'ganvae-sweep-bench-'));
console.log(`${cpus()[0].model} × ${cpus().length} cores; load average at the start ${load()}`);
const data = await writeSweepData(root);
const specPath = writeSpec(join(root, 'bench.json'), data, {
  name: 'bench', grid: { loss: ['ns'] }, seeds: Array.from({ length: n }, (_, i) => i), flags: { maxSteps: 1 },
});
const sweep = await parseSweepSpec(JSON.parse(readFileSync(specPath, 'utf8')), specPath);
const rows: string[] = [];
const report = (what: string, wall: number, count: number, detail = '') => {
  const perTrial = (1000 * wall) / count;
  rows.push(`  ${what.padEnd(38)} ${wall.toFixed(1).padStart(7)} s for ${count}: ${perTrial.toFixed(0).padStart(5)} ms per trial (load ${load()})` +
    `${detail ? `\n  ${''.padEnd(38)} ${detail}` : ''}`);
  console.log(rows.at(-1));
};

if (!values['no-redis']) {
  const redis = await startRedis();
  const workers = [0, 1].map(() => ganvae(['worker', '--redis', redis.url, '--threads', '1']));
  try {
    const t = performance.now();
    const startedAt = Date.now();
    const out = join(root, 'redis');
    const { code, output } = await ganvae(['sweep', specPath, '--redis', redis.url, '--out', out, '--top', '0']).done;
    const wall = seconds(t);
    const endedAt = Date.now();
    if (code !== 0) throw new Error(`the Redis sweep exited ${code}:\n${output}`);
    const { Redis } = await import('ioredis');
    const client = new Redis(redis.url);
    const results = Object.values(await client.hgetall('ganvae:sweep:bench:results')).map((j) => JSON.parse(j) as TrialResult);
    client.disconnect();
    report('sweep --redis, 2 workers × 1 thread', wall, n, breakdown(results, startedAt, endedAt, 2));
  } finally {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.done));
    await redis.stop();
  }
}

if (!values['no-local']) {
  const t = performance.now();
  const startedAt = Date.now();
  const out = join(root, 'local');
  const { code, output } = await ganvae(['sweep', specPath, '--out', out, '--workers', '2', '--threads', '1', '--top', '0']).done;
  const wall = seconds(t);
  const endedAt = Date.now();
  if (code !== 0) throw new Error(`the embedded sweep exited ${code}:\n${output}`);
  const results = readdirSync(join(out, 'results')).map((f) => JSON.parse(readFileSync(join(out, 'results', f), 'utf8')) as TrialResult);
  report('sweep --workers 2 --threads 1 (no Redis)', wall, n, breakdown(results, startedAt, endedAt, 2));
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
