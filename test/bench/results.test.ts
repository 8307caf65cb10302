// From measurements to results: best thread count, images/s, ratio to PyTorch, GFLOPS, % of peak, the mirror check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LayerShape } from '../../bench/flops.ts';
import type { Measurement, SystemName } from '../../bench/measurement.ts';
import { mirrorProblem, resultRows, summarizeWorkload, type RunRecord } from '../../bench/results.ts';
import { formatTable } from '../../bench/table.ts';
import { workload } from '../../bench/workloads.ts';

const dense = (n: number, m: number): LayerShape => ({ name: 'd', kind: 'dense', input: [n], output: [m], kernel: null });
// Stand-in networks for W2: encoder 10 + 20 MACs per example, decoder 30.
const layers = { encoder: [dense(2, 5), dense(5, 4)], decoder: [dense(5, 6)] };
const params = { encoder: 99, decoder: 36 };
// W2's passes (batch 128): encoder 3·30 − 10 (its first input gradient), decoder 3·30, 2 FLOPs per MAC.
const FLOPS = 2 * 128 * (3 * 30 - 10 + 3 * 30);

const plan = { warmupSteps: 2, seconds: 20, minSteps: 2 };

function run(system: SystemName, threads: number, steps: number, seconds: number, round = 0, rssMiB = 300): RunRecord {
  const measurement: Measurement = { steps, seconds, cpuSeconds: seconds * threads, warmupSteps: 2, threads, peakRssBytes: rssMiB * 1024 * 1024, layers, params, details: {} };
  return { workload: 'W2', system, threads, round, plan, measurement, loadAverage: [0.5, 0.6] };
}

const records: RunRecord[] = [
  run('native', 1, 2, 4),
  run('native', 2, 3, 3), // the faster one: 1 iteration/s
  run('pytorch', 1, 4, 2), // 2 iterations/s
  { workload: 'W2', system: 'pytorch', threads: 2, round: 0, plan, error: 'exited with 1', loadAverage: [0, 0] },
  run('cpu', 1, 1, 100),
];

test('each system reports its best thread count; ratios are to PyTorch\'s best', () => {
  const w = workload('W2');
  const result = summarizeWorkload(w, records, ['native', 'pytorch', 'cpu'], 1000);
  assert.equal(result.flopsPerIteration, FLOPS);
  assert.equal(result.mirrorProblem, null);
  const [native, pytorch, cpu] = result.systems;
  assert.equal(native.threads, 2);
  assert.equal(native.imagesPerSec, 128);
  assert.equal(native.vsPytorch, 0.5);
  assert.equal(native.gflops, FLOPS / 1e9);
  assert.equal(native.percentOfPeak, (100 * FLOPS) / 1e9 / 1000);
  assert.equal(native.peakRssMiB, 300);
  assert.deepEqual(native.tried.map((t) => t.threads), [1, 2]);
  assert.equal(pytorch.threads, 1);
  assert.equal(pytorch.imagesPerSec, 256);
  assert.equal(pytorch.vsPytorch, null);
  assert.equal(pytorch.tried[1].error, 'exited with 1');
  assert.equal(cpu.vsPytorch, 0.005);
  // Three significant digits: FLOPS / 1e9 = 0.00004352 GFLOPS, 0.000004352 % of 1000 GFLOPS.
  assert.deepEqual(resultRows([result])[0], ['W2 ConvVAE-28', 'native', '2', '3', '128.0', '0.500x', '0.0000435', '0.00000435%', '-', '300 MiB']);
});

test('% matMul is of the matrix product\'s GFLOPS at the chosen thread count, and absent where that was not measured', () => {
  const result = summarizeWorkload(workload('W2'), records, ['native', 'pytorch'], 1000, [{ threads: 1, gflops: 50 }, { threads: 2, gflops: 80 }]);
  const [native, pytorch] = result.systems;
  const close = (actual: number | null, expected: number) => assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12 * expected, `${actual} vs ${expected}`);
  close(native.percentOfAttained, (100 * FLOPS) / 1e9 / 80);
  close(pytorch.percentOfAttained, (100 * (FLOPS / 1e9) * 2) / 50);
  const partial = summarizeWorkload(workload('W2'), records, ['native'], 1000, [{ threads: 1, gflops: 50 }]);
  assert.equal(partial.systems[0].percentOfAttained, null);
});

