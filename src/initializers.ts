import { checkFinite, checkKeys, checkNonNegative, checkOneOf, describe } from './errors';
import { checkShape, computeFans, sizeOf } from './fans';
import { DEFAULT_SEED, Rng, Seed, checkSeed, fillNormal, fillUniform, makeRng } from './random';

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
const TRUNCATION_CUT = 2;

type Distribution = 'constant' | 'normal' | 'truncatedNormal' | 'uniform' | 'orthogonal';

/** What an initializer promises for a given shape: the distribution and its moments. */
export interface InitializerSpec {
  name: InitializerName;
  distribution: Distribution;
  /** The mean of the sampled weights. */
  mean: number;
  /** The standard deviation of the sampled weights (for orthogonal: gain / sqrt(cols or rows)). */
  std: number;
  /** Uniform: the interval; truncated normal: mean +- 2 standard deviations of the underlying normal. */
  min?: number;
  max?: number;
  /** The formula, in words a reader can check. */
  formula: string;
}

const OPTION_KEYS: Record<InitializerName, readonly string[]> = {
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
export function initializerSpec(name: InitializerName, shape: readonly number[], options: InitOptions = {}): InitializerSpec {
  checkOneOf('name', name, INITIALIZER_NAMES);
  checkShape('shape', shape);
  if (options === null || typeof options !== 'object') {
    throw new Error(`options must be an object, got ${describe(options)}`);
  }
  checkKeys(`initializer "${name}"`, options, OPTION_KEYS[name]);
  if (options.seed !== undefined) checkSeed(options.seed);
  const gain = opt(options, 'gain', 1, checkNonNegative);
  const { fanIn, fanOut } = computeFans(shape);
  const normal = (std: number, formula: string): InitializerSpec => ({
    name, distribution: 'truncatedNormal', mean: 0, std,
    min: (-TRUNCATION_CUT * std) / TRUNCATION_STD, max: (TRUNCATION_CUT * std) / TRUNCATION_STD, formula,
  });
  const uniform = (limit: number, formula: string): InitializerSpec => ({
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

/**
 * Samples a kernel of `shape` (row-major, like a tf.Tensor) from the named initializer,
 * with the project's own seeded generator: the same seed gives the same values.
 * See initializerSpec for the formulas.
 */
export function sampleWeights(name: InitializerName, shape: readonly number[], options: InitOptions = {}): Float32Array {
  return sampleWeightsInto(name, shape, options);
}

/** sampleWeights, drawn into `out` when given (its length must be the shape's size). Internal. */
export function sampleWeightsInto(name: InitializerName, shape: readonly number[], options: InitOptions = {}, out?: Float32Array): Float32Array {
  const spec = initializerSpec(name, shape, options);
  const size = sizeOf(shape);
  if (out === undefined) out = new Float32Array(size);
  else if (out.length !== size) throw new Error(`out has ${out.length} values but shape [${shape.join(', ')}] needs ${size}`);
  const rng = makeRng(options.seed ?? DEFAULT_SEED);
  switch (spec.distribution) {
    case 'constant':
      return out.fill(spec.mean);
    case 'uniform':
      return fillUniform(out, rng, spec.min!, spec.max!);
    case 'normal':
      return fillNormal(out, rng, Infinity, spec.std, spec.mean);
    case 'truncatedNormal':
      return fillNormal(out, rng, TRUNCATION_CUT, spec.std / TRUNCATION_STD, spec.mean);
    case 'orthogonal':
      return orthogonal(shape, rng, options.gain ?? 1, out);
  }
}

/**
 * Keras's Orthogonal: flatten to rows x cols (cols = last dimension), draw a Gaussian
 * matrix, take Q of its QR decomposition with the signs of R's diagonal folded in (so Q
 * is uniformly distributed over orthogonal matrices). Rows are orthonormal when
 * rows < cols, columns otherwise.
 */
function orthogonal(shape: readonly number[], rng: Rng, gain: number, out: Float32Array): Float32Array {
  const cols = shape[shape.length - 1];
  const rows = out.length / cols;
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  const g = new Float32Array(m * n);
  fillNormal(g, rng);
  const q = thinQ(Float64Array.from(g), m, n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const v = gain * q[i * n + j];
      if (tall) out[i * cols + j] = v;
      else out[j * cols + i] = v;
    }
  }
  return out;
}

/**
 * Q (m x n, m >= n, orthonormal columns) of A = QR by Householder reflections, with
 * column j multiplied by sign(R_jj). `a` is m x n row-major and is overwritten.
 */
export function thinQ(a: Float64Array, m: number, n: number): Float64Array {
  const vs: Float64Array[] = [];
  const signs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += a[i * n + k] * a[i * n + k];
    norm = Math.sqrt(norm);
    const akk = a[k * n + k];
    const alpha = akk > 0 ? -norm : norm; // R_kk = alpha
    signs[k] = alpha < 0 ? -1 : 1;
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = a[i * n + k];
    v[0] -= alpha;
    let vnorm2 = 0;
    for (let i = 0; i < v.length; i++) vnorm2 += v[i] * v[i];
    if (vnorm2 > 0) {
      for (let j = k; j < n; j++) {
        let dot = 0;
        for (let i = k; i < m; i++) dot += v[i - k] * a[i * n + j];
        const f = (2 * dot) / vnorm2;
        for (let i = k; i < m; i++) a[i * n + j] -= f * v[i - k];
      }
      const inv = 1 / Math.sqrt(vnorm2);
      for (let i = 0; i < v.length; i++) v[i] *= inv;
    }
    vs.push(v);
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k] * q[i * n + j];
      if (dot === 0) continue;
      for (let i = k; i < m; i++) q[i * n + j] -= 2 * dot * v[i - k];
    }
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j] *= signs[j];
  return q;
}

