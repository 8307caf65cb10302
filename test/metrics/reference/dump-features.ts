// Writes real extractor features for make-reference.py's cross-check of FID and KID:
// `node --import tsx test/metrics/reference/dump-features.ts [--n 500] [--out PREFIX] [--extractor DIR]`.
// Three sets through the Fashion-MNIST extractor: the first n test images, n seeded train images
// (the train subset `ganvae eval`'s floor draws with --seed 0) and n (at most 9000) seeded mnist-10k
// digits (a far set). PREFIX.bin holds them one after another as float32 little-endian [count, dim];
// PREFIX.json names them and their counts.
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
  datasetSource(digits.train, `mnist-10k train, ${Math.min(n, digits.train.count)} drawn with seed 0`, Math.min(n, digits.train.count), 0),
];
const data = new Float32Array(sources.reduce((sum, source) => sum + source.count, 0) * extractor.featureDim);
let offset = 0;
for (const source of sources) {
  const { features } = await extractFeatures(extractor, source, 500);
  data.set(features.data, offset);
  offset += features.data.length;
}
extractor.dispose();
const sets = sources.map((source) => ({ description: source.description, n: source.count }));
writeFileSync(`${values.out}.bin`, new Uint8Array(data.buffer));
writeFileSync(`${values.out}.json`, `${JSON.stringify({ extractor: extractor.id, dim: extractor.featureDim, sets }, null, 2)}\n`);
console.log(`wrote ${values.out}.bin: ${sets.map((s) => s.n).join(' + ')} × ${extractor.featureDim} float32 features (${extractor.id})`);
