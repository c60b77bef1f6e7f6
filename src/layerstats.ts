/**
 * What the values inside a deep network look like, layer by layer: histograms (counts
 * over fixed bins) and moments of the activations and of the back-propagated gradients,
 * as in Glorot & Bengio's Figures 6 and 7.
 */
import * as tf from '@tensorflow/tfjs';
import { ACTIVATIONS, Activation, activationFn } from './activations';
import { checkFinite, checkKeys, checkNonNegative, checkOneOf, checkPositive, checkPositiveInt, describe } from './errors';
import { INITIALIZER_NAMES, InitSpec } from './initializers';
import { DEFAULT_SEED, Seed, checkSeed, fillNormal, makeRng } from './random';
import { initMLP } from './train';

/**
 * Counts of values over fixed bins. Bin k holds edges[k] <= v < edges[k + 1]; the last
 * bin also holds v = its upper edge (as numpy does). Values outside the edges are counted
 * in `below` and `above`, NaNs in `nan`, so
 *
 *   sum(counts) + below + above + nan = total.
 */
export interface Histogram {
  /** bins + 1 ascending bin edges (float32 numbers: the same edges on the device and here). */
  edges: number[];
  counts: number[];
  /** The middle of each bin, for plotting. */
  centers: number[];
  /** counts[k] / (total * width of bin k): a density, comparable with a formula's curve. */
  density: number[];
  below: number;
  above: number;
  nan: number;
  total: number;
}

export interface HistogramOptions {
  /** Number of equal-width bins over `range` (default 50). */
  bins?: number;
  /** [lo, hi] of the bins; default: the smallest and largest finite value. */
  range?: [number, number];
  /** The bin edges outright (ascending), instead of bins and range. */
  edges?: readonly number[];
}

const DEFAULT_BINS = 50;
const HISTOGRAM_KEYS = ['bins', 'range', 'edges'];

function checkRange(name: string, range: unknown): [number, number] {
  if (!Array.isArray(range) || range.length !== 2) throw new Error(`${name} must be [lo, hi], two finite numbers with lo < hi; got ${describe(range)}`);
  const lo = checkFinite(`${name}[0]`, range[0]);
  const hi = checkFinite(`${name}[1]`, range[1]);
  if (!(lo < hi)) throw new Error(`${name} must have lo < hi, got ${describe(range)}`);
  return [lo, hi];
}

function checkEdges(name: string, edges: unknown): number[] {
  if (!Array.isArray(edges) || edges.length < 2) throw new Error(`${name} must list at least two ascending finite numbers, got ${describe(edges)}`);
  edges.forEach((e, i) => {
    checkFinite(`${name}[${i}]`, e);
    if (i > 0 && !(e > edges[i - 1])) throw new Error(`${name} must be strictly ascending; ${name}[${i}] = ${e} follows ${edges[i - 1]}`);
  });
  return edges.map((e) => Math.fround(e));
}

/**
 * `bins` equal-width bins over [lo, hi]: edges lo + (hi - lo) k / bins, k = 0..bins, rounded
 * to float32 (TensorFlow.js's precision), so that a histogram made on the device and one
 * made here from the same values agree count for count.
 */
export function binEdges(bins: number, range: [number, number]): number[] {
  checkPositiveInt('bins', bins);
  const [lo, hi] = checkRange('range', range);
  const edges = Array.from({ length: bins + 1 }, (_, k) => Math.fround(k === bins ? hi : lo + ((hi - lo) * k) / bins));
  edges.forEach((e, k) => {
    if (k > 0 && !(e > edges[k - 1])) throw new Error(`range ${describe(range)} is too narrow for ${bins} distinct float32 bin edges`);
  });
  return edges;
}

function finish(edges: number[], counts: number[], below: number, above: number, nan: number, total: number): Histogram {
  const centers = counts.map((_, k) => (edges[k] + edges[k + 1]) / 2);
  const density = counts.map((c, k) => (total > 0 ? c / (total * (edges[k + 1] - edges[k])) : 0));
  return { edges, counts, centers, density, below, above, nan, total };
}

/**
 * A histogram of `values`, computed here in JavaScript (no tensors): see Histogram for
 * which bin a value falls in. Options: `bins` and `range`, or `edges`.
 */
