// FID and KID on real extractor features (Fashion-MNIST test vs train, test vs MNIST digits) agree
// with make-reference.py's float64 numpy/scipy computation (pytorch-fid's sqrtm, torch-fidelity's KID)
// to 1e-4 relative, on both of eval's product engines. The features are committed
// (reference/extractor-features.bin, written by reference/dump-features.ts), so no dataset is needed.
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { initBackend } from '../../src/env/backend.ts';
import { float64Dots, tfjsDots } from '../../src/metrics/dot-products.ts';
import { featureMatrix, gaussianStats, type FeatureMatrix } from '../../src/metrics/features.ts';
import { frechetDistance } from '../../src/metrics/fid.ts';
import { kernelInceptionDistance } from '../../src/metrics/kid.ts';
import { assertRelativelyClose, reference } from './reference.ts';

const expected = reference.extractorFeatures;
const header = JSON.parse(readFileSync(new URL('./reference/extractor-features.json', import.meta.url), 'utf8'));
const bytes = readFileSync(new URL('./reference/extractor-features.bin', import.meta.url));
const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
const counts: number[] = header.sets.map((set: { n: number }) => set.n);
const [testSet, trainSet, digitSet]: FeatureMatrix[] = counts.map((n, i) => {
  const start = counts.slice(0, i).reduce((sum, c) => sum + c, 0) * header.dim;
  return featureMatrix(all.slice(start, start + n * header.dim), header.dim);
});
const pairs = [['trainVsTest', trainSet], ['digitsVsTest', digitSet]] as const;

test('the committed features are the ones the reference values were computed from', () => {
  if (header.extractor !== expected.extractor || all.length !== counts.reduce((sum, n) => sum + n, 0) * header.dim) {
    throw new Error(`extractor-features.{json,bin} (${header.extractor}, ${all.length} values) do not match reference-values.json (${expected.extractor}); rerun make-reference.py`);
  }
});

for (const [name, first] of pairs) {
  test(`FID of ${name} matches scipy to 1e-4 relative`, () => {
    assertRelativelyClose(frechetDistance(gaussianStats(first), gaussianStats(testSet)).fid, expected[name].fid, 1e-4, `${name} FID`);
  });

  for (const [engine, dots] of [['float64', float64Dots], ['float32 tf.matMul', tfjsDots]] as const) {
    test(`KID of ${name} (${engine} products) matches numpy float64 to 1e-4 relative, mean and std`, async () => {
      await initBackend();
      const kid = kernelInceptionDistance(first, testSet, { subsets: expected.kidSubsets, subsetSize: expected.kidSubsetSize, dots });
      assertRelativelyClose(kid.mean, expected[name].kidMean, 1e-4, `${name} KID mean`);
      assertRelativelyClose(kid.std, expected[name].kidStd, 1e-4, `${name} KID std`);
    });
  }
}
