/**
 * Mean-field signal propagation (Poole et al. 2016, "Exponential expressivity in deep
 * neural networks through transient chaos"; Schoenholz et al. 2017, "Deep Information
 * Propagation"): what a wide random network does to the size of one input and to the
 * correlation of two, predicted before any network is built. Chapter 6.
 *
 * Layers z_l = x_{l-1} W_l + b_l, x_l = phi(z_l), with W_ij ~ N(0, sigma_w^2 / N) and
 * b_i ~ N(0, sigma_b^2). In a wide layer each pre-activation is a centred normal whose
 * variance q_l follows the variance map, and two inputs' pre-activations have a
 * correlation c_l that follows the correlation map (u1, u2 centred normal, variances q,
 * correlation c):
 *
 *   q_{l+1} = V(q_l) = sigma_w^2 E[phi(sqrt(q_l) t)^2] + sigma_b^2,         t ~ N(0, 1)
 *   c_{l+1} = C(c_l) = (sigma_w^2 E[phi(u1) phi(u2)] + sigma_b^2) / q*       at q = q*
 *   chi_1  = sigma_w^2 E[phi'(sqrt(q*) t)^2]     (the slope of C at c = 1, and the factor
 *                                                 by which a gradient's variance grows per layer)
 *   chi_c  = C'(c*) = sigma_w^2 E[phi'(u1) phi'(u2)]  at (q*, c*)
 *   xi_c   = -1 / ln(chi_c)                       (|c_l - c*| ~ exp(-l / xi_c))
 *   chi_q  = V'(q*) = sigma_w^2 E[phi(x) phi'(x) x] / q*,  x ~ N(0, q*)
 *   xi_q   = -1 / ln(chi_q)                       (|q_l - q*| ~ exp(-l / xi_q))
 *
 * (chi_q by Stein's lemma: d/dq E[f(x)] = E[f'(x) x] / (2 q) for x ~ N(0, q), with f = phi^2.)
 * xi_q is finite wherever q* is an attracting fixed point, at the edge of chaos too: the
 * variance settles in a few layers while the correlation may take arbitrarily many
 * (Schoenholz et al.'s contrast between the two depth scales).
 *
 * All expectations by the Gauss-Legendre quadrature of quadrature.ts (float64, better than
 * 1e-9 relative for the course's activations); fixed points by bisection and Newton's
 * method to 1e-12 relative, so the results are accurate to 1e-6 relative except within
 * about 1e-6 of a transition, where a fixed point is ill-conditioned.
 */
import { Checked, checkFinite, checkNonNegative, checkOptions, checkPositive, describe, oneOf, required, withDefault } from '../core/checks';
import { ACTIVATION_NAMES, Activation } from '../net/activations';
import { SCALAR_ACTIVATIONS, ScalarActivation, halfAndHalf } from './activations';
import { expect1, expect2 } from './quadrature';

export interface MeanFieldOptions {
  activation: Activation;
  /** sigma_w^2 = fan_in Var(w), > 0. */
  weightVariance: number;
  /** sigma_b^2, the variance of every bias, >= 0 (0: no biases). */
  biasVariance: number;
  /**
   * q_1, the variance the map starts from (default 1). q* is the limit of q_l from it; it
   * matters only where every q is a fixed point (see meanField).
   */
  startVariance?: number;
}

export interface MeanField {
  /** q*, the variance the map reaches from q_1: a number >= 0, or Infinity when q_l grows without bound. */
  qStar: number;
  /** c*, the correlation two different inputs reach: 1 in the ordered phase, below 1 in the chaotic one. */
  cStar: number;
  /** chi_1: < 1 ordered (gradients vanish), > 1 chaotic (gradients explode), 1 at the edge of chaos. */
  chi1: number;
  /** chi_c, the slope of the correlation map at c*. */
  chiC: number;
  /** xi_c = -1 / ln chi_c, in layers: Infinity at the edge of chaos. */
  depthScale: number;
  /** chi_q = V'(q*), the slope of the variance map at its fixed point: the factor by which |q_l - q*| shrinks per layer. */
  chiQ: number;
  /** xi_q = -1 / ln chi_q, in layers: how fast the variance settles; Infinity where q* does not attract (chi_q >= 1). */
  varianceDepthScale: number;
}