export function histogram(values: ArrayLike<number>, options: HistogramOptions = {}): Histogram {
  if (values === null || typeof values !== 'object' || typeof (values as ArrayLike<number>).length !== 'number') {
    throw new Error(`values must be an array of numbers, got ${describe(values)}`);
  }
  if (options === null || typeof options !== 'object') throw new Error(`options must be an object, got ${describe(options)}`);
  checkKeys('histogram', options, HISTOGRAM_KEYS);
  let edges: number[];
  if (options.edges !== undefined) {
    if (options.bins !== undefined || options.range !== undefined) throw new Error('edges replaces bins and range: give edges or those, not both');
    edges = checkEdges('edges', options.edges);
  } else {
    const bins = options.bins === undefined ? DEFAULT_BINS : checkPositiveInt('bins', options.bins);
    let range = options.range;
    if (range === undefined) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (Number.isFinite(v)) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
      }
      if (lo === Infinity) (lo = -1), (hi = 1);
      else if (lo === hi) (lo -= 0.5), (hi += 0.5);
      range = [lo, hi];
    }
    edges = binEdges(bins, range);
  }
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  let below = 0;
  let above = 0;
  let nan = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') throw new Error(`values[${i}] must be a number, got ${describe(v)}`);
    if (Number.isNaN(v)) nan++;
    else if (v < edges[0]) below++;
    else if (v > edges[bins]) above++;
    else {
      // The number of edges <= v, minus one: a binary search, as searchSorted does on the device.
      let lo = 0;
      let hi = bins + 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (edges[mid] <= v) lo = mid + 1;
        else hi = mid;
      }
      counts[Math.min(lo - 1, bins - 1)]++;
    }
  }
  return finish(edges, counts, below, above, nan, values.length);
}

/** The values of one layer: their histogram and moments (over every entry). */
export interface LayerValues {
  histogram: Histogram;
  mean: number;
  /** The population variance: the mean of (v - mean)^2. */
  variance: number;
}

/** Layer l (1-based): z_l = x_{l-1} W_l, x_l = f(z_l). */
export interface LayerSample {
  layer: number;
  /** n_l, the layer's number of units. */
  width: number;
  /** The activations x_l = f(z_l): batch x n_l values. */
  activations: LayerValues;
  /**
   * The back-propagated gradients: dLoss/dz_l (batch x n_l values) with
   * gradient: 'preActivation', dLoss/dW_l (n_{l-1} x n_l values) with gradient: 'weights'.
   */
  gradients: LayerValues;
}

export interface LayerSamples {
  /** n_0 (the input) to n_L. */
  widths: number[];
  activation: Activation;
  gradient: GradientKind;
  batch: number;
  /** layers[l - 1] is layer l, for l = 1..L. */
  layers: LayerSample[];
}

export const GRADIENT_KINDS = ['preActivation', 'weights'] as const;
export type GradientKind = (typeof GRADIENT_KINDS)[number];

export interface LayerSamplesOptions {
  /** L, the number of layers (each a matrix product, then the activation). */
  depth?: number;
  /** Units per layer: one number for every layer, or a list n_1..n_L (then depth may be left out). */
  width: number | number[];
  /** How each kernel is drawn: one InitSpec for every layer, or one per layer. */
  init: InitSpec | InitSpec[];
  /** Examples in the input batch. */
  batch: number;
  /** The non-linearity after every layer, the last one included. */
  activation: Activation;
  /** The same seed gives the same input, kernels, output gradient, and so the same counts. */
  seed?: Seed;
  /** n_0, the input's width (default: the first layer's width). */
  inputWidth?: number;
  /** The std of the input's entries (default 1). */
  inputStd?: number;
  /** Which gradient to histogram: with respect to the pre-activations (default) or to the kernels. */
  gradient?: GradientKind;
  /** Bins per histogram (default 50). */
  bins?: number;
  /** The activations' bins span this range; default +-(largest |activation| of any layer). */
  activationRange?: [number, number];
  /** The gradients' bins span this range; default +-(largest |gradient| of any layer). */
  gradientRange?: [number, number];
}

const SAMPLE_KEYS = ['depth', 'width', 'init', 'batch', 'activation', 'seed', 'inputWidth', 'inputStd', 'gradient', 'bins', 'activationRange', 'gradientRange'];

// Counts travel back in one float32 tensor with the moments: exact up to 2^24.
const MAX_VALUES = 2 ** 24;

function layerWidths(options: LayerSamplesOptions): number[] {
  const { width } = options;
  if (Array.isArray(width)) {
    if (width.length === 0) throw new Error('width must be a whole number >= 1 or a non-empty list of them, got []');
    width.forEach((w, i) => checkPositiveInt(`width[${i}]`, w));
    if (options.depth !== undefined && checkPositiveInt('depth', options.depth) !== width.length) {
      throw new Error(`width lists ${width.length} layers but depth is ${options.depth}`);
    }
    return [...width];
  }
  const depth = checkPositiveInt('depth', options.depth);
  return Array.from({ length: depth }, () => checkPositiveInt('width', width));
}

