// Chapter 6's measurements through the network engine against the mean-field predictions:
// the correlation of two inputs (collapse and separation at the rate chi_1, the chaotic
// plateau c*), the backward slope ln chi_1, SELU's fixed point, the Jacobian's trace moments.
// Each tolerance is derived below from the width, the depth and the batch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K, tf, noLeak } from './lib.mjs';
import { Z, assertClose, slopeError } from './stats.mjs';


const tanh = (sw2, sb2) => ({ activation: 'tanh', weightVariance: sw2, biasVariance: sb2 });

// slopeError (test/stats.mjs): the standard error and bias of a least-squares slope of a
// random walk whose steps have variances v_k, as the log-variance of a deep network is.

/** The layers [from, to) where start first holds, until stop first holds after it. */
function window(v, start, stop) {
  const from = v.findIndex(start);
  const end = v.findIndex((x, l) => l > from && stop(x));
  return [from, end < 0 ? v.length : end];
}

// Two nearly equal inputs: their difference d_l = z_a - z_b propagates linearly,
// d_{l+1} = (phi'(z_l) * d_l) W + 0 (the shared bias cancels), so given layer l
//   |d_{l+1}|^2 / |d_l|^2 = sigma_w^2 (sum_i phi'_i^2 d_i^2 / |d|^2) X / N,  X ~ chi^2_N,
// a product of random factors: the chi-square's relative variance 2/N, and the weighted
// average of phi'^2 over the units, whose relative variance is kappa sum_i w_i^2 ~ 3 kappa / N
// (weights w_i = d_i^2/|d|^2 of a normal-like d, E[d^4] = 3 E[d^2]^2), with
// kappa = mu_2/mu_1^2 - 1 the relative variance of phi'^2 at q*. So each layer's log-ratio
// has variance v = (2 + 3 kappa) / N and mean ln chi_1 - v/2. 1 - c_l = |d|^2 / (2 |z_a| |z_b|),
// so ln(1 - c) adds ln(q_l / q_{l+1})-like terms; they telescope to the log of the first and
// last layers' q over the window, which wander by a few percent (a random matrix per layer;
// 0.15 in ln q bounds it at width 256 with room), hence a slope error of at most 0.15 / K.
// Pairs are treated as one (no gain from averaging), which overstates the error.
function decayTolerance(kappa, width, layers) {
  const v = (2 + 3 * kappa) / width;
  const { se, bias } = slopeError(Array(layers - 1).fill(v));
  return { tol: Z * se + 0.15 / (layers - 1), bias };
}

const kappaAt = (o) => K.jacobianSpectrum({ ...o, weights: 'orthogonal', depth: 1 }).relativeVariance;

test('ordered side: two inputs collapse together, 1 - c_l shrinking by chi_1 per layer', async () => {
  const sw2 = 1;
  const sb2 = 0.05;
  const m = K.meanField(tanh(sw2, sb2));
  const width = 256;
  const r = await noLeak(() => K.correlationPropagation({ depth: 90, width, init: Math.sqrt(sw2 / width), biasStd: Math.sqrt(sb2),
    inputStd: Math.sqrt((m.qStar - sb2) / sw2), activation: 'tanh', pairs: 8, correlation: 0, seed: 11 }));
  const d = r.layers.map((l) => l.decorrelation);
  // The linear regime (1 - c < 0.01: the map's curvature changes the slope by under 1%) above float32's reach.
  const [from, to] = window(d, (x) => x < 0.01, (x) => x < 1e-10);
  assert.ok(to - from >= 30, `window ${from}-${to}`);
  const { tol, bias } = decayTolerance(kappaAt(tanh(sw2, sb2)), width, to - from);
  assertClose(K.logSlope(d.slice(from, to)), Math.log(m.chi1) + bias, tol, `slope of ln(1 - c_l), layers ${from + 1}-${to}`);
  // Mean over the pairs and 1 - mean: consistent.
  r.layers.forEach((l) => assert.ok(Math.abs(l.correlation + l.decorrelation - 1) < 1e-12));
});

