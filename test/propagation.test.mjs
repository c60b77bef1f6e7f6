import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K, tf, noLeak } from './lib.mjs';
import { Z, assertClose, slopeError } from './stats.mjs';

const identityTimes = (c, n) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? c : 0)));

test('linear layers W = c I scale the norm by exactly c per layer, forward and back', () => {
  const depth = 12;
  for (const c of [1.5, 0.5]) {
    const r = K.signalPropagation({ weights: Array(depth).fill(identityTimes(c, 4)), batch: 8, activation: 'linear', seed: 3 });
    // ||x_l|| / ||x_0|| = sqrt(meanSquare_l / meanSquare_0) with equal widths. Float32 rounds each
    // product to ~6e-8 and the sums of 32 squares to ~1e-6: 1e-5 is far below the factor c itself.
    r.forward.forEach((f, l) => assertClose(Math.sqrt(f.output.meanSquare / r.input.meanSquare) / c ** (l + 1), 1, 1e-5, `c=${c}, layer ${l + 1} norm / c^l`));
    // Back from the output, where the gradient is g: dL/dz_l = g (c I)^(L-l).
    const top = r.backward[depth - 1].preActivation.meanSquare;
    r.backward.forEach((b, l) => assertClose(Math.sqrt(b.preActivation.meanSquare / top) / c ** (depth - 1 - l), 1, 1e-5, `c=${c}, layer ${l + 1} gradient norm`));
  }
});

test('orthogonal kernels with gain c scale every input norm by c per layer', () => {
  const depth = 10;
  const c = 1.2;
  const r = K.signalPropagation({ depth, width: 32, batch: 16, init: { name: 'orthogonal', gain: c }, activation: 'linear', seed: 4 });
  // Q^T Q = I to float32 rounding (~1e-7 per entry), so each layer keeps the norm to ~1e-6.
  r.forward.forEach((f, l) => assertClose(Math.sqrt(f.output.meanSquare / r.input.meanSquare) / c ** (l + 1), 1, 1e-4, `layer ${l + 1}`));
});

// How far a measured log-variance may stray from the formula, derived rather than tuned.
//
// Given the layer's input X (batch x n_in), the mean square of Z = X W over its entries is
// (1/(B n_out)) sum_j w_j^T M w_j with M = X^T X and w_j ~ N(0, sigma^2 I) the kernel's
// columns. Each quadratic form has mean sigma^2 tr M and variance 2 sigma^4 tr(M^2), so
// the ratio r = V_l / V_{l-1} has mean sigma^2 n_in and relative variance
//     v_l = 2 tr(M^2) / (n_out tr(M)^2) = 2 m2(M) / (n_in n_out),
// m2(M) = n_in tr(M^2) / tr(M)^2 being how unequal M's eigenvalues are (1 if all equal).
// For the Gaussian input, M = X0^T X0 is a Wishart matrix with m2 = 1 + (n_0 + 1) / B;
// each Gaussian layer spreads the spectrum further (Saxe et al.), m2' = 1 + (n_out/n_in) m2.
// So the batch enters through n_0/B and the kernels' own randomness through 2/(n_in n_out),
// growing with depth. Going back, the same holds with G = dZ^T dZ and the roles of n_in
// and n_out swapped. The log-ratio then has variance v_l and mean ln(factor) - v_l/2.
// (A Monte Carlo over 40-60 seeds gave z-scores with std 0.8-1.1 for these formulas.)
function forwardStepVariances(widths, batch) {
  let m2 = 1 + (widths[0] + 1) / batch;
  const v = [];
  for (let l = 1; l < widths.length; l++) {
    v.push((2 * m2) / (widths[l - 1] * widths[l]));
    m2 = 1 + (widths[l] / widths[l - 1]) * m2;
  }
  return v;
}

