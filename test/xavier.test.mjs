// Chapter 3's claims about Xavier/Glorot init, checked outside the notebook. (That the
// "standard" U[-1/sqrt(n), 1/sqrt(n)] has n Var(w) = 1/3 on its own, and that
// glorotUniform and glorotNormal have variance 2/(fanIn + fanOut), is in initializers.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K } from './lib.mjs';
import { Z, erf } from './stats.mjs';

/** E[f(sqrt(q) Z)] for a standard normal Z, by Simpson's rule on [-12, 12] (error far below 1e-9). */
function gaussian(f, q) {
  const N = 4000;
  const L = 12;
  let s = 0;
  for (let i = 0; i <= N; i++) {
    const z = -L + (2 * L * i) / N;
    s += (i === 0 || i === N ? 1 : i % 2 ? 4 : 2) * Math.exp(-z * z / 2) * f(Math.sqrt(q) * z);
  }
  return (s * (2 * L)) / N / 3 / Math.sqrt(2 * Math.PI);
}

test('the 0.8796 of the truncated normal is the std of a standard normal cut at +-2', () => {
  // Var of N(0, 1) restricted to [-c, c]: 1 - 2 c phi(c) / P(|Z| <= c), P(|Z| <= c) = erf(c / sqrt 2).
  const c = 2;
  const phi = Math.exp(-c * c / 2) / Math.sqrt(2 * Math.PI);
  const inside = erf(c / Math.SQRT2);
  const std = Math.sqrt(1 - (2 * c * phi) / inside);
  assert.ok(Math.abs(std - K.TRUNCATION_STD) < 1e-12, `computed ${std}, K.TRUNCATION_STD ${K.TRUNCATION_STD}`);
  // The same by integrating z^2 phi(z) over [-2, 2] (Simpson's rule, 2000 steps: error ~1e-13).
  let s = 0;
  for (let i = 0; i <= 2000; i++) {
    const z = -c + (2 * c * i) / 2000;
    s += (i === 0 || i === 2000 ? 1 : i % 2 ? 4 : 2) * z * z * Math.exp(-z * z / 2);
  }
  const direct = Math.sqrt((s * (2 * c)) / 2000 / 3 / Math.sqrt(2 * Math.PI) / inside);
  assert.ok(Math.abs(direct - K.TRUNCATION_STD) < 1e-10, `integrated ${direct}`);
});

// ---------------------------------------------------------------- a deep tanh network
// Glorot & Bengio's experiment at test size: depth 5, n = 256 units per layer, B = 256
// examples, standard normal input, a standard normal gradient sent back from the top.
const N = 256;
const B = 256;
const DEPTH = 5;
const run = (init) => K.signalPropagation({ depth: DEPTH, width: N, batch: B, activation: 'tanh', init, seed: 1 });
const RUNS = { uniform: run('uniform'), glorotUniform: run('glorotUniform') };
// n Var(w) from the formulas: (1/sqrt n)^2 / 3 and 2 / (n + n) times n.
const GAIN = { uniform: 1 / 3, glorotUniform: 1 };

// The mean-field theory of a wide tanh network: z ~ N(0, q) in every layer, so
//   Var(x_l) = F(q_l) = E[tanh(z)^2],   Var(dz_l) = n Var(w) G(q_l) Var(dz_{l+1}),  G(q) = E[tanh'(z)^2].
const F = (q) => gaussian((z) => Math.tanh(z) ** 2, q);
const F4 = (q) => gaussian((z) => Math.tanh(z) ** 4, q);
const G = (q) => gaussian((z) => Math.cosh(z) ** -4, q);

/**
 * Relative tolerance on a per-layer gain measured from B x n values, where c counts the
 * layers the signal has crossed. In z = x W, column j of W meets every example: summed
 * over the batch, z_j^2 = W_j^T (X^T X) W_j, a quadratic form whose variance (Gaussian
 * weights; the uniform's lighter tails only lower it) is 2 sigma^4 tr((X^T X)^2), and
 * tr((X^T X)^2) = sum_{b,b'} (x_b . x_b')^2 ~ B (n m)^2 + B^2 n m^2 c: each layer the
 * signal crosses correlates the units a little (by about 1/sqrt(n), through the shared
 * weights), which adds about one more n m^2 to every (x_b . x_b')^2. Averaged over the n
 * columns, the relative standard error of the measured gain is sqrt((2/B + 2c/n) / n).
 */
