/**
 * Chapter 8's measurements repeated over seeds, and what can be concluded from them: the
 * coordinate check's slopes with their spread, and the learning-rate sweep's optimum located
 * on the loss averaged over seeds, with a jackknife standard error (leave one seed out).
 *
 * One seed of a sweep is one draw of the kernels and of the minibatch order. Its loss
 * against the rate is jagged, and the vertex of a parabola through three jagged points moves
 * a long way when the curve is flat; the mean over seeds of ln(test loss) is smoother, and the
 * spread of the estimate is measured, not assumed, by recomputing it without each seed in turn.
 */
import { Seed } from '../core/random';
import { logLogSlope } from '../core/stats';
import { CoordinateCheck } from './coordinate';
import { SweepRow, parabolaVertex } from './sweep';

/** A statistic over seeds: each seed's value, their mean, sample sd and standard error of the mean. */
export interface Spread {
  perSeed: number[];
  mean: number;
  /** Sample standard deviation (n - 1); 0 for one seed. */
  sd: number;
  /** sd / sqrt(n). */
  se: number;
}

export function spread(values: number[]): Spread {
  if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
    throw new Error(`spread needs a list of finite numbers, got ${JSON.stringify(values)}`);
  }
  const k = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / k;
  const sd = k > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (k - 1)) : 0;
  return { perSeed: [...values], mean, sd, se: sd / Math.sqrt(k) };
}

export interface CoordinateSlopes {
  layer: number;
  role: CoordinateCheck['layers'][number]['role'];
  /** The log-log slope of mean |Δz| against the width, seed by seed, with their mean and spread; null for a layer that did not move. */
  slopes: Spread | null;
  /** meanDelta[w]: mean |Δz| at widths[w], averaged over the seeds. */
  meanDelta: number[];
  /** The slope of that seed-averaged curve (what the mup package plots, nseeds > 1); null for a layer that did not move. */
  curveSlope: number | null;
}

/**
 * The coordinate check's slopes after `step` steps (1 = the first), over several seeds: one
 * entry per layer. A layer that did not move at all (kept frozen by trainLayers, or behind a
 * zero readout at step 1) has null slopes. Throws unless the checks share widths, steps,
 * parametrization and optimizer and come from different seeds, and when a layer moved at some
 * widths or seeds but not at others (no slope can be taken of a change of 0).
 */
export function coordinateSlopes(checks: CoordinateCheck[], step: number): CoordinateSlopes[] {
  if (!Array.isArray(checks) || checks.length === 0) throw new Error('checks must list at least one coordinate check (from coordinateCheck)');
  const first = checks[0];
  checks.forEach((c, i) => {
    if (!c || !Array.isArray(c.layers) || !Array.isArray(c.widths)) throw new Error(`checks[${i}] must be a coordinate check (from coordinateCheck)`);
    if (c.widths.join() !== first.widths.join() || c.steps !== first.steps || c.parametrization !== first.parametrization || c.optimizer !== first.optimizer || c.learningRate !== first.learningRate) {
      throw new Error(`checks[${i}] differs from checks[0] in its widths, steps, rate, parametrization or optimizer: average only repeats of one check over seeds`);
    }
  });
  const seeds = checks.map((c) => String(c.seed));
  if (new Set(seeds).size !== seeds.length) throw new Error(`checks must come from different seeds, got seeds ${seeds.join(', ')}`);
  if (!Number.isInteger(step) || step < 1 || step > first.steps) throw new Error(`step must be a whole number from 1 to ${first.steps} (the checks' steps), got ${step}`);
  return first.layers.map((layer, l) => {
    const deltas = checks.map((c) => c.layers[l].delta[step - 1]);
    const meanDelta = first.widths.map((_, w) => deltas.reduce((a, d) => a + d[w], 0) / deltas.length);
    if (deltas.every((d) => d.every((v) => v === 0))) return { layer: layer.layer, role: layer.role, slopes: null, meanDelta, curveSlope: null };
    deltas.forEach((d, i) => {
      if (!d.every((v) => v > 0 && Number.isFinite(v))) throw new Error(`layer ${l + 1} did not move at every width at step ${step} for seed ${seeds[i]} (changes ${d.join(', ')}): no slope of a change of 0`);
    });
    return {
      layer: layer.layer, role: layer.role, slopes: spread(deltas.map((d) => logLogSlope(first.widths, d))), meanDelta, curveSlope: logLogSlope(first.widths, meanDelta),
    };
  });
}

