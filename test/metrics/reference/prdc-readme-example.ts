// Measures prdc's README example with ganvae's metrics: two 10,000-sample draws of N(0, I) in
// 1000-d, k = 5 for all four (prdc reports precision ≈ 0.477, recall ≈ 0.471, density ≈ 1.06,
// coverage ≈ 0.97). Too slow for a test; run `node --import tsx test/metrics/reference/prdc-readme-example.ts`.
import { initBackend } from '../../../src/env/backend.ts';
import { tfjsDots } from '../../../src/metrics/dot-products.ts';
import { featureMatrix } from '../../../src/metrics/features.ts';
import { precisionRecallDensityCoverage } from '../../../src/metrics/precision-recall.ts';
import { gaussianRows } from '../reference.ts';

const [n, dim, k] = [10_000, 1000, 5];
await initBackend();
// float32 rows for the float32 products (the distances of 1000-d float64 JavaScript would take an hour).
const draw = (seed: number) => featureMatrix(Float32Array.from(gaussianRows(n, dim, 0, seed).data), dim);
const started = performance.now();
const result = precisionRecallDensityCoverage(draw(1), draw(2), { precisionRecallK: k, densityCoverageK: k, dots: tfjsDots });
const fixed = (v: number) => v.toFixed(4);
console.log(`precision ${fixed(result.precision)}, recall ${fixed(result.recall)}, density ${fixed(result.density)}, ` +
  `coverage ${fixed(result.coverage)} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
