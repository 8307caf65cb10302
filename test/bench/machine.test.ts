// The fp32 peak from /proc/cpuinfo text: cores (hyperthreads folded), nominal GHz, FLOP/cycle per ISA.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeCpu } from '../../bench/machine.ts';

/** cpuinfo text for logical CPUs given as [physical id, core id]. */
function cpuinfo(model: string, flags: string, cpus: [number, number][], mhz = 2500): string {
  return cpus.map(([pkg, core], i) => [
    `processor\t: ${i}`, `model name\t: ${model}`, `cpu MHz\t\t: ${mhz.toFixed(3)}`, `physical id\t: ${pkg}`, `core id\t\t: ${core}`, `flags\t\t: ${flags}`,
  ].join('\n')).join('\n\n');
}

test('AVX-512 Xeon, 2 cores at a nominal 2.5 GHz, 2 FMA units: 64 FLOP/cycle, 320 GFLOPS', () => {
  const m = describeCpu(cpuinfo('Intel(R) Xeon(R) Processor @ 2.50GHz', 'fpu sse avx avx2 fma avx512f avx512bw', [[0, 0], [0, 1]]), 2);
  assert.equal(m.isa, 'AVX-512');
  assert.equal(m.cores, 2);
  assert.equal(m.ghz, 2.5);
  assert.equal(m.flopPerCyclePerCore, 64);
  assert.equal(m.peakGflops, 320);
  assert.match(m.assumption, /assumed/);
});

test('one FMA unit halves the AVX-512 peak; hyperthreads do not count as cores', () => {
  const text = cpuinfo('Intel(R) Xeon(R) Silver 4114 CPU @ 2.20GHz', 'avx avx2 fma avx512f', [[0, 0], [0, 0], [0, 1], [0, 1]]);
  const m = describeCpu(text, 4, 1);
  assert.equal(m.cores, 2);
  assert.equal(m.flopPerCyclePerCore, 32);
  assert.ok(Math.abs(m.peakGflops - 2 * 2.2 * 32) < 1e-9);
});

test('AVX2+FMA without a GHz in the model name: cpuinfo MHz, capped by the available CPUs', () => {
  const m = describeCpu(cpuinfo('AMD EPYC 7B12', 'avx avx2 fma', [[0, 0], [0, 1], [0, 2], [0, 3]], 3000), 2);
  assert.equal(m.isa, 'AVX2+FMA');
  assert.equal(m.cores, 2);
  assert.equal(m.ghz, 3);
  assert.equal(m.flopPerCyclePerCore, 32);
  assert.match(m.assumption, /current MHz/);
  // Kept to the MHz: 2096.021 reads 2.096 GHz in the printed assumption, not 2.0960210000000004.
  const epyc = describeCpu(cpuinfo('AMD EPYC', 'avx avx2 fma avx512f', [[0, 0], [0, 1]], 2096.021), 2);
  assert.equal(epyc.ghz, 2.096);
  assert.match(epyc.assumption, /× 2\.096 GHz \(cpuinfo's current MHz\)/);
});

test('AVX without FMA: one add and one multiply per cycle', () => {
  const m = describeCpu(cpuinfo('Old CPU @ 3.00GHz', 'sse avx', [[0, 0]]), 1);
  assert.equal(m.isa, 'AVX');
  assert.equal(m.flopPerCyclePerCore, 16);
});
