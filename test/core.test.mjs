// The core helpers: declared option checks, moments, quadrature, and the Gaussian
// expectations the mean-field lines of chapter 3 rest on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { K } from './lib.mjs';
import { assertClose } from './stats.mjs';

const require = createRequire(import.meta.url);
const C = require('../dist/core/checks.js');

test('checkOptions: defaults filled in, unknown keys and non-objects refused, checks run in the schema\'s order', () => {
  const schema = { n: C.required(C.checkPositiveInt), lr: C.withDefault(C.checkPositive, 0.1), tag: C.optional(C.oneOf(['a', 'b'])) };
  assert.deepEqual(C.checkOptions('f', { n: 3 }, schema), { n: 3, lr: 0.1, tag: undefined });
  assert.deepEqual(C.checkOptions('f', { n: 3, lr: 2, tag: 'b' }, schema), { n: 3, lr: 2, tag: 'b' });
  // An option given as undefined counts as left out (as the spread { ...base, x: undefined } gives).
  assert.deepEqual(C.checkOptions('f', { n: 3, lr: undefined }, schema), { n: 3, lr: 0.1, tag: undefined });
  assert.throws(() => C.checkOptions('f', { n: 3, nn: 1 }, schema), /^Error: f does not take option "nn"; it takes: n, lr, tag$/);
  assert.throws(() => C.checkOptions('f', null, schema), /f needs an options object, got null/);
  assert.throws(() => C.checkOptions('f', [1], schema), /f needs an options object, got \[1\]/);
  assert.throws(() => C.checkOptions('f', {}, schema), /n must be a whole number >= 1, got undefined/);
  assert.throws(() => C.checkOptions('f', { n: 1, tag: 'c' }, schema), /tag must be one of a, b; got "c"/);
  // Two faults: the first option of the schema is reported first.
  assert.throws(() => C.checkOptions('f', { n: 0, lr: -1 }, schema), /n must be/);
});

test('moments: the mean and the population variance, two passes in float64', () => {
  const m = K.moments([1, 2, 3, 4]);
  assert.deepEqual(m, { mean: 2.5, variance: 1.25, meanSquare: 7.5 });
  // A large offset would cancel in E[x²] - E[x]² but not in two passes.
  const shifted = K.moments(Float32Array.of(1e4 + 1, 1e4 + 2, 1e4 + 3, 1e4 + 4));
  assert.equal(shifted.variance, 1.25);
  assert.throws(() => K.moments([]), /moments needs a non-empty array of numbers/);
});

test('simpson: exact for cubics, fourth-order for smooth functions', () => {
  // Simpson's rule integrates polynomials of degree <= 3 exactly (up to rounding).
  assertClose(K.simpson((x) => 4 * x ** 3 - 3 * x * x + 1, -1, 2, 2), 4 * 15 / 4 - 9 + 3, 1e-12, 'cubic on 2 intervals');
  // Error bound (b - a) h^4 max|f''''| / 180: for exp on [0, 1] with 10 intervals, 1e-4 * e / 180 = 1.5e-6.
  const err = Math.abs(K.simpson(Math.exp, 0, 1, 10) - (Math.E - 1));
  assert.ok(err <= 1e-4 * Math.E / 180, `error ${err}`);
  assert.ok(err > 1e-9, 'the error is not zero: the rule is a quadrature, not the antiderivative');
  assert.throws(() => K.simpson(Math.exp, 0, 1, 3), /steps must be an even whole number >= 2, got 3/);
});

test('normalPdf and gaussianExpectation agree with closed forms', () => {
  assert.equal(K.normalPdf(0), 1 / Math.sqrt(2 * Math.PI));
  assertClose(K.normalPdf(2), Math.exp(-2) / Math.sqrt(2 * Math.PI), 1e-17, 'phi(2)');
  // z ~ N(0, q): E[1] = 1, E[z²] = q, E[z⁴] = 3q², E[relu(z)²] = q/2, E[cos z] = exp(-q/2).
  // The integrands are smooth in u (relu's kink sits on a grid point), and with h = 0.01
  // Simpson's error is of order h⁴ = 1e-8 times a few derivatives of phi: 1e-9 relative is safe.
  for (const q of [0.04, 1, 7.5]) {
    const rel = (got, want, what) => assertClose(got / want, 1, 1e-9, `${what}, q = ${q}`);
    rel(K.gaussianExpectation(() => 1, q), 1, 'E[1]');
    rel(K.gaussianExpectation((z) => z * z, q), q, 'E[z²]');
    rel(K.gaussianExpectation((z) => z ** 4, q), 3 * q * q, 'E[z⁴]');
    rel(K.gaussianExpectation((z) => Math.max(0, z) ** 2, q), q / 2, 'E[relu(z)²]');
    rel(K.gaussianExpectation(Math.cos, q), Math.exp(-q / 2), 'E[cos z]');
  }
  assertClose(K.gaussianExpectation((z) => z * z + 2, 0), 2, 1e-12, 'variance 0 gives f(0)');
  assert.throws(() => K.gaussianExpectation(Math.cos, -1), /variance must be a finite number >= 0, got -1/);
});

