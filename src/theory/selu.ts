/**
 * Klambauer et al.'s (2017, "Self-Normalizing Neural Networks") map of the mean and the
 * variance through one SELU layer, its fixed point and its Jacobian. Chapter 6.
 *
 * A unit z = sum_i w_i x_i with inputs of mean mu and variance nu (independent), and
 * weights with omega = sum_i w_i and tau = sum_i w_i^2, is close to N(mu omega, nu tau);
 * the layer's output selu(z) then has
 *
 *   mu~ = E[selu(z)],   nu~ = E[selu(z)^2] - mu~^2,     z ~ N(mu omega, nu tau)
 *
 * (their Eq. 3). With omega = 0 and tau = 1 the constants lambda_01, alpha_01
 * (SELU_LAMBDA, SELU_ALPHA) make (0, 1) a fixed point. Expectations by quadrature.ts.
 */
import { checkFinite, checkOptions, checkPositive, withDefault, required } from '../core/checks';
import { SCALAR_ACTIVATIONS } from './activations';
import { expect1 } from './quadrature';

const selu = SCALAR_ACTIVATIONS.selu;

export interface SeluWeights {
  /** omega = sum of a unit's incoming weights (default 0). */
  weightSum?: number;
  /** tau = sum of their squares, fan_in Var(w) for random weights (default 1). */
  weightSquareSum?: number;
}

export interface SeluMoments {
  mean: number;
  variance: number;
}

const WEIGHTS = { weightSum: withDefault(checkFinite, 0), weightSquareSum: withDefault(checkPositive, 1) };
const MOMENT_OPTIONS = { mean: required(checkFinite), variance: required(checkPositive), ...WEIGHTS };

function map(mu: number, nu: number, omega: number, tau: number): [number, number] {
  const m = mu * omega;
  const s = Math.sqrt(nu * tau);
  const mean = expect1(selu.f, m, s, true);
  const square = expect1((x) => selu.f(x) ** 2, m, s, true);
  return [mean, square - mean * mean];
}

/** The map (mu, nu) -> (mu~, nu~) of one SELU layer (formulas above). */
export function seluMoments(options: SeluMoments & SeluWeights): SeluMoments {
  const o = checkOptions('seluMoments', options, MOMENT_OPTIONS);
  const [mean, variance] = map(o.mean, o.variance, o.weightSum, o.weightSquareSum);
  return { mean, variance };
}

export interface SeluFixedPoint extends SeluMoments {
  /** [[d mu~/d mu, d mu~/d nu], [d nu~/d mu, d nu~/d nu]] at the fixed point. */
  jacobian: [[number, number], [number, number]];
  /** The Jacobian's largest singular value: below 1, the map contracts around the fixed point. */
  spectralNorm: number;
}

/**
 * The fixed point of seluMoments for the given weights, found by iterating the map from
 * (0, 1) until it moves less than 1e-14 (it contracts near the fixed point), with the
 * Jacobian there by central differences (step 1e-4: truncation error ~1e-9, rounding
 * ~1e-12). Throws if the iteration does not settle in 10,000 steps.
 */
export function seluFixedPoint(options: SeluWeights = {}): SeluFixedPoint {
  const o = checkOptions('seluFixedPoint', options, WEIGHTS);
  const g = (mu: number, nu: number) => map(mu, nu, o.weightSum, o.weightSquareSum);
  let [mu, nu] = [0, 1];
  for (let i = 0; ; i++) {
    const [m, v] = g(mu, nu);
    const moved = Math.abs(m - mu) + Math.abs(v - nu);
    [mu, nu] = [m, v];
    if (moved < 1e-14) break;
    if (i === 10000) throw new Error(`the SELU moment map does not settle for weightSum ${o.weightSum}, weightSquareSum ${o.weightSquareSum}`);
  }
  const h = 1e-4;
  const dMu = [g(mu + h, nu), g(mu - h, nu)];
  const dNu = [g(mu, nu + h), g(mu, nu - h)];
  const jacobian: [[number, number], [number, number]] = [
    [(dMu[0][0] - dMu[1][0]) / (2 * h), (dNu[0][0] - dNu[1][0]) / (2 * h)],
    [(dMu[0][1] - dMu[1][1]) / (2 * h), (dNu[0][1] - dNu[1][1]) / (2 * h)],
  ];
  // The largest singular value of a 2 x 2 matrix: the square root of J^T J's largest eigenvalue.
  const [[a, b], [c, d]] = jacobian;
  const t = a * a + b * b + c * c + d * d;
  const det = a * d - b * c;
  const spectralNorm = Math.sqrt((t + Math.sqrt(Math.max(0, t * t - 4 * det * det))) / 2);
  return { mean: mu, variance: nu, jacobian, spectralNorm };
}
