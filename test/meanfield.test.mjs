// Mean-field theory (theory/): the quadrature against independent rules and closed forms,
// the fixed points and slopes against their definitions, SELU's map against Klambauer et
// al.'s closed form, the Jacobian closed forms, and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { K } from './lib.mjs';
import { assertClose, erf } from './stats.mjs';

const require = createRequire(import.meta.url);
const Q = require('../dist/theory/quadrature.js');

const rel = (a, b) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
const assertRel = (actual, expected, tol, what) =>
  assert.ok(rel(actual, expected) <= tol, `${what}: ${actual} vs ${expected} (relative ${rel(actual, expected).toExponential(2)} > ${tol})`);

const sech2 = (x) => 1 / Math.cosh(x) ** 2;
const selu = (x) => (x > 0 ? K.SELU_LAMBDA * x : K.SELU_LAMBDA * K.SELU_ALPHA * Math.expm1(x));
const relu = (x) => Math.max(0, x);

const erfc = (x) => 1 - erf(x);
const Phi = (x) => 0.5 * erfc(-x / Math.SQRT2);

// An independent rule: Simpson's on 20,000 intervals of u in [-10, 10] for E[f(sqrt(q) u)]
// (error ~ 20 h^4 max|F''''| / 180 with h = 1e-3 and F = phi(u) f(sqrt(q) u): below 1e-11
// for q <= 6, as |F''''| grows like q^2). u = 0 is an even node, so a kink there is exact.
const simpson = (f, q) => K.simpson((u) => K.normalPdf(u) * f(Math.sqrt(q) * u), -10, 10, 20000);

test('one-dimensional Gaussian expectations: 1e-9 against Simpson and closed forms', () => {
  for (const q of [0.01, 0.3, 1, 2.5, 6]) {
    const s = Math.sqrt(q);
    assertRel(Q.expect1((x) => Math.tanh(x) ** 2, 0, s, false), simpson((x) => Math.tanh(x) ** 2, q), 1e-9, `E[tanh^2], q = ${q}`);
    assertRel(Q.expect1((x) => sech2(x) ** 2, 0, s, false), simpson((x) => sech2(x) ** 2, q), 1e-9, `E[sech^4], q = ${q}`);
    assertRel(Q.expect1((x) => selu(x) ** 2, 0, s, true), simpson((x) => selu(x) ** 2, q), 1e-9, `E[selu^2], q = ${q}`);
  }
  // A kink away from 0: E[relu(m + s t)] = m Phi(m/s) + s phi(m/s), split at t = -m/s.
  for (const [m, s] of [[0.7, 1.3], [-1.1, 0.4], [2, 3]]) {
    const closed = m * Phi(m / s) + s * K.normalPdf(m / s);
    // 1e-10: the series erf (test/stats.mjs) is good to ~1e-13 absolute, up to 1e-11 of these values.
    assertRel(Q.expect1(relu, m, s, true), closed, 1e-10, `E[relu(${m} + ${s} t)]`);
    // Without the split the rule is far worse: the split is what makes the kink exact.
    assert.ok(rel(Q.expect1(relu, m, s, false), closed) > 1e-9, 'an unsplit kink is visibly off');
  }
});

test('two-dimensional expectations: relu and linear against closed forms, tanh against nested Simpson', () => {
  // ReLU's arc-cosine kernel (Cho & Saul): E[relu(u1) relu(u2)] = q (sqrt(1 - c^2) + (pi - acos c) c) / (2 pi),
  // E[relu'(u1) relu'(u2)] = (pi - acos c) / (2 pi).
  const reluPair = [[relu, relu], [(x) => (x > 0 ? 1 : 0), (x) => (x > 0 ? 1 : 0)]];
  for (const q of [0.5, 2]) {
    for (const c of [-0.9, -0.3, 0, 0.5, 0.95, 0.9999]) {
      const [pp, dd] = Q.expect2(reluPair, q, c, true);
      const theta = Math.acos(c);
      assertRel(pp, (q * (Math.sqrt(1 - c * c) + (Math.PI - theta) * c)) / (2 * Math.PI), 1e-10, `relu kernel q ${q} c ${c}`);
      assertRel(dd, (Math.PI - theta) / (2 * Math.PI), 1e-10, `relu slope kernel q ${q} c ${c}`);
      // Linear: E[u1 u2] = q c.
      assert.ok(Math.abs(Q.expect2([[(x) => x, (x) => x]], q, c, false)[0] - q * c) < 1e-12 * q, `linear q ${q} c ${c}`);
    }
  }
  // tanh: nested Simpson (2000 intervals each way), u2 = sqrt(q) (c t1 + sqrt(1 - c^2) t2).
  for (const [q, c] of [[0.7, 0.3], [2.2, 0.8], [1.3, -0.5]]) {
    const s = Math.sqrt(q);
    const nested = K.gaussianExpectation((t1) => Math.tanh(s * t1) * K.gaussianExpectation((t2) => Math.tanh(s * (c * t1 + Math.sqrt(1 - c * c) * t2)), 1), 1);
    assertRel(Q.expect2([[Math.tanh, Math.tanh]], q, c, false, true)[0], nested, 1e-9, `tanh q ${q} c ${c} (half plane)`);
    assertRel(Q.expect2([[Math.tanh, Math.tanh]], q, c, false, false)[0], nested, 1e-9, `tanh q ${q} c ${c} (whole plane)`);
  }
});

