/**
 * Gaussian expectations in float64 by Gauss-Legendre quadrature on panels, for the
 * mean-field theory (meanfield.ts, selu.ts). Chapter 6.
 *
 * One dimension: E[g(m + s t)], t ~ N(0, 1), is the integral of phi(t) g(m + s t) over
 * t in [-8, 8] (the normal mass beyond is 1.2e-15, and the integrands here grow at most
 * like t^2), each panel integrated by the 10-point Gauss-Legendre rule. The panels are
 * at most h = min(1, 1.5 / s) wide on [-4, 4], where nearly all the mass is, and
 * [4, 6], [6, 8] (and their mirror images) further out, where the mass is 6e-5. A
 * function with a kink (relu, selu) is split at its kink, t = -m/s, so every panel
 * integrates a smooth (analytic) function.
 *
 * Accuracy: on a panel of width h the 10-point rule's error for a function analytic in the
 * ellipse with foci at the panel's ends and semi-axis sum (h/2) rho is of order rho^-20.
 * tanh(s t) has its nearest poles at distance pi/(2 s) from the real axis; with
 * h <= 1.5/s that allows rho = 3.6, so each core panel is exact to about 1e-11 of its
 * size; the wide outer panels (rho >= 2 for s <= 2) to about 1e-6 of a part that is 6e-5 of
 * the whole. The whole integral is good to about 1e-10 relative (the tests check 1e-9
 * against an independent Simpson rule and against closed forms). Polynomial pieces (relu,
 * linear) are integrated exactly up to rounding.
 *
 * Two dimensions: for (u1, u2) normal with variances q and correlation c,
 *   u1 = sqrt(q) t1,   u2 = sqrt(q) (c t1 + sqrt(1 - c^2) t2),
 * E[f(u1) g(u2)] = E_t1[ f(u1) E_t2[ g(m + s t2) ] ] with m = sqrt(q) c t1 and
 * s = sqrt(q (1 - c^2)): the same rule in each variable, the inner one split at g's kink
 * for each outer node, the outer one graded towards t1 = 0 when the kink makes the inner
 * expectation bend there over a width below a panel's (|c| close to 1). When f(-x) g(-y) = f(x) g(y) (both odd or both even, as tanh and
 * its slope) only t1 > 0 is integrated, and doubled.
 */

const POINTS = 10;
const T = 8;
const CORE = 4;
const H_MAX = 1;
const H_SCALE = 1.5;

/** Gauss-Legendre nodes and weights on [-1, 1] (Newton's method on the Legendre polynomial). */
export function gaussLegendre(n: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let r = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = r;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * r * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (r * p1 - p0)) / (r * r - 1);
      const step = p1 / dp;
      r -= step;
      if (Math.abs(step) < 1e-16) break;
    }
    x[i] = r;
    w[i] = 2 / ((1 - r * r) * dp * dp);
  }
  return { x, w };
}

const UNIT = gaussLegendre(POINTS);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Nodes t and weights phi(t) dt for the integral over [a, b] in panels of width at most h. */
export interface Rule {
  t: Float64Array;
  w: Float64Array;
}

/** Appends the nodes and weights of the 10-point rule on [a, b]. */
function panel(a: number, b: number, t: number[], w: number[]): void {
  const mid = (a + b) / 2;
  const half = (b - a) / 2;
  for (let i = 0; i < POINTS; i++) {
    const ti = mid + half * UNIT.x[i];
    t.push(ti);
    w.push(half * UNIT.w[i] * INV_SQRT_2PI * Math.exp(-(ti * ti) / 2));
  }
}

/** The panel width for an argument m + s t: features of the activations are O(1) in it. */
const panelWidth = (s: number) => Math.min(H_MAX, H_SCALE / Math.max(s, 1e-300));

/**
 * The panels' ends for [lo, hi] within [-T, T]: width h on [-CORE, CORE], [4, 6] and [6, 8]
 * outside; with `layer` = w < h, also +-w/2, +-w, +-2w, ... below h, panels that grade down
 * to a boundary layer of width w around 0.
 */
