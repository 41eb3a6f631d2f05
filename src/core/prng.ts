/**
 * The one seeded pseudo-random generator of xarb: the simulator's markets, the dry-run's
 * latency samples and injected faults, the backtest's draws. Every random draw is then
 * reproducible bit for bit from a seed. Math.random cannot be seeded, and a shared global
 * generator would make a sequence depend on who else drew from it: each user owns its Prng.
 *
 * xoshiro128** (Blackman and Vigna, 2018, public domain algorithm), state seeded by
 * splitmix32 so any 32-bit seed, including 0, gives a well-mixed non-zero state. Written from
 * the published algorithm description; 32-bit integer arithmetic via Math.imul and `>>> 0`
 * (same sequence on every platform), no allocation per draw.
 */
export class Prng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** Second value of the last Box-Muller pair, used by the next normal() call. */
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    this.reseed(seed);
  }

  /** Restarts the sequence of `seed`. */
  reseed(seed: number): void {
    let x = seed >>> 0;
    x = (x + 0x9e3779b9) >>> 0;
    this.s0 = mix32(x);
    x = (x + 0x9e3779b9) >>> 0;
    this.s1 = mix32(x);
    x = (x + 0x9e3779b9) >>> 0;
    this.s2 = mix32(x);
    x = (x + 0x9e3779b9) >>> 0;
    this.s3 = mix32(x);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // all-zero state is a fixed point
    this.hasSpare = false;
    this.spare = 0;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const s1 = this.s1;
    const mul5 = Math.imul(s1, 5);
    const rotl7 = (mul5 << 7) | (mul5 >>> 25);
    const result = Math.imul(rotl7, 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal N(0, 1) by the Box-Muller transform (pairs cached, no allocation). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u = this.next();
    while (u === 0) u = this.next(); // log(0) guard
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    const a = 2 * Math.PI * v;
    this.spare = r * Math.sin(a);
    this.hasSpare = true;
    return r * Math.cos(a);
  }

  /** Exponential with the given mean (Poisson arrival gaps). */
  exponential(mean: number): number {
    let u = this.next();
    while (u === 0) u = this.next(); // log(0) guard
    return -Math.log(u) * mean;
  }
}

/** Derives an independent seed for a sub-stream (e.g. entry vs response latency) from one seed. */
export function deriveSeed(seed: number, stream: number): number {
  return mix32((seed + Math.imul(stream + 1, 0x9e3779b9)) >>> 0);
}

/** The splitmix32 output function (a 32-bit finalizer). */
function mix32(x: number): number {
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