test('chaotic side: nearly equal inputs separate by chi_1 per layer, and settle near c*', async () => {
  const sb2 = 0.05;
  const width = 256;
  for (const sw2 of [2.5, 4]) {
    const m = K.meanField(tanh(sw2, sb2));
    const options = { depth: 100, width, init: Math.sqrt(sw2 / width), biasStd: Math.sqrt(sb2), inputStd: Math.sqrt((m.qStar - sb2) / sw2),
      activation: 'tanh', pairs: 16 };
    const near = await noLeak(() => K.correlationPropagation({ ...options, correlation: 1 - 1e-6, seed: 12 }));
    const d = near.layers.map((l) => l.decorrelation);
    const [from, to] = window(d, () => true, (x) => x > 0.01);
    assert.ok(to - from >= 20, `window ${from}-${to}`);
    const { tol, bias } = decayTolerance(kappaAt(tanh(sw2, sb2)), width, to - from);
    assertClose(K.logSlope(d.slice(from, to)), Math.log(m.chi1) + bias, tol, `sigma_w^2 ${sw2}: growth of ln(1 - c_l)`);
    // The plateau: c_l from uncorrelated inputs, averaged over the layers after 6 xi_c and the
    // pairs, in NETS networks. Each pair's c_l wanders around c* as an AR(1) process with
    // coefficient chi_c and stationary std s (estimated by the spread between pairs), so the
    // mean of K layers has variance s^2 (1 + chi_c) / ((1 - chi_c) K). The pairs of one network
    // share its weights, and their noise is correlated (more so the larger c*): they are
    // counted as one. The networks are independent. A finite-width bias of order 1/N is
    // allowed for, 3/N.
    const NETS = 4;
    let [sum, variance] = [0, 0];
    for (let k = 0; k < NETS; k++) {
      const far = await noLeak(() => K.correlationPropagation({ ...options, correlation: 0, seed: 13 + k }));
      const late = far.layers.slice(Math.ceil(6 * m.depthScale));
      sum += late.reduce((t, l) => t + l.correlation, 0) / late.length / NETS;
      const s = late.reduce((t, l) => t + l.spread, 0) / late.length;
      variance += (s * s * (1 + m.chiC)) / ((1 - m.chiC) * late.length) / NETS ** 2;
    }
    const [mean, se] = [sum, Math.sqrt(variance)];
    assertClose(mean, m.cStar, Z * se + 3 / width, `sigma_w^2 ${sw2}: plateau against c* = ${m.cStar}`);
  }
});

test('gradients: ln Var(dL/dz_l) changes by ln chi_1 per layer, ordered, at the edge, chaotic', () => {
  // One step back: Var(delta_l) / Var(delta_{l+1}) has, as in test/propagation.test.mjs, the
  // relative variance 2 m2(G) / N^2 from the weights (G the gradients' Gram matrix over the
  // batch, m2 = 1 + N/B for a random one) plus the units' phi'^2 averaged over the batch,
  // at most kappa / N. The slope then has the random-walk error of slopeError.
  const sb2 = 0.05;
  const [width, batch, depth] = [256, 32, 40];
  const edge = K.criticalWeightVariance({ activation: 'tanh', biasVariance: sb2 });
  for (const sw2 of [1, edge, 3]) {
    const m = K.meanField(tanh(sw2, sb2));
    const p = K.signalPropagation({ depth, width, batch, init: Math.sqrt(sw2 / width), biasStd: Math.sqrt(sb2),
      inputStd: Math.sqrt((m.qStar - sb2) / sw2), activation: 'tanh', seed: 14 });
    const v = (2 * (1 + width / batch)) / width ** 2 + kappaAt(tanh(sw2, sb2)) / width;
    const { se, bias } = slopeError(Array(depth - 1).fill(v));
    const slope = K.logSlope(p.backward.map((b) => b.preActivation.variance).reverse());
    assertClose(slope, Math.log(m.chi1) + bias, Z * se, `sigma_w^2 ${sw2}: backward slope`);
  }
});