export interface SeedOptimum {
  seed: Seed;
  /** log2 of this seed's best rate on the grid, or null if all its runs diverged. */
  bestLog2: number | null;
  /** This seed's own parabola vertex (SweepRow.optimumLog2). */
  optimumLog2: number | null;
  /** Its best rate is the first or last of the grid: the grid does not bracket its optimum. */
  atEdge: boolean;
}

export interface AveragedSweep {
  parametrization: SweepRow['parametrization'];
  optimizer: SweepRow['optimizer'];
  width: number;
  seeds: Seed[];
  learningRates: number[];
  /** exp(mean over seeds of ln test loss) at each rate: the geometric mean; null where a seed diverged. */
  testLoss: (number | null)[];
  /** The rate on the grid with the lowest averaged loss. */
  best: { index: number; learningRate: number; testLoss: number } | null;
  /** log2 of the vertex of the parabola through the mean ln loss at the best rate and its two neighbours; null at an end of the grid. */
  optimumLog2: number | null;
  /**
   * The jackknife standard error of optimumLog2: with o_i the optimum without seed i,
   * sqrt((k - 1) / k sum_i (o_i - mean o)^2). Null with fewer than 3 seeds, or when an o_i is null.
   */
  optimumSE: number | null;
  perSeed: SeedOptimum[];
}

function checkRows(name: string, rows: SweepRow[]): void {
  if (!Array.isArray(rows) || rows.length === 0) throw new Error(`${name} must list at least one sweep row (from learningRateSweep)`);
  const r0 = rows[0];
  rows.forEach((r, i) => {
    if (!r || !Array.isArray(r.testLoss) || !Array.isArray(r.learningRates)) throw new Error(`${name}[${i}] must be a sweep row (from learningRateSweep)`);
    if (r.width !== r0.width || r.parametrization !== r0.parametrization || r.optimizer !== r0.optimizer || r.learningRates.join() !== r0.learningRates.join()) {
      throw new Error(`${name}[${i}] differs from ${name}[0] in its width, parametrization, optimizer or rates: average only one sweep's repeats over seeds`);
    }
  });
  const seeds = rows.map((r) => String(r.seed));
  if (new Set(seeds).size !== seeds.length) throw new Error(`${name} must come from different seeds, got seeds ${seeds.join(', ')}`);
}

/** Mean ln loss over the rows at each rate (null where any row diverged), its best index and vertex. */
function meanCurve(rows: SweepRow[]) {
  const rates = rows[0].learningRates;
  const lnLoss = rates.map((_, i) => (rows.every((r) => r.testLoss[i] !== null) ? rows.reduce((a, r) => a + Math.log(r.testLoss[i] as number), 0) / rows.length : null));
  let best = -1;
  lnLoss.forEach((v, i) => {
    if (v !== null && (best < 0 || v < (lnLoss[best] as number))) best = i;
  });
  let optimum: number | null = null;
  if (best > 0 && best < rates.length - 1 && lnLoss[best - 1] !== null && lnLoss[best + 1] !== null) {
    optimum = parabolaVertex([best - 1, best, best + 1].map((i) => Math.log2(rates[i])), [best - 1, best, best + 1].map((i) => lnLoss[i] as number));
  }
  return { lnLoss, best, optimum };
}

function jackknife(estimates: (number | null)[]): number | null {
  if (estimates.length < 3 || estimates.some((e) => e === null)) return null;
  const k = estimates.length;
  const e = estimates as number[];
  const mean = e.reduce((a, b) => a + b, 0) / k;
  return Math.sqrt(((k - 1) / k) * e.reduce((a, v) => a + (v - mean) ** 2, 0));
}

