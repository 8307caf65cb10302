import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/env/backend.ts';
import { float64Dots, tfjsDots } from '../../src/metrics/dot-products.ts';
import { kernelInceptionDistance } from '../../src/metrics/kid.ts';
import { precisionRecallDensityCoverage } from '../../src/metrics/precision-recall.ts';
import { assertClose, reference, rows } from './reference.ts';

test('float64Dots by hand, including the rows left over after blocks of four', () => {
  // a: 5 rows of 2, b: 2 rows of 2.
  const a = Float64Array.from([1, 0, 0, 1, 1, 1, 2, -1, 3, 0.5]);
  const b = Float64Array.from([1, 2, -1, 4]);
  assert.deepEqual(Array.from(float64Dots(a, 5, b, 2, 2)), [1, -1, 2, 4, 3, 3, 0, -6, 4, -1]);
});

test('the float32 tfjs engine agrees with float64: products, KID, and precision/recall/density/coverage', async () => {
  await initBackend();
  const x = rows(reference.kid.x);
  const y = rows(reference.kid.y);
  const exact = float64Dots(x.data, x.n, y.data, y.n, x.dim);
  const fast = tfjsDots(x.data, x.n, y.data, y.n, x.dim);
  for (let i = 0; i < exact.length; i++) assertClose(fast[i], exact[i], 1e-5, `product ${i}`);

  const { subsets, subsetSize, mean } = reference.kid;
  assertClose(kernelInceptionDistance(x, y, { subsets, subsetSize, dots: tfjsDots }).mean, mean, 1e-4, 'KID');
  const { real, fake, precision, recall, density, coverage } = reference.prdc;
  assert.deepEqual(precisionRecallDensityCoverage(rows(real), rows(fake), { dots: tfjsDots }), { precision, recall, density, coverage });
});
