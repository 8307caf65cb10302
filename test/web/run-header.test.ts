// Issue #19, item 11: the explorer's metrics table names the feature extractor of FID, KID and IS, as the
// HTML report does, so a classifier's numbers are not read as Inception FID/IS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricRows } from '../../web/src/run-header.ts';

const sample = (fid: number) => ({ fid, kid: { mean: 0.0123, std: 0.001 }, inceptionScore: { mean: 6.5, std: 0.2 }, precision: 0.61, recall: 0.42, density: 0.9, coverage: 0.7 });

test('FID, KID and IS rows name the extractor of eval/metrics.json', () => {
  const rows = new Map(metricRows({ extractor: 'fashion-mnist classifier v2', evaluated: { metrics: sample(12.3456) }, floor: { metrics: sample(1.5) } }));
  assert.equal(rows.get('FID (fashion-mnist classifier v2) ↓'), '12.35');
  assert.equal(rows.get('KID (fashion-mnist classifier v2) ↓'), '0.0123');
  assert.equal(rows.get('IS (fashion-mnist classifier v2) ↑'), '6.5');
  assert.equal(rows.get('real-data floor FID (fashion-mnist classifier v2)'), '1.5');
  assert.equal(rows.get('precision ↑'), '0.61');
  for (const label of rows.keys()) assert.doesNotMatch(label, /^(FID|Inception score|KID|IS) ?[↑↓]?$/, `an unqualified "${label}"`);
});

test('VAE metrics (no extractor) are unchanged, and sample metrics without an extractor say so', () => {
  const vae = metricRows({ vae: { elbo: { elbo: -250.25 }, iwae: { nll: 245.75 }, reconstruction: { mse: 0.01, psnr: 20, ssim: null } } });
  assert.deepEqual(vae, [['test ELBO (nats) ↑', '-250.3'], ['test NLL, IWAE (nats) ↓', '245.8'], ['reconstruction MSE ↓', '0.01'], ['reconstruction PSNR (dB) ↑', '20']]);
  assert.equal(metricRows({ evaluated: { metrics: { fid: 3 } } })[0][0], 'FID (unnamed extractor) ↓');
});