test('a PyTorch model that differs from ganvae\'s gets no ratio, and says where it differs', () => {
  const other = { ...layers, decoder: [dense(5, 7)] };
  const mismatched = records.map((r) => (r.system === 'pytorch' && r.measurement ? { ...r, measurement: { ...r.measurement, layers: other } } : r));
  const result = summarizeWorkload(workload('W2'), mismatched, ['native', 'pytorch'], 1000);
  assert.match(result.mirrorProblem ?? '', /decoder layer 1: ganvae has dense \[5\] → \[6\], PyTorch dense \[5\] → \[7\]/);
  assert.equal(result.systems[0].vsPytorch, null);
  assert.match(result.systems[1].error ?? '', /not a mirror/);
  assert.match(mirrorProblem({ layers, params }, { layers, params: { ...params, decoder: 37 } }) ?? '', /decoder: ganvae has 36 trainable parameters, PyTorch 37/);
});

test('a system whose every run failed shows its error and dashes', () => {
  const result = summarizeWorkload(workload('W2'), records.filter((r) => r.system !== 'native'), ['native', 'pytorch'], 1000);
  assert.equal(result.systems[0].error, 'not run');
  assert.equal(result.flopsPerIteration, FLOPS, 'the FLOPs come from PyTorch\'s layers when ganvae did not run');
  assert.deepEqual(resultRows([result])[0].slice(2), ['-', '-', '-', '-', '-', '-', '-', '-']);
});

test('a run cut at its timeout during timed iterations gives upper bounds', () => {
  const cut: RunRecord = {
    workload: 'W2', system: 'cpu', threads: 1, round: 0, plan: { warmupSteps: 0, seconds: 0, minSteps: 1 }, error: 'timed out after 900 s',
    timedOutAfter: 640, loadAverage: [0, 0],
  };
  const result = summarizeWorkload(workload('W2'), [...records.filter((r) => r.system !== 'cpu'), cut], ['pytorch', 'cpu'], 1000);
  const cpu = result.systems[1];
  assert.equal(cpu.upperBound, true);
  assert.equal(cpu.imagesPerSec, 128 / 640); // not even 1 iteration in 640 s
  assert.equal(cpu.vsPytorch, 1 / 640 / 2);
  assert.deepEqual(resultRows([result])[1].slice(3, 6), ['-', '<0.200', '<0.000781x']);
});

test('over rounds: median speeds, the median of each round\'s paired ratio, ranges, and the highest peak RSS', () => {
  // The machine slows down 2x in round 1 and speeds up in round 2: each round's ratio is 2, the medians' ratio is not.
  const drifting: RunRecord[] = [
    run('native', 1, 20, 10, 0), run('pytorch', 1, 10, 10, 0),
    run('native', 1, 10, 10, 1, 420), run('pytorch', 1, 5, 10, 1),
    run('native', 1, 40, 10, 2), run('pytorch', 1, 20, 10, 2),
    // 2 threads: faster in one round only, slower in median, so 1 thread is chosen.
    run('native', 2, 50, 10, 0), run('native', 2, 1, 10, 1), run('native', 2, 1, 10, 2),
  ];
  const result = summarizeWorkload(workload('W2'), drifting, ['native', 'pytorch'], 1000);
  const [native, pytorch] = result.systems;
  assert.equal(native.threads, 1);
  assert.equal(native.rounds, 3);
  assert.equal(native.steps, 70);
  assert.equal(native.seconds, 30);
  assert.equal(native.imagesPerSec, 2 * 128, 'the median of 2, 1 and 4 iterations/s');
  assert.deepEqual(native.imagesPerSecRange, [128, 4 * 128]);
  assert.equal(native.vsPytorch, 2);
  assert.deepEqual(native.vsPytorchRange, [2, 2]);
  assert.equal(native.peakRssMiB, 420);
  assert.equal(pytorch.imagesPerSec, 128);
  assert.equal(pytorch.vsPytorchRange, null);
  assert.deepEqual(native.tried.map((t) => `${t.threads}:${t.round}`), ['1:0', '1:1', '1:2', '2:0', '2:1', '2:2']);
  assert.deepEqual(resultRows([result])[0].slice(3, 6), ['70', '256.0 (128.0–512.0)', '2.00x (2.00–2.00x)']);

  // Without a PyTorch run in a round, the ratio falls back to the ratio of the medians (an even count's is the mean of the middle two).
  const unpaired = summarizeWorkload(workload('W2'), [run('native', 1, 30, 10, 0), run('native', 1, 10, 10, 1), run('pytorch', 1, 10, 10, 2)],
    ['native', 'pytorch'], 1000);
  assert.equal(unpaired.systems[0].vsPytorch, 2);
});

test('tables pad text left and numbers right', () => {
  assert.equal(formatTable(['name', 'n'], [['a', '1.5'], ['bbb', '10.0%']]), 'name      n\n----  -----\na       1.5\nbbb   10.0%');
});