/** Steps from layer L back to layer 1: v[k-1] for the ratio Var(dz_{L-k}) / Var(dz_{L-k+1}). */
function backwardStepVariances(widths, batch) {
  const L = widths.length - 1;
  let m2 = 1 + (widths[L] + 1) / batch;
  const v = [];
  for (let l = L - 1; l >= 1; l--) {
    v.push((2 * m2) / (widths[l + 1] * widths[l]));
    m2 = 1 + (widths[l] / widths[l + 1]) * m2;
  }
  return v;
}

const N = 256;
const BATCH = 512;
const DEPTH = 20;

for (const factor of [0.5, 1, 2]) {
  test(`Gaussian layers with sigma^2 n = ${factor}: log variance changes by ln(sigma^2 n) per layer, forward and back`, () => {
    const sigma = Math.sqrt(factor / N);
    const r = K.signalPropagation({ depth: DEPTH, width: N, batch: BATCH, init: sigma, activation: 'linear', seed: 21 });
    const widths = Array(DEPTH + 1).fill(N);
    const forward = slopeError(forwardStepVariances(widths, BATCH));
    const measured = K.logSlope([r.input.variance, ...r.forward.map((f) => f.preActivation.variance)]);
    assertClose(measured, Math.log(sigma ** 2 * N) + forward.bias, Z * forward.se, 'forward slope');
    // Backward, read from the output (layer L) towards layer 1.
    const backward = slopeError(backwardStepVariances(widths, BATCH));
    const back = K.logSlope(r.backward.map((b) => b.preActivation.variance).reverse());
    assertClose(back, Math.log(sigma ** 2 * N) + backward.bias, Z * backward.se, 'backward slope');
    // Linear: the output is the pre-activation.
    r.forward.forEach((f) => assert.deepEqual(f.output, f.preActivation));
  });
}

test('the forward factor uses fan-in and the backward factor fan-out, layer by layer', () => {
  // Widths alternate 128, 32, so fan-in and fan-out differ by ln 4 = 1.39 at every layer,
  // several tolerances (at most Z * 0.12 = 0.6 here) wide.
  const layerWidths = [128, 32, 128, 32, 128, 32];
  const widths = [32, ...layerWidths];
  const batch = 512;
  const sigma = 0.06;
  const r = K.signalPropagation({ width: layerWidths, inputWidth: 32, batch, init: sigma, activation: 'linear', seed: 5 });
  assert.deepEqual(r.widths, widths);
  const fv = forwardStepVariances(widths, batch);
  const V = [r.input.variance, ...r.forward.map((f) => f.preActivation.variance)];
  for (let l = 1; l < widths.length; l++) {
    const expected = Math.log(sigma ** 2 * widths[l - 1]) - fv[l - 1] / 2;
    assertClose(Math.log(V[l] / V[l - 1]), expected, Z * Math.sqrt(fv[l - 1]), `forward layer ${l}: ln Var(z_l)/Var(z_{l-1}) vs ln(sigma^2 n_{l-1})`);
  }
  const bv = backwardStepVariances(widths, batch);
  const D = r.backward.map((b) => b.preActivation.variance);
  const L = D.length;
  for (let k = 1; k < L; k++) {
    const l = L - k; // from layer l+1 back to layer l (1-based): factor sigma^2 n_{l+1}
    const expected = Math.log(sigma ** 2 * widths[l + 1]) - bv[k - 1] / 2;
    assertClose(Math.log(D[l - 1] / D[l]), expected, Z * Math.sqrt(bv[k - 1]), `backward to layer ${l}: vs ln(sigma^2 n_${l + 1})`);
  }
});

test('the input batch has the requested std and width', () => {
  const r = K.signalPropagation({ depth: 1, width: 8, inputWidth: 100, inputStd: 3, batch: 1000, init: 0.1, activation: 'linear', seed: 6 });
  const n = 100 * 1000;
  // Sample variance of n normal draws: relative SE sqrt(2/n).
  assertClose(r.input.variance / 9, 1, Z * Math.sqrt(2 / n), 'input variance / 3^2');
  assert.equal(r.widths[0], 100);
});