test('SELU: the measured fixed point is the mean-field q*, Keras-faithful and with TensorFlow.js\'s 0.8796', () => {
  // Each network's q_l wanders around q* by a finite-width noise whose size depends on how
  // correlated the batch's rows become (the Gram matrix of a layer's input sets the
  // variance of the next layer's q, test/propagation.test.mjs), and a chaotic SELU network
  // lets those correlations drift over its depth scale (33.6 and 89.5 layers here), so
  // successive layers are not independent. Rather than model that, the standard error of
  // the mean over layers 21-50 comes from 10 independent networks: a t statistic with 9
  // degrees of freedom exceeds 10 about once in 250,000 runs.
  const [width, batch, depth, skip, nets] = [256, 64, 50, 20, 10];
  for (const [init, sw2] of [['leCunNormal', 1], [{ name: 'leCunNormal', gain: K.TRUNCATION_STD }, K.TRUNCATION_STD ** 2]]) {
    const m = K.meanField({ activation: 'selu', weightVariance: sw2, biasVariance: 0 });
    const means = Array.from({ length: nets }, (_, k) => {
      const p = K.signalPropagation({ depth, width, batch, init, activation: 'selu', backward: false, seed: 15 + k });
      const late = p.forward.slice(skip);
      return late.reduce((t, f) => t + f.preActivation.meanSquare, 0) / late.length / m.qStar;
    });
    const mean = means.reduce((t, x) => t + x, 0) / nets;
    const sd = Math.sqrt(means.reduce((t, x) => t + (x - mean) ** 2, 0) / (nets - 1));
    assertClose(mean, 1, (10 * sd) / Math.sqrt(nets), `q_l / q* with sigma_w^2 = ${sw2}`);
    // The other init's fixed point is far outside the tolerance: the test tells them apart.
    const other = K.meanField({ activation: 'selu', weightVariance: sw2 === 1 ? K.TRUNCATION_STD ** 2 : 1, biasVariance: 0 }).qStar;
    assert.ok(Math.abs(other / m.qStar - 1) > (10 * sd) / Math.sqrt(nets), 'the two inits end at distinguishable fixed points');
  }
});

test('Jacobian moments: orthogonal linear layers keep every singular value at 1; Gaussian ones match the exact expectation', async () => {
  const o = await noLeak(() => K.jacobianMoments({ depth: 6, width: 32, init: { name: 'orthogonal' }, activation: 'linear', seed: 16 }));
  assert.deepEqual(o.layers.map((l) => l.layers), [6, 5, 4, 3, 2, 1]);
  // Products of float32 orthogonal matrices: ~1e-6 per entry.
  o.layers.forEach((l) => assert.ok(Math.abs(l.meanSquare - 1) < 1e-4 && Math.abs(l.secondMoment - 1) < 1e-4, `k = ${l.layers}: ${l.meanSquare}, ${l.secondMoment}`));
  // Gaussian: 30 networks; the mean of m_2 against gaussianProductMoments' exact expectation, with
  // the standard error from the sample itself (a t statistic with 29 degrees of freedom: 7 of
  // its standard errors are exceeded about once in a million).
  const [width, depth, runs] = [24, 5, 30];
  const m2 = Array.from({ length: runs }, (_, s) => K.jacobianMoments({ depth, width, init: 1 / Math.sqrt(width), activation: 'linear', seed: 100 + s }).layers[0].secondMoment);
  const mean = m2.reduce((t, x) => t + x, 0) / runs;
  const sd = Math.sqrt(m2.reduce((t, x) => t + (x - mean) ** 2, 0) / (runs - 1));
  const exact = K.gaussianProductMoments({ width, depth }).secondMoment[depth];
  assertClose(mean, exact, (7 * sd) / Math.sqrt(runs), `E[m2] of ${depth} Gaussian layers of width ${width}`);
  // The exact value is not the infinite-width 1 + depth: the finite width adds depth (depth + 1) / (2N).
  assert.ok(Math.abs(exact - (1 + depth) - (depth * (depth + 1)) / (2 * width)) < (depth / width) ** 2 * depth, `finite-width excess ${exact - (1 + depth)}`);
});

test('jacobianMoments is the Jacobian: a tanh network\'s, against autodiff one output at a time', () => {
  const [n0, n, depth, seed] = [5, 6, 3, 17];
  const init = 'glorotNormal';
  const r = K.jacobianMoments({ depth, width: n, inputWidth: n0, init, activation: 'tanh', biasStd: 0.3, seed, inputStd: 0.8 });
  const widths = [n0, ...Array(depth).fill(n)];
  const { weights } = K.initMLP(widths, init, seed, 0.3);
  const biases = widths.slice(1).map((w, l) => K.sampleInit(0.3, [1, w], `${seed}/bias/${l}`));
  const x0 = tf.tensor2d(K.sampleInit(0.8, [1, n0], `${seed}/input`), [1, n0]);
  const f = (x) => weights.reduce((h, w, l) => tf.tanh(tf.add(tf.matMul(h, tf.tensor2d(w, [widths[l], widths[l + 1]])), tf.tensor2d(biases[l], [1, widths[l + 1]]))), x);
  // J's rows: d(x_L)_k / d x_0 by tf.grad, then tr(J J^T)/n and tr((J J^T)^2)/n in float64.
  const rows = Array.from({ length: n }, (_, k) => tf.tidy(() => Array.from(tf.grad((x) => f(x).slice([0, k], [1, 1]).sum())(x0).dataSync())));
  let [tr, tr2] = [0, 0];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const g = rows[i].reduce((s, v, t) => s + v * rows[j][t], 0);
    tr2 += g * g;
    if (i === j) tr += g;
  }
  x0.dispose();
  const first = r.layers[0];
  assert.equal(first.layers, depth);
  // float32 both ways, a few dozen terms: 1e-4 relative.
  assertClose(first.meanSquare / (tr / n), 1, 1e-4, 'm1');
  assertClose(first.secondMoment / (tr2 / n), 1, 1e-4, 'm2');
});

