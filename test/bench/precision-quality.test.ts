// Issue 17's bf16 quality verdict: fp32's FID range against bf16's mean, the VAE's 1-nat tolerance, and reading
// the scores of the run folders bench/precision-quality.sh fills.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ganVerdict, readScores, vaeVerdict } from '../../bench/precision-quality.ts';

test('the GAN passes when bf16 mean FID lies within fp32 range over seeds, and fails outside it', () => {
  const inside = ganVerdict({ seeds: [1, 2, 3], fp32: [30, 36, 33], bf16: [37, 31, 34] });
  assert.deepEqual(inside.fp32Range, [30, 36]);
  assert.equal(inside.bf16Mean, 34);
  assert.equal(inside.pass, true);
  // One bad seed pulls the mean outside, though two bf16 seeds are inside the range.
  assert.equal(ganVerdict({ seeds: [1, 2, 3], fp32: [30, 36, 33], bf16: [31, 35, 45] }).pass, false);
  assert.equal(ganVerdict({ seeds: [1, 2], fp32: [30, 36], bf16: [29, 30] }).pass, false);
  assert.throws(() => ganVerdict({ seeds: [1], fp32: [30], bf16: [30] }), /at least 2 seeds/);
});

test('the VAE passes only when every seed is within 1 nat of fp32, either way', () => {
  const v = vaeVerdict({ seeds: [1, 2], fp32: [235.8, 236.0], bf16: [235.7, 237.0] });
  assert.deepEqual(v.differences.map((d) => Number(d.toFixed(6))), [-0.1, 1]);
  assert.equal(v.pass, true);
  assert.equal(vaeVerdict({ seeds: [1, 2], fp32: [235.8, 236.0], bf16: [235.7, 234.9] }).pass, false);
  assert.equal(vaeVerdict({ seeds: [], fp32: [], bf16: [] }).pass, false);
});

test('scores are read per family and seed; a seed missing one precision is left out; a file without the figure is named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ganvae-precision-'));
  try {
    const scored = (name: string, metrics: object) => {
      mkdirSync(join(dir, name, 'eval'), { recursive: true });
      writeFileSync(join(dir, name, 'eval', 'metrics.json'), JSON.stringify(metrics));
    };
    scored('gan-fp32-seed2', { evaluated: { metrics: { fid: 40 } } });
    scored('gan-bf16-seed2', { evaluated: { metrics: { fid: 41 } } });
    scored('gan-fp32-seed1', { evaluated: { metrics: { fid: 38 } } });
    scored('gan-bf16-seed1', { evaluated: { metrics: { fid: 37 } } });
    scored('gan-fp32-seed3', { evaluated: { metrics: { fid: 50 } } }); // bf16 not scored yet
    mkdirSync(join(dir, 'gan-bf16-seed3'));
    scored('vae-fp32-seed1', { vae: { iwae: { nll: 235.8 } } });
    scored('vae-bf16-seed1', { vae: { iwae: { nll: 235.7 } } });
    assert.deepEqual(readScores(dir, 'gan'), { seeds: [1, 2], fp32: [38, 40], bf16: [37, 41] });
    assert.deepEqual(readScores(dir, 'vae'), { seeds: [1], fp32: [235.8], bf16: [235.7] });
    scored('vae-bf16-seed1', { evaluated: { metrics: { fid: 12 } } });
    assert.throws(() => readScores(dir, 'vae'), /vae-bf16-seed1.*metrics\.json has no VAE NLL/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
