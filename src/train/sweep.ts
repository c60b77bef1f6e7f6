/**
 * Chapter 8's learning-rate sweep: the test loss for every width and rate, the best rate on
 * the grid and the optimum between grid points (parametrized.ts trains the networks).
 */
import { checkFunction, checkPositive, checkPositiveInt, describe, optional, required } from '../core/checks';
import { Seed } from '../core/random';
import { ParametrizationName, ParametrizedOptimizer } from '../net/parametrization';
import { ParametrizedRunOptions, checkRun, checkWidths, train } from './parametrized';

function checkRates(name: string, v: unknown): number[] {
  if (!Array.isArray(v) || v.length === 0) throw new Error(`${name} must list at least one learning rate, got ${describe(v)}`);
  v.forEach((r, i) => checkPositive(`${name}[${i}]`, r));
  for (let i = 1; i < v.length; i++) if (!(v[i] > v[i - 1])) throw new Error(`${name} must be increasing, got ${describe(v)}`);
  return v;
}

export interface LearningRateSweepOptions extends ParametrizedRunOptions {
  widths: number[];
  /** Increasing. */
  learningRates: number[];
  steps: number;
  /** Called after every run with (runs done, runs in all), for a progress bar. */
  onRun?: (done: number, total: number) => void;
}

export interface SweepRow {
  parametrization: ParametrizationName;
  optimizer: ParametrizedOptimizer;
  width: number;
  seed: Seed;
  learningRates: number[];
  /** The test loss after training at each rate; null where the run diverged. */
  testLoss: (number | null)[];
  /** The rate on the grid with the lowest test loss. */
  best: { index: number; learningRate: number; testLoss: number } | null;
  /**
   * log2 of the optimum between grid points: the vertex of the parabola through ln(test loss)
   * at the best rate and its two neighbours, against log2(rate); null when the best is at an
   * end of the grid or a neighbour diverged.
   */
  optimumLog2: number | null;
}

/** The vertex of the parabola through three points (x_i, y_i), or null if they are on a line or it opens downwards. */
export function parabolaVertex(x: number[], y: number[]): number | null {
  const [x0, x1, x2] = x;
  const [y0, y1, y2] = y;
  const d1 = (y1 - y0) / (x1 - x0);
  const d2 = (y2 - y1) / (x2 - x1);
  const a = (d2 - d1) / (x2 - x0);
  if (!(a > 0)) return null;
  return (x0 + x1) / 2 - d1 / (2 * a);
}

/**
 * Trains one network per (width, learning rate) from the same seed for `steps` steps and
 * returns, per width, the test loss at every rate, the best rate on the grid and the
 * interpolated optimum. One row per width, in the order of widths, so sweeps split over
 * several cells concatenate.
 */
export function learningRateSweep(options: LearningRateSweepOptions): SweepRow[] {
  const o = checkRun('learningRateSweep', options, {
    widths: required((name, v) => (Array.isArray(v) && v.length === 1 ? [checkPositiveInt(`${name}[0]`, v[0])] : checkWidths(name, v))),
    learningRates: required(checkRates),
    steps: required(checkPositiveInt),
    onRun: optional((name, v) => checkFunction<(done: number, total: number) => void>(name, v, '(done, total) => void')),
  });
  const widths = o.widths as number[];
  const rates = o.learningRates as number[];
  const onRun = o.onRun as ((done: number, total: number) => void) | undefined;
  const total = widths.length * rates.length;
  let done = 0;
  return widths.map((width) => {
    const testLoss = rates.map((learningRate) => {
      const h = train(o, width, learningRate, o.steps as number, false);
      onRun?.(++done, total);
      return h.testLoss;
    });
    let best: SweepRow['best'] = null;
    testLoss.forEach((v, index) => {
      if (v !== null && (best === null || v < best.testLoss)) best = { index, learningRate: rates[index], testLoss: v };
    });
    let optimumLog2: number | null = null;
    const b = best as SweepRow['best'];
    if (b && b.index > 0 && b.index < rates.length - 1) {
      const near = [b.index - 1, b.index, b.index + 1];
      const ys = near.map((i) => testLoss[i]);
      if (ys.every((v) => v !== null)) optimumLog2 = parabolaVertex(near.map((i) => Math.log2(rates[i])), (ys as number[]).map(Math.log));
    }
    return { parametrization: o.parametrization, optimizer: o.optimizer, width, seed: o.seed, learningRates: [...rates], testLoss, best, optimumLog2 };
  });
}
