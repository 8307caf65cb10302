// bench/interleave.ts: calls alternate between two builds per shape, each side's time is summed, and the
// comparison is printed for a real training step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { alternating, comparisonRows, type SideTimes } from '../../bench/interleave.ts';
import { BUILT_ADDON_PATH } from '../../src/native/addon.ts';
import { nativeMissing } from '../helpers/backends.ts';

test('calls alternate between the two sides per shape, each timed on its own side', () => {
  const times = new Map<string, SideTimes>();
  let clock = 0;
  const calls: string[] = [];
  const side = (name: string, ms: number) => (...args: unknown[]) => {
    calls.push(`${name}${(args[0] as Float32Array).length}`);
    clock += ms;
    return name;
  };
  const f = alternating(side('a', 1), side('b', 3), times, () => clock);
  const small = new Float32Array(2);
  const large = new Float32Array(5);
  assert.deepEqual([f(small, 7), f(large), f(small), f(large), f(small)], ['a', 'a', 'b', 'b', 'a']);
  assert.deepEqual(calls, ['a2', 'a5', 'b2', 'b5', 'a2']);
  // Only typed arrays make the key: the number 7 does not.
  assert.deepEqual(times.get('2'), { calls: [2, 1], ms: [2, 3] });
  assert.deepEqual(times.get('5'), { calls: [1, 1], ms: [1, 3] });
});

test('the comparison gives each shape per call and both sides over all the calls', () => {
  const times = new Map<string, SideTimes>([
    ['2', { calls: [2, 1], ms: [2, 3] }],
    ['5', { calls: [1, 1], ms: [4, 2] }],
    ['9', { calls: [1, 0], ms: [1, 0] }],
  ]);
  assert.deepEqual(comparisonRows(times), [
    ['2', '3', '1.000', '3.000', '3.00x'],
    ['5', '2', '4.000', '2.000', '0.50x'],
    // A: 1 ms × 3 calls + 4 ms × 2; B: 3 × 3 + 2 × 2. The shape B never ran is left out.
    ['all (ms in all)', '5', '11.0', '13.0', '1.18x'],
  ]);
});

test('compares two builds on a real training step, and refuses a missing build', { skip: nativeMissing }, () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'ganvae-interleave-'));
  try {
    const [a, b] = ['a.node', 'b.node'].map((name) => join(dir, name));
    copyFileSync(BUILT_ADDON_PATH, a);
    copyFileSync(BUILT_ADDON_PATH, b);
    const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bench/interleave.ts', ...args], { encoding: 'utf8' });
    const ok = run(['--a', a, '--b', b, '--kernel', 'conv2d', '--workloads', 'W2', '--warmup', '0', '--iterations', '2']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /W2 ConvVAE-28: conv2d alternated between A .* and B .* over 2 iterations \(fp32\)/);
    assert.match(ok.stdout, /^all \(ms in all\)\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d.]+x$/m);
    const missing = run(['--a', a, '--kernel', 'conv2d']);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /--a and --b must each name a built addon/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
