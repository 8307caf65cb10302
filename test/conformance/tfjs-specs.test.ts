// tfjs-core's shared op specs (Jasmine) pass on the native backend for every op it overrides.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { nativeMissing } from '../helpers/backends.ts';

it('tfjs-core specs for conv2d, conv2dTranspose, matMul and fused ops pass on native', { skip: nativeMissing }, () => {
  const runner = fileURLToPath(new URL('./run-tfjs-specs.ts', import.meta.url));
  const run = spawnSync(process.execPath, ['--import', 'tsx', runner], { encoding: 'utf8', timeout: 300_000 });
  const summary = /(\d+) specs?, (\d+) failures?/.exec(run.stdout);
  assert.ok(summary, `no Jasmine summary in the output:\n${run.stdout}\n${run.stderr}`);
  assert.ok(Number(summary[1]) > 100, `only ${summary[1]} specs ran`);
  assert.equal(Number(summary[2]), 0, run.stdout.slice(-4000));
  assert.equal(run.status, 0, run.stderr);
});
