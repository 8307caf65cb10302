// End to end, in process: `ganvae demo` on mnist-10k (1000 test images keep the VAE's whole-test-set
// ELBO quick) with 3 steps per training and tiny evaluations; checks every output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseEvalSize, command as demoCommand, evalImagesFor, evalSize, FINISH_SECONDS, planDemo } from '../../src/cli/commands/demo.ts';
import { CliError } from '../../src/cli/command.ts';
import { builtInExtractorDir } from '../../src/metrics/extractor.ts';

/** Runs `fn` with console.log and stderr writes captured; returns its result and the text. */
async function captured<T>(fn: () => Promise<T>): Promise<{ result: T; text: string }> {
  const chunks: string[] = [];
  const [log, write] = [console.log, process.stderr.write.bind(process.stderr)];
  console.log = (...args: unknown[]) => { chunks.push(`${args.join(' ')}\n`); };
  process.stderr.write = ((chunk: string | Uint8Array) => { chunks.push(String(chunk)); return true; }) as typeof process.stderr.write;
  try {
    return { result: await fn(), text: chunks.join('') };
  } finally {
    console.log = log;
    process.stderr.write = write;
  }
}

test('ganvae demo trains both models, evaluates them and writes a self-contained report', { timeout: 120_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'ganvae-demo-'));
  // The committed extractor when the repository has one for the dataset, else the demo trains a quick one.
  const builtIn = existsSync(builtInExtractorDir('mnist-10k'));
  try {
    const { result, text } = await captured(() => demoCommand.run([
      '--data', 'mnist-10k', '--out', out, '--minutes', '2', '--max-steps', '3', '--eval-n', '100',
      '--iwae-k', '4', '--iwae-images', '3', '--extractor-images', '200',
    ]));
    assert.equal(result, 0, text);
    for (const run of ['gan', 'vae']) {
      assert.ok(existsSync(join(out, run, 'model')), `${run}/model`);
      const rows = readFileSync(join(out, run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(rows.at(-1).step, 3);
      const metrics = JSON.parse(readFileSync(join(out, run, 'eval', 'metrics.json'), 'utf8'));
      assert.equal(metrics.extractor, builtIn ? 'mnist-10k classifier v2' : 'mnist-10k-quick classifier v1');
      assert.equal(metrics.evaluated.n, 100);
      assert.ok(Number.isFinite(metrics.evaluated.metrics.fid) && Number.isFinite(metrics.floor.metrics.fid));
    }
    const vae = JSON.parse(readFileSync(join(out, 'vae', 'eval', 'metrics.json'), 'utf8')).vae;
    assert.equal(vae.iwae.k, 4);
    assert.equal(vae.iwae.images, 3);
    assert.ok(existsSync(join(out, 'vae', 'samples', 'reconstruct.png')));
    assert.equal(existsSync(join(out, 'extractor', 'model.json')), !builtIn);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.ok((html.match(/<svg/g) ?? []).length >= 3);
    assert.match(html, /data:image\/png;base64,/);
    assert.match(html, /Reconstructions/);
    assert.match(html, /test ELBO/);
    for (const [, ref] of html.matchAll(/\b(?:src|href)="([^"]*)"/g)) assert.ok(ref.startsWith('data:'), ref);
    assert.match(text, /plan for the 2\.0 min left \(.*\): N = 100 images per metric set, VAE ELBO on 500 test images, IWAE on 3/);
    assert.match(text, /\[1\/4\] training a DCGAN/);
    assert.match(text, /within the 2 min budget/);
    assert.ok(text.includes(`Report: ${join(out, 'report.html')}`));
    // A second demo into the same folder is refused rather than mixing runs.
    await assert.rejects(demoCommand.run(['--out', out]), (err: unknown) => err instanceof CliError && err.message.includes('already holds a demo'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('ganvae demo names a bad flag', async () => {
  await assert.rejects(demoCommand.run(['--minutes', 'soon']), (err: unknown) => err instanceof CliError && err.exitCode === 2 && /--minutes/.test(err.message));
});

test('the demo sizes N to its budget: 200 images per minute, 500..10000', () => {
  for (const [minutes, n] of [[10, 2000], [5, 1000], [1, 500], [0.05, 500], [30, 6000], [120, 10000]]) assert.equal(evalImagesFor(minutes), n, `${minutes} min`);
});

test('the demo fits its evaluations to the budget and the load: N halves until both take at most 40%', () => {
  const flags = { iwaeK: 500, testImages: 10000 };
  // Load factor 1 is the loaded machine the costs were measured on; 0.5 a machine twice as fast.
  for (const [load, n] of [[0.5, 2000], [1, 1000], [3, 500]]) assert.equal(chooseEvalSize(2000, 600, load, flags).n, n, `load ${load}`);
  assert.equal(chooseEvalSize(2000, 600, 3, { ...flags, n: 3000 }).n, 3000, '--eval-n wins');
  assert.deepEqual(evalSize(2000, flags), { n: 2000, elboImages: 10000, iwaeImages: 20 });
  assert.deepEqual(evalSize(500, flags), { n: 500, elboImages: 2500, iwaeImages: 5 });
  assert.deepEqual(evalSize(500, { ...flags, iwaeImages: 7, testImages: 1000 }), { n: 500, elboImages: 1000, iwaeImages: 7 });
});

test('the demo plan fills the budget: evaluations estimated at the load, the rest trains 60/40', () => {
  const flags = { iwaeK: 500, testImages: 10000 };
  for (const [minutes, load] of [[5, 1], [10, 1], [10, 0.4], [20, 2]]) {
    const seconds = minutes * 60;
    const plan = planDemo(seconds, seconds, evalImagesFor(minutes), load, flags);
    const total = plan.ganTraining + plan.ganEval + plan.vaeTraining + plan.vaeEval + plan.finish;
    assert.ok(Math.abs(total - seconds) < 1e-9, `${minutes} min at load ${load}: phases sum to ${total} s`);
    assert.ok(Math.abs(plan.ganTraining / (plan.ganTraining + plan.vaeTraining) - 0.6) < 1e-9);
    assert.equal(plan.finish, FINISH_SECONDS);
    assert.ok(plan.ganEval + plan.vaeEval <= 0.4 * seconds || plan.size.n === 500, `${minutes} min at load ${load}: evaluations over 40%`);
    // The VAE's evaluation adds its likelihood terms to the same sample metrics as the GAN's.
    assert.ok(plan.vaeEval > plan.ganEval && plan.ganEval > 0);
  }
  // A heavier load leaves less training time in the same budget.
  const training = (load: number) => { const p = planDemo(600, 600, 2000, load, flags); return p.ganTraining + p.vaeTraining; };
  assert.ok(training(0.5) > training(1) && training(1) > training(2));
});
