// Batch norm's gradient rate at a finite batch (theory/batchnorm.ts, chapter 7): against the
// paper's values, linear's exact (B - 2)/(B - 3), the large-batch limit, the quadrature
// against the closed forms, and a Monte Carlo of one layer's backward pass written out as
// Ioffe & Szegedy's formula (independent of the projection the library's derivation uses).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { K } from './lib.mjs';
import { Z, assertClose } from './stats.mjs';

const require = createRequire(import.meta.url);
const BN = require('../dist/theory/batchnorm.js');
const { SCALAR_ACTIVATIONS } = require('../dist/theory/activations.js');

const rate = (activation, batch) => K.batchNormGradientRate({ activation, batch });
const PI_RATE = Math.PI / (Math.PI - 1);

test('ReLU: the paper\'s finite-batch rates (Theorem 8), decreasing to pi/(pi - 1)', () => {
  // Yang et al. 2019, Theorem 8 (eq. 25 with alpha = 1), as evaluated independently in the
  // chapter's review, to the three decimals given there: +-0.0005 is their rounding.
  for (const [B, paper] of [[16, 1.590], [64, 1.493], [128, 1.480], [256, 1.473]]) {
    assertClose(rate('relu', B), paper, 0.0005 + 1e-9, `ReLU, B = ${B}`);
  }
  // pi/(pi - 1) is the limit: every finite batch explodes faster, and the rate decreases in B.
  assertClose(rate('relu', Infinity), PI_RATE, 1e-9, 'ReLU, B = infinity');
  let previous = Infinity;
  for (const B of [4, 5, 8, 16, 32, 100, 1000, 10000]) {
    const r = rate('relu', B);
    assert.ok(r < previous && r > PI_RATE, `ReLU rate at B = ${B} (${r}) must lie below the smaller batch's and above pi/(pi - 1)`);
    previous = r;
  }
});

test('linear: exactly (B - 2)/(B - 3) (Theorem 9), the smallest rate of any activation', () => {
  for (let B = 4; B <= 300; B += B < 20 ? 1 : 37) {
    assertClose(rate('linear', B), (B - 2) / (B - 3), 1e-12 * B, `linear, B = ${B}`);
  }
  assertClose(rate('linear', Infinity), 1, 1e-12, 'linear, B = infinity');
  // Theorem 9: lambda > 1 for every non-constant activation, linear the minimum.
  for (const B of [4, 6, 16, 64, 512]) {
    for (const activation of K.ACTIVATION_NAMES) {
      assert.ok(rate(activation, B) >= (B - 2) / (B - 3) - 1e-12, `${activation} at B = ${B} is below linear's rate`);
    }
  }
});

test('every activation approaches E[phi\'(t)^2] / Var(phi(t)) as 1/B', () => {
  // lambda(B) = lambda(inf) + c / B + O(1/B^2): B (lambda(B) - lambda(inf)) settles to c, the
  // O(1/B^2) term changing it by about c' / B between B = 2000 and 4000, well under 10% of it.
  const tanhLimit = K.gaussianExpectation((u) => (1 - Math.tanh(u) ** 2) ** 2, 1) / K.gaussianExpectation((u) => Math.tanh(u) ** 2, 1);
  assertClose(rate('tanh', Infinity), tanhLimit, 1e-7, 'tanh limit against Simpson (chapter 7\'s cell)');
  for (const activation of K.ACTIVATION_NAMES) {
    const limit = rate(activation, Infinity);
    const [c1, c2] = [2000, 4000].map((B) => B * (rate(activation, B) - limit));
    assert.ok(c1 > 0 && Math.abs(c2 / c1 - 1) < 0.1, `${activation}: B (lambda(B) - lambda(inf)) is ${c1} at 2000 and ${c2} at 4000`);
  }
});

test('the quadrature over a normalized unit\'s entries matches the closed forms to 1e-10', () => {
  // Homogeneous activations have closed forms (the arc-cosine kernel and orthant
  // probabilities); the quadrature, which tanh and sigmoid need, must reproduce them.
  for (const activation of ['relu', 'leakyRelu', 'linear']) {
    for (const B of [4, 5, 7, 16, 65, 300]) {
      const closed = BN.homogeneousMoments(SCALAR_ACTIVATIONS[activation], B);
      const quad = BN.sphereMoments(SCALAR_ACTIVATIONS[activation], B);
      for (const key of Object.keys(closed)) {
        assertClose(quad[key], closed[key], 1e-10 * Math.max(1, Math.abs(closed[key])), `${activation}, B = ${B}, ${key}`);
      }
    }
  }
});

