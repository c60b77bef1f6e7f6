/**
 * Numbers from samples and from the normal distribution: moments, the slope of a log,
 * Gaussian expectations by quadrature. Plain JavaScript, float64, no tensors.
 */
import { describe } from './checks';

/** Sample statistics of a set of values. meanSquare = variance + mean^2. */
export interface Moments {
  mean: number;
  /** The population variance: the mean of (v - mean)^2. */
  variance: number;
  meanSquare: number;
}

/** Moments from a mean and a variance. */
export const momentsFrom = (mean: number, variance: number): Moments => ({ mean, variance, meanSquare: variance + mean * mean });

/**
 * The mean and the population variance of `values`, in two passes (the mean first, then
 * the mean of the squared deviations), summed in float64 in order. Chapters 3 and 4 use it.
 */
export function moments(values: ArrayLike<number>): Moments {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number' || values.length === 0) {
    throw new Error(`moments needs a non-empty array of numbers, got ${describe(values)}`);
  }
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i] - mean) ** 2;
  return momentsFrom(mean, ss / values.length);
}

/**
 * The least-squares slope of ln(values[i]) against i: the average change of the log per
 * step, so exp(slope) is the factor per layer. For variances of a linear network with
 * Gaussian kernels of std sigma and width n it estimates ln(sigma^2 n) (chapters 2-4).
 *
 *   slope = sum_i (i - mean(i)) (ln v_i - mean(ln v)) / sum_i (i - mean(i))^2
 */
export function logSlope(values: readonly number[]): number {
  if (!Array.isArray(values) || values.length < 2) throw new Error(`logSlope needs a list of at least two values, got ${describe(values)}`);
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) {
      throw new Error(`logSlope needs finite positive values; values[${i}] is ${describe(v)}`);
    }
  });
  const n = values.length;
  const ys = values.map(Math.log);
  const meanX = (n - 1) / 2;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, i) => {
    num += (i - meanX) * (y - meanY);
    den += (i - meanX) ** 2;
  });
  return num / den;
}

/** The standard normal density, phi(z) = exp(-z^2 / 2) / sqrt(2 pi). */
export function normalPdf(z: number): number {
  return Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
}

/**
 * The integral of f over [a, b] by Simpson's rule on `steps` (even) intervals of width
 * h = (b - a) / steps: (h / 3) (f(a) + 4 f(a + h) + 2 f(a + 2h) + ... + f(b)). Its error
 * is of order h^4 f'''' for a smooth f (chapters 3 and 5 integrate the normal density).
 */
export function simpson(f: (t: number) => number, a: number, b: number, steps = 2000): number {
  if (!Number.isInteger(steps) || steps < 2 || steps % 2 !== 0) throw new Error(`steps must be an even whole number >= 2, got ${describe(steps)}`);
  const h = (b - a) / steps;
  let s = f(a) + f(b);
  for (let i = 1; i < steps; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/**
 * E[f(z)] for z ~ N(0, variance): the integral of phi(u) f(sqrt(variance) u) over
 * u in [-10, 10] (the mass beyond 10 standard deviations is below 1e-22) by Simpson's rule
 * with 2000 intervals. Chapter 3's mean-field lines use it.
 */
export function gaussianExpectation(f: (z: number) => number, variance: number): number {
  if (typeof variance !== 'number' || !(variance >= 0) || !Number.isFinite(variance)) {
    throw new Error(`variance must be a finite number >= 0, got ${describe(variance)}`);
  }
  const sd = Math.sqrt(variance);
  return simpson((u) => normalPdf(u) * f(sd * u), -10, 10);
}

/**
 * The least-squares slope of ln(y) against ln(x): the exponent k of a power law y ~ x^k
 * (chapter 8: how a layer's update grows with the width, k = 1 if in proportion, 0 if not).
 *
 *   k = sum_i (ln x_i - mean ln x) (ln y_i - mean ln y) / sum_i (ln x_i - mean ln x)^2
 */
export function logLogSlope(x: readonly number[], y: readonly number[]): number {
  const check = (name: string, v: readonly number[]) => {
    if (!Array.isArray(v) || v.length < 2) throw new Error(`logLogSlope needs ${name} as a list of at least two values, got ${describe(v)}`);
    v.forEach((e, i) => {
      if (typeof e !== 'number' || !(e > 0) || !Number.isFinite(e)) throw new Error(`logLogSlope needs finite positive values; ${name}[${i}] is ${describe(e)}`);
    });
  };
  check('x', x);
  check('y', y);
  if (x.length !== y.length) throw new Error(`logLogSlope needs x and y of the same length, got ${x.length} and ${y.length}`);
  const lx = x.map(Math.log);
  const ly = y.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0;
  let den = 0;
  lx.forEach((v, i) => {
    num += (v - mx) * (ly[i] - my);
    den += (v - mx) ** 2;
  });
  if (den === 0) throw new Error(`logLogSlope needs at least two different x values, got ${describe(x)}`);
  return num / den;
}

/**
 * The p-quantile of Student's t distribution with `dof` degrees of freedom: how many standard
 * errors a two-sided interval spans when the standard error is estimated from dof + 1 values
 * (chapter 8: five seeds). Substituting t = sqrt(dof) tan(theta) turns the density,
 * proportional to (1 + t^2 / dof)^(-(dof + 1) / 2), into one proportional to
 * cos(theta)^(dof - 1) on (-pi/2, pi/2), so P(0 < T < t) / P(T > 0) is the integral of
 * cos^(dof - 1) from 0 to theta over its integral from 0 to pi/2; theta is found by bisection
 * (Simpson's rule for the integrals). dof = 1 is the Cauchy distribution, tan(pi (p - 1/2)).
 */
export function studentTQuantile(p: number, dof: number): number {
  if (typeof p !== 'number' || !(p > 0 && p < 1)) throw new Error(`p must be a probability strictly between 0 and 1, got ${describe(p)}`);
  if (!Number.isInteger(dof) || dof < 1) throw new Error(`dof must be a whole number >= 1 (degrees of freedom), got ${describe(dof)}`);
  if (p === 0.5) return 0;
  const density = (theta: number) => Math.cos(theta) ** (dof - 1);
  const share = (2 * Math.abs(p - 0.5)) * simpson(density, 0, Math.PI / 2);
  let [lo, hi] = [0, Math.PI / 2];
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (simpson(density, 0, mid) < share) lo = mid;
    else hi = mid;
  }
  return Math.sign(p - 0.5) * Math.sqrt(dof) * Math.tan((lo + hi) / 2);
}