const MEAN_FIELD_OPTIONS = {
  activation: oneOf(ACTIVATION_NAMES),
  weightVariance: required(checkPositive),
  biasVariance: required(checkNonNegative),
  startVariance: withDefault(checkPositive, 1),
};

type Params = Checked<typeof MEAN_FIELD_OPTIONS>;

const squared = (f: (x: number) => number) => (x: number) => f(x) ** 2;

/** E[phi(sqrt(q) t)^2]. */
function secondMoment(a: ScalarActivation, q: number): number {
  if (q === 0) return a.atZero ** 2;
  if (a.homogeneous) return q * halfAndHalf(a.slopesAtZero);
  return expect1(squared(a.f), 0, Math.sqrt(q), a.kinked);
}

/** E[phi'(sqrt(q) t)^(2k)], with its limits at q = 0 and q = infinity. */
function slopeMoment(a: ScalarActivation, q: number, k = 1): number {
  if (q === 0) return halfAndHalf(a.slopesAtZero, k);
  if (q === Infinity || a.homogeneous) return halfAndHalf(a.homogeneous ? a.slopesAtZero : a.slopesFarOut, k);
  return expect1((x) => a.df(x) ** (2 * k), 0, Math.sqrt(q), a.kinked);
}

const variance = (p: Params, a: ScalarActivation, q: number) => p.weightVariance * secondMoment(a, q) + p.biasVariance;

/**
 * V'(q) = sigma_w^2 E[phi(x) phi'(x) x] / q, x ~ N(0, q) (Stein's lemma, above), with its
 * limits: a homogeneous phi has V(q) = A q + sigma_b^2 exactly, so V' = A; as q -> 0,
 * phi(x) phi'(x) x / q -> phi'(0)^2 + phi(0) phi''(0) (each side's slope at a kink), and
 * q* = 0 happens only where phi(0) = 0, so V'(0) = sigma_w^2 E[phi'(0)^2]; as q -> infinity
 * the slopes far out take over.
 */
function varianceSlope(p: Params, a: ScalarActivation, q: number): number {
  if (a.homogeneous || q === 0) return p.weightVariance * halfAndHalf(a.slopesAtZero);
  if (q === Infinity) return p.weightVariance * halfAndHalf(a.slopesFarOut);
  return (p.weightVariance * expect1((x) => a.f(x) * a.df(x) * x, 0, Math.sqrt(q), a.kinked)) / q;
}

