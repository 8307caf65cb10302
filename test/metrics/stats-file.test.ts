import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gaussianStats } from '../../src/metrics/features.ts';
import { loadStats, saveStats } from '../../src/metrics/stats-file.ts';
import { reference, rows } from './reference.ts';

test('statistics files round-trip μ and Σ exactly and refuse another extractor or a truncated file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ganvae-stats-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'ref.stats');
  const stats = gaussianStats(rows(reference.fid.x));
  saveStats(path, stats, 'toy classifier v1', 'toy test split');

  const { stats: loaded, header } = loadStats(path, 'toy classifier v1', stats.dim);
  assert.deepEqual(loaded.mu, stats.mu);
  assert.deepEqual(loaded.sigma, stats.sigma);
  assert.equal(loaded.n, 60);
  assert.equal(header.description, 'toy test split');

  assert.throws(() => loadStats(path, 'Inception-v3 (pt, 2048-d)', stats.dim), /holds statistics of "toy classifier v1" \(5-d features\)/);
  assert.throws(() => loadStats(path, 'toy classifier v1', 7), /holds statistics of "toy classifier v1" \(5-d features\), but .*\(7-d\)/);
  const whole = readFileSync(path);
  writeFileSync(path, whole.subarray(0, whole.length - 8));
  assert.throws(() => loadStats(path, 'toy classifier v1', stats.dim), /truncated/);
  writeFileSync(path, 'not stats');
  assert.throws(() => loadStats(path, 'toy classifier v1', stats.dim), /not a ganvae statistics file/);
});