test('a Monte Carlo of one batch-norm layer\'s backward pass gives the same rate', () => {
  // One layer of the mean-field map, sampled: z ~ N(0, I) over the batch (BN sees only its
  // centred part, isotropic at the symmetric fixed point), u = BN(z) with the biased batch
  // variance; an arriving gradient xi ~ N(0, G) (centred, as the next BN leaves it);
  // du = phi'(u) xi and BN's backward as Ioffe & Szegedy write it,
  // dz = (du - mean(du) - u mean(du u)) / sigma. With X = |dz|^2 / (B - 1) and
  // Y = |phi(u) - mean phi(u)|^2 / (B - 1) (the batch variance the next BN divides by),
  // lambda = E[X] / E[Y]; its standard error by the delta method, and Z of them.
  const N = 40000;
  for (const [activation, B] of [['relu', 8], ['relu', 16], ['tanh', 16], ['sigmoid', 10]]) {
    const a = SCALAR_ACTIVATIONS[activation];
    const zs = K.sampleInit(1, [N, B], `bn-mc/${activation}/${B}/z`);
    const gs = K.sampleInit(1, [N, B], `bn-mc/${activation}/${B}/g`);
    let [sx, sy, sxx, syy, sxy] = [0, 0, 0, 0, 0];
    const u = new Float64Array(B), du = new Float64Array(B), f = new Float64Array(B);
    for (let s = 0; s < N; s++) {
      const z = zs.subarray(s * B, (s + 1) * B);
      const g = gs.subarray(s * B, (s + 1) * B);
      const mean = (v) => v.reduce((p, q) => p + q, 0) / B;
      const mz = mean(z), mg = mean(g);
      const sigma = Math.sqrt(z.reduce((p, q) => p + (q - mz) ** 2, 0) / B);
      for (let b = 0; b < B; b++) {
        u[b] = (z[b] - mz) / sigma;
        du[b] = a.df(u[b]) * (g[b] - mg);
        f[b] = a.f(u[b]);
      }
      const mdu = mean(du);
      const mduu = du.reduce((p, q, b) => p + q * u[b], 0) / B;
      const mf = mean(f);
      let x = 0, y = 0;
      for (let b = 0; b < B; b++) {
        x += ((du[b] - mdu - u[b] * mduu) / sigma) ** 2;
        y += (f[b] - mf) ** 2;
      }
      x /= B - 1;
      y /= B - 1;
      [sx, sy, sxx, syy, sxy] = [sx + x, sy + y, sxx + x * x, syy + y * y, sxy + x * y];
    }
    const [mx, my] = [sx / N, sy / N];
    const [vx, vy, cxy] = [sxx / N - mx * mx, syy / N - my * my, sxy / N - mx * my];
    const mc = mx / my;
    const se = mc * Math.sqrt((vx / (mx * mx) + vy / (my * my) - (2 * cxy) / (mx * my)) / N);
    assertClose(mc, rate(activation, B), Z * se, `${activation}, B = ${B}: Monte Carlo ${mc} +- ${se}`);
    // The finite batch is visible: the large-batch limit is many standard errors away.
    assert.ok(Math.abs(mc - rate(activation, Infinity)) > 2 * Z * se, `${activation}, B = ${B}: the Monte Carlo cannot tell B from infinity`);
  }
});

test('batchNormGradientRate: bad options name the option and what is allowed', () => {
  for (const batch of [3, 4.5, -Infinity, NaN, '16', undefined]) {
    assert.throws(() => K.batchNormGradientRate({ activation: 'relu', batch }), /batch must be a whole number >= 4 .* or Infinity/);
  }
  assert.throws(() => K.batchNormGradientRate({ activation: 'swish', batch: 16 }), /activation must be one of/);
  assert.throws(() => K.batchNormGradientRate({ activation: 'relu', batch: 16, width: 8 }), /width/);
});
