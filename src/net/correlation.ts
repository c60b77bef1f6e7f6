/**
 * How the correlation of two inputs changes on their way through a deep network: the
 * pairs view of the network engine (engine.ts), for chapter 6's correlation map. Mean-field
 * theory (theory/meanfield.ts) predicts it layer by layer; this measures it.
 */
import { checkFinite, checkOptions, checkPositiveInt, describe, passThrough, required } from '../core/checks';
import { Seed } from '../core/random';
import { sampleInit } from '../init/initspec';
import { runNetwork } from './engine';
import { SEEDS } from './mlp';
import { NETWORK_OPTIONS, NetworkOptions, planNetwork } from './network';

export interface CorrelationLayer {
  layer: number;
  width: number;
  /** q_l, the mean square of the pre-activations z_l over both inputs of every pair and every unit. */
  variance: number;
  /** c_l, the correlation of the two inputs' pre-activations over the units, averaged over the pairs. */
  correlation: number;
  /** 1 - c_l, averaged over the pairs (accurate when c_l is close to 1). */
  decorrelation: number;
  /** The standard deviation of c_l over the pairs. */
  spread: number;
  /** 1 - c_l of each pair, in the order of the pairs (and of `correlation` when it lists one c_0 per pair). */
  pairs: number[];
}

export interface CorrelationPropagation {
  /** n_0 (the input) to n_L. */
  widths: number[];
  /** The input pairs' correlation (float64, over the n_0 entries), averaged over the pairs. */
  inputCorrelation: number;
  /** Each pair's input correlation (float64, over the n_0 entries). */
  inputCorrelations: number[];
  /** layers[l - 1] is layer l. */
  layers: CorrelationLayer[];
}

export interface CorrelationOptions extends Omit<NetworkOptions, 'batch' | 'input' | 'outputGradient'> {
  /** How many pairs of inputs (the batch is twice this). */
  pairs: number;
  /**
   * The correlation c_0 the two inputs of each pair are drawn with, in [-1, 1]: one number for
   * every pair, or a list of `pairs` numbers, one per pair (to send pairs of different
   * similarity through the same network).
   */
  correlation: number | readonly number[];
}

const { batch: _batch, input: _input, outputGradient: _gradient, ...NETWORK } = NETWORK_OPTIONS;

const CORRELATION_OPTIONS = {
  ...NETWORK,
  batch: passThrough<undefined>(),
  pairs: required(checkPositiveInt),
  correlation: required((name: string, v: unknown): number | number[] => {
    const one = (label: string, x: unknown) => {
      const c = checkFinite(label, x);
      if (c < -1 || c > 1) throw new Error(`${label} must be a correlation in [-1, 1], got ${describe(x)}`);
      return c;
    };
    if (!Array.isArray(v)) return one(name, v);
    if (v.length === 0) throw new Error(`${name} must be a correlation in [-1, 1] or a list of one per pair, got an empty list`);
    return v.map((x, k) => one(`${name}[${k}]`, x));
  }),
};

/** The seed of each pair's second input's own part. */
const partnerSeed = (seed: Seed) => `${SEEDS.input(seed)}/partner`;

/**
 * Draws `pairs` pairs of inputs a, b = c_0 a + sqrt(1 - c_0^2) e (one c_0 for every pair,
 * or one per pair; a, e independent standard normal vectors of n_0 entries, times
 * inputStd; a from `${seed}/input`, e from `${seed}/input/partner`), runs them through the
 * network as rows 2k and 2k + 1 of one batch, and returns per layer the mean square of the
 * pre-activations and the correlation of each pair's two pre-activation vectors,
 *
 *   c_l = sum_i z_a,i z_b,i / sqrt(sum_i z_a,i^2  sum_i z_b,i^2),
 *
 * averaged over the pairs, and each pair's 1 - c_l (computed on the device from
 * |z_a - z_b|, so that it stays accurate near 1). Takes the engine's network options (biasStd among them) but not
 * batch or input, which it makes. Leaves no tensors behind.
 */
export function correlationPropagation(options: CorrelationOptions): CorrelationPropagation {
  const o = checkOptions('correlationPropagation', options, CORRELATION_OPTIONS);
  if (o.batch !== undefined) throw new Error('correlationPropagation makes its own batch: give pairs (the batch is twice that), not batch');
  const c0s = Array.isArray(o.correlation) ? o.correlation : Array<number>(o.pairs).fill(o.correlation as number);
  if (c0s.length !== o.pairs) {
    throw new Error(`correlationPropagation: correlation lists ${c0s.length} correlations for ${o.pairs} pairs; give one number, or one per pair`);
  }
  // A plan first, to learn n_0 (and check every other option); then the input pairs.
  const probe = planNetwork({ ...o, batch: 2 * o.pairs });
  const n0 = probe.widths[0];
  const std = probe.inputStd;
  const a = sampleInit(1, [o.pairs, n0], SEEDS.input(o.seed));
  const e = sampleInit(1, [o.pairs, n0], partnerSeed(o.seed));
  const input = new Float32Array(2 * o.pairs * n0);
  const inputCorrelations: number[] = [];
  for (let k = 0; k < o.pairs; k++) {
    const c0 = c0s[k];
    const side = Math.sqrt(1 - c0 * c0);
    let [ab, aa, bb] = [0, 0, 0];
    for (let i = 0; i < n0; i++) {
      const x = std * a[k * n0 + i];
      const y = std * (c0 * a[k * n0 + i] + side * e[k * n0 + i]);
      input[2 * k * n0 + i] = x;
      input[(2 * k + 1) * n0 + i] = y;
      ab += x * Math.fround(y);
      aa += x * x;
      bb += Math.fround(y) ** 2;
    }
    inputCorrelations.push(ab / Math.sqrt(aa * bb));
  }
  const inputCorrelation = inputCorrelations.reduce((s, c) => s + c / o.pairs, 0);
  const { inputStd: _std, ...rest } = o;
  const plan = planNetwork({ ...rest, batch: 2 * o.pairs, input });
  const run = runNetwork(plan, { preActivation: { moments: true, pairs: true } });
  const layers = run.layers.map(({ layer, width, preActivation }): CorrelationLayer => {
    const d = preActivation!.pairs!;
    const decorrelation = d.reduce((s, v) => s + v, 0) / d.length;
    const spread = Math.sqrt(d.reduce((s, v) => s + (v - decorrelation) ** 2, 0) / d.length);
    return { layer, width, variance: preActivation!.moments!.meanSquare, correlation: 1 - decorrelation, decorrelation, spread, pairs: Array.from(d) };
  });
  return { widths: run.widths, inputCorrelation, inputCorrelations, layers };
}
