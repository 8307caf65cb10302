// A small seeded random number generator (xoshiro128**) whose state is saved with checkpoints.
// Every random choice of a run (weight init, noise, dropout, shuffling) draws from one of these.

/** Seeded PRNG; `seed()` hands tfjs random ops a fresh integer seed so their output is reproducible. */
export class Rng {
  private readonly s = new Uint32Array(4);

  constructor(seed: number) {
    // splitmix32 spreads a small integer seed over the 128-bit state (never all zero).
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /** Next 32-bit unsigned integer. */
  uint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.uint32() / 2 ** 32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** A seed for one tfjs random op or initialiser (tfjs wants a plain non-negative integer). */
  seed(): number {
    return this.uint32() >>> 1;
  }

  /** The generator's state, to store in a checkpoint. */
  getState(): number[] {
    return Array.from(this.s);
  }

  /** Restores a state from `getState()`. */
  setState(state: readonly number[]): void {
    if (state.length !== 4 || state.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffffffff)) {
      throw new Error(`RNG state must be 4 unsigned 32-bit integers, got ${JSON.stringify(state)}`);
    }
    this.s.set(state);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
