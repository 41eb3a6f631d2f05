import { Prng } from '../../src/core/prng.js';

/** Seeded uniform [0, 1) source for property tests, so a failure reproduces from its seed. */
export function rng(seed: number): () => number {
  const p = new Prng(seed);
  return () => p.next();
}
