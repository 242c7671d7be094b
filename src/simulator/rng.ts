/**
 * A small seeded pseudo-random generator (mulberry32): the simulator's only source of randomness,
 * so a seed reproduces ids, latencies and texts exactly.
 */
export interface Rng {
  /** A uniformly distributed unsigned 32-bit integer. */
  u32(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const u32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    u32,
    int: (min, max) => min + (u32() % (max - min + 1)),
  };
}
