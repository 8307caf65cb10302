// Issue #19, item 1: `ganvae report` on a run evaluated with `eval --vae-only` (whose metrics.json has no
// sample metrics) shows what it has, alone and in a multi-run report, instead of crashing on `.fid`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { command as evalCommand } from '../../src/cli/commands/eval.ts';
import { command as reportCommand } from '../../src/cli/commands/report.ts';
import { initBackend } from '../../src/env/backend.ts';
import { buildReport } from '../../src/report/build-report.ts';
import { quietly, tempFolder, writeGanRun, writeImageFolder, writeVaeRun } from './fixtures.ts';

const temp = tempFolder('ganvae-read-report-');
const images = join(temp.dir, 'images');
const vaeRun = join(temp.dir, 'vae-run');
const ganRun = join(temp.dir, 'gan-run');
before(async () => {
  await initBackend();
  writeImageFolder(images, 30);
  await writeVaeRun(vaeRun, images);
  await writeGanRun(ganRun, images);
  // The GAN run scored as `ganvae eval` writes it (FID 12.345 against a floor of 1.5).
  const metrics = (fid: number) => ({ fid, kid: null, inceptionScore: { mean: 2, std: 0.1 }, precision: 0.5, recall: 0.5, density: 1, coverage: 0.5 });
  mkdirSync(join(ganRun, 'eval'));
  writeFileSync(join(ganRun, 'eval', 'metrics.json'), JSON.stringify({
    formatVersion: 1, extractor: 'toy classifier v1',
    evaluated: { kind: 'run', path: ganRun, description: 'samples', n: 20, metrics: metrics(12.345) },
    reference: { description: 'toy test split' }, floor: { description: 'toy train split', n: 20, metrics: metrics(1.5) },
    vae: null, warnings: [], backend: 'test', seconds: 1,
  }));
  const { result } = await quietly(() => evalCommand.run(['--run', vaeRun, '--vae-only', '--iwae-k', '2', '--iwae-images', '2']));
  assert.equal(result, 0);
});
after(() => temp.remove());

test('a run evaluated with eval --vae-only reports its VAE metrics and says the sample metrics were skipped', async () => {
  const written = JSON.parse(readFileSync(join(vaeRun, 'eval', 'metrics.json'), 'utf8'));
  assert.equal(written.evaluated.metrics, undefined, 'the fixture is what --vae-only writes: no sample metrics');
  const html = await buildReport([vaeRun]);
  assert.match(html, /test ELBO \(nats\)/);
  assert.ok(html.includes(written.vae.elbo.elbo.toFixed(2)), 'the ELBO is in the table');
  assert.match(html, /evaluated with --vae-only/);
  assert.doesNotMatch(html, /<td>FID|n=undefined/);
});

test('a multi-run report with a --vae-only run compares what each run has', async () => {
  const out = join(temp.dir, 'compared.html');
  const { result } = await quietly(() => reportCommand.run([ganRun, vaeRun, '--out', out]));
  assert.equal(result, 0);
  const html = readFileSync(out, 'utf8');
  const compared = html.slice(html.indexOf('Metrics compared'), html.indexOf('<section>'));
  assert.match(compared, /gan-run \(n=20\)/);
  assert.match(compared, />vae-run</);
  assert.match(compared, /12\.345/);
  assert.match(compared, /test ELBO/);
  assert.equal((html.match(/<section>/g) ?? []).length, 2);
});
