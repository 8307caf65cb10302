// `npm run bench` flags: defaults, lists, and errors that name the flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { DEFAULT_OUT, parseBenchOptions, UsageError } from '../../bench/options.ts';

test('defaults: all workloads and systems, 20 s, 1 thread and all cores', () => {
  const options = parseBenchOptions([]);
  assert.notEqual(options, 'help');
  if (options === 'help') return;
  assert.deepEqual(options.workloads, ['W1', 'W2', 'W3', 'W4', 'D1', 'D2']);
  assert.deepEqual(options.systems, ['native', 'pytorch', 'cpu']);
  assert.deepEqual((parseBenchOptions(['--systems', 'native,native-bf16']) as { systems: string[] }).systems, ['native', 'native-bf16'], '--precision bf16 on request');
  assert.equal(options.seconds, 20);
  assert.equal(options.repeats, 1);
  assert.deepEqual(options.threads, [...new Set([1, os.availableParallelism()])]);
  assert.equal(options.batch, undefined);
  assert.equal(options.out, DEFAULT_OUT);
});

test('flags are parsed into lists and numbers', () => {
  const options = parseBenchOptions(['--workloads', 'W1,W3', '--systems', 'pytorch', '--seconds', '2.5', '--threads', '2', '--batch', '4', '--repeats', '3']);
  assert.deepEqual(options, { ...(options as object), workloads: ['W1', 'W3'], systems: ['pytorch'], seconds: 2.5, threads: [2], batch: 4, repeats: 3 });
  assert.equal(parseBenchOptions(['--help']), 'help');
});

test('bad flags throw UsageErrors naming the flag', () => {
  const cases: [string[], RegExp][] = [
    [['--workloads', 'W9'], /--workloads: unknown "W9"/],
    [['--systems', 'tensorflow'], /--systems: unknown "tensorflow"/],
    [['--seconds', 'soon'], /--seconds must be a non-negative number/],
    [['--threads', '0'], /--threads: thread counts must be at least 1/],
    [['--threads', '1.5'], /--threads must be a non-negative integer/],
    [['--repeats', '0'], /--repeats must be at least 1/],
    [['--repeats', 'twice'], /--repeats must be a non-negative integer/],
    [['--frobnicate'], /frobnicate/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseBenchOptions(argv), (err: Error) => err instanceof UsageError && message.test(err.message), argv.join(' '));
  }
});
