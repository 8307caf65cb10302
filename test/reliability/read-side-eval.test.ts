// Issue #19, items 9 and 10: `ganvae eval` checks that --out and --save-stats can be written before it
// computes anything, and KID subsets default to min(1000, n) (smaller still when a scored set holds fewer
// images), while an explicit --kid-subset-size that does not fit is refused up front, naming both flags.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../../src/cli/command.ts';
import { command as evalCommand } from '../../src/cli/commands/eval.ts';
import { loadDataset } from '../../src/data/sources.ts';
import { initBackend } from '../../src/env/backend.ts';
import { trainClassifierExtractor } from '../../src/classifier/extractor-training.ts';
import { tempFolder, writeGanRun, writeImageFolder } from './fixtures.ts';

const temp = tempFolder('ganvae-read-eval-');
const images = join(temp.dir, 'images');
const run = join(temp.dir, 'run');
const extractor = join(temp.dir, 'extractor');
const file = join(temp.dir, 'a-file');
before(async () => {
  await initBackend();
  // 120 images: a 108-image train split and a 12-image test split (the folder source holds out 10%).
  writeImageFolder(images, 120);
  await writeGanRun(run, images);
  const splits = await loadDataset(`folder:${images}`, { size: 8, channels: 1, cacheDir: false });
  await trainClassifierExtractor(splits, {
    dataset: 'toy', out: extractor, epochs: 1, batchSize: 16, seed: 1, layers: { filters: [4], strides: [2], featureUnits: 8 },
  });
  writeFileSync(file, 'not a folder');
});
after(() => temp.remove());

/** Runs `ganvae eval` in this process; resolves to its exit code, or the CliError, and what it wrote to stderr. */
async function evaluate(args: string[]): Promise<{ code: number; error?: CliError; stderr: string }> {
  const [log, error, write] = [console.log, console.error, process.stderr.write];
  let stderr = '';
  console.log = () => {};
  console.error = (...parts: unknown[]) => { stderr += `${parts.join(' ')}\n`; };
  process.stderr.write = ((chunk: string) => { stderr += chunk; return true; }) as typeof process.stderr.write;
  try {
    return { code: await evalCommand.run(['--run', run, '--extractor', extractor, '--kid-subsets', '2', '--batch-size', '32', ...args]), stderr };
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    return { code: err.exitCode, error: err, stderr };
  } finally {
    [console.log, console.error, process.stderr.write] = [log, error, write];
  }
}

/** Asserts that `result` is a CliError matching `pattern` raised before any features were computed. */
function refusedUpFront(result: { code: number; error?: CliError; stderr: string }, pattern: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.error?.message ?? '', pattern);
  assert.doesNotMatch(result.stderr, /features of/, 'nothing was computed');
}

describe('eval checks its outputs first', () => {
  it('--out that is a file', async () => {
    refusedUpFront(await evaluate(['-n', '20', '--out', file]), new RegExp(`^--out ${file} is a file, not a folder$`));
  });

  it('--out below a file, and an --out whose metrics.json is a folder', async () => {
    refusedUpFront(await evaluate(['-n', '20', '--out', join(file, 'eval')]), new RegExp(`^--out ${file}/eval cannot be created: ${file} is a file, not a folder$`));
    const out = join(temp.dir, 'blocked');
    mkdirSync(join(out, 'metrics.json'), { recursive: true });
    refusedUpFront(await evaluate(['-n', '20', '--out', out]), /blocked\/metrics\.json is a folder, so metrics\.json cannot be written there/);
  });

  it('--save-stats that is a folder, or below a file', async () => {
    refusedUpFront(await evaluate(['-n', '20', '--save-stats', temp.dir]), new RegExp(`^--save-stats ${temp.dir} is a folder; give the path of a file to write, like ${temp.dir}/reference\.stats$`));
    refusedUpFront(await evaluate(['-n', '20', '--save-stats', join(file, 'x.stats')]), new RegExp(`^--save-stats ${file}/x\.stats: its folder ${file} is a file, not a folder$`));
  });

  it('a --save-stats file whose folder is missing is written, folder and all', async () => {
    const stats = join(temp.dir, 'new', 'folder', 'train.stats');
    const result = await evaluate(['-n', '20', '--split', 'train', '--no-floor', '--save-stats', stats, '--out', join(temp.dir, 'stats-eval')]);
    assert.equal(result.code, 0, result.error?.message);
    assert.match(readFileSync(stats).subarray(0, 40).toString(), /ganvae-fid-stats/);
  });
});

describe('KID subset size', () => {
  it('defaults to n when n < 1000', async () => {
    const out = join(temp.dir, 'kid-n');
    const result = await evaluate(['-n', '20', '--split', 'train', '--no-floor', '--out', out]);
    assert.equal(result.code, 0, result.error?.message);
    const report = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    assert.equal(report.settings.kidSubsetSize, 20);
    assert.equal(report.evaluated.n, 20);
    assert.ok(Number.isFinite(report.evaluated.metrics.kid.mean));
  });

  it('defaults to the smallest scored set: a 12-image floor', async () => {
    const out = join(temp.dir, 'kid-floor');
    const result = await evaluate(['-n', '20', '--split', 'train', '--out', out]);
    assert.equal(result.code, 0, result.error?.message);
    const report = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    assert.equal(report.floor.n, 12);
    assert.equal(report.settings.kidSubsetSize, 12);
    assert.ok(Number.isFinite(report.floor.metrics.kid.mean));
  });

  it('an explicit --kid-subset-size larger than -n, or than a scored set, is refused before any work', async () => {
    refusedUpFront(await evaluate(['-n', '20', '--kid-subset-size', '30']), /^--kid-subset-size 30 is larger than -n 20: .*at most 20/);
    refusedUpFront(await evaluate(['-n', '20', '--split', 'train', '--kid-subset-size', '15']),
      /^--kid-subset-size 15 is larger than the 12 images of the real-data floor \(.* test split\); pass --kid-subset-size at most 12, or pass --no-floor to skip it$/);
  });

  it('sets too small for the 10 Inception Score splits are refused before any work, not after', async () => {
    refusedUpFront(await evaluate(['-n', '8']), /^the evaluated images \(.*\): 8 images, fewer than the 10 that the Inception Score's 10 splits need; pass a larger -n$/);
  });
});