test('meanField for tanh: q* and c* are fixed points, chi_1 and chi_c their slopes, as defined', () => {
  const sb2 = 0.05;
  for (const sw2 of [0.5, 1, 1.5, 2, 3, 4]) {
    const o = { activation: 'tanh', weightVariance: sw2, biasVariance: sb2 };
    const m = K.meanField(o);
    // q* by an independent route: iterating the map with Simpson's rule until it settles.
    let q = 1;
    for (let i = 0; i < 2000; i++) q = sw2 * K.gaussianExpectation((x) => Math.tanh(x) ** 2, q) + sb2;
    assertRel(m.qStar, q, 1e-8, `q*, sigma_w^2 = ${sw2}`);
    assertRel(m.chi1, sw2 * K.gaussianExpectation((x) => sech2(x) ** 2, m.qStar), 1e-8, `chi_1, sigma_w^2 = ${sw2}`);
    // c* is a fixed point of the correlation map, attracting, and chi_c its slope there
    // (central difference, step 1e-4: truncation ~1e-8 C''', rounding ~1e-12).
    assert.ok(Math.abs(K.correlationMap(o, m.qStar, m.cStar) - m.cStar) < 1e-9, `C(c*) = c*, sigma_w^2 = ${sw2}`);
    const h = 1e-4;
    const c0 = Math.min(m.cStar, 1 - h);
    const slope = (K.correlationMap(o, m.qStar, c0 + h) - K.correlationMap(o, m.qStar, c0 - h)) / (2 * h);
    if (m.cStar < 1) {
      assertRel(m.chiC, slope, 1e-6, `chi_c = C'(c*), sigma_w^2 = ${sw2}`);
      assert.ok(m.chi1 > 1 && m.chiC < 1 && m.cStar >= 0, 'chaotic: chi_1 > 1, c* < 1 attracting');
    } else {
      assert.ok(m.chi1 < 1 && m.chiC === m.chi1, 'ordered: c* = 1 and chi_c = chi_1');
      // C'(1) from the left is chi_1 (the slope there, by Price's theorem).
      assertRel(m.chi1, slope, 1e-3, `C'(1-) = chi_1, sigma_w^2 = ${sw2}`);
    }
    assertRel(m.depthScale, -1 / Math.log(m.chiC), 1e-15, 'xi_c = -1/ln chi_c');
  }
});

test('the edge of chaos: chi_1 = 1 at criticalWeightVariance; 1 for tanh without biases', () => {
  assertClose(K.criticalWeightVariance({ activation: 'tanh', biasVariance: 0 }), 1, 1e-6, 'tanh, sigma_b^2 = 0');
  let last = 1;
  for (const sb2 of [0.01, 0.05, 0.3, 1]) {
    const sw2 = K.criticalWeightVariance({ activation: 'tanh', biasVariance: sb2 });
    assert.ok(sw2 > last, 'a larger bias variance needs a larger weight variance');
    last = sw2;
    const m = K.meanField({ activation: 'tanh', weightVariance: sw2, biasVariance: sb2 });
    assert.ok(Math.abs(m.chi1 - 1) < 1e-9, `chi_1 = ${m.chi1} at sigma_w^2 = ${sw2}, sigma_b^2 = ${sb2}`);
    // Just either side, the phases.
    assert.ok(K.meanField({ activation: 'tanh', weightVariance: 0.99 * sw2, biasVariance: sb2 }).cStar === 1);
    assert.ok(K.meanField({ activation: 'tanh', weightVariance: 1.01 * sw2, biasVariance: sb2 }).cStar < 1);
  }
  assert.equal(K.criticalWeightVariance({ activation: 'relu', biasVariance: 0.3 }), 2);
  assert.equal(K.criticalWeightVariance({ activation: 'linear', biasVariance: 0 }), 1);
  assertRel(K.criticalWeightVariance({ activation: 'leakyRelu', biasVariance: 0 }), 2 / (1 + K.LEAKY_RELU_ALPHA ** 2), 1e-15, 'leaky relu');
});

