// Sweep specs: strict validation (errors name the key), grid and seeded random expansion, trial ids from the
// resolved configuration, the eval flags, and the ranked table.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evalArgs, parseSweepSpec, trialId } from '../../src/sweep/spec.ts';
import { rankTrials, tableCsv } from '../../src/sweep/table.ts';
import type { TrialResult } from '../../src/sweep/trial.ts';
import { ConfigError } from '../../src/core/errors.ts';

const base = { family: 'gan', flags: { maxSteps: 3, batchSize: 4 }, grid: { loss: ['ns', 'lsgan'] }, seeds: [0, 1] };

describe('sweep spec', () => {
  it('a grid expands to every combination times the seeds, the last key fastest', async () => {
    const sweep = await parseSweepSpec({ ...base, grid: { loss: ['ns', 'lsgan'], width: [8, 16, 32] } }, 'spec.json');
    assert.equal(sweep.name, 'spec');
    assert.equal(sweep.trials.length, 12);
    assert.deepEqual(sweep.sweptKeys, ['loss', 'width', 'seed']);
    assert.deepEqual(sweep.trials.slice(0, 3).map((t) => t.swept), [
      { loss: 'ns', width: 8, seed: 0 }, { loss: 'ns', width: 8, seed: 1 }, { loss: 'ns', width: 16, seed: 0 }]);
    assert.equal(new Set(sweep.trials.map((t) => t.id)).size, 12);
    // The configuration is resolved: every train flag has its value.
    assert.equal(sweep.trials[0].config.epochs, 20);
    assert.equal(sweep.trials[0].config.maxSteps, 3);
    assert.equal(sweep.goal, 'min');
  });

  it('a trial id depends on the resolved configuration, not on how it was written', async () => {
    const a = await parseSweepSpec({ ...base, seeds: [0] }, 'a.json');
    const b = await parseSweepSpec({ ...base, seeds: [0], flags: { ...base.flags, epochs: 20 } }, 'b.json');
    assert.deepEqual(a.trials.map((t) => t.id), b.trials.map((t) => t.id));
    assert.match(a.trials[0].id, /^[0-9a-f]{12}$/);
    const other = await parseSweepSpec({ ...base, seeds: [0], eval: { n: 50 } }, 'c.json');
    assert.notEqual(other.trials[0].id, a.trials[0].id);
    assert.equal(trialId('gan', { b: 1, a: 2 }, other.spec.eval), trialId('gan', { a: 2, b: 1 }, other.spec.eval));
  });

  it('random draws are seeded, inside their ranges, and repeat configurations collapse', async () => {
    const spec = { family: 'gan', random: { n: 6, seed: 3, params: { learningRate: { min: 1e-4, max: 1e-2, log: true }, width: [8, 16] } } };
    const one = await parseSweepSpec(spec, 'r.json');
    const two = await parseSweepSpec(spec, 'r.json');
    assert.deepEqual(one.trials.map((t) => t.swept), two.trials.map((t) => t.swept));
    assert.deepEqual(one.trials.map((t) => t.id), two.trials.map((t) => t.id));
    // Another seed: other draws, other trials.
    const other = await parseSweepSpec({ ...spec, random: { ...spec.random, seed: 4 } }, 'r.json');
    assert.notDeepEqual(other.trials.map((t) => t.swept), one.trials.map((t) => t.swept));
    assert.ok(other.trials.every((t) => !one.trials.some((o) => o.id === t.id)));
    for (const t of one.trials) {
      assert.ok((t.swept.learningRate as number) >= 1e-4 && (t.swept.learningRate as number) <= 1e-2);
      assert.ok([8, 16].includes(t.swept.width as number));
    }
    const few = await parseSweepSpec({ family: 'gan', random: { n: 20, params: { loss: ['ns', 'lsgan'] } } }, 'few.json');
    assert.equal(few.trials.length, 2);
  });

  const bad: [string, unknown, RegExp][] = [
    ['an unknown top-level key', { ...base, grids: {} }, /unknown key "grids"/],
    ['an unknown train flag in the grid', { ...base, grid: { lossy: ['ns'] } }, /grid\.lossy: "lossy" is not a flag of `ganvae train gan`/],
    ['a bad grid value', { ...base, grid: { loss: ['ns', 'dcgan'] } }, /grid\.loss\[1\] \(--loss\): .*got "dcgan"/],
    ['a bad fixed flag', { ...base, flags: { batchSize: 0 } }, /flags\.batchSize \(--batch-size\)/],
    ['an empty grid', { ...base, grid: {} }, /grid: empty/],
    ['an empty value list', { ...base, grid: { loss: [] } }, /grid\.loss: .*/],
    ['a family that does not exist', { ...base, family: 'flow' }, /family: /],
    ['both grid and random', { ...base, random: { n: 2, params: { width: [8] } } }, /either "grid" or "random"/],
    ['a swept flag also fixed', { ...base, flags: { loss: 'ns' } }, /grid\.loss: also fixed in "flags"/],
    ['a seed as a flag', { ...base, flags: { seed: 3 } }, /flags\.seed: list seeds in "seeds"/],
    ['a bad eval key', { ...base, eval: { m: 5 } }, /eval: unknown key "m"/],
    ['an unknown metric', { ...base, metric: 'fidd' }, /metric: /],
    ['a reversed range', { family: 'gan', random: { n: 2, params: { learningRate: { min: 1, max: 0.1 } } } }, /random\.params\.learningRate: max 0\.1 is below min 1/],
    ['a bad name', { ...base, name: 'a b' }, /name: /],
  ];
  for (const [what, spec, message] of bad) {
    it(`refuses ${what}, naming the key`, async () => {
      await assert.rejects(parseSweepSpec(spec, 'spec.json'), (err: Error) => {
        assert.ok(err instanceof ConfigError, String(err));
        assert.match(err.message, /^spec\.json: /);
        assert.match(err.message, message);
        return true;
      });
    });
  }

  it('the eval block becomes ganvae eval flags', async () => {
    const sweep = await parseSweepSpec({ ...base, eval: { n: 20, extractor: '/x', kidSubsets: 2, split: 'train' } }, 's.json');
    assert.deepEqual(evalArgs(sweep.spec.eval), ['--split', 'train', '-n', '20', '--seed', '0', '--extractor', '/x', '--kid-subsets', '2', '--no-floor']);
  });
});

