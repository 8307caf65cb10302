// Writes real extractor features for make-reference.py's cross-check of FID and KID:
// `node --import tsx test/metrics/reference/dump-features.ts [--n 500] [--out PREFIX] [--extractor DIR]`.
// Three sets through the Fashion-MNIST extractor: the first n test images, n seeded train images
// (the train subset `ganvae eval`'s floor draws with --seed 0) and n seeded mnist-10k digits (a far set).
// PREFIX.bin holds them as float32 little-endian [set, n, dim]; PREFIX.json names them.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadDataset } from '../../../src/data/sources.ts';
import { initBackend } from '../../../src/env/backend.ts';
import { extractFeatures } from '../../../src/metrics/extract-features.ts';
import { builtInExtractorDir, loadClassifierExtractor } from '../../../src/metrics/extractor.ts';
import { datasetSource } from '../../../src/metrics/image-sources.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '500' },
    out: { type: 'string', default: new URL('./extractor-features', import.meta.url).pathname },
    extractor: { type: 'string', default: builtInExtractorDir('fashion-mnist', 2) },
  },
});
const n = Number(values.n);
await initBackend();
const extractor = await loadClassifierExtractor(values.extractor);
const fashion = await loadDataset('fashion-mnist');
const digits = await loadDataset('mnist-10k');
const sources = [
  datasetSource(fashion.test, `fashion-mnist test, first ${n}`, n),
  datasetSource(fashion.train, `fashion-mnist train, ${n} drawn with seed 0`, n, 0),
  datasetSource(digits.train, `mnist-10k train, ${n} drawn with seed 0`, n, 0),
];
const sets = [];
const data = new Float32Array(sources.length * n * extractor.featureDim);
for (const [i, source] of sources.entries()) {
  const { features } = await extractFeatures(extractor, source, 500);
  data.set(features.data, i * n * extractor.featureDim);
  sets.push(source.description);
}
extractor.dispose();
writeFileSync(`${values.out}.bin`, new Uint8Array(data.buffer));
writeFileSync(`${values.out}.json`, `${JSON.stringify({ extractor: extractor.id, n, dim: extractor.featureDim, sets }, null, 2)}\n`);
console.log(`wrote ${values.out}.bin: ${sources.length} sets × ${n} × ${extractor.featureDim} float32 features (${extractor.id})`);
