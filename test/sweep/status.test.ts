// `ganvae sweep status --watch` and `ganvae sweep cancel` on a real redis-server (loopback, AOF on) and on the embedded
// default, and the `random` mode end to end: n seeded draws give the same trials and table for the same seed, on Redis
// and without it, and other trials for another seed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { exitCodeOf } from '../../src/cli/command.ts';
import { command as sweepCommand } from '../../src/cli/commands/sweep.ts';
import { connectRedis } from '../../src/sweep/queue.ts';
import { parseSweepSpec } from '../../src/sweep/spec.ts';
import type { TrialResult } from '../../src/sweep/trial.ts';
import { captured, ganvae, type Proc, until, within } from './processes.ts';
import { writeSpec, writeSweepData } from './fixtures.ts';
import { redisMissing, startRedis, type TestRedis } from './redis-server.ts';

const skip = redisMissing();

/** The done counts of the progress lines a watch printed, in order. */
const doneCounts = (output: string, name: string) =>
  [...output.matchAll(new RegExp(`sweep ${name}: (\\d+)/\\d+ done`, 'g'))].map((m) => Number(m[1]));

describe('sweep status --watch, cancel, and random draws', { skip: skip ?? false, timeout: 600_000 }, () => {
  let root: string;
  let data: { images: string; extractor: string };
  let redis: TestRedis;
  let client: Redis;
  let worker: Proc | undefined;
  const logs = () => worker?.output() ?? '';

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'ganvae-sweep-status-'));
    data = await writeSweepData(root);
    redis = await startRedis();
    client = await connectRedis(redis.url);
  });

  after(async () => {
    if (worker) {
      worker.child.kill('SIGTERM');
      await within('the worker stopping', 60_000, worker.exited).catch(() => worker!.child.kill('SIGKILL'));
    }
    client?.disconnect();
    await redis?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const random = (seed: number) => ({ n: 3, seed, params: { learningRate: { min: 1e-4, max: 1e-2, log: true }, loss: ['ns', 'lsgan', 'hinge'] } });
  const randomSpec = (seed: number) => writeSpec(join(root, `random-${seed}.json`), data, { name: `random-${seed}`, random: random(seed), seeds: [1] });

  it('random: queued with --detach and followed by status --watch to the end; the embedded default gives the same trials; another seed, others', async () => {
    const spec = randomSpec(7);
    const sweep = await parseSweepSpec(JSON.parse(readFileSync(spec, 'utf8')), spec);
    assert.equal(sweep.trials.length, 3);
    assert.deepEqual(sweep.sweptKeys, ['learningRate', 'loss']);
    const queued = await captured(() => sweepCommand.run([spec, '--redis', redis.url, '--out', join(root, 'random-redis'), '--detach']));
    assert.equal(queued.value, 0, queued.output);
    assert.match(queued.output, /0 done already, 3 queued/);
    assert.match(queued.output, /queued sweep random-7/);
    // No worker yet: a watch with --timeout ends with the sweep unfinished (exit 1) and prints the table so far.
    const early = await captured(() => sweepCommand.run(['status', 'random-7', '--redis', redis.url, '--watch', '--timeout', '1']));
    assert.equal(early.value, 1, early.output);
    assert.match(early.output, /0\/3 done, 0 running, 0 failed/);
    assert.match(early.output, /not finished after 1 s \(--timeout\)/);
    // Watched from before a worker serves it: the first update shows nothing done.
    const watch = ganvae(['sweep', 'status', 'random-7', '--redis', redis.url, '--watch']);
    await until('the first update', 120_000, () => doneCounts(watch.output(), 'random-7').length > 0);
    worker = ganvae(['worker', '--redis', redis.url, '--threads', '1', '--lock-seconds', '3']);
    assert.equal(await within('the watch', 300_000, watch.exited, () => watch.output() + logs()), 0, watch.output());
    const counts = doneCounts(watch.output(), 'random-7');
    assert.equal(counts[0], 0);
    assert.equal(counts.at(-1), 3);
    assert.deepEqual(counts, [...counts].sort((a, b) => a - b));
    assert.match(watch.output(), /3\/3 done, 0 running, 0 failed; best fid/);
    for (const t of sweep.trials) assert.match(watch.output(), new RegExp(`\\d  ${t.id}  ${t.swept.learningRate}\\s+${t.swept.loss} .* done`));

    // The same spec without Redis: the same draws, so the same trial ids, swept values and metrics.
    const out = join(root, 'random-local');
    const local = await captured(() => sweepCommand.run([spec, '--out', out, '--workers', '1', '--top', '0']));
    assert.equal(local.value, 0, local.output);
    const redisResults = Object.values(await client.hgetall('ganvae:sweep:random-7:results')).map((j) => JSON.parse(j) as TrialResult);
    const localResults = readdirSync(join(out, 'results')).map((f) => JSON.parse(readFileSync(join(out, 'results', f), 'utf8')) as TrialResult);
    const byId = (rs: TrialResult[]) => Object.fromEntries(rs.map((r) => [r.id, { swept: r.swept, metrics: r.metrics, steps: r.steps }]));
    assert.deepEqual(Object.keys(byId(localResults)).sort(), sweep.trials.map((t) => t.id).sort());
    assert.deepEqual(byId(localResults), byId(redisResults));
    for (const t of sweep.trials) assert.deepEqual(byId(localResults)[t.id].swept, t.swept);
    assert.match(readFileSync(join(out, 'trials.csv'), 'utf8').split('\n')[0], /^rank,trial,status,learningRate,loss,fid,/);

    // Another seed draws other configurations: other trials.
    const other = await parseSweepSpec(JSON.parse(readFileSync(randomSpec(8), 'utf8')), 'random-8.json');
    assert.equal(other.trials.length, 3);
    assert.ok(other.trials.every((t) => !sweep.trials.some((s) => s.id === t.id)));
    assert.notDeepEqual(other.trials.map((t) => t.swept.learningRate), sweep.trials.map((t) => t.swept.learningRate));
  });

  it('cancel: the waiting trials are removed and the running one finishes; status --watch ends (exit 1); re-submitting runs the rest', async () => {
    assert.ok(worker, 'the first test starts the worker');
    // The first trial (60 steps) is under way when the cancel comes; the worker runs one at a time, so two wait.
    const spec = writeSpec(join(root, 'cancel.json'), data, { name: 'cancel', grid: { maxSteps: [60, 2, 3] }, seeds: [1] });
    const sweep = await parseSweepSpec(JSON.parse(readFileSync(spec, 'utf8')), spec);
    const out = join(root, 'cancel');
    const before = logs().length;
    const started = () => (logs().slice(before).match(/cancel trial [0-9a-f]{12} .*: started/g) ?? []).length;
    const queued = await captured(() => sweepCommand.run([spec, '--redis', redis.url, '--out', out, '--detach']));
    assert.equal(queued.value, 0, queued.output);
    await until('the first trial training', 120_000, () => existsSync(join(out, 'trials', sweep.trials[0].id, 'metrics.jsonl')));
    const cancelled = await captured(() => sweepCommand.run(['cancel', 'cancel', '--redis', redis.url]));
    assert.equal(cancelled.value, 0);
    assert.match(cancelled.output, /sweep cancel: cancelled; 2 waiting trials removed, running ones finish/);
    // The running trial finishes and is recorded; nothing else starts.
    await until('the running trial recorded', 120_000, async () => (await client.hlen('ganvae:sweep:cancel:results')) === 1);
    assert.ok(await client.hexists('ganvae:sweep:cancel:results', sweep.trials[0].id));
    const status = await captured(() => sweepCommand.run(['status', 'cancel', '--redis', redis.url, '--watch']));
    assert.equal(status.value, 1, status.output);
    assert.match(status.output, /1\/3 done, 0 running, 0 failed; best fid .* \(cancelled\)/);
    assert.match(status.output, /cancelled; `ganvae sweep SPEC.json --redis URL` queues its remaining trials again/);
    assert.equal(started(), 1, logs());

    // Queued again: the finished trial is kept, the other two run.
    const again = await captured(() => sweepCommand.run([spec, '--redis', redis.url, '--out', out, '--top', '0']));
    assert.equal(again.value, 0, again.output + logs());
    assert.match(again.output, /1 done already, 2 queued/);
    assert.equal(await client.hlen('ganvae:sweep:cancel:results'), 3);
    assert.equal(started(), 3, logs());
  });

  it('status --watch --out follows an embedded sweep: updates with the running trial, exit 0 at the end; 1 when its process is gone', async () => {
    const spec = writeSpec(join(root, 'local-watch.json'), data, { name: 'local-watch', grid: { loss: ['ns', 'lsgan'] }, seeds: [3] });
    const out = join(root, 'local-watch');
    const run = captured(() => sweepCommand.run([spec, '--out', out, '--workers', '1', '--top', '0']));
    await until('sweep.json', 120_000, () => existsSync(join(out, 'sweep.json')));
    assert.ok(existsSync(join(out, 'running.json')));
    const watch = ganvae(['sweep', 'status', '--out', out, '--watch']);
    assert.equal(await within('the watch', 300_000, watch.exited, watch.output), 0, watch.output());
    const { value, output } = await within('the sweep', 60_000, run);
    assert.equal(value, 0, output);
    assert.match(watch.output(), /sweep local-watch: [01]\/2 done, 1 running, 0 failed/);
    assert.match(watch.output(), /\n2\/2 done, 0 running, 0 failed; best fid/);
    assert.ok(!existsSync(join(out, 'running.json')));
    // A sweep folder whose process is gone (running.json names a dead pid, trials pending): the watch ends, exit 1.
    const gone = join(root, 'gone');
    mkdirSync(gone);
    copyFileSync(join(out, 'sweep.json'), join(gone, 'sweep.json'));
    writeFileSync(join(gone, 'running.json'), JSON.stringify({ pid: watch.child.pid, host: hostname(), trials: { [JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')).trials[0].id]: '' } }));
    const ended = await captured(() => sweepCommand.run(['status', '--out', gone, '--watch']));
    assert.equal(ended.value, 1, ended.output);
    assert.match(ended.output, /0\/2 done, 0 running, 0 failed/);
    assert.match(ended.output, /its `ganvae sweep` process is not running; run the sweep again to continue it/);
  });

  it('a second `ganvae sweep` on a sweep folder that a live one is running is refused (exit 2)', async () => {
    const spec = writeSpec(join(root, 'busy.json'), data, { name: 'busy', grid: { loss: ['ns'] }, seeds: [1] });
    const out = join(root, 'busy');
    mkdirSync(out);
    writeFileSync(join(out, 'running.json'), JSON.stringify({ pid: process.pid, host: hostname(), trials: {} }));
    await assert.rejects(sweepCommand.run([spec, '--out', out]), (err: Error) => {
      assert.equal(exitCodeOf(err), 2, String(err));
      assert.match(err.message, new RegExp(`is being run by another \`ganvae sweep\` \\(pid ${process.pid} on `));
      return true;
    });
  });
});
