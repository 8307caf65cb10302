import { test } from 'node:test';
import assert from 'node:assert/strict';
import { featureMatrix } from '../../src/metrics/features.ts';
import { inceptionScore } from '../../src/metrics/inception-score.ts';
import { assertClose, reference, rows } from './reference.ts';

const classes = 10;

test('IS of uniform predictions is 1', () => {
  const logits = featureMatrix(new Float64Array(100 * classes).fill(0.3), classes);
  const { mean, std } = inceptionScore(logits);
  assertClose(mean, 1, 1e-12);
  assertClose(std, 0, 1e-12);
});

test('IS of confident one-hot predictions, every class in every split, is the number of classes', () => {
  const n = 200; // 10 contiguous splits of 20: each holds every class twice
  const logits = new Float64Array(n * classes);
  for (let i = 0; i < n; i++) logits[i * classes + (i % classes)] = 50;
  const { mean, std } = inceptionScore(featureMatrix(logits, classes), { shuffle: false });
  assertClose(mean, classes, 1e-9);
  assertClose(std, 0, 1e-9);
});

test('IS matches torch-fidelity\'s isc_features_to_metric (shuffled with RandomState(2020))', () => {
  const { logits, mean, std } = reference.inceptionScore;
  const result = inceptionScore(rows(logits));
  assertClose(result.mean, mean, 1e-12, 'IS mean');
  assertClose(result.std, std, 1e-12, 'IS std');
  assert.notEqual(inceptionScore(rows(logits), { shuffle: false }).mean, result.mean);
});

test('IS needs a sample per split', () => {
  assert.throws(() => inceptionScore(featureMatrix(new Float64Array(5 * classes), classes)), /5 samples for 10 splits/);
});