test('studentTQuantile: the closed forms for 1, 2 and 4 degrees of freedom, and the normal limit', () => {
  // Closed forms (for p > 1/2; the distribution is symmetric): 1 dof, the Cauchy, tan(pi (p - 1/2));
  // 2 dof, (2p - 1) / sqrt(2p (1 - p)); 4 dof, 2 sqrt(cos(acos(sqrt(a)) / 3) / sqrt(a) - 1) with
  // a = 4p (1 - p). The quantile is a bisection to 2^-60 in theta with Simpson's rule (h ~ 8e-4)
  // for a smooth integrand: its error is far below 1e-9 at these p.
  const forms = {
    1: (p) => Math.tan(Math.PI * (p - 0.5)),
    2: (p) => (2 * p - 1) / Math.sqrt(2 * p * (1 - p)),
    4: (p) => { const a = 4 * p * (1 - p); return 2 * Math.sqrt(Math.cos(Math.acos(Math.sqrt(a)) / 3) / Math.sqrt(a) - 1); },
  };
  for (const [dof, form] of Object.entries(forms)) {
    for (const p of [0.6, 0.9, 0.975, 0.995]) {
      const want = form(p);
      assertClose(K.studentTQuantile(p, Number(dof)), want, 1e-9 * Math.max(1, want), `t(${p}, ${dof})`);
      assertClose(K.studentTQuantile(1 - p, Number(dof)), -want, 1e-9 * Math.max(1, want), `t(${1 - p}, ${dof})`);
    }
  }
  assert.equal(K.studentTQuantile(0.5, 3), 0);
  // Many degrees of freedom: the normal quantile z plus the first correction (z^3 + z) / (4 dof);
  // the next term, (5z^5 + 16z^3 + 3z) / (96 dof^2), is 3e-6 at dof = 1000 and z = 1.96.
  let [lo, hi] = [0, 5];
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (0.5 + K.simpson(K.normalPdf, 0, mid) < 0.975) lo = mid; else hi = mid;
  }
  const z = (lo + hi) / 2;
  assertClose(K.studentTQuantile(0.975, 1000), z + (z ** 3 + z) / 4000, 1e-5, 't(0.975, 1000)');
  assert.throws(() => K.studentTQuantile(1, 4), /p must be a probability strictly between 0 and 1, got 1/);
  assert.throws(() => K.studentTQuantile(0.9, 2.5), /dof must be a whole number >= 1 \(degrees of freedom\), got 2.5/);
});

test('singularValues: closed forms, orthogonal matrices, and tiny values next to large ones', () => {
  const C = require('../dist/core/linalg.js');
  assert.deepEqual(K.singularValues([3, 0, 0, 0, -2, 0], 2, 3), [3, 2]);
  // [[1, 2], [3, 4]]: the singular values are the square roots of the eigenvalues of AᵀA,
  // AᵀA = [[10, 14], [14, 20]] has trace 30 and determinant 4, so s² = 15 ± sqrt(221).
  const [a, b] = K.singularValues([1, 2, 3, 4], 2, 2);
  assertClose(a, Math.sqrt(15 + Math.sqrt(221)), 1e-14, 'largest');
  assertClose(b, Math.sqrt(15 - Math.sqrt(221)), 1e-14, 'smallest');
  // An orthogonal 40 x 25 kernel (orthonormal columns): every singular value is 1 to float32 rounding.
  K.singularValues(K.sampleWeights('orthogonal', [40, 25], { seed: 3 }), 40, 25).forEach((s) => assertClose(s, 1, 1e-6, 'orthogonal'));
  // Q diag(1, 1e-10, 1e-5) Pᵀ with Q, P rotations: a backward-stable method keeps 1e-10 to
  // about 1e-15 absolute (eigenvalues of AᵀA would lose it entirely: 1e-20 is below float64's 1e-16).
  const rot = (t) => [Math.cos(t), -Math.sin(t), 0, Math.sin(t), Math.cos(t), 0, 0, 0, 1];
  const mul = (x, y) => Array.from({ length: 9 }, (_, k) => [0, 1, 2].reduce((s, j) => s + x[Math.floor(k / 3) * 3 + j] * y[j * 3 + (k % 3)], 0));
  const D = [1, 0, 0, 0, 1e-10, 0, 0, 0, 1e-5];
  const s = K.singularValues(mul(mul(rot(0.7), D), rot(-1.9)), 3, 3);
  assertClose(s[0], 1, 1e-14, 's1');
  assertClose(s[1], 1e-5, 1e-15, 's2');
  assertClose(s[2], 1e-10, 1e-15, 's3');
  assert.throws(() => K.singularValues([1, 2, 3], 2, 2), /singularValues needs rows x cols = 2 x 2 values, got 3/);
  assert.throws(() => K.singularValues([1, NaN, 3, 4], 2, 2), /finite values; value 1 is NaN/);
  assert.ok(C.singularValues === K.singularValues);
});
