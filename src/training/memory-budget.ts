// The memory check before a model is built: parameters (with their gradients, Adam's two moments and
// copies such as an EMA generator) and the activations a training step keeps, against this machine's memory.
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { ConfigError } from '../core/errors.ts';

/** What a family's models need, counted from their options before anything is allocated. */
export interface MemoryEstimate {
  /** Weights of every model the family builds (EMA copies included). */
  parameters: number;
  /** Floats of layer outputs one image keeps alive through a training step (forward outputs and their gradients). */
  activationsPerImage: number;
}

/** Bytes per float32, and float32 copies per trainable weight in training: the value, its gradient, Adam's m and v. */
const FLOAT_BYTES = 4;
const COPIES_PER_PARAMETER = 4;
/** Share of the machine's memory a run may plan to use: the data set, tfjs and Node itself need the rest. */
const USABLE_SHARE = 0.8;
const GIB = 2 ** 30;

/** Bytes a training step of `estimate` at `batchSize` images needs. */
export function trainingBytes(estimate: MemoryEstimate, batchSize: number): number {
  return FLOAT_BYTES * (COPIES_PER_PARAMETER * estimate.parameters + 2 * batchSize * estimate.activationsPerImage);
}

/** This process's memory limit: the cgroup's (containers, CI) when set and lower than the machine's. */
export function memoryLimitBytes(): number {
  const total = totalmem();
  try {
    const limit = Number(readFileSync('/sys/fs/cgroup/memory.max', 'utf8').trim());
    return Number.isFinite(limit) && limit > 0 ? Math.min(total, limit) : total;
  } catch {
    return total;
  }
}

/** Throws a ConfigError with the estimate when the model would not fit in `limitBytes` (default: this machine's memory). */
export function checkMemory(estimate: MemoryEstimate, batchSize: number, limitBytes = memoryLimitBytes()): void {
  const needed = trainingBytes(estimate, batchSize);
  if (needed <= USABLE_SHARE * limitBytes) return;
  const parameters = (estimate.parameters / 1e6).toFixed(1);
  const weights = (FLOAT_BYTES * COPIES_PER_PARAMETER * estimate.parameters / GIB).toFixed(2);
  const activations = (2 * FLOAT_BYTES * batchSize * estimate.activationsPerImage / GIB).toFixed(2);
  throw new ConfigError(`the model is too large for this machine: about ${(needed / GIB).toFixed(1)} GiB to train ` +
    `(${parameters}M parameters: ${weights} GiB with gradients and optimiser state; activations at --batch-size ${batchSize}: ` +
    `${activations} GiB), but ${(limitBytes / GIB).toFixed(1)} GiB of memory is available; lower --width, --latent-size, ` +
    '--image-size or --batch-size');
}