test('the views\' bad options: an Error naming the option', () => {
  const ok = { depth: 2, width: 8, init: 0.3, activation: 'tanh', pairs: 2, correlation: 0.5 };
  assert.throws(() => K.correlationPropagation({ ...ok, batch: 4 }), /makes its own batch: give pairs/);
  assert.throws(() => K.correlationPropagation({ ...ok, correlation: 1.5 }), /correlation must be a correlation in \[-1, 1\], got 1.5/);
  assert.throws(() => K.correlationPropagation({ ...ok, correlation: undefined }), /correlation must be a finite number, got undefined/);
  assert.throws(() => K.correlationPropagation({ ...ok, pairs: 0 }), /pairs must be a whole number >= 1, got 0/);
  assert.throws(() => K.correlationPropagation({ ...ok, correlation: [0, 2] }), /correlation\[1\] must be a correlation in \[-1, 1\], got 2/);
  assert.throws(() => K.correlationPropagation({ ...ok, correlation: [0.5] }), /lists 1 correlations for 2 pairs; give one number, or one per pair/);
  assert.throws(() => K.correlationPropagation({ ...ok, correlation: [] }), /got an empty list/);
  assert.throws(() => K.correlationPropagation({ ...ok, input: [[1]] }), /correlationPropagation does not take option "input"/);
  assert.throws(() => K.correlationPropagation({ ...ok, width: 0 }), /width must be a whole number >= 1, got 0/);
  const { pairs: _p, correlation: _c, ...net } = ok;
  assert.throws(() => K.jacobianMoments({ ...net, batch: 8 }), /jacobianMoments makes its own batch/);
  assert.throws(() => K.jacobianMoments({ ...net, outputGradient: [[1]] }), /jacobianMoments does not take option "outputGradient"/);
  assert.throws(() => K.jacobianMoments({ ...net, activation: 'gelu' }), /activation must be one of/);
});

test('one c_0 per pair: each pair is the pair a run with that c_0 alone would draw, through the same network', async () => {
  const o = { depth: 6, width: 32, init: Math.sqrt(1.5 / 32), biasStd: 0.2, activation: 'tanh', seed: 9 };
  const c0s = [0, 0.9, 0.999];
  const mixed = await noLeak(() => K.correlationPropagation({ ...o, pairs: 3, correlation: c0s }));
  c0s.forEach((c0, k) => {
    const alone = K.correlationPropagation({ ...o, pairs: 3, correlation: c0 });
    // Pair k draws a and e from the same rows of the same seeded streams, so its inputs and hence
    // every layer's 1 - c are those of pair k of a run where every pair has this c_0.
    assert.equal(mixed.inputCorrelations[k], alone.inputCorrelations[k]);
    mixed.layers.forEach((l, i) => assertClose(l.pairs[k], alone.layers[i].pairs[k], 1e-6 * alone.layers[i].pairs[k] + 1e-12, `pair ${k}, layer ${i + 1}`));
  });
  // The averages are the averages of the pairs.
  mixed.layers.forEach((l) => assertClose(l.decorrelation, l.pairs.reduce((s, d) => s + d, 0) / 3, 1e-12, 'mean of the pairs'));
  assertClose(mixed.inputCorrelation, mixed.inputCorrelations.reduce((s, c) => s + c, 0) / 3, 1e-12, 'mean input correlation');
});

test('the views are seeded: the same seed, the same numbers', () => {
  const o = { depth: 3, width: 16, init: 0.25, activation: 'tanh', biasStd: 0.2, pairs: 4, correlation: 0.3, seed: 5 };
  assert.deepEqual(K.correlationPropagation(o), K.correlationPropagation(o));
  assert.notDeepEqual(K.correlationPropagation({ ...o, seed: 6 }), K.correlationPropagation(o));
  const { pairs: _p, correlation: _c, ...net } = o;
  assert.deepEqual(K.jacobianMoments(net), K.jacobianMoments(net));
});
