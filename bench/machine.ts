// This machine's nominal fp32 peak, from /proc/cpuinfo: cores × GHz × FLOP/cycle/core of its widest FMA ISA.
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The CPU and the peak the benchmark compares against, with the assumptions stated. */
export interface Machine {
  model: string;
  /** Physical cores this process may use. */
  cores: number;
  ghz: number;
  isa: 'AVX-512' | 'AVX2+FMA' | 'AVX' | 'SSE';
  fmaUnits: number;
  flopPerCyclePerCore: number;
  peakGflops: number;
  assumption: string;
}

/** fp32 lanes of one vector register per ISA. */
const LANES = { 'AVX-512': 16, 'AVX2+FMA': 8, AVX: 8, SSE: 4 } as const;

/**
 * Describes the CPU from the text of /proc/cpuinfo. `available` caps the cores (cgroup/affinity limits);
 * `fmaUnits` is the number of vector FMA units per core (2 on Xeon Gold 6xxx/Platinum and most desktop
 * cores, 1 on Xeon Bronze/Silver/Gold 5xxx): cpuinfo cannot tell, so it is an assumption.
 */
export function describeCpu(cpuinfo: string, available: number, fmaUnits = 2): Machine {
  const blocks = cpuinfo.split(/\n\s*\n/).filter((b) => b.includes('processor'));
  const field = (block: string, name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(block)?.[1]?.trim();
  const first = blocks[0] ?? '';
  const model = field(first, 'model name') ?? 'unknown CPU';
  const flags = new Set((field(first, 'flags') ?? '').split(/\s+/));
  const physical = new Set(blocks.map((b) => `${field(b, 'physical id') ?? 0}:${field(b, 'core id') ?? field(b, 'processor')}`));
  const cores = Math.max(1, Math.min(physical.size || available, available));
  const nominal = /@\s*([\d.]+)\s*GHz/i.exec(model);
  // cpuinfo gives MHz with three decimals; kept to the MHz, so that 2096.021 reads 2.096 GHz, not 2.0960210000000004.
  const ghz = nominal ? Number(nominal[1]) : Math.round(Number(field(first, 'cpu MHz') ?? 0)) / 1000;
  const isa = flags.has('avx512f') ? 'AVX-512' : flags.has('avx2') && flags.has('fma') ? 'AVX2+FMA' : flags.has('avx') ? 'AVX' : 'SSE';
  // Without FMA, a core issues one vector add and one vector multiply per cycle: the same 2 FLOPs per lane.
  const units = isa === 'AVX-512' || isa === 'AVX2+FMA' ? fmaUnits : 1;
  const flopPerCyclePerCore = LANES[isa] * 2 * units;
  const peakGflops = cores * ghz * flopPerCyclePerCore;
  const assumption = `${cores} core(s) × ${ghz} GHz ${nominal ? '(nominal, from the model name)' : '(cpuinfo\'s current MHz)'} × ` +
    `${flopPerCyclePerCore} fp32 FLOP/cycle (${isa}: ${LANES[isa]} lanes × 2 (FMA) × ${units} unit(s)` +
    `${units === fmaUnits && fmaUnits === 2 ? ', assumed; --fma-units 1 for Xeon Bronze/Silver/Gold 5xxx' : ''}) = ` +
    `${peakGflops.toFixed(0)} GFLOPS; AVX-512 clocks usually run below nominal, so real attainable peak is lower`;
  return { model, cores, ghz, isa, fmaUnits: units, flopPerCyclePerCore, peakGflops, assumption };
}

/** This machine, read from /proc/cpuinfo. */
export function thisMachine(fmaUnits = 2): Machine {
  let cpuinfo = '';
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // Not Linux: describeCpu falls back to the available parallelism and reports 0 GHz (peak unknown).
  }
  return describeCpu(cpuinfo, os.availableParallelism(), fmaUnits);
}