test('relu and linear: closed forms, and the edge cases without a finite positive q*', () => {
  // With a bias and sigma_w^2 < 2: q* = sigma_b^2 / (1 - sigma_w^2 / 2), ordered, chi_1 = sigma_w^2 / 2.
  let m = K.meanField({ activation: 'relu', weightVariance: 1.5, biasVariance: 0.1 });
  assertRel(m.qStar, 0.1 / (1 - 0.75), 1e-14, 'relu q*');
  assert.deepEqual([m.cStar, m.chi1, m.chiC], [1, 0.75, 0.75]);
  // The correlation map is the normalized arc-cosine kernel, with the bias.
  const c = 0.4;
  const kernel = (1.5 * m.qStar * (Math.sqrt(1 - c * c) + (Math.PI - Math.acos(c)) * c)) / (2 * Math.PI);
  assertRel(K.correlationMap({ activation: 'relu', weightVariance: 1.5, biasVariance: 0.1 }, m.qStar, c), (kernel + 0.1) / m.qStar, 1e-10, 'relu C(c)');
  // No bias, sigma_w^2 < 2: the variance dies out (q* = 0); the values are the sigma_b^2 -> 0 limits.
  m = K.meanField({ activation: 'relu', weightVariance: 1, biasVariance: 0 });
  // V(q) = q / 2 exactly, so chi_q = 1/2 too.
  const half = -1 / Math.log(0.5);
  assert.deepEqual(m, { qStar: 0, cStar: 1, chi1: 0.5, chiC: 0.5, depthScale: half, chiQ: 0.5, varianceDepthScale: half });
  // sigma_w^2 > 2 (or = 2 with a bias): q grows without bound; correlations converge more slowly than exponentially.
  for (const [sw2, sb2] of [[3, 0], [3, 0.1], [2, 0.1]]) {
    m = K.meanField({ activation: 'relu', weightVariance: sw2, biasVariance: sb2 });
    assert.deepEqual(m, { qStar: Infinity, cStar: 1, chi1: sw2 / 2, chiC: 1, depthScale: Infinity, chiQ: sw2 / 2, varianceDepthScale: Infinity }, `relu ${sw2}, ${sb2}`);
  }
  // He's init without biases: every q is a fixed point; q* is where the map starts.
  assert.deepEqual(K.meanField({ activation: 'relu', weightVariance: 2, biasVariance: 0 }),
    { qStar: 1, cStar: 1, chi1: 1, chiC: 1, depthScale: Infinity, chiQ: 1, varianceDepthScale: Infinity });
  assert.equal(K.meanField({ activation: 'relu', weightVariance: 2, biasVariance: 0, startVariance: 3 }).qStar, 3);
  assert.deepEqual(K.meanField({ activation: 'linear', weightVariance: 0.5, biasVariance: 0.2 }),
    { qStar: 0.4, cStar: 1, chi1: 0.5, chiC: 0.5, depthScale: half, chiQ: 0.5, varianceDepthScale: half });
  // tanh without biases: q* = 0 up to sigma_w^2 = 1 (chi_1 = sigma_w^2 = V'(0)), positive above.
  const xi08 = -1 / Math.log(0.8);
  assert.deepEqual(K.meanField({ activation: 'tanh', weightVariance: 0.8, biasVariance: 0 }),
    { qStar: 0, cStar: 1, chi1: 0.8, chiC: 0.8, depthScale: xi08, chiQ: 0.8, varianceDepthScale: xi08 });
  // At sigma_w^2 = 1 q_l still falls to 0, but as a power of l (chapter 3): chi_q = 1, no depth scale.
  m = K.meanField({ activation: 'tanh', weightVariance: 1, biasVariance: 0 });
  assert.deepEqual([m.qStar, m.chiQ, m.varianceDepthScale], [0, 1, Infinity]);
  m = K.meanField({ activation: 'tanh', weightVariance: 2, biasVariance: 0 });
  assert.ok(m.qStar > 0 && m.cStar === 0 && m.chi1 > 1 && m.chiC < 1, 'odd phi without bias: c* = 0 in the chaotic phase');
});

