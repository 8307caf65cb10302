// The addon's description of itself, which `ganvae doctor` prints: bf16 is "native" exactly where oneDNN dispatches
// to avx512_bf16 or AMX, and agrees with the CPU's own flags on Linux.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { loadAddon } from '../../src/native/addon.ts';
import { nativeMissing } from '../helpers/backends.ts';

it('info() says how bf16 runs, consistently with the ISA and /proc/cpuinfo', { skip: nativeMissing }, () => {
  const info = loadAddon().addon!.info();
  assert.ok(['native', 'emulated', 'unsupported'].includes(info.bf16), info.bf16);
  assert.equal(info.bf16 === 'native', /BF16|AMX/.test(info.isa), `isa ${info.isa}, bf16 ${info.bf16}`);
  assert.equal(info.bf16 === 'unsupported', !/AVX-512/.test(info.isa), `isa ${info.isa}, bf16 ${info.bf16}`);
  if (existsSync('/proc/cpuinfo') && !process.env.DNNL_MAX_CPU_ISA && !process.env.ONEDNN_MAX_CPU_ISA) {
    const flags = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1].split(/\s+/) ?? [];
    assert.equal(info.bf16 === 'native', flags.includes('avx512_bf16') || flags.includes('amx_bf16'), flags.filter((f) => /bf16|amx/.test(f)).join(' '));
  }
});
