// The kernel profile's aggregation: time and calls summed per key, largest first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateKernels } from '../../bench/profile.ts';

test('kernel times are summed by name (or name and shapes) and sorted', () => {
  const kernels = [
    { name: 'Conv2D', kernelTimeMs: 2, inputShapes: [[1, 4, 4, 1]] },
    { name: 'Add', kernelTimeMs: 5, inputShapes: [[3], [3]] },
    { name: 'Conv2D', kernelTimeMs: 4, inputShapes: [[1, 8, 8, 1]] },
  ];
  assert.deepEqual(aggregateKernels(kernels, (k) => k.name), [
    { kernel: 'Conv2D', calls: 2, ms: 6 },
    { kernel: 'Add', calls: 1, ms: 5 },
  ]);
  assert.deepEqual(aggregateKernels(kernels, (k) => `${k.name} ${k.inputShapes[0]}`).map((s) => s.kernel), ['Add 3', 'Conv2D 1,8,8,1', 'Conv2D 1,4,4,1']);
});