function checkInit(init: unknown, depth: number): void {
  const one = (spec: unknown, name: string): void => {
    if (typeof spec === 'number') checkNonNegative(`${name} (a standard deviation)`, spec);
    else if (typeof spec === 'string') checkOneOf(name, spec, INITIALIZER_NAMES);
    else if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) checkOneOf(`${name}.name`, (spec as { name?: unknown }).name, INITIALIZER_NAMES);
    else throw new Error(`${name} must be an initializer name, an object { name, ...options }, or a standard deviation; got ${describe(spec)}`);
  };
  if (init === undefined) throw new Error('init is required: an initializer name, { name, ...options }, or a standard deviation');
  if (Array.isArray(init)) {
    if (init.length !== depth) throw new Error(`init must be one spec or one per layer (depth = ${depth}), got a list of ${init.length}`);
    init.forEach((spec, l) => one(spec, `init[${l}]`));
  } else one(init, 'init');
}

/** Edges on the device: the given range's, or +-max|v| over all of `values` (1 if that is 0 or not finite). */
function deviceEdges(bins: number, range: [number, number] | undefined, values: tf.Tensor[]): tf.Tensor1D {
  if (range) return tf.tensor1d(binEdges(bins, range));
  return tf.tidy(() => {
    const m = tf.max(tf.stack(values.map((v) => tf.max(tf.abs(v)))));
    const ok = tf.logicalAnd(tf.isFinite(m), tf.greater(m, 0));
    const scale = tf.where(ok, m, tf.scalar(1));
    const unit = tf.tensor1d(binEdges(bins, [-1, 1]));
    // +-1 times the scale are exact, so the largest |v| lands on an edge and inside.
    return tf.mul(unit, scale) as tf.Tensor1D;
  });
}

/** [counts (bins), below, above, nan, mean, variance] of one tensor, as one float32 vector. */
function summarize(values: tf.Tensor, edges: tf.Tensor1D, bins: number): tf.Tensor1D {
  return tf.tidy(() => {
    const v = values.reshape([-1]);
    // Bucket = the number of edges <= v: 0 below the first edge, k + 1 for bin k
    // (edges[k] <= v < edges[k+1]), bins + 1 above the last edge, bins + 2 for NaN.
    // Every bucket index is in range: the wasm bincount complains about negative ones.
    let bucket = tf.searchSorted(edges, v, 'right').reshape([-1]);
    const fill = (value: number) => tf.fill(bucket.shape, value, 'int32');
    bucket = tf.where(tf.equal(v, edges.slice([bins], [1])), fill(bins), bucket);
    bucket = tf.where(tf.isNaN(v), fill(bins + 2), bucket);
    const counts = tf.bincount(bucket as tf.Tensor1D, tf.tensor1d([], 'float32'), bins + 3);
    const inBins = counts.slice([1], [bins]);
    const outside = tf.concat([counts.slice([0], [1]), counts.slice([bins + 1], [2])]);
    const { mean, variance } = tf.moments(v);
    return tf.concat([inBins, outside, tf.stack([mean, variance])]) as tf.Tensor1D;
  });
}

/**
 * Pushes a seeded standard normal batch x_0 (batch x n_0, times inputStd) through L fully
 * connected layers without biases,
 *
 *   z_l = x_{l-1} W_l,   x_l = f(z_l),   l = 1..L,
 *
 * sends a seeded standard normal gradient g back from the output (the loss sum(x_L * g)),
 * and returns for every layer a histogram and the mean and variance of the activations x_l
 * and of the gradients dLoss/dz_l (or dLoss/dW_l = x_{l-1}^T dLoss/dz_l).
 *
 * The network is the one signalPropagation builds from the same options and seed (kernels
 * from initMLP, seeds `${seed}/${l}`; input and output gradient from `${seed}/input` and
 * `${seed}/output-gradient`), so their moments agree. All the work is done by TensorFlow.js;
 * the counts and moments come back in one read, and no tensor outlives the call.
 *
 * Every histogram of a kind shares one set of bins (the `activationRange` and
 * `gradientRange` options, by default +-(largest |value| over all layers)), so layers
 * can be overlaid on one chart.
 */
