// ganvae's IWAE estimate of log p(x) for each of the first N images of the exported IWAE subset, so that
// bench/pytorch/compare_vae.py can pair them with train_vae.py's estimates for the same images:
// node --import tsx bench/pytorch/ganvae-iwae.ts RUN_DIR OUT.json [--images 50] [--k 5000] [--subset 1000]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend } from '../../src/env/backend.ts';
import { vaeEvalSet, type VaeEvalSet } from '../../src/vae/eval-set.ts';
import { evaluateIwae } from '../../src/vae/iwae.ts';
import { openVaeRun } from '../../src/vae/vae-run.ts';

async function main(): Promise<void> {
  const { values: flags, positionals } = parseArgs({
    allowPositionals: true,
    options: { images: { type: 'string', default: '50' }, k: { type: 'string', default: '5000' }, subset: { type: 'string', default: '1000' } },
  });
  if (positionals.length !== 2) throw new Error('usage: ganvae-iwae.ts RUN_DIR OUT.json [--images 50] [--k 5000] [--subset 1000]');
  const [runDir, out] = positionals;
  const [images, k, subset] = [Number(flags.images), Number(flags.k), Number(flags.subset)];
  const backend = await initBackend();
  const vaeRun = await openVaeRun(runDir);
  try {
    if (!vaeRun.binarized) throw new Error(`${runDir} was not trained on binarised images`);
    // The same images, in the same order, as export-vae-eval-set.ts writes to iwae-subset.npy.
    const set = vaeEvalSet(vaeRun.test, { binarize: true, subset });
    const batches = set.batches(1);
    const perImage: number[] = [];
    const started = performance.now();
    for (let i = 0; i < Math.min(images, set.count); i++) {
      const image = batches.next().value!;
      const one: VaeEvalSet = { count: 1, protocol: `image ${i} of ${set.protocol}`, *batches() { yield image; } };
      perImage.push(-(await evaluateIwae(vaeRun.vae, one, { k, seed: i })).nll);
      process.stderr.write(`\rganvae IWAE k=${k}: ${i + 1}/${images} images in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    process.stderr.write('\n');
    const seconds = (performance.now() - started) / 1000;
    writeFileSync(out, `${JSON.stringify({ run: runDir, backend: backend.name, protocol: set.protocol, k, images: perImage.length, seconds, perImageLogLikelihood: perImage }, null, 2)}\n`);
    const mean = perImage.reduce((a, b) => a + b, 0) / perImage.length;
    console.log(`ganvae NLL (IWAE k=${k}) ${(-mean).toFixed(2)} over the first ${perImage.length} images of the subset [${seconds.toFixed(0)} s] → ${out}`);
  } finally {
    vaeRun.run.trainable.dispose();
  }
}

main().catch((err: Error) => {
  console.error(`ganvae-iwae: ${err.message}`);
  process.exitCode = 1;
});