/**
 * How a layer's kernel is chosen: an initializer name, a name with its options
 * (`{ name: 'heNormal', gain: 2 }`), or a number, the std of a zero-mean normal.
 */
export type InitSpec = InitializerName | number | ({ name: InitializerName } & Omit<InitOptions, 'seed'>);

/** Samples a kernel from an InitSpec; the seed comes from the caller (one per layer). Into `out` when given. */
export function sampleInit(spec: InitSpec, shape: readonly number[], seed: Seed, out?: Float32Array): Float32Array {
  const [name, options] = resolveInit(spec, seed);
  return sampleWeightsInto(name, shape, options, out);
}

/**
 * Throws the error sampleInit(spec, shape, seed) would throw, without drawing anything:
 * for checking a network's kernels before they are drawn elsewhere (prefetch.ts).
 */
export function checkInit(spec: InitSpec, shape: readonly number[], seed: Seed): void {
  const [name, options] = resolveInit(spec, seed);
  initializerSpec(name, shape, options);
}

function resolveInit(spec: InitSpec, seed: Seed): [InitializerName, InitOptions] {
  if (typeof spec === 'number') {
    return ['randomNormal', { stddev: checkNonNegative('init (a standard deviation)', spec), seed }];
  }
  if (typeof spec === 'string') return [spec, { seed }];
  if (spec === null || typeof spec !== 'object' || typeof spec.name !== 'string') {
    throw new Error(
      `init must be an initializer name (${INITIALIZER_NAMES.join(', ')}), an object { name, ...options }, or a standard deviation; got ${describe(spec)}`,
    );
  }
  const { name, ...options } = spec as { name: InitializerName } & InitOptions;
  if (options.seed !== undefined) {
    throw new Error('init must not carry its own seed: pass seed to the function that builds the network, which gives each layer its own');
  }
  return [name, { ...options, seed }];
}

/** A short label for an InitSpec, for legends and tables. */
export function initLabel(spec: InitSpec): string {
  if (typeof spec === 'number') return `N(0, ${spec}^2)`;
  if (typeof spec === 'string') return spec;
  const { name, ...options } = spec;
  const args = Object.entries(options).map(([k, v]) => `${k}: ${v}`).join(', ');
  return args ? `${name} (${args})` : name;
}