export function layerSamples(options: LayerSamplesOptions): LayerSamples {
  if (options === null || typeof options !== 'object') throw new Error(`layerSamples needs an options object, got ${describe(options)}`);
  checkKeys('layerSamples', options, SAMPLE_KEYS);
  const activation = checkOneOf('activation', options.activation, ACTIVATIONS);
  const gradient = checkOneOf('gradient', options.gradient ?? 'preActivation', GRADIENT_KINDS);
  const batch = checkPositiveInt('batch', options.batch);
  const seed = checkSeed(options.seed ?? DEFAULT_SEED);
  const inputStd = options.inputStd === undefined ? 1 : checkPositive('inputStd', options.inputStd);
  const bins = options.bins === undefined ? DEFAULT_BINS : checkPositiveInt('bins', options.bins);
  const activationRange = options.activationRange === undefined ? undefined : checkRange('activationRange', options.activationRange);
  const gradientRange = options.gradientRange === undefined ? undefined : checkRange('gradientRange', options.gradientRange);
  if (activationRange) binEdges(bins, activationRange);
  if (gradientRange) binEdges(bins, gradientRange);
  const hidden = layerWidths(options);
  const inputWidth = options.inputWidth === undefined ? hidden[0] : checkPositiveInt('inputWidth', options.inputWidth);
  const widths = [inputWidth, ...hidden];
  const depth = hidden.length;
  checkInit(options.init, depth);
  for (let l = 0; l < depth; l++) {
    const size = gradient === 'weights' ? widths[l] * widths[l + 1] : batch * widths[l + 1];
    if (batch * widths[l + 1] > MAX_VALUES || size > MAX_VALUES) {
      throw new Error(`layer ${l + 1} has too many values to count exactly (more than 2^24): lower batch or width`);
    }
  }
  const { weights } = initMLP(widths, options.init, seed);

  const x0Values = fillNormal(new Float32Array(batch * inputWidth), makeRng(`${seed}/input`));
  if (inputStd !== 1) for (let i = 0; i < x0Values.length; i++) x0Values[i] *= inputStd;
  const gValues = fillNormal(new Float32Array(batch * widths[depth]), makeRng(`${seed}/output-gradient`));
  const act = activationFn(activation);

  const owned: tf.Tensor[] = [];
  const own = <T extends tf.Tensor>(t: T): T => (owned.push(t), t);
  try {
    const x0 = own(tf.tensor2d(x0Values, [batch, inputWidth]));
    const g = own(tf.tensor2d(gValues, [batch, widths[depth]]));
    const W = weights.map((w, l) => own(tf.tensor2d(w, [widths[l], widths[l + 1]])));
    // dLoss/dz_l is the gradient with respect to a zero offset added to z_l (autodiff
    // differentiates with respect to a function's inputs, and the offsets are inputs).
    const offsets = hidden.map((n) => own(tf.zeros([batch, n])));
    const xs: tf.Tensor[] = [];
    const net = (...z0: tf.Tensor[]): tf.Tensor => {
      let h: tf.Tensor = x0;
      for (let l = 0; l < depth; l++) {
        const zl = tf.add(tf.matMul(h, W[l]), z0[l]);
        h = act(zl);
        xs.push(own(tf.keep(h)));
      }
      return h;
    };
    const dz = tf.grads(net)(offsets, g).map(own);
    const grads = gradient === 'weights' ? dz.map((d, l) => own(tf.matMul(l === 0 ? x0 : xs[l - 1], d, true, false))) : dz;
    const actEdges = own(deviceEdges(bins, activationRange, xs));
    const gradEdges = own(deviceEdges(bins, gradientRange, grads));
    const all = own(tf.concat([actEdges, gradEdges, ...xs.flatMap((x, l) => [own(summarize(x, actEdges, bins)), own(summarize(grads[l], gradEdges, bins))])]));
    const v = Array.from(all.dataSync());

    const edgesA = v.slice(0, bins + 1);
    const edgesG = v.slice(bins + 1, 2 * bins + 2);
    const per = bins + 5;
    const unpack = (offset: number, edges: number[], total: number): LayerValues => {
      const [below, above, nan, mean, variance] = v.slice(offset + bins, offset + per);
      return { histogram: finish(edges, v.slice(offset, offset + bins), below, above, nan, total), mean, variance };
    };
    const layers = hidden.map((n, l): LayerSample => {
      const o = 2 * bins + 2 + 2 * l * per;
      const gradTotal = gradient === 'weights' ? widths[l] * n : batch * n;
      return { layer: l + 1, width: n, activations: unpack(o, edgesA, batch * n), gradients: unpack(o + per, edgesG, gradTotal) };
    });
    return { widths, activation, gradient, batch, layers };
  } finally {
    tf.dispose(owned);
  }
}