test('chi_q = V\'(q*) and xi_q: the variance map\'s slope at its fixed point, against differences of the map and closed forms', () => {
  // Central differences of V at q*, step h = 1e-4 q*: truncation h^2 V''' / 6, about 1e-9 of
  // V' for these smooth maps (q*^2 V''' / V' is of order 1), rounding 1e-16 V / h ~ 1e-12
  // relative; 1e-7 leaves room. They share only the 1-d quadrature with chi_q's formula,
  // whose Stein's-lemma integrand E[phi phi' x] / q is a different function from phi^2.
  const cases = [['tanh', 0.5, 0.05], ['tanh', 1, 0.05], ['tanh', 3, 0.05], ['tanh', 4, 0.3], ['sigmoid', 4, 0.1],
    ['selu', 1, 0], ['selu', K.TRUNCATION_STD ** 2, 0], ['selu', 1.5, 0.2]];
  for (const [activation, sw2, sb2] of cases) {
    const o = { activation, weightVariance: sw2, biasVariance: sb2 };
    const m = K.meanField(o);
    const h = 1e-4 * m.qStar;
    const slope = (K.varianceMap(o, m.qStar + h) - K.varianceMap(o, m.qStar - h)) / (2 * h);
    assertRel(m.chiQ, slope, 1e-7, `chi_q, ${activation} ${sw2} ${sb2}`);
    assert.ok(m.chiQ > 0 && m.chiQ < 1, 'q* attracts');
    assertRel(m.varianceDepthScale, -1 / Math.log(m.chiQ), 1e-15, 'xi_q = -1/ln chi_q');
  }
  // tanh against an independent rule: Simpson's (K.gaussianExpectation, 2000 intervals) for
  // E[tanh^2] at q* +- 1e-3 q*: its ~1e-10 error over the step 2e-3 q* allows 1e-6.
  const sb2 = 0.05;
  const edge = K.criticalWeightVariance({ activation: 'tanh', biasVariance: sb2 });
  for (const sw2 of [1, edge, 3]) {
    const m = K.meanField({ activation: 'tanh', weightVariance: sw2, biasVariance: sb2 });
    const h = 1e-3 * m.qStar;
    const G = (q) => sw2 * K.gaussianExpectation((x) => Math.tanh(x) ** 2, q);
    assertRel(m.chiQ, (G(m.qStar + h) - G(m.qStar - h)) / (2 * h), 1e-6, `chi_q by Simpson, sigma_w^2 = ${sw2}`);
  }
  // At the edge of chaos xi_c is infinite (above 1e6: chi_1 = 1 to ~1e-12) but xi_q is not: the variance settles within a couple
  // of layers while correlations take arbitrarily long (Schoenholz et al.'s contrast).
  const atEdge = K.meanField({ activation: 'tanh', weightVariance: edge, biasVariance: sb2 });
  assert.ok(atEdge.depthScale > 1e6 && atEdge.varianceDepthScale > 1 && atEdge.varianceDepthScale < 2, `xi_q at the edge ${atEdge.varianceDepthScale}`);
  // SELU with sigma_w^2 = 1: E[selu(z)] = 0 at q* = 1, so Klambauer et al.'s J22 = d nu~/d nu
  // = dE[selu^2]/dq - 2 mu~ dmu~/dq is exactly V'(1). Their Eq. 6 prints 0.782648 (6 decimals:
  // within 5e-7, plus the ~1e-9 of our quadrature).
  const keras = K.meanField({ activation: 'selu', weightVariance: 1, biasVariance: 0 });
  assert.ok(Math.abs(keras.chiQ - 0.782648) < 6e-7, `selu chi_q ${keras.chiQ} vs J22 0.782648`);
  assertRel(keras.chiQ, K.seluFixedPoint().jacobian[1][1], 1e-7, 'chi_q = J22 of seluFixedPoint (central differences of the moment map)');
});

