import seedrandom from 'seedrandom';
import { describe } from './errors';

/** The seed used when none is given, so every run of a chapter prints the same numbers. */
export const DEFAULT_SEED = 2010;

export type Seed = number | string;

/** A uniform generator on [0, 1): seedrandom's Alea, fast and well mixed. */
export type Rng = () => number;

export function checkSeed(seed: unknown): Seed {
  if ((typeof seed === 'number' && Number.isFinite(seed)) || (typeof seed === 'string' && seed.length > 0)) {
    return seed;
  }
  throw new Error(`seed must be a finite number or a non-empty string, got ${describe(seed)}`);
}

export function makeRng(seed: Seed = DEFAULT_SEED): Rng {
  return seedrandom.alea(String(checkSeed(seed)));
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
