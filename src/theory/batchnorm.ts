/**
 * Batch norm's gradient explosion at initialization, predicted for a finite batch: the
 * factor lambda(B) by which the variance of dLoss/dz_l grows per layer toward the input in a
 * deep network with batch norm after every layer (Yang, Pennington, Rao, Sohl-Dickstein &
 * Schoenholz 2019, "A Mean Field Theory of Batch Normalization", arXiv:1902.08129: they give
 * it in closed form for ReLU, and (B - 2)/(B - 3) for a linear network, which they show is
 * the smallest). Chapter 7.
 *
 * The network: z_l = x_{l-1} W_l, x_l = phi(BN(z_l)), W_ij ~ N(0, sigma_w^2 / n), a batch of
 * B examples, batch norm without its learned scale and shift. The assumptions are the
 * paper's: infinite width; the batch's Gram matrix K = x x^T / n at its permutation-symmetric
 * fixed point (the paper's BSB1, K = d I + e 1 1^T); and gradient independence (the
 * gradient reaching a layer is independent of that layer's forward values).
 *
 * Forward, per unit: z over the batch is N(0, sigma_w^2 K), and BN only sees G z with
 * G = I - 1 1^T / B, which is N(0, sigma_w^2 a G) since G K G = a G: isotropic in the
 * (B - 1)-dimensional space orthogonal to 1. So u = BN(z) = sqrt(B) G z / |G z| is uniform on
 * that space's sphere of radius sqrt(B), independent of |G z|^2 = sigma_w^2 a chi^2_{B-1}, and
 *
 *   a = E[phi(u_1)^2] - E[phi(u_1) phi(u_2)]      (the batch variance of phi(u), times B/(B-1))
 *
 * for two entries u_1, u_2 of u: each of variance 1, correlation rho = -1/(B - 1).
 *
 * Backward, per unit: du = phi'(u) * dx and, BN's Jacobian transposed,
 * dz = (sqrt(B) / |G z|) P du with P = G - v v^T, v = u / sqrt(B) (it removes the batch mean
 * and the direction of u). dx = W_{l+1} dz_{l+1} has covariance sigma_w^2 Pi over the batch;
 * on the permutation-symmetric Pi = G, the direction the map keeps, one layer multiplies
 * tr Pi (B times the gradient's variance) by
 *
 *   lambda(B) = B / ((B - 3) a) * E[tr(P D G D P)] / (B - 1),     D = diag(phi'(u)),
 *
 * sigma_w^2 cancelling and E[1 / chi^2_{B-1}] = 1/(B - 3), where the finite batch shows most.
 * With D1 = E[phi'(u_1)^2], D2 = E[phi'(u_1) phi'(u_2)], E1 = E[u_1^2 phi'(u_1)^2],
 * E2 = E[u_1 u_2 phi'(u_1) phi'(u_2)]:
 *
 *   E[tr(P D G D P)] = (B-1)^2/B D1 + (B-1)/B D2 - E1 + (E1 + (B-1) E2) / B.
 *
 * For a linear network this is exactly (B - 2)/(B - 3); for ReLU it reproduces their closed form's
 * values (1.590 at B = 16, 1.480 at B = 128) and decreases to pi/(pi - 1) as B -> infinity,
 * where in general lambda -> E[phi'(t)^2] / Var(phi(t)), t ~ N(0, 1).
 *
 * The expectations: for a positively homogeneous phi (linear, relu, leakyRelu) in closed
 * form: every one is of degree 0 or 2 in (u_1, u_2), whose distribution is elliptical, so it
 * equals the Gaussian one with the same covariance (the arc-cosine kernel and the orthant
 * probabilities). For the others by quadrature over the distribution of (u_1, u_2): with
 * m = B - 1, (u_1, u_2) = sqrt(m) (t_1, rho t_1 + sqrt(1 - rho^2) t_2), (t_1, t_2) two
 * coordinates of a uniform point on the unit sphere of R^m, whose density on the unit disc
 * is proportional to (1 - r^2)^((m - 4)/2). In polar coordinates with r = sin(psi) the
 * radial weight is (B - 3) sin(psi) cos(psi)^(B - 4) on [0, pi/2]: 10-point Gauss-Legendre
 * panels no wider than 0.25 in R = sqrt(m) r, cut where cos(psi)^(B - 3) < 1e-18; the angle
 * in panels of at most pi/12, split where u_1 or u_2 is 0, so a kink at 0 is exact. Better
 * than 1e-9 relative (the tests compare it with the closed forms).
 */
