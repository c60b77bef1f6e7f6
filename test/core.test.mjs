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