/** One sweep (one width and parametrization) repeated over seeds, averaged as the header describes. */
export function averageSweeps(rows: SweepRow[]): AveragedSweep {
  checkRows('rows', rows);
  const r0 = rows[0];
  const rates = r0.learningRates;
  const { lnLoss, best, optimum } = meanCurve(rows);
  const leaveOneOut = rows.map((_, i) => meanCurve(rows.filter((__, j) => j !== i)).optimum);
  return {
    parametrization: r0.parametrization, optimizer: r0.optimizer, width: r0.width, seeds: rows.map((r) => r.seed), learningRates: [...rates],
    testLoss: lnLoss.map((v) => (v === null ? null : Math.exp(v))),
    best: best < 0 ? null : { index: best, learningRate: rates[best], testLoss: Math.exp(lnLoss[best] as number) },
    optimumLog2: optimum,
    optimumSE: jackknife(leaveOneOut),
    perSeed: rows.map((r) => ({
      seed: r.seed, bestLog2: r.best ? Math.log2(r.best.learningRate) : null, optimumLog2: r.optimumLog2,
      atEdge: r.best !== null && (r.best.index === 0 || r.best.index === rates.length - 1),
    })),
  };
}

export interface OptimumShift {
  widths: number[];
  /** log2 of the seed-averaged optimum at each width. */
  optima: number[];
  /** The least-squares slope of log2(optimum) against log2(width): the shift per doubling of the width. */
  shift: number;
  /** Its jackknife standard error, leaving the same seed out at every width. */
  se: number;
  /** The shift without each seed in turn. */
  leaveOneOut: number[];
}

/**
 * The shift per doubling of the width of the seed-averaged optimum, from sweeps at two or
 * more widths (rowsByWidth[w]: the seeds' rows at one width; every width the same seeds).
 * Throws when an optimum (with all seeds, or without one) is not bracketed by its grid.
 */
export function optimumShift(rowsByWidth: SweepRow[][]): OptimumShift {
  if (!Array.isArray(rowsByWidth) || rowsByWidth.length < 2) throw new Error('rowsByWidth must list the seeds\' sweep rows at two or more widths');
  rowsByWidth.forEach((rows, w) => checkRows(`rowsByWidth[${w}]`, rows));
  const seeds = rowsByWidth[0].map((r) => String(r.seed)).sort();
  if (seeds.length < 3) throw new Error(`optimumShift needs at least 3 seeds for a jackknife, got ${seeds.length}`);
  rowsByWidth.forEach((rows, w) => {
    if (rows.map((r) => String(r.seed)).sort().join() !== seeds.join()) throw new Error(`rowsByWidth[${w}] must have the same seeds as rowsByWidth[0] (${seeds.join(', ')})`);
  });
  const widths = rowsByWidth.map((rows) => rows[0].width);
  if (new Set(widths).size !== widths.length) throw new Error(`rowsByWidth must be at different widths, got ${widths.join(', ')}`);
  const lw = widths.map(Math.log2);
  const slope = (leave: string | null) => {
    const optima = rowsByWidth.map((rows, w) => {
      const o = meanCurve(rows.filter((r) => String(r.seed) !== leave)).optimum;
      if (o === null) throw new Error(`the optimum at width ${widths[w]}${leave === null ? '' : ` without seed ${leave}`} is not inside its grid of rates: widen the grid`);
      return o;
    });
    const mx = lw.reduce((a, b) => a + b, 0) / lw.length;
    const my = optima.reduce((a, b) => a + b, 0) / optima.length;
    const s = lw.reduce((a, x, i) => a + (x - mx) * (optima[i] - my), 0) / lw.reduce((a, x) => a + (x - mx) ** 2, 0);
    return { optima, s };
  };
  const all = slope(null);
  const leaveOneOut = seeds.map((s) => slope(s).s);
  return { widths, optima: all.optima, shift: all.s, se: jackknife(leaveOneOut) as number, leaveOneOut };
}
