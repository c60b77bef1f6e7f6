/**
 * Keras's initializers as formulas: for a name, a kernel shape and options, the
 * distribution the weights are drawn from and its moments, without drawing anything
 * (chapters 3-5 compare samples with these). samplers.ts draws from them.
 */
import { checkFinite, checkKeys, checkNonNegative, checkOneOf, checkShape, describe } from '../core/checks';
import { Seed, checkSeed } from '../core/random';
import { computeFans, sizeOf } from './fans';

export const INITIALIZER_NAMES = [
  'zeros',
  'ones',
  'constant',
  'randomNormal',
  'randomUniform',
  'truncatedNormal',
  'uniform',
  'leCunNormal',
  'leCunUniform',
  'glorotNormal',
  'glorotUniform',
  'heNormal',
  'heUniform',
  'orthogonal',
] as const;

export type InitializerName = (typeof INITIALIZER_NAMES)[number];

export interface InitOptions {
  /** Same seed, same values. Defaults to DEFAULT_SEED. */
  seed?: Seed;
  /** constant: the value of every weight. */
  value?: number;
  /** randomNormal, truncatedNormal: the mean (default 0). */
  mean?: number;
  /** randomNormal, truncatedNormal: the standard deviation (default 0.05, as in Keras). */
  stddev?: number;
  /** randomUniform: the lower limit (default -0.05, as in Keras). */
  minval?: number;
  /** randomUniform: the upper limit (default 0.05, as in Keras). */
  maxval?: number;
  /** Fan-based schemes and orthogonal: multiplies the standard deviation (default 1). */
  gain?: number;
}

/**
 * The std of a standard normal cut at +-2: Keras divides by it so that a
 * truncated sample has the std its formula promises.
 */
export const TRUNCATION_STD = 0.87962566103423978;
/** Keras's truncated normals redraw values beyond this many standard deviations. */
export const TRUNCATION_CUT = 2;

export type DistributionKind = 'constant' | 'normal' | 'truncatedNormal' | 'uniform' | 'orthogonal';

/** What an initializer promises for a given shape: the distribution and its moments. */
export interface WeightDistribution {
  name: InitializerName;
  distribution: DistributionKind;
  /** The mean of the sampled weights. */
  mean: number;
  /** The standard deviation of the sampled weights (for orthogonal: gain / sqrt(max(rows, cols))). */
  std: number;
  /** Uniform: the interval; truncated normal: mean +- 2 standard deviations of the underlying normal. */
  min?: number;
  max?: number;
  /** The formula, in words a reader can check. */
  formula: string;
}

const OPTION_KEYS: Record<InitializerName, readonly (keyof InitOptions)[]> = {
  zeros: ['seed'],
  ones: ['seed'],
  constant: ['seed', 'value'],
  randomNormal: ['seed', 'mean', 'stddev'],
  randomUniform: ['seed', 'minval', 'maxval'],
  truncatedNormal: ['seed', 'mean', 'stddev'],
  uniform: ['seed', 'gain'],
  leCunNormal: ['seed', 'gain'],
  leCunUniform: ['seed', 'gain'],
  glorotNormal: ['seed', 'gain'],
  glorotUniform: ['seed', 'gain'],
  heNormal: ['seed', 'gain'],
  heUniform: ['seed', 'gain'],
  orthogonal: ['seed', 'gain'],
};

function opt(options: InitOptions, key: keyof InitOptions, fallback: number, check = checkFinite): number {
  const v = options[key];
  return v === undefined ? fallback : check(key, v);
}

/**
 * The distribution an initializer samples from for a kernel of `shape`, without sampling.
 *
 * Fan-based schemes (fanIn, fanOut from computeFans, times `gain`):
 * - uniform (Glorot & Bengio's "standard" init): U[-1/sqrt(fanIn), +1/sqrt(fanIn)]
 * - leCunNormal: std = sqrt(1/fanIn); leCunUniform: limit = sqrt(3/fanIn)
 * - glorotNormal: std = sqrt(2/(fanIn+fanOut)); glorotUniform: limit = sqrt(6/(fanIn+fanOut))
 * - heNormal: std = sqrt(2/fanIn); heUniform: limit = sqrt(6/fanIn)
 * The normal forms are truncated at 2 std and divided by TRUNCATION_STD, as in Keras,
 * so the sampled std equals the formula. truncatedNormal itself, as in Keras, is not
 * rescaled: its `stddev` is that of the normal before the cut.
 */
