// The harness end to end on W2 with batch 2 and 2 timed iterations (native and, when installed, PyTorch),
// and the child-process protocol: result line, errors, and the timeout that yields an upper bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChildTimeout, runChild, TIMING_STARTED } from '../../bench/measurement.ts';
import type { RunRecord, WorkloadResult } from '../../bench/results.ts';

const torchInstalled = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
// W2 per example: encoder convs 56448 + 903168, dense 802816 + 4096 + 4096; decoder dense 4096 + 802816,
// ConvTs 1806336 + 3612672 + 225792. Encoder 3x less its first input gradient, decoder 3x.
const W2_MACS_PER_EXAMPLE = 3 * 1770624 - 56448 + 3 * 6451712;

test('bench/run.ts measures W2 (batch 2) on native and PyTorch in two interleaved rounds and writes the JSON', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ganvae-bench-'));
  const out = path.join(dir, 'results.json');
  const systems = torchInstalled ? 'native,pytorch' : 'native';
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--workloads', 'W2', '--systems', systems,
    '--batch', '2', '--seconds', '0', '--warmup', '0', '--threads', '1', '--repeats', '2', '--out', out], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stdout + child.stderr);
  const written = JSON.parse(readFileSync(out, 'utf8')) as { workloads: WorkloadResult[]; runs: RunRecord[] };
  const [w2] = written.workloads;
  rmSync(dir, { recursive: true });
  assert.equal(w2.batch, 2);
  assert.equal(w2.flopsPerIteration, 2 * 2 * W2_MACS_PER_EXAMPLE);
  assert.equal(w2.mirrorProblem, null);
  for (const s of w2.systems) {
    assert.equal(s.error, null, s.system);
    assert.equal(s.steps, 4, `${s.system}: 2 timed steps in each of 2 rounds`);
    assert.equal(s.rounds, 2, s.system);
    assert.ok(s.imagesPerSec! > 0 && s.peakRssMiB! > 50, s.system);
  }
  const order = systems.split(',');
  assert.deepEqual(written.runs.map((r) => `${r.system} ${r.round}`), [...order.map((s) => `${s} 0`), ...order.map((s) => `${s} 1`)],
    'each round runs every system before the next round starts');
  if (torchInstalled) assert.ok(w2.systems[0].vsPytorch! > 0 && w2.systems[0].vsPytorchRange!.length === 2);
  assert.match(child.stdout, /W2 ConvVAE-28 +native +1 +4 +[\d.]+ \(/);
});

test('a child\'s last stdout line is its measurement; a failure shows its last stderr lines', async () => {
  const m = { steps: 3, seconds: 1.5, warmupSteps: 0, threads: 1, peakRssBytes: 1, layers: {}, params: {}, details: {} };
  const ok = await runChild(process.execPath, ['-e', `console.log('noise'); console.log(${JSON.stringify(JSON.stringify(m))})`], {}, 30);
  assert.deepEqual(ok, m);
  await assert.rejects(runChild(process.execPath, ['-e', 'console.error("torch is missing"); process.exit(3)'], {}, 30),
    /exited with 3: torch is missing/);
  await assert.rejects(runChild(process.execPath, ['-e', 'console.log("not json")'], {}, 30), /not JSON/);
});

test('a child killed at its timeout reports how long its timed iterations ran', async () => {
  const script = `console.error(${JSON.stringify(TIMING_STARTED)}); setTimeout(() => {}, 60000)`;
  const err = await runChild(process.execPath, ['-e', script], {}, 2).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof ChildTimeout, String(err));
  assert.equal(err.timeoutSeconds, 2);
  assert.ok(err.timedSeconds > 0 && err.timedSeconds <= 2, String(err.timedSeconds));
});
