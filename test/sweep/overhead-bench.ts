// A benchmark, not a test (not *.test.ts, so `npm test` skips it): the coordinator's and queue's overhead per
// trial. N tiny trials (--max-steps 1) on 2 workers through Redis, against the same train + eval commands in a
// shell loop, 2 at a time. Usage: node --import tsx test/sweep/overhead-bench.ts [N=20]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { evalArgs, parseSweepSpec } from '../../src/sweep/spec.ts';
import { GANVAE_BIN } from '../../src/sweep/trial.ts';
import { writeSpec, writeSweepData } from './fixtures.ts';
import { startRedis } from './redis-server.ts';

const n = Number(process.argv[2] ?? 20);
const root = mkdtempSync(join(tmpdir(), 'ganvae-sweep-bench-'));
const data = await writeSweepData(root);
const specPath = writeSpec(join(root, 'bench.json'), data, { name: 'bench', grid: { loss: ['ns'] }, seeds: Array.from({ length: n }, (_, i) => i), flags: { maxSteps: 1 } });
const sweep = await parseSweepSpec(JSON.parse(readFileSync(specPath, 'utf8')), specPath);

const redis = await startRedis();
const node = process.execPath;
const workers = [0, 1].map(() => spawnSync('bash', ['-c', `${node} ${GANVAE_BIN} worker --redis ${redis.url} --threads 1 >/dev/null 2>&1 & echo $!`], { encoding: 'utf8' }).stdout.trim());
let t = performance.now();
const queued = spawnSync(node, [GANVAE_BIN, 'sweep', specPath, '--redis', redis.url, '--out', join(root, 'queued'), '--top', '0'], { encoding: 'utf8' });
const queuedSeconds = (performance.now() - t) / 1000;
for (const pid of workers) process.kill(Number(pid), 'SIGTERM');
await redis.stop();
if (queued.status !== 0) throw new Error(queued.stderr);

// The same trials as a shell loop: ganvae train then ganvae eval, 2 at a time (xargs -P 2).
const loop = join(root, 'loop');
mkdirSync(loop, { recursive: true });
const lines = sweep.trials.map((trial) => {
  const config = join(loop, `${trial.id}.json`);
  writeFileSync(config, JSON.stringify(trial.config));
  const run = join(loop, trial.id);
  return `OMP_NUM_THREADS=1 ${node} ${GANVAE_BIN} train gan --config ${config} --out ${run} >/dev/null 2>&1 && ` +
    `OMP_NUM_THREADS=1 ${node} ${GANVAE_BIN} eval --run ${run} ${evalArgs(trial.eval).join(' ')} >/dev/null 2>&1`;
});
writeFileSync(join(loop, 'commands.txt'), `${lines.join('\n')}\n`);
t = performance.now();
const shell = spawnSync('bash', ['-c', `xargs -P 2 -d '\\n' -I{} bash -c '{}' < ${join(loop, 'commands.txt')}`], { encoding: 'utf8' });
const loopSeconds = (performance.now() - t) / 1000;
if (shell.status !== 0) throw new Error(`shell loop failed: ${shell.stderr}`);

const perTrial = (s: number) => (1000 * s / n).toFixed(0);
console.log(`${n} trials of --max-steps 1, 2 at a time, ${cpus()[0].model} × ${cpus().length}`);
console.log(`  sweep via Redis + 2 workers: ${queuedSeconds.toFixed(1)} s (${perTrial(queuedSeconds)} ms per trial of wall time)`);
console.log(`  shell loop (xargs -P 2):     ${loopSeconds.toFixed(1)} s (${perTrial(loopSeconds)} ms per trial)`);
console.log(`  overhead: ${((queuedSeconds - loopSeconds) * 2000 / n).toFixed(0)} ms per trial (per worker slot)`);
rmSync(root, { recursive: true, force: true });
