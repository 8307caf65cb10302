// The arithmetic of convolutions and matrix products on the native backend (`--precision`): fp32, or bf16 operands
// with fp32 accumulation, while weights, optimiser state, batch-norm statistics and losses stay fp32 (issue #17).
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../core/errors.ts';
import { loadAddon } from '../native/addon.ts';
import { NATIVE_BACKEND } from '../native/register.ts';

/** The --precision values; the training config lists the same two. */
export type ComputePrecision = 'fp32' | 'bf16';

const PRECISION_CODES: Record<ComputePrecision, number> = { fp32: 0, bf16: 1 };

/**
 * Throws a ConfigError unless `precision` can run here: bf16 needs the native backend on an AVX-512 CPU, and is
 * refused where oneDNN would emulate it (no avx512_bf16 or AMX: slower than fp32) unless `force`.
 */
export function checkComputePrecision(precision: ComputePrecision, force = false): void {
  if (precision === 'fp32') return;
  if (tf.getBackend() !== NATIVE_BACKEND) throw new ConfigError(`--precision bf16 runs on the native (oneDNN) backend; this process runs on ${tf.getBackend()}`);
  const { bf16, isa } = loadAddon().addon!.info();
  if (bf16 === 'unsupported') throw new ConfigError(`--precision bf16 needs AVX-512; oneDNN's ISA on this CPU is ${isa}`);
  if (bf16 === 'emulated' && !force) {
    throw new ConfigError(`--precision bf16: this CPU (oneDNN ISA ${isa}) has no bf16 instructions (avx512_bf16 or AMX), so oneDNN ` +
      'would emulate them, slower than fp32; pass --force to run it anyway, or keep --precision fp32');
  }
}

/**
 * Sets `precision` (checked as checkComputePrecision does) for the kernels run from now on, and returns the function
 * that sets fp32 back. On a backend other than native, fp32 is what runs and nothing is set.
 */
export function useComputePrecision(precision: ComputePrecision, force = false): () => void {
  checkComputePrecision(precision, force);
  if (tf.getBackend() !== NATIVE_BACKEND) return () => {};
  const addon = loadAddon().addon!;
  addon.setPrecision(PRECISION_CODES[precision]);
  return () => addon.setPrecision(PRECISION_CODES.fp32);
}
