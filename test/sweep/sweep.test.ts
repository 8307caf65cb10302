// End to end on a real redis-server (loopback, AOF on): a 6-trial grid of tiny GAN runs on 2 `ganvae worker`s
// with Redis restarted mid-sweep, a re-submission that runs nothing, the embedded default giving the same
// table, a worker SIGKILLed mid-trial (resumed elsewhere from its checkpoint), a failing trial next to a good one
// (here and on Redis), and the errors a user meets.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { CliError } from '../../src/cli/command.ts';
import { command as sweepCommand } from '../../src/cli/commands/sweep.ts';
import { readLocalState } from '../../src/sweep/local.ts';
import { connectRedis, RedisConnectError, redisSweepState } from '../../src/sweep/queue.ts';
import { parseSweepSpec } from '../../src/sweep/spec.ts';
import { metricsOf } from '../../src/sweep/trial.ts';
import { captured, comparable, ganvae, type Proc, steps, until, within } from './processes.ts';
import { writeSpec, writeSweepData } from './fixtures.ts';
import { freePort, redisMissing, startRedis, type TestRedis } from './redis-server.ts';

const skip = redisMissing();

describe('sweeps on Redis', { skip: skip ?? false, timeout: 900_000 }, () => {
  let root: string;
  let data: { images: string; extractor: string };
  let redis: TestRedis;
  let client: Redis;
  const workers: Proc[] = [];
  const startWorker = () => {
    const w = ganvae(['worker', '--redis', redis.url, '--threads', '1', '--lock-seconds', '3']);
    workers.push(w);
    return w;
  };

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'ganvae-sweep-'));
    data = await writeSweepData(root);
    redis = await startRedis();
    client = await connectRedis(redis.url);
  });

  after(async () => {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => within('a worker stopping', 60_000, w.exited).catch(() => w.child.kill('SIGKILL'))));
    client?.disconnect();
    await redis?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const grid = () => writeSpec(join(root, 'grid.json'), data, { name: 'grid' });
  const redisOut = () => join(root, 'grid-redis');

  it('runs a 6-trial grid on 2 workers, through a Redis restart: every trial done once, the table is the trials\' own eval', async () => {
    startWorker();
    startWorker();
    const coordinator = ganvae(['sweep', grid(), '--redis', redis.url, '--out', redisOut(), '--top', '2']);
    // Restarted once the first result is in: nothing recorded may be lost, and the sweep goes on.
    await until('a first result', 300_000, async () => (await client.hlen('ganvae:sweep:grid:results')) >= 1);
    await redis.restart();
    const code = await within('the sweep', 400_000, coordinator.exited, () => coordinator.output() + workers.map((w) => w.output()).join('\n'));
    assert.equal(code, 0, coordinator.output());
    assert.equal(await client.hlen('ganvae:sweep:grid:results'), 6);
    const rows = comparable(join(redisOut(), 'trials.csv'));
    assert.equal(rows.length, 7);
    const header = rows[0];
    const col = (name: string) => header.indexOf(name);
    const ids = new Set<string>();
    for (const row of rows.slice(1)) {
      const id = row[col('trial')];
      ids.add(id);
      assert.equal(row[col('status')], 'done');
      const runDir = join(redisOut(), 'trials', id);
      const own = metricsOf(JSON.parse(readFileSync(join(runDir, 'eval', 'metrics.json'), 'utf8')));
      for (const m of ['fid', 'kid', 'precision', 'recall', 'density', 'coverage'] as const) {
        assert.equal(row[col(m)], own[m] === null ? '' : JSON.stringify(own[m]), `${id} ${m}`);
      }
      assert.deepEqual(steps(runDir), [1, 2, 3]);
    }
    assert.equal(ids.size, 6);
    // Ranked by FID, lowest first.
    const fids = rows.slice(1).map((r) => Number(r[col('fid')]));
    assert.deepEqual(fids, [...fids].sort((a, b) => a - b));
    for (const file of ['ranking.svg', 'ranking.vl.json', 'report.html']) assert.ok(existsSync(join(redisOut(), file)), file);
    // Each trial started at least once; a lock lost in the restart may re-deliver one, but it is recorded once.
    const starts = workers.map((w) => w.output()).join('\n').match(/grid trial [0-9a-f]{12} .*: started/g) ?? [];
    assert.ok(starts.length >= 6, starts.join('\n'));
  });

  it('re-submitting a finished sweep runs nothing', async () => {
    const before = workers.map((w) => w.output().length);
    const again = await captured(() => sweepCommand.run([grid(), '--redis', redis.url, '--out', join(root, 'grid-again'), '--top', '0']));
    assert.equal(again.value, 0, again.output);
    assert.match(again.output, /6 done already, 0 queued/);
    assert.ok(workers.every((w, i) => !/started/.test(w.output().slice(before[i]))), 'a worker started a trial');
    assert.deepEqual(comparable(join(root, 'grid-again', 'trials.csv')), comparable(join(redisOut(), 'trials.csv')));
  });

  it('the embedded default (no Redis) gives the same table', async () => {
    const out = join(root, 'grid-local');
    const local = await captured(() => sweepCommand.run([grid(), '--out', out, '--workers', '2', '--threads', '1', '--top', '0']));
    assert.equal(local.value, 0, local.output);
    // 6 trials in 2 processes: each worker keeps its process from one trial to the next.
    const pids = [...local.output.matchAll(/: started in process (\d+)/g)].map((m) => m[1]);
    assert.equal(pids.length, 6, local.output);
    assert.equal(new Set(pids).size, 2, local.output);
    assert.deepEqual(comparable(join(out, 'trials.csv')), comparable(join(redisOut(), 'trials.csv')));
    // And a second run skips every trial.
    const again = await captured(() => sweepCommand.run([grid(), '--out', out, '--workers', '2', '--top', '0']));
    assert.equal(again.value, 0, again.output);
    assert.doesNotMatch(again.output, /started/);
  });

  it('a worker SIGKILLed mid-trial: the trial is re-delivered and resumed from its checkpoint, recorded once', async () => {
    const spec = writeSpec(join(root, 'kill.json'), data, {
      name: 'kill', grid: { loss: ['ns', 'lsgan'] }, seeds: [1], flags: { maxSteps: 24, checkpointEvery: 3 },
    });
    const out = join(root, 'kill');
    const coordinator = captured(() => sweepCommand.run([spec, '--redis', redis.url, '--out', out, '--top', '0']));
    // The first trial to log 6 steps: its worker is killed, with no chance to hand the trial back.
    let victim: { id: string; worker: Proc } | null = null;
    await until('a trial at step 6', 300_000, () => {
      for (const w of workers) {
        if (w.child.exitCode !== null) continue;
        const started = [...w.output().matchAll(/kill trial ([0-9a-f]{12}) .*: started/g)].map((m) => m[1]);
        const id = started.at(-1);
        const metrics = id && join(out, 'trials', id, 'metrics.jsonl');
        if (metrics && existsSync(metrics) && readFileSync(metrics, 'utf8').trim().split('\n').length >= 6) {
          victim = { id, worker: w };
          return true;
        }
      }
      return false;
    });
    const { id, worker } = victim!;
    worker.child.kill('SIGKILL');
    const { value, output } = await within('the sweep after the kill', 400_000, coordinator, () => workers.map((w) => w.output()).join('\n'));
    assert.equal(value, 0, output);
    assert.equal(await client.hlen('ganvae:sweep:kill:results'), 2);
    const result = JSON.parse((await client.hget('ganvae:sweep:kill:results', id))!);
    assert.ok(result.resumedFrom >= 3, `resumed from ${result.resumedFrom}`);
    assert.equal(result.steps, 24);
    // The step counter continued: every step logged once, in order.
    assert.deepEqual(steps(join(out, 'trials', id)), Array.from({ length: 24 }, (_, i) => i + 1));
    const rows = comparable(join(out, 'trials.csv'));
    assert.equal(rows.length, 3);
    assert.ok(rows.slice(1).every((r) => r[rows[0].indexOf('status')] === 'done'));
  });

  it('a trial that keeps failing is marked failed with its error after --attempts tries, and the sweep goes on: here and on Redis', async () => {
    const missing = join(root, 'missing');
    const spec = writeSpec(join(root, 'fail.json'), data, { name: 'fail', grid: { data: [`folder:${missing}`, `folder:${data.images}`] }, seeds: [1] });
    const sweep = await parseSweepSpec(JSON.parse(readFileSync(spec, 'utf8')), spec);
    const [bad, good] = sweep.trials;
    const before = workers.map((w) => w.output().length);
    for (const onRedis of [false, true]) {
      const out = join(root, onRedis ? 'fail-redis' : 'fail-local');
      const { value, output } = await captured(() => sweepCommand.run([spec, ...(onRedis ? ['--redis', redis.url] : []), '--out', out, '--attempts', '2', '--top', '0']));
      assert.equal(value, 1, output);
      assert.match(output, /1\/2 done, 0 running, 1 failed; best fid/);
      const state = onRedis ? await redisSweepState(client, 'fail') : readLocalState(out);
      assert.deepEqual([...state.results.keys()], [good.id]);
      const failure = state.failures.get(bad.id);
      assert.equal(failure?.attempts, 2);
      assert.match(failure?.error ?? '', new RegExp(missing));
      assert.equal(failure?.host, hostname());
      const csv = readFileSync(join(out, 'trials.csv'), 'utf8');
      assert.match(csv, new RegExp(`\n1,${good.id},done,`));
      assert.match(csv, new RegExp(`\n,${bad.id},failed,`));
      if (!onRedis) {
        assert.match(output, /attempt 1 failed .*missing.*trying again/);
        assert.match(output, /failed after 2 attempts/);
        // Bad input does not end the trial's process: all three deliveries ran in one.
        assert.equal(new Set([...output.matchAll(/: started in process (\d+)/g)].map((m) => m[1])).size, 1, output);
      }
    }
    const workerLogs = workers.map((w, i) => w.output().slice(before[i])).join('\n');
    assert.match(workerLogs, new RegExp(`fail trial ${bad.id}: attempt 1 of 2 failed: .*missing`));
    assert.match(workerLogs, new RegExp(`fail trial ${bad.id}: attempt 2 of 2 failed`));
  });

  it('refuses a bad spec with exit 2, naming the key, before anything runs', async () => {
    const path = join(root, 'bad.json');
    writeFileSync(path, JSON.stringify({ family: 'gan', grid: { loss: ['ns', 'nope'] } }));
    await assert.rejects(sweepCommand.run([path, '--out', join(root, 'bad')]), (err: Error) => {
      assert.ok(err instanceof CliError && err.exitCode === 2);
      assert.match(err.message, /grid\.loss\[1\] \(--loss\)/);
      return true;
    });
    assert.ok(!existsSync(join(root, 'bad')));
  });

  it('an unreachable Redis is a clear error within seconds (exit 1); a wrong password, exit 2', async () => {
    const spec = grid();
    const port = await freePort();
    const started = Date.now();
    await assert.rejects(sweepCommand.run([spec, '--redis', `redis://127.0.0.1:${port}`, '--out', join(root, 'x')]), (err: Error) => {
      assert.ok(err instanceof CliError && err.exitCode === 1, String(err));
      assert.match(err.message, new RegExp(`cannot reach Redis at redis://127.0.0.1:${port}`));
      return true;
    });
    assert.ok(Date.now() - started < 6000, `${Date.now() - started} ms`);
    const locked = await startRedis({ password: 'right-one' });
    try {
      for (const url of [`redis://:wrong@127.0.0.1:${locked.port}`, `redis://127.0.0.1:${locked.port}`]) {
        await assert.rejects(connectRedis(url), (err: Error) => {
          assert.ok(err instanceof RedisConnectError && err.badCredentials, String(err));
          assert.match(err.message, /refused the credentials/);
          assert.doesNotMatch(err.message, /wrong@/);
          return true;
        });
      }
      await assert.rejects(sweepCommand.run([spec, '--redis', `redis://:wrong@127.0.0.1:${locked.port}`]), (err: Error) => err instanceof CliError && err.exitCode === 2);
      (await connectRedis(locked.url)).disconnect();
    } finally {
      await locked.stop();
    }
  });
});