test('output statistics are those of f(z): relu keeps half the second moment', () => {
  // One layer on Gaussian input: given W each z is a centred normal, and relu keeps z^2 with
  // probability 1/2 independently of |z|. The kept fraction of sum z^2 over N entries has
  // SE sqrt(3 / (4 N)) (normal kurtosis 3).
  const r = K.signalPropagation({ depth: 1, width: 256, batch: 512, init: 'heNormal', activation: 'relu', seed: 7 });
  const f = r.forward[0];
  assertClose(f.output.meanSquare / f.preActivation.meanSquare, 0.5, Z * Math.sqrt(3 / (4 * 256 * 512)), 'E[relu(z)^2] / E[z^2]');
  assert.ok(f.output.mean > 0 && Math.abs(f.preActivation.mean) < 0.05);
});

test('the backward statistics equal TensorFlow.js autodiff through tf.matMul', () => {
  // An independent reference: the gradient with respect to a zero offset on each z_l, through
  // tfjs's own matMul gradient, with the same input, kernels and output gradient.
  for (const activation of ['tanh', 'leakyRelu']) {
    const seed = 8;
    const widths = [12, 20, 7, 16];
    const batch = 32;
    const init = { name: 'glorotUniform', gain: 1.3 };
    const r = K.signalPropagation({ width: widths.slice(1), inputWidth: widths[0], batch, init, activation, seed, weightGradients: true });
    const act = K.activationFn(activation);
    const x0 = tf.tensor2d(K.sampleInit(1, [batch, widths[0]], `${seed}/input`), [batch, widths[0]]);
    const g = tf.tensor2d(K.sampleInit(1, [batch, widths[3]], `${seed}/output-gradient`), [batch, widths[3]]);
    const W = [0, 1, 2].map((l) => tf.tensor2d(K.sampleInit(init, [widths[l], widths[l + 1]], `${seed}/${l}`), [widths[l], widths[l + 1]]));
    const offsets = [1, 2, 3].map((l) => tf.zeros([batch, widths[l]]));
    const grads = tf.grads((e0, e1, e2, w0, w1, w2) => {
      let h = x0;
      [[e0, w0], [e1, w1], [e2, w2]].forEach(([e, w]) => (h = act(tf.add(tf.matMul(h, w), e))));
      return tf.sum(tf.mul(h, g));
    })([...offsets, ...W]);
    const stats = (t) => {
      const v = t.dataSync();
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      return { mean, variance: v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length };
    };
    for (let l = 0; l < 3; l++) {
      const dz = stats(grads[l]);
      const dw = stats(grads[3 + l]);
      const b = r.backward[l];
      // Both are float32 computations of the same sums in other orders: ~1e-6 relative.
      assertClose(b.preActivation.variance / dz.variance, 1, 1e-4, `${activation} layer ${l + 1} Var(dL/dz)`);
      assertClose(b.preActivation.mean, dz.mean, 1e-4 * Math.sqrt(dz.variance), `${activation} layer ${l + 1} mean(dL/dz)`);
      assertClose(b.weights.variance / dw.variance, 1, 1e-4, `${activation} layer ${l + 1} Var(dL/dW)`);
    }
    tf.dispose([x0, g, ...W, ...offsets, ...grads]);
  }
});

test('no tensor is left behind, with and without weight gradients', async () => {
  for (const activation of K.ACTIVATION_NAMES) {
    await noLeak(() => K.signalPropagation({ depth: 3, width: 16, batch: 8, init: 'glorotNormal', activation }));
    await noLeak(() => K.signalPropagation({ depth: 3, width: 16, batch: 8, init: 'glorotNormal', activation, weightGradients: true }));
  }
});

