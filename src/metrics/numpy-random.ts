// numpy's legacy `np.random.RandomState` (MT19937) for the few draws the reference metrics make:
// torch-fidelity picks KID subsets and shuffles IS samples with RandomState(2020), so we do too.

const N = 624;
const M = 397;

/** A bit-exact port of `np.random.RandomState(seed)` for `permutation` and `choice(replace=False)`. */
export class NumpyRandomState {
  private readonly state = new Uint32Array(N);
  private position = N;

  /** `seed` is an integer in [0, 2^32), as numpy requires. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new Error(`RandomState seed must be an integer between 0 and 2**32 - 1, got ${seed}`);
    }
    // numpy's mt19937_seed (Knuth's initialisation, as in the reference init_genrand).
    this.state[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const previous = this.state[i - 1] ^ (this.state[i - 1] >>> 30);
      this.state[i] = (Math.imul(1812433253, previous) + i) >>> 0;
    }
  }

  /** The next raw 32-bit output of the Mersenne Twister. */
  nextUint32(): number {
    if (this.position >= N) this.twist();
    let y = this.state[this.position++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** numpy's `random_interval(max)`: uniform in [0, max] by masked rejection (max < 2^32). */
  randomInterval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do value = (this.nextUint32() & mask) >>> 0;
    while (value > max);
    return value;
  }

  /** `RandomState.permutation(n)`: a Fisher-Yates shuffle of 0..n-1, last index first. */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.randomInterval(i);
      const swap = out[i];
      out[i] = out[j];
      out[j] = swap;
    }
    return out;
  }

  /** `RandomState.choice(n, size, replace=False)`, which numpy computes as `permutation(n)[:size]`. */
  choiceWithoutReplacement(n: number, size: number): Int32Array {
    if (size > n) throw new Error(`cannot take a sample of ${size} without replacement from ${n} items`);
    return this.permutation(n).subarray(0, size);
  }

  private twist(): void {
    const s = this.state;
    for (let i = 0; i < N; i++) {
      const y = (s[i] & 0x80000000) | (s[(i + 1) % N] & 0x7fffffff);
      s[i] = (s[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)) >>> 0;
    }
    this.position = 0;
  }
}