describe('sweep table', () => {
  it('ranks done trials by the metric (min or max), then failed, then pending; CSV quotes what it must', async () => {
    const sweep = await parseSweepSpec({ ...base, seeds: [0, 1] }, 's.json');
    const [a, b, c, d] = sweep.trials;
    const result = (id: string, fid: number, precision: number) => ({
      id, sweep: 's', swept: {}, metrics: { fid, kid: null, is: null, precision, recall: null, density: null, coverage: null },
      steps: 3, resumedFrom: 0, trainSeconds: 1, evalSeconds: 1, wallSeconds: 2, host: 'h', runDir: `/r/${id}`, finishedAt: '',
    }) satisfies TrialResult;
    const state = {
      results: new Map([[a.id, result(a.id, 5, 0.1)], [c.id, result(c.id, 2, 0.05)]]),
      failures: new Map([[d.id, { id: d.id, error: 'diverged, "NaN"', attempts: 2, host: 'h', failedAt: '' }]]),
    };
    const byFid = rankTrials(sweep, state);
    assert.deepEqual(byFid.map((r) => [r.id, r.rank, r.status]), [[c.id, 1, 'done'], [a.id, 2, 'done'], [d.id, null, 'failed'], [b.id, null, 'pending']]);
    const byPrecision = rankTrials({ ...sweep, metric: 'precision', goal: 'max' }, state);
    assert.deepEqual(byPrecision.slice(0, 2).map((r) => r.id), [a.id, c.id]);
    const csv = tableCsv(byFid, sweep.sweptKeys).split('\n');
    assert.equal(csv[0], 'rank,trial,status,loss,seed,fid,kid,is,precision,recall,density,coverage,steps,wallSeconds,host,error,runDir');
    assert.match(csv[1], new RegExp(`^1,${c.id},done,lsgan,0,2,,,0.05,`));
    assert.match(csv[3], /"diverged, ""NaN"""/);
  });
});