/** Bisection on [lo, hi] for a sign change of G (G(lo) and G(hi) of opposite signs or zero). */
function bisect(G: (x: number) => number, lo: number, hi: number, gLo: number): number {
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = hi / lo > 4 && lo > 0 ? Math.sqrt(lo * hi) : (lo + hi) / 2;
    const g = G(mid);
    if (g === 0) return mid;
    if (Math.sign(g) === Math.sign(gLo)) {
      lo = mid;
      gLo = g;
    } else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The limit of q_l = V(q_{l-1}) from q_1 = start. V increases with q, so q_l moves monotonically. */
function fixedVariance(p: Params, a: ScalarActivation): number {
  const start = p.startVariance;
  if (a.homogeneous) {
    // V(q) = A q + sigma_b^2 exactly.
    const A = p.weightVariance * halfAndHalf(a.slopesAtZero);
    if (Math.abs(A - 1) <= 4 * Number.EPSILON) return p.biasVariance === 0 ? start : Infinity;
    return A < 1 ? p.biasVariance / (1 - A) : Infinity;
  }
  const G = (q: number) => variance(p, a, q) - q;
  const g0 = G(start);
  if (g0 === 0) return start;
  if (g0 > 0) {
    // Up to the first q where V(q) <= q; none within 1e12 times the start: no bound.
    let lo = start;
    let hi = 2 * start;
    while (G(hi) > 0) {
      lo = hi;
      hi *= 2;
      if (hi > 1e12 * Math.max(1, start)) return Infinity;
    }
    return bisect(G, lo, hi, G(lo));
  }
  // Down to the first q where V(q) >= q. With a bias V(q) > q for q < sigma_b^2, so one is
  // found; without, a fixed point below 1e-12 of the start is reported as 0.
  let hi = start;
  let lo = start / 2;
  while (G(lo) < 0) {
    hi = lo;
    lo /= 2;
    if (p.biasVariance === 0 && lo < 1e-12 * start) return 0;
  }
  return bisect(G, lo, hi, G(lo));
}

/** sigma_w^2 E[phi(u1) phi(u2)] + sigma_b^2 and sigma_w^2 E[phi'(u1) phi'(u2)] at (q, c). */
function correlationTerms(p: Params, a: ScalarActivation, q: number, c: number): [number, number] {
  const [pp, dd] = expect2([[a.f, a.f], [a.df, a.df]], q, c, a.kinked, a.odd);
  return [p.weightVariance * pp + p.biasVariance, p.weightVariance * dd];
}

/**
 * sigma_w^2 E[phi(u1) phi(u2)] + sigma_b^2 alone: the first of correlationTerms, to the last
 * bit (expect2 sums each pair on its own), at half the cost.
 */
function covarianceTerm(p: Params, a: ScalarActivation, q: number, c: number): number {
  return p.weightVariance * expect2([[a.f, a.f]], q, c, a.kinked, a.odd)[0] + p.biasVariance;
}

/**
 * c* and chi_c in the chaotic phase (chi_1 > 1, q* finite): the root in [0, 1) of
 * F(c) = C(c) - c. C is a power series in c with non-negative coefficients (the squares of
 * phi's Hermite coefficients), so F is convex on [0, 1] with F(0) >= 0, F(1) = 0 and
 * F'(1) = chi_1 - 1 > 0: it has one root below 1, and Newton's method from c = 0 climbs to
 * it without overshooting. C'(c) = sigma_w^2 q E[phi'(u1) phi'(u2)] / V(q), which is
 * sigma_w^2 E[phi'(u1) phi'(u2)] at the fixed point (Price's theorem: the derivative of
 * E[f(u1) g(u2)] with respect to the covariance q c is E[f'(u1) g'(u2)]).
 */
function chaoticCorrelation(p: Params, a: ScalarActivation, q: number): [number, number] {
  const norm = variance(p, a, q);
  const at = (c: number) => {
    const [num, slope] = correlationTerms(p, a, q, c);
    return { F: num / norm - c, dC: (slope * q) / norm };
  };
  let c = 0;
  let here = at(c);
  for (let i = 0; i < 100 && here.F > 0 && here.dC < 1; i++) {
    const step = here.F / (1 - here.dC);
    c = Math.min(c + step, 1);
    here = at(c);
    if (step < 1e-13) break;
  }
  return [c, here.dC];
}

const depthScale = (chiC: number) => (chiC >= 1 ? Infinity : chiC === 0 ? 0 : -1 / Math.log(chiC));

/**
 * The mean-field predictions for a deep network with activation phi, weights
 * W_ij ~ N(0, sigma_w^2 / N) and biases b_i ~ N(0, sigma_b^2) (formulas above):
 * { qStar, cStar, chi1, chiC, depthScale, chiQ, varianceDepthScale }.
 *
 * - Ordered phase, chi_1 < 1: c* = 1 (every two inputs end up alike) and chi_c = chi_1.
 * - Chaotic phase, chi_1 > 1: c* < 1 (alike inputs are pulled apart), chi_c from C at c*.
 * - The edge of chaos, chi_1 = 1: c* = 1, chi_c = 1, depthScale = Infinity.
 *
 * Where the variance map has no positive finite fixed point, the results are limits:
 * - q* = 0 (no bias, phi(0) = 0, and the signal dies out: tanh with sigma_w^2 <= 1, relu
 *   with sigma_w^2 < 2): chi_1 = sigma_w^2 E[phi'(0)^2], c* = 1 and chi_c = chi_1, the
 *   values an arbitrarily small bias gives.
 * - q* = Infinity (relu, leakyRelu, linear or selu whose variance grows without bound):
 *   chi_1 from phi's slopes far out (relu above sigma_w^2 = 2: sigma_w^2 / 2 > 1); the
 *   correlation map tends to the bias-free one, whose fixed point c* = 1 has slope
 *   chi_c = 1: correlations still converge, but more slowly than any exponential, and the
 *   depth scale is Infinity. (A ReLU network has no chaotic phase.)
 * - Every q a fixed point (relu at sigma_w^2 = 2, linear at 1, leakyRelu at
 *   2 / (1 + a^2), all without bias): q* = startVariance, chi_1 = 1, the edge of chaos.
 * - chi_q is V' at q* (at q* = Infinity, the slope far out, >= 1); varianceDepthScale is
 *   Infinity wherever chi_q >= 1 (q* = 0 approached as a power of l, as tanh at
 *   sigma_w^2 = 1 without bias, or no finite q* at all).
 *
 * Throws an Error naming the option for a bad activation or variance.
 */
export function meanField(options: MeanFieldOptions): MeanField {
  const p = checkOptions('meanField', options, MEAN_FIELD_OPTIONS);
  return solve(p);
}

/** q* and chi_1 = sigma_w^2 E[phi'(sqrt(q*) t)^2]. */
function gradientFactor(p: Params, a: ScalarActivation): { qStar: number; chi1: number } {
  const qStar = fixedVariance(p, a);
  return { qStar, chi1: p.weightVariance * slopeMoment(a, qStar) };
}

function solve(p: Params): MeanField {
  const a = SCALAR_ACTIVATIONS[p.activation];
  const { qStar, chi1 } = gradientFactor(p, a);
  const chiQ = varianceSlope(p, a, qStar);
  const settling = { chiQ, varianceDepthScale: depthScale(chiQ) };
  if (qStar === Infinity) return { qStar, cStar: 1, chi1, chiC: 1, depthScale: Infinity, ...settling };
  if (chi1 <= 1 || qStar === 0) {
    const chiC = Math.min(chi1, 1);
    return { qStar, cStar: 1, chi1, chiC, depthScale: depthScale(chiC), ...settling };
  }
  const [cStar, chiC] = chaoticCorrelation(p, a, qStar);
  return { qStar, cStar, chi1, chiC, depthScale: depthScale(chiC), ...settling };
}

/** The variance map V(q) = sigma_w^2 E[phi(sqrt(q) t)^2] + sigma_b^2, for any q >= 0. */
export function varianceMap(options: Omit<MeanFieldOptions, 'startVariance'>, q: number): number {
  const p = checkOptions('varianceMap', options, MEAN_FIELD_OPTIONS);
  return variance(p, SCALAR_ACTIVATIONS[p.activation], checkNonNegative('q', q));
}

/**
 * The correlation map for two inputs whose pre-activations have variance q and
 * correlation c: (sigma_w^2 E[phi(u1) phi(u2)] + sigma_b^2) / V(q), the correlation of the
 * next layer's pre-activations (at q = q* the map C above). C(1) = 1 exactly.
 */
export function correlationMap(options: Omit<MeanFieldOptions, 'startVariance'>, q: number, c: number): number {
  const p = checkOptions('correlationMap', options, MEAN_FIELD_OPTIONS);
  checkPositive('q', q);
  if (checkFinite('c', c) < -1 || c > 1) throw new Error(`c must be a correlation in [-1, 1], got ${describe(c)}`);
  const a = SCALAR_ACTIVATIONS[p.activation];
  return covarianceTerm(p, a, q, c) / covarianceTerm(p, a, q, 1);
}

export interface ActivationMoments {
  /** E[phi(z)]. */
  mean: number;
  /** Var(phi(z)). */
  variance: number;
  /** E[phi'(z)^2]. */
  slopeSquare: number;
  /** E[phi'(z)^4]. */
  slopeFourth: number;
}

/** The moments of phi(z) and phi'(z) for z ~ N(0, variance) (variance = q*, typically). */
export function activationMoments({ activation, variance: q }: { activation: Activation; variance: number }): ActivationMoments {
  const a = SCALAR_ACTIVATIONS[checkOptions('activationMoments', { activation, variance: q }, { activation: oneOf(ACTIVATION_NAMES), variance: required(checkNonNegative) }).activation];
  const s = Math.sqrt(q);
  const mean = q === 0 ? a.atZero : expect1(a.f, 0, s, a.kinked);
  return { mean, variance: secondMoment(a, q) - mean * mean, slopeSquare: slopeMoment(a, q), slopeFourth: slopeMoment(a, q, 2) };
}

const CRITICAL_OPTIONS = { activation: oneOf(ACTIVATION_NAMES), biasVariance: required(checkNonNegative) };

/**
 * The critical weight variance: the sigma_w^2 at which chi_1 = 1 for the given sigma_b^2,
 * the edge between order and chaos. 1 for tanh without biases; 2 for relu at any
 * sigma_b^2 (chi_1 = sigma_w^2 / 2 does not depend on q). Found by bisection between a
 * sigma_w^2 where chi_1 < 1 and one where chi_1 > 1, to 1e-12 relative; throws if chi_1
 * stays below 1 up to sigma_w^2 = 1e6.
 */
export function criticalWeightVariance(options: { activation: Activation; biasVariance: number }): number {
  const o = checkOptions('criticalWeightVariance', options, CRITICAL_OPTIONS);
  const a = SCALAR_ACTIVATIONS[o.activation];
  if (a.homogeneous) return 1 / halfAndHalf(a.slopesAtZero);
  const excess = (sw2: number) => gradientFactor({ activation: o.activation, weightVariance: sw2, biasVariance: o.biasVariance, startVariance: 1 }, a).chi1 - 1;
  let hi = 1;
  while (excess(hi) <= 0) {
    hi *= 2;
    if (hi > 1e6) throw new Error(`${o.activation} has no critical weight variance: chi_1 stays below 1 up to sigma_w^2 = 1e6`);
  }
  let lo = hi / 2;
  while (excess(lo) > 0) lo /= 2;
  return illinois(excess, lo, hi);
}

/**
 * The root of an increasing G in [lo, hi] (G(lo) <= 0 < G(hi)) to 1e-13 relative, by the
 * Illinois method: regula falsi that halves the weight of an end kept twice, so it converges
 * superlinearly (about 10 evaluations where bisection takes 45) and never leaves the bracket.
 */
function illinois(G: (x: number) => number, lo: number, hi: number): number {
  let gLo = G(lo);
  if (gLo === 0) return lo;
  let gHi = G(hi);
  let kept = 0; // +1: lo was kept last time, -1: hi was
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    let x = (lo * gHi - hi * gLo) / (gHi - gLo);
    if (!(x > lo && x < hi)) x = (lo + hi) / 2;
    const g = G(x);
    if (g === 0) return x;
    if (g < 0) {
      lo = x;
      gLo = g;
      if (kept === -1) gHi /= 2;
      kept = -1;
    } else {
      hi = x;
      gHi = g;
      if (kept === 1) gLo /= 2;
      kept = 1;
    }
  }
  return (lo + hi) / 2;
}
