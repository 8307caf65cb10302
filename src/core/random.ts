// A small seeded PRNG (mulberry32) and helpers built on it: uniform, integer and normal draws,
// shuffles, and seed mixing so that (seed, epoch, batch) gives a reproducible independent stream.

/** A seeded pseudo-random generator with a 32-bit state that can be saved and restored. */
export class Rng {
  private s: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** The generator's state, for checkpoints; assigning it resumes the stream exactly. */
  get state(): number {
    return this.s;
  }

  set state(value: number) {
    this.s = value >>> 0;
    this.spareNormal = null;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A standard normal draw (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const value = this.spareNormal;
      this.spareNormal = null;
      return value;
    }
    const u = 1 - this.next(); // in (0, 1], so log(u) is finite
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }
}

/** Combines integers into one well-mixed 32-bit seed (murmur3's finaliser after each part). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Shuffles `items` in place (Fisher-Yates) and returns it. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(items: T, rng: Rng): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}

/** A random permutation of 0..n-1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return shuffleInPlace(order, rng);
}

/** A seed for one tfjs random op or initialiser (tfjs wants a non-negative integer), drawn from `rng`. */
export function opSeed(rng: Rng): number {
  return rng.nextUint32() >>> 1;
}
