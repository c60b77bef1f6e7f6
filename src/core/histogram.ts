/**
 * Counts of values over fixed bins, in JavaScript. The network engine counts on the
 * device with the same edges and the same rule (net/device-stats.ts), so the two agree.
 */
import { checkFinite, checkKeys, checkObject, checkPositiveInt, checkRange, describe } from './checks';

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

export const DEFAULT_BINS = 50;

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

/** A Histogram from its edges and counts: the centers and the density follow. */
export function histogramFrom(edges: number[], counts: number[], below: number, above: number, nan: number, total: number): Histogram {
  const centers = counts.map((_, k) => (edges[k] + edges[k + 1]) / 2);
  const density = counts.map((c, k) => (total > 0 ? c / (total * (edges[k + 1] - edges[k])) : 0));
  return { edges, counts, centers, density, below, above, nan, total };
}

/**
 * A histogram of `values`: see Histogram for which bin a value falls in. Options: `bins`
 * and `range`, or `edges`. Chapters 3 and 5 draw samples with it.
 */
export function histogram(values: ArrayLike<number>, options: HistogramOptions = {}): Histogram {
  if (values === null || typeof values !== 'object' || typeof (values as ArrayLike<number>).length !== 'number') {
    throw new Error(`values must be an array of numbers, got ${describe(values)}`);
  }
  if (options === null || typeof options !== 'object') throw new Error(`options must be an object, got ${describe(options)}`);
  checkKeys('histogram', checkObject('histogram', options), ['bins', 'range', 'edges']);
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
  return histogramFrom(edges, counts, below, above, nan, values.length);
}
