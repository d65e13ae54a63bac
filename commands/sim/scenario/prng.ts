/**
 * A tiny seeded PRNG (mulberry32) with named streams, so every random choice in scenario
 * expansion is reproducible from `general.seed` alone, and adding an attack does not reshuffle
 * the topology (each purpose draws from its own stream).
 *
 * @example
 * ```ts
 * import { createRng } from "./prng.ts";
 * const rng = createRng(42, "topology");
 * rng.next(); // same value for seed 42 and stream "topology", every time
 * ```
 * @module
 */

/** A seeded source of uniform numbers. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal variate (Box-Muller). */
  normal(): number;
}

function _fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mix a seed (any safe integer) and a stream name into one 32-bit state. */
function _mix(seed: number, stream: string): number {
  // Fold the high bits in so seeds above 2^32 still differ.
  let h = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) >>> 0, 0x9e3779b1) ^
    _fnv1a(stream);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Create the PRNG for `seed` and the named `stream`. */
export function createRng(seed: number, stream: string): Rng {
  let state = _mix(seed, stream);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      const u = 1 - next(); // (0, 1]: log(0) must not happen
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
  };
}