test('the same seed gives the same numbers, another seed others', () => {
  const options = { depth: 4, width: [16, 8, 16, 4], batch: 32, init: 'heNormal', activation: 'tanh' };
  const a = K.signalPropagation({ ...options, seed: 1 });
  assert.deepEqual(K.signalPropagation({ ...options, seed: 1 }), a);
  assert.notDeepEqual(K.signalPropagation({ ...options, seed: 2 }), a);
  assert.deepEqual(K.signalPropagation(options), K.signalPropagation({ ...options, seed: K.DEFAULT_SEED }));
});

test('bad options throw an Error that names the option and what is allowed', () => {
  const ok = { depth: 2, width: 4, batch: 4, init: 0.1, activation: 'linear' };
  const bad = (changes, pattern) => assert.throws(() => K.signalPropagation({ ...ok, ...changes }), pattern);
  bad({ depth: 0 }, /depth must be a whole number >= 1, got 0/);
  bad({ depth: 2.5 }, /depth must be a whole number >= 1, got 2.5/);
  bad({ depth: undefined }, /depth must be a whole number >= 1, got undefined/);
  bad({ width: 0 }, /width must be a whole number >= 1, got 0/);
  bad({ width: [4, 0] }, /width\[1\] must be a whole number >= 1, got 0/);
  bad({ width: [4, 4, 4] }, /width lists 3 layers but depth is 2/);
  bad({ batch: 0 }, /batch must be a whole number >= 1, got 0/);
  bad({ activation: 'gelu' }, /activation must be one of linear, relu, tanh, sigmoid, leakyRelu, selu; got "gelu"/);
  bad({ init: 'glorot' }, /init must be one of zeros, ones, .*orthogonal; got "glorot"/);
  bad({ init: { name: 'he' } }, /init.name must be one of zeros, .*; got "he"/);
  bad({ init: undefined }, /init is required/);
  bad({ init: [0.1] }, /init must be one spec or one per layer \(depth = 2\)/);
  bad({ init: -1 }, /init \(a standard deviation\) must be >= 0/);
  bad({ inputStd: 0 }, /inputStd must be > 0, got 0/);
  bad({ inputWidth: -3 }, /inputWidth must be a whole number >= 1, got -3/);
  bad({ seed: '' }, /seed must be a finite number or a non-empty string/);
  bad({ widht: 4 }, /signalPropagation does not take option "widht"/);
  bad({ weightGradients: 'yes' }, /weightGradients must be true or false/);
  assert.throws(() => K.signalPropagation({ weights: [[[1, 2]], [[1]]], batch: 2, activation: 'linear' }), /weights\[1\] has 1 rows but the layer before it has 2 units/);
  assert.throws(() => K.signalPropagation({ weights: [[[1], [2, 3]]], batch: 2, activation: 'linear' }), /weights\[0\]\[1\] must be a row of 1 numbers/);
  assert.throws(() => K.signalPropagation({ weights: [[[1]]], depth: 1, batch: 2, activation: 'linear' }), /weights replaces depth, width, inputWidth and init/);
});

test('logSlope is the least-squares slope of the log: exact on a geometric sequence', () => {
  const values = Array.from({ length: 9 }, (_, i) => 3 * 1.7 ** i);
  assertClose(K.logSlope(values), Math.log(1.7), 1e-12, 'slope');
  // Staircase 1, 2, 2, 4, 4, 8, 8: ln 2 * [0,1,1,2,2,3,3] against 0..6 has slope 14/28 ln 2 by hand.
  assertClose(K.logSlope([1, 2, 2, 4, 4, 8, 8]), Math.log(2) / 2, 1e-12, 'staircase slope');
  assert.throws(() => K.logSlope([1, 0, 2]), /values\[1\] is 0/);
  assert.throws(() => K.logSlope([1, Infinity]), /values\[1\] is Infinity/);
  assert.throws(() => K.logSlope([1]), /at least two values/);
});