test('SELU: the fixed point (0, 1) and Klambauer et al.\'s Jacobian, and the moment map against their closed form', () => {
  const fp = K.seluFixedPoint();
  assert.ok(Math.abs(fp.mean) < 1e-12 && Math.abs(fp.variance - 1) < 1e-12, `fixed point (${fp.mean}, ${fp.variance})`);
  // Their Eq. 6 prints J(0, 1) = [[0.0, 0.088834], [0.0, 0.782648]] and a spectral norm of
  // 0.7877: agreement to 1e-6 (their 0.088834 looks cut rather than rounded: the derivative
  // of their closed form below is 0.0888348).
  const [[a, b], [c, d]] = fp.jacobian;
  assert.ok(Math.abs(a) < 1e-8 && Math.abs(c) < 1e-8, 'omega = 0: the mean does not feed back');
  assert.ok(Math.abs(b - 0.088834) < 1e-6 && Math.abs(d - 0.782648) < 1e-6, `J = ${fp.jacobian}`);
  assert.equal(fp.spectralNorm.toFixed(4), '0.7877');
  // The mean-field variance map agrees: q* = 1 for sigma_w^2 = 1, with activations of mean 0, variance 1.
  const mf = K.meanField({ activation: 'selu', weightVariance: 1, biasVariance: 0 });
  assertClose(mf.qStar, 1, 1e-10, 'selu q*');
  const am = K.activationMoments({ activation: 'selu', variance: 1 });
  assert.ok(Math.abs(am.mean) < 1e-12 && Math.abs(am.variance - 1) < 1e-12);
  // Their Eqs. 4-5 (closed forms with erf), at points with omega != 0, where the kink moves off 0.
  const closed = (mu, omega, nu, tau) => {
    const mw = mu * omega;
    const vt = nu * tau;
    const r = Math.sqrt(2 * vt);
    const L = K.SELU_LAMBDA;
    const A = K.SELU_ALPHA;
    const mean = 0.5 * L * (mw * erf(mw / r) + A * Math.exp(mw + vt / 2) * erfc((mw + vt) / r) - A * erfc(mw / r)
      + Math.sqrt(2 / Math.PI) * Math.sqrt(vt) * Math.exp(-(mw * mw) / (2 * vt)) + mw);
    const variance = 0.5 * L * L * ((mw * mw + vt) * (2 - erfc(mw / r))
      + A * A * (-2 * Math.exp(mw + vt / 2) * erfc((mw + vt) / r) + Math.exp(2 * (mw + vt)) * erfc((mw + 2 * vt) / r) + erfc(mw / r))
      + Math.sqrt(2 / Math.PI) * mw * Math.sqrt(vt) * Math.exp(-(mw * mw) / (2 * vt))) - mean * mean;
    return { mean, variance };
  };
  for (const [mu, omega, nu, tau] of [[0.3, 0.5, 1.2, 0.9], [-0.2, 1, 0.7, 1.1], [0, 0, 1, 1]]) {
    const want = closed(mu, omega, nu, tau);
    const got = K.seluMoments({ mean: mu, variance: nu, weightSum: omega, weightSquareSum: tau });
    assert.ok(Math.abs(got.mean - want.mean) < 1e-10, `mean at ${[mu, omega, nu, tau]}: ${got.mean} vs ${want.mean}`);
    assertRel(got.variance, want.variance, 1e-10, `variance at ${[mu, omega, nu, tau]}`);
  }
  // The Jacobian's nu column from the closed form by central differences (step 1e-5:
  // truncation ~1e-11, rounding ~1e-11): 1e-8.
  const h = 1e-5;
  const [up, down] = [closed(0, 0, 1 + h, 1), closed(0, 0, 1 - h, 1)];
  assert.ok(Math.abs(b - (up.mean - down.mean) / (2 * h)) < 1e-8, 'd mu~ / d nu');
  assert.ok(Math.abs(d - (up.variance - down.variance) / (2 * h)) < 1e-8, 'd nu~ / d nu');
});

