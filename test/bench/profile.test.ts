// The kernel profile's aggregation: time and calls summed per key, largest first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { aggregateKernels } from '../../bench/profile.ts';

test('kernel times are summed by name (or name and shapes) and sorted', () => {
  const kernels = [
    { name: 'Conv2D', kernelTimeMs: 2, inputShapes: [[1, 4, 4, 1]] },
    { name: 'Add', kernelTimeMs: 5, inputShapes: [[3], [3]] },
    { name: 'Conv2D', kernelTimeMs: 4, inputShapes: [[1, 8, 8, 1]] },
  ];
  assert.deepEqual(aggregateKernels(kernels, (k) => k.name), [
    { kernel: 'Conv2D', calls: 2, ms: 6 },
    { kernel: 'Add', calls: 1, ms: 5 },
  ]);
  assert.deepEqual(aggregateKernels(kernels, (k) => `${k.name} ${k.inputShapes[0]}`).map((s) => s.kernel), ['Add 3', 'Conv2D 1,8,8,1', 'Conv2D 1,4,4,1']);
});

test('profiles a workload end to end, averaging --iterations iterations, and refuses a bad count', () => {
  const profile = (iterations: string) => spawnSync(process.execPath, ['--import', 'tsx', 'bench/profile.ts', '--workloads', 'W2', '--batch', '2',
    '--warmup', '0', '--iterations', iterations], { encoding: 'utf8' });
  const run = profile('2');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /W2 ConvVAE-28 on native: one iteration \d+ ms unprofiled; .*means over 2 iterations, calls per iteration/);
  // The encoder's and decoder's convolutions run once each per iteration: counts are per iteration, not summed.
  const conv = /^Conv2D\s+(\S+)\s/m.exec(run.stdout) ?? /^FusedConv2D\s+(\S+)\s/m.exec(run.stdout);
  assert.ok(conv && Number.isInteger(Number(conv[1])), run.stdout);
  const refused = profile('0');
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /--iterations must be a whole number of at least 1, got "0"/);
});