export function weightDistribution(name: InitializerName, shape: readonly number[], options: InitOptions = {}): WeightDistribution {
  checkOneOf('name', name, INITIALIZER_NAMES);
  checkShape('shape', shape);
  if (options === null || typeof options !== 'object') throw new Error(`options must be an object, got ${describe(options)}`);
  checkKeys(`initializer "${name}"`, options, OPTION_KEYS[name]);
  if (options.seed !== undefined) checkSeed('seed', options.seed);
  const gain = opt(options, 'gain', 1, checkNonNegative);
  const { fanIn, fanOut } = computeFans(shape);
  const normal = (std: number, formula: string): WeightDistribution => ({
    name, distribution: 'truncatedNormal', mean: 0, std,
    min: (-TRUNCATION_CUT * std) / TRUNCATION_STD, max: (TRUNCATION_CUT * std) / TRUNCATION_STD, formula,
  });
  const uniform = (limit: number, formula: string): WeightDistribution => ({
    name, distribution: 'uniform', mean: 0, std: limit / Math.sqrt(3), min: -limit, max: limit, formula,
  });
  const g = gain === 1 ? '' : `${gain} * `;
  switch (name) {
    case 'zeros':
      return { name, distribution: 'constant', mean: 0, std: 0, min: 0, max: 0, formula: '0' };
    case 'ones':
      return { name, distribution: 'constant', mean: 1, std: 0, min: 1, max: 1, formula: '1' };
    case 'constant': {
      if (options.value === undefined) throw new Error('initializer "constant" needs option value (a finite number)');
      const value = checkFinite('value', options.value);
      return { name, distribution: 'constant', mean: value, std: 0, min: value, max: value, formula: `${value}` };
    }
    case 'randomNormal': {
      const mean = opt(options, 'mean', 0);
      const stddev = opt(options, 'stddev', 0.05, checkNonNegative);
      return { name, distribution: 'normal', mean, std: stddev, formula: `N(${mean}, ${stddev}^2)` };
    }
    case 'truncatedNormal': {
      const mean = opt(options, 'mean', 0);
      const stddev = opt(options, 'stddev', 0.05, checkNonNegative);
      return {
        name, distribution: 'truncatedNormal', mean, std: stddev * TRUNCATION_STD,
        min: mean - TRUNCATION_CUT * stddev, max: mean + TRUNCATION_CUT * stddev,
        formula: `N(${mean}, ${stddev}^2) cut at +-2 stddev`,
      };
    }
    case 'randomUniform': {
      const minval = opt(options, 'minval', -0.05);
      const maxval = opt(options, 'maxval', 0.05);
      if (!(minval < maxval)) throw new Error(`minval must be < maxval, got minval=${minval} and maxval=${maxval}`);
      return {
        name, distribution: 'uniform', mean: (minval + maxval) / 2, std: (maxval - minval) / Math.sqrt(12),
        min: minval, max: maxval, formula: `U[${minval}, ${maxval}]`,
      };
    }
    case 'uniform':
      return uniform(gain / Math.sqrt(fanIn), `U[-a, a], a = ${g}1/sqrt(fanIn)`);
    case 'leCunNormal':
      return normal(gain * Math.sqrt(1 / fanIn), `std = ${g}sqrt(1/fanIn)`);
    case 'leCunUniform':
      return uniform(gain * Math.sqrt(3 / fanIn), `U[-a, a], a = ${g}sqrt(3/fanIn)`);
    case 'glorotNormal':
      return normal(gain * Math.sqrt(2 / (fanIn + fanOut)), `std = ${g}sqrt(2/(fanIn+fanOut))`);
    case 'glorotUniform':
      return uniform(gain * Math.sqrt(6 / (fanIn + fanOut)), `U[-a, a], a = ${g}sqrt(6/(fanIn+fanOut))`);
    case 'heNormal':
      return normal(gain * Math.sqrt(2 / fanIn), `std = ${g}sqrt(2/fanIn)`);
    case 'heUniform':
      return uniform(gain * Math.sqrt(6 / fanIn), `U[-a, a], a = ${g}sqrt(6/fanIn)`);
    case 'orthogonal': {
      const cols = shape[shape.length - 1];
      const rows = sizeOf(shape) / cols;
      return {
        name, distribution: 'orthogonal', mean: 0, std: gain / Math.sqrt(Math.max(rows, cols)),
        min: -gain, max: gain, formula: `${g}Q, Q orthonormal (${rows} x ${cols})`,
      };
    }
  }
}