const gainTolerance = (c) => Z * Math.sqrt((2 / B + (2 * c) / N) / N);

for (const init of ['uniform', 'glorotUniform']) {
  test(`tanh, ${init}: each layer's matrix product multiplies the variance by n Var(w) = ${GAIN[init] === 1 ? '1' : '1/3'}`, () => {
    const p = RUNS[init];
    let before = p.input.meanSquare;
    p.forward.forEach((f, l) => {
      // Var(z_l) = n Var(w) E[x_{l-1}^2]: the derivation's first line, measured in a network.
      const ratio = f.preActivation.variance / before / GAIN[init];
      const tol = gainTolerance(l + 1);
      assert.ok(Math.abs(ratio - 1) <= tol, `layer ${l + 1}: Var(z) / (n Var(w) E[x^2]) = ${ratio}, tolerance ${tol}`);
      before = f.output.meanSquare;
    });
  });

  test(`tanh, ${init}: the activations' variance is tanh's mean-field map of the pre-activations'`, () => {
    // F is concave, so spread in the per-example variance q_b of z (relative variance about
    // 2c/n, from the spread of |x_b|^2) biases the mean of tanh^2 by at most
    // sup|F''| / 2 * Var(q_b); the sampling error adds Z standard errors of a mean of
    // tanh(z)^2 over B n values, counted as B n / c independent ones.
    let supF2 = 0;
    for (let q = 0.01; q <= 2; q += 0.01) supF2 = Math.max(supF2, Math.abs(F(q + 1e-3) - 2 * F(q) + F(q - 1e-3)) / 1e-6);
    RUNS[init].forward.forEach((f, l) => {
      const q = f.preActivation.variance;
      const c = l + 1;
      const theory = F(q);
      const tol = (Z * Math.sqrt((c * (F4(q) - theory ** 2)) / (B * N)) + (supF2 / 2) * q * q * ((2 * c) / N)) / theory;
      const ratio = f.output.variance / theory;
      assert.ok(Math.abs(ratio - 1) <= tol, `layer ${l + 1}: Var(tanh z) / F(Var z) = ${ratio}, tolerance ${tol}`);
    });
  });

  test(`tanh, ${init}: the gradient's variance shrinks by n Var(w) E[tanh'(z)^2] per layer on the way down`, () => {
    const p = RUNS[init];
    for (let l = 0; l < DEPTH - 1; l++) {
      const ratio = p.backward[l].preActivation.variance / p.backward[l + 1].preActivation.variance;
      const theory = GAIN[init] * G(p.forward[l].preActivation.variance);
      const tol = gainTolerance(DEPTH - l);
      assert.ok(Math.abs(ratio / theory - 1) <= tol, `layer ${l + 1}: ratio ${ratio}, theory ${theory}, tolerance ${tol}`);
    }
  });
}

test('tanh, standard init: activations and gradients shrink by 3x or more per layer; with Glorot init by less than 2x and 3x', () => {
  // tanh never enlarges (|tanh z| <= |z|, tanh' <= 1), so with a gain of 1/3 per matrix
  // product each layer keeps at most a third (plus the gain's tolerance). With Glorot's gain
  // of 1 only tanh's curvature takes variance away: the mean-field ratios are 0.6 to 0.8 here
  // forward and 0.46 to 0.8 backward, well clear of the bounds below.
  const ratios = (p) => ({
    forward: p.forward.slice(1).map((f, l) => f.output.variance / p.forward[l].output.variance),
    backward: p.backward.slice(0, -1).map((b, l) => b.preActivation.variance / p.backward[l + 1].preActivation.variance),
  });
  const tol = gainTolerance(DEPTH);
  const standard = ratios(RUNS.uniform);
  const glorot = ratios(RUNS.glorotUniform);
  for (const r of [...standard.forward, ...standard.backward]) assert.ok(r <= (1 / 3) * (1 + tol), `standard init kept ${r} of the variance in a layer`);
  for (const r of glorot.forward) assert.ok(r > 1 / 2, `Glorot init kept only ${r} of the activations' variance in a layer`);
  for (const r of glorot.backward) assert.ok(r > (1 / 3) * (1 + tol), `Glorot init kept only ${r} of the gradient's variance in a layer`);
});