import { Checked, checkOptions, describe, oneOf, required } from '../core/checks';
import { ACTIVATION_NAMES, Activation } from '../net/activations';
import { SCALAR_ACTIVATIONS, ScalarActivation } from './activations';
import { expect1, gaussLegendre } from './quadrature';

export interface BatchNormRateOptions {
  activation: Activation;
  /** B, the examples in the batch: a whole number >= 4, or Infinity for the large-batch limit. */
  batch: number;
}

/** The expectations over two entries (u_1, u_2) of a batch-normalized unit that lambda(B) needs. */
export interface BatchNormMoments {
  /** E[phi(u_1)^2], E[phi(u_1) phi(u_2)]. */
  A1: number;
  A2: number;
  /** E[phi'(u_1)^2], E[phi'(u_1) phi'(u_2)]. */
  D1: number;
  D2: number;
  /** E[u_1^2 phi'(u_1)^2], E[u_1 u_2 phi'(u_1) phi'(u_2)]. */
  E1: number;
  E2: number;
}

const checkBatch = (name: string, v: unknown): number => {
  if (v === Infinity || (typeof v === 'number' && Number.isInteger(v) && v >= 4)) return v;
  throw new Error(`${name} must be a whole number >= 4 (the rate has B - 3 in its denominator) or Infinity (the large-batch limit), got ${describe(v)}`);
};

const RATE_OPTIONS = {
  activation: oneOf(ACTIVATION_NAMES),
  batch: required(checkBatch),
};

type RateParams = Checked<typeof RATE_OPTIONS>;

/**
 * lambda(B): the factor by which Var(dLoss/dz_l) grows per layer toward the input in a deep
 * network with batch norm before every activation, at initialization, for any weight
 * variance (it cancels). See the top of this file for the derivation and its assumptions.
 * batch: Infinity gives the limit E[phi'(t)^2] / Var(phi(t)), t ~ N(0, 1) (pi/(pi - 1) for ReLU).
 */
export function batchNormGradientRate(options: BatchNormRateOptions): number {
  const o: RateParams = checkOptions('batchNormGradientRate', options, RATE_OPTIONS);
  const a = SCALAR_ACTIVATIONS[o.activation];
  if (o.batch === Infinity) {
    const mean = expect1(a.f, 0, 1, a.kinked);
    const square = expect1((x) => a.f(x) ** 2, 0, 1, a.kinked);
    return expect1((x) => a.df(x) ** 2, 0, 1, a.kinked) / (square - mean * mean);
  }
  return rateFrom(a.homogeneous ? homogeneousMoments(a, o.batch) : sphereMoments(a, o.batch), o.batch);
}

/** lambda(B) from the six expectations (the formula at the top of this file). */
export function rateFrom(m: BatchNormMoments, B: number): number {
  const trace = ((B - 1) ** 2 / B) * m.D1 + ((B - 1) / B) * m.D2 - m.E1 + (m.E1 + (B - 1) * m.E2) / B;
  return (B / ((B - 3) * (m.A1 - m.A2))) * (trace / (B - 1));
}

/**
 * The six expectations in closed form for phi(x) = r x (x > 0), l x (x < 0), with
 * [l, r] = slopesAtZero: u phi'(u) = phi(u), so E1 = A1 and E2 = A2.
 */