test('Jacobian spectra: the closed forms, and the finite-width recursion against its first steps by hand', () => {
  const base = { weightVariance: 1, biasVariance: 0, depth: 10 };
  assert.deepEqual(K.jacobianSpectrum({ ...base, activation: 'linear', weights: 'orthogonal' }), { slopeMoments: [1, 1], meanSquare: 1, relativeVariance: 0, variance: 0 });
  assert.deepEqual(K.jacobianSpectrum({ ...base, activation: 'linear', weights: 'gaussian' }), { slopeMoments: [1, 1], meanSquare: 1, relativeVariance: 10, variance: 10 });
  // ReLU at He's sigma_w^2 = 2: mu_1 = mu_2 = 1/2, so each layer adds 1 (its D) plus 1 for a Gaussian W.
  const relu = { weightVariance: 2, biasVariance: 0, depth: 7, activation: 'relu' };
  assert.deepEqual(K.jacobianSpectrum({ ...relu, weights: 'orthogonal' }), { slopeMoments: [0.5, 0.5], meanSquare: 1, relativeVariance: 7, variance: 7 });
  // Off the edge the mean moves and the relative spread does not: sigma_w^2 = 1 halves m_1 per layer.
  const half = K.jacobianSpectrum({ ...relu, weightVariance: 1, weights: 'orthogonal' });
  assert.equal(half.meanSquare, 0.5 ** 7);
  assert.equal(half.relativeVariance, 7);
  assert.deepEqual(K.jacobianSpectrum({ ...relu, weights: 'gaussian' }).variance, 14);
  // One Gaussian layer: E tr((W W^T)^2)/N = 2 + 1/N (Wishart); two: (1 + 1/N)(2 + 1/N) + 1 + 2/N^2.
  const n = 50;
  const m = K.gaussianProductMoments({ width: n, depth: 30 }).secondMoment;
  assertRel(m[1], 2 + 1 / n, 1e-15, 'one layer');
  assertRel(m[2], (1 + 1 / n) * (2 + 1 / n) + 1 + 2 / n ** 2, 1e-15, 'two layers');
  // And the expansion it promises: 1 + l + l (l + 1) / (2N) up to O(l^3 / N^2).
  m.forEach((v, l) => assert.ok(Math.abs(v - (1 + l + (l * (l + 1)) / (2 * n))) <= (l ** 3) / n ** 2, `l = ${l}`));
});

test('bad input: an Error naming the option and what is allowed', () => {
  const ok = { activation: 'tanh', weightVariance: 1, biasVariance: 0.05 };
  const bad = (f, changes, pattern) => assert.throws(() => f({ ...ok, ...changes }), pattern);
  bad(K.meanField, { activation: 'gelu' }, /activation must be one of linear, relu, tanh, sigmoid, leakyRelu, selu; got "gelu"/);
  bad(K.meanField, { weightVariance: 0 }, /weightVariance must be > 0, got 0/);
  bad(K.meanField, { weightVariance: NaN }, /weightVariance must be a finite number, got NaN/);
  bad(K.meanField, { biasVariance: undefined }, /biasVariance must be a finite number, got undefined/);
  bad(K.meanField, { biasVariance: -0.1 }, /biasVariance must be >= 0, got -0.1/);
  bad(K.meanField, { startVariance: 0 }, /startVariance must be > 0, got 0/);
  bad(K.meanField, { sigmaW: 1 }, /meanField does not take option "sigmaW"/);
  assert.throws(() => K.correlationMap(ok, 1, 1.5), /c must be a correlation in \[-1, 1\], got 1.5/);
  assert.throws(() => K.correlationMap(ok, -1, 0.5), /q must be > 0, got -1/);
  assert.throws(() => K.varianceMap(ok, -1), /q must be >= 0, got -1/);
  assert.throws(() => K.criticalWeightVariance({ activation: 'tanh' }), /biasVariance must be a finite number, got undefined/);
  assert.throws(() => K.seluMoments({ mean: 0, variance: 0 }), /variance must be > 0, got 0/);
  assert.throws(() => K.seluFixedPoint({ weightSquareSum: -1 }), /weightSquareSum must be > 0/);
  assert.throws(() => K.jacobianSpectrum({ ...ok, depth: 3, weights: 'uniform' }), /weights must be one of gaussian, orthogonal; got "uniform"/);
  assert.throws(() => K.gaussianProductMoments({ width: 0, depth: 3 }), /width must be a whole number >= 1, got 0/);
  assert.throws(() => K.activationMoments({ activation: 'tanh', variance: -1 }), /variance must be >= 0, got -1/);
});