function breaks(h: number, lo: number, hi: number, at?: number, layer?: number): number[] {
  const n = Math.ceil((2 * CORE) / h - 1e-9);
  const edges = [-8, -6];
  for (let k = 0; k <= n; k++) edges.push(-CORE + (2 * CORE * k) / n);
  edges.push(6, 8);
  if (layer !== undefined) for (let e = layer / 2; e < h; e *= 2) edges.push(-e, e);
  const inside = [...new Set(edges.filter((e) => e > lo && e < hi))];
  if (at !== undefined && at > lo && at < hi && !inside.includes(at)) inside.push(at);
  return [lo, ...inside.sort((a, b) => a - b), hi];
}

/**
 * The rule for t in [lo, hi] (default [-T, T]) for an argument m + s t, split at `at`
 * (when inside) for a kinked integrand.
 */
export function gaussRule(s: number, at?: number, lo = -T, hi = T, layer?: number): Rule {
  const h = panelWidth(s);
  const key = `${h} ${at} ${lo} ${hi} ${layer}`;
  const cached = RULES.get(key);
  if (cached) return cached;
  if (RULES.size > 256) RULES.clear();
  const rule = buildRule(h, at, lo, hi, layer);
  RULES.set(key, rule);
  return rule;
}

// Rules already built, by panel width, split and range: the fixed-point searches and the
// unsplit inner integrals ask for the same few again and again.
const RULES = new Map<string, Rule>();

function buildRule(h: number, at: number | undefined, lo: number, hi: number, layer?: number): Rule {
  const e = breaks(h, lo, hi, at, layer);
  const t: number[] = [];
  const w: number[] = [];
  for (let k = 0; k + 1 < e.length; k++) panel(e[k], e[k + 1], t, w);
  return { t: Float64Array.from(t), w: Float64Array.from(w) };
}

/** E[g(m + s t)] for t ~ N(0, 1), s > 0; split at t = -m/s when `kinked`. */
export function expect1(g: (x: number) => number, m: number, s: number, kinked: boolean): number {
  if (s === 0) return g(m);
  const rule = gaussRule(s, kinked ? -m / s : undefined);
  let sum = 0;
  for (let i = 0; i < rule.t.length; i++) sum += rule.w[i] * g(m + s * rule.t[i]);
  return sum;
}

/**
 * E[f_k(u1) g_k(u2)] for each pair (f_k, g_k), (u1, u2) centred normal with variances q
 * and correlation c (|c| <= 1), by the rule above; `kinked`: f and g have a kink at 0.
 */
export function expect2(
  pairs: [(x: number) => number, (x: number) => number][], q: number, c: number, kinked: boolean, symmetric = false,
): number[] {
  const sq = Math.sqrt(q);
  const out = pairs.map(() => 0);
  if (Math.abs(c) === 1) {
    // u2 = c u1: one dimension.
    const rule = gaussRule(sq, kinked ? 0 : undefined);
    for (let i = 0; i < rule.t.length; i++) {
      const u = sq * rule.t[i];
      pairs.forEach(([f, g], k) => (out[k] += rule.w[i] * f(u) * g(c * u)));
    }
    return out;
  }
  const s = sq * Math.sqrt(1 - c * c);
  // For a kinked g the inner expectation, as a function of t1, bends from one side of the
  // kink to the other over |t1| < w = s / (sqrt(q) |c|), narrow when |c| is close to 1: the
  // outer panels grade down to that width around 0.
  const w = kinked && c !== 0 ? s / (sq * Math.abs(c)) : Infinity;
  const layer = w < panelWidth(sq) ? w : undefined;
  const outer = symmetric ? gaussRule(sq, undefined, 0, T) : gaussRule(sq, kinked ? 0 : undefined, -T, T, layer);
  const fixedInner = kinked ? null : gaussRule(s);
  const fs = new Float64Array(pairs.length);
  for (let i = 0; i < outer.t.length; i++) {
    const u1 = sq * outer.t[i];
    const m = c * u1;
    const inner = fixedInner ?? gaussRule(s, -m / s);
    for (let k = 0; k < pairs.length; k++) fs[k] = 0;
    for (let j = 0; j < inner.t.length; j++) {
      const u2 = m + s * inner.t[j];
      for (let k = 0; k < pairs.length; k++) fs[k] += inner.w[j] * pairs[k][1](u2);
    }
    for (let k = 0; k < pairs.length; k++) out[k] += outer.w[i] * pairs[k][0](u1) * fs[k];
  }
  return symmetric ? out.map((v) => 2 * v) : out;
}