export function homogeneousMoments(a: ScalarActivation, B: number): BatchNormMoments {
  const [l, r] = a.slopesAtZero;
  const rho = -1 / (B - 1);
  // E[relu(u_1) relu(u_2)] at correlation c (Cho & Saul's arc-cosine kernel, unit variances).
  const J = (c: number) => (Math.sqrt(1 - c * c) + (Math.PI - Math.acos(c)) * c) / (2 * Math.PI);
  const same = 0.25 + Math.asin(rho) / (2 * Math.PI); // P(u_1 > 0, u_2 > 0) = P(u_1 < 0, u_2 < 0)
  const A1 = (l * l + r * r) / 2;
  const A2 = (l * l + r * r) * J(rho) - 2 * l * r * J(-rho);
  const D2 = (l * l + r * r) * same + 2 * l * r * (0.5 - same);
  return { A1, A2, D1: A1, D2, E1: A1, E2: A2 };
}

/** The six expectations by quadrature over (u_1, u_2), for any activation (see the top of this file). */
export function sphereMoments(a: ScalarActivation, B: number): BatchNormMoments {
  const m = B - 1;
  const rho = -1 / m;
  const c = Math.sqrt(1 - rho * rho);
  const rule = gaussLegendre(10);
  const nodes = (edges: number[]) => {
    const t: number[] = [];
    const w: number[] = [];
    for (let k = 0; k + 1 < edges.length; k++) {
      const [lo, hi] = [edges[k], edges[k + 1]];
      for (let i = 0; i < rule.x.length; i++) {
        t.push((lo + hi) / 2 + ((hi - lo) / 2) * rule.x[i]);
        w.push(((hi - lo) / 2) * rule.w[i]);
      }
    }
    return { t, w };
  };
  const split = (lo: number, hi: number, width: number) => {
    const n = Math.max(1, Math.ceil((hi - lo) / width - 1e-9));
    return Array.from({ length: n + 1 }, (_, k) => lo + ((hi - lo) * k) / n);
  };
  // Radial: psi up to where the weight's tail cos(psi)^(B-3) falls below 1e-18.
  const psiMax = Math.min(Math.PI / 2, Math.acos(Math.exp(Math.log(1e-18) / (B - 3))));
  const radial = nodes(split(0, psiMax, 0.25 / Math.sqrt(m)));
  // Angular: u_1 = 0 at theta = pi/2, 3pi/2; u_2 = 0 where sin(theta + phi0) = 0, phi0 = asin(rho).
  const phi0 = Math.asin(rho);
  const wrap = (t: number) => ((t % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
  const cuts = [0, Math.PI / 2, (3 * Math.PI) / 2, wrap(-phi0), wrap(Math.PI - phi0), 2 * Math.PI].sort((x, y) => x - y);
  const edges: number[] = [0];
  for (let k = 0; k + 1 < cuts.length; k++) if (cuts[k + 1] > cuts[k]) edges.push(...split(cuts[k], cuts[k + 1], Math.PI / 12).slice(1));
  const angular = nodes(edges);
  const cos = angular.t.map(Math.cos);
  const sin = angular.t.map(Math.sin);
  const sums = { A1: 0, A2: 0, D1: 0, D2: 0, E1: 0, E2: 0 };
  for (let i = 0; i < radial.t.length; i++) {
    const psi = radial.t[i];
    const wr = (B - 3) * Math.sin(psi) * Math.cos(psi) ** (B - 4) * radial.w[i] / (2 * Math.PI);
    const R = Math.sqrt(m) * Math.sin(psi);
    for (let j = 0; j < angular.t.length; j++) {
      const w = wr * angular.w[j];
      const u1 = R * cos[j];
      const u2 = R * (rho * cos[j] + c * sin[j]);
      const [f1, f2, d1, d2] = [a.f(u1), a.f(u2), a.df(u1), a.df(u2)];
      sums.A1 += w * f1 * f1;
      sums.A2 += w * f1 * f2;
      sums.D1 += w * d1 * d1;
      sums.D2 += w * d1 * d2;
      sums.E1 += w * u1 * u1 * d1 * d1;
      sums.E2 += w * u1 * u2 * d1 * d2;
    }
  }
  return sums;
}
