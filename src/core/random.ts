/**
 * The course's seeded random numbers: seedrandom's Alea generator (the one TensorFlow.js
 * uses), Marsaglia's polar method for normals, Fisher-Yates for permutations. The same
 * seed gives the same numbers on every machine.
 */
import seedrandom from 'seedrandom';
import { describe } from './checks';

/** The seed used when none is given, so every run of a chapter prints the same numbers. */
export const DEFAULT_SEED = 2010;

export type Seed = number | string;

/** A uniform generator on [0, 1). */
export type Rng = () => number;

export function checkSeed(name: string, seed: unknown): Seed {
  if ((typeof seed === 'number' && Number.isFinite(seed)) || (typeof seed === 'string' && seed.length > 0)) {
    return seed;
  }
  throw new Error(`${name} must be a finite number or a non-empty string, got ${describe(seed)}`);
}

export function makeRng(seed: Seed = DEFAULT_SEED): Rng {
  return seedrandom.alea(String(checkSeed('seed', seed)));
}

/** Fills `out` with uniform draws on [lo, hi). */
export function fillUniform(out: Float32Array, rng: Rng, lo: number, hi: number): Float32Array {
  const width = hi - lo;
  for (let i = 0; i < out.length; i++) out[i] = lo + width * rng();
  return out;
}

/**
 * Fills `out` with normal draws mean + std * z, z standard normal (Marsaglia's polar
 * method, two draws a pair). With `cut` set, draws with |z| > cut are redrawn: a
 * truncated normal. z is rounded to float32 before it is scaled, so the values are those
 * of drawing z into a Float32Array and scaling it in a second pass, in one pass.
 */
export function fillNormal(out: Float32Array, rng: Rng, cut = Infinity, std = 1, mean = 0): Float32Array {
  let i = 0;
  const n = out.length;
  while (i < n) {
    let u: number, v: number, s: number;
    do {
      u = 2 * rng() - 1;
      v = 2 * rng() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    const a = u * f;
    const b = v * f;
    if (a <= cut && a >= -cut) out[i++] = mean + std * Math.fround(a);
    if (i < n && b <= cut && b >= -cut) out[i++] = mean + std * Math.fround(b);
  }
  return out;
}

/** Shuffles `values` in place (Fisher-Yates: every order equally likely) and returns it. */
export function shuffle<T extends { length: number; [i: number]: unknown }>(values: T, rng: Rng): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
  return values;
}

/** A seeded random permutation of 0..n-1. */
export function permutation(n: number, rng: Rng): Int32Array {
  return shuffle(Int32Array.from({ length: n }, (_, i) => i), rng);
}
