// The network engine's options beyond chapters 2-4: biases and a given input batch,
// checked against a float64 forward pass from the same seeded ingredients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K, noLeak } from './lib.mjs';

const NET = { width: [24, 16], inputWidth: 8, batch: 40, activation: 'tanh', init: 'glorotNormal', seed: 9 };

/** z_l = x_{l-1} W_l + b_l in float64, from the engine's kernels, biases and input. */
function reference({ width, inputWidth, batch, init, seed, biasStd }, input) {
  const widths = [inputWidth, ...width];
  const { weights } = K.initMLP(widths, init, seed);
  let x = Array.from(input ?? K.sampleInit(1, [batch, inputWidth], `${seed}/input`));
  const zs = [];
  for (let l = 0; l < width.length; l++) {
    const [m, n] = [widths[l], widths[l + 1]];
    const b = biasStd ? K.sampleInit(biasStd, [1, n], `${seed}/bias/${l}`) : new Float32Array(n);
    const z = new Array(batch * n).fill(0);
    for (let r = 0; r < batch; r++) for (let j = 0; j < n; j++) {
      let s = b[j];
      for (let i = 0; i < m; i++) s += x[r * m + i] * weights[l][i * n + j];
      z[r * n + j] = s;
    }
    zs.push(z);
    x = z.map(Math.tanh);
  }
  return zs;
}

const meanVar = (v) => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean, variance: v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length };
};

// float32 sums of a few dozen terms, and tanh as 2 sigmoid(2x) - 1 (within 2e-7): 1e-5 of
// the scale bounds the rounding with room, and a missing or misplaced bias (of std 0.3 on
// pre-activations of std ~1) is off by far more.
function assertLayers(p, zs) {
  p.forward.forEach((f, l) => {
    const { mean, variance } = meanVar(zs[l]);
    assert.ok(Math.abs(f.preActivation.variance / variance - 1) < 1e-5, `layer ${l + 1} variance ${f.preActivation.variance} vs ${variance}`);
    assert.ok(Math.abs(f.preActivation.mean - mean) < 1e-5 * Math.sqrt(variance), `layer ${l + 1} mean ${f.preActivation.mean} vs ${mean}`);
  });
}

test('biasStd: z = x W + b with seeded biases of that std, forward and back', async () => {
  const p = await noLeak(() => K.signalPropagation({ ...NET, biasStd: 0.3 }));
  assertLayers(p, reference({ ...NET, biasStd: 0.3 }));
  // The bias adds its variance to every unit's pre-activation: without it the layers differ.
  assert.notDeepEqual(p.forward, K.signalPropagation(NET).forward);
  // A bias passes the gradient on unchanged: dL/dz is what reaches the kernel's product.
  assert.equal(p.backward.length, 2);
  assert.deepEqual(K.signalPropagation({ ...NET, biasStd: 0 }), K.signalPropagation(NET), 'biasStd 0 is no bias');
  assert.throws(() => K.signalPropagation({ ...NET, biasStd: -1 }), /biasStd must be >= 0, got -1/);
});

test('input: a given batch replaces the seeded one; the seeded one given back gives the same numbers', async () => {
  const seeded = K.sampleInit(1, [NET.batch, NET.inputWidth], `${NET.seed}/input`);
  assert.deepEqual(K.signalPropagation({ ...NET, input: seeded }), K.signalPropagation(NET));
  const rows = Array.from({ length: NET.batch }, (_, r) => Array.from({ length: NET.inputWidth }, (_, i) => Math.sin(r + 3 * i)));
  const p = await noLeak(() => K.signalPropagation({ ...NET, input: rows, biasStd: 0.2 }));
  assert.deepEqual(p.input.mean, K.moments(Float32Array.from(rows.flat())).mean);
  assertLayers(p, reference({ ...NET, biasStd: 0.2 }, Float32Array.from(rows.flat())));
  const bad = (input, re) => assert.throws(() => K.signalPropagation({ ...NET, input }), re);
  bad(new Float32Array(7), /input must hold batch x n_0 = 40 x 8 values .*; got 7 values/);
  bad([[1, 2]], /input must hold batch x n_0 = 40 x 8 values/);
  bad(Float32Array.from({ length: 320 }, (_, i) => (i === 5 ? NaN : 0)), /input must hold finite numbers; value 5 is NaN/);
  assert.throws(() => K.signalPropagation({ ...NET, input: seeded, inputStd: 2 }), /input replaces inputStd/);
});

test('layerSamples takes the same network options (biases here), and keeps each layer\'s histogram in its place', () => {
  const s = K.layerSamples({ ...NET, biasStd: 0.3, gradient: 'weights', bins: 20 });
  const p = K.signalPropagation({ ...NET, biasStd: 0.3, weightGradients: true });
  // Two ways through the engine (statistics taken at once, and kept for shared bins): the same layer each time.
  s.layers.forEach((l, i) => {
    assert.equal(l.activations.variance, p.forward[i].output.variance, `layer ${i + 1} activations`);
    assert.equal(l.gradients.variance, p.backward[i].weights.variance, `layer ${i + 1} kernel gradients`);
    assert.equal(l.gradients.histogram.total, p.widths[i] * p.widths[i + 1]);
  });
});

// ---------------------------------------------------------------- chapter 6: pairs, gram, inputGradient, outputGradient
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { runNetwork } = require('../dist/net/engine.js');
const { planNetwork, NETWORK_OPTIONS } = require('../dist/net/network.js');
const { checkOptions } = require('../dist/core/checks.js');
const { tf } = await import('./lib.mjs');

const plan = (options) => planNetwork(checkOptions('test', options, NETWORK_OPTIONS));

/** 1 - cos(a, b) in float64. */
const oneMinusCos = (a, b) => {
  let [ab, aa, bb] = [0, 0, 0];
  a.forEach((v, i) => ((ab += v * b[i]), (aa += v * v), (bb += b[i] * b[i])));
  return 1 - ab / Math.sqrt(aa * bb);
};

test('pairs: 1 - c of rows 2k and 2k + 1 per layer, as a float64 forward pass gives it', async () => {
  const net = { ...NET, biasStd: 0.3 };
  const r = await noLeak(() => runNetwork(plan(net), { preActivation: { moments: true, pairs: true } }));
  const zs = reference(net);
  const n = net.width;
  r.layers.forEach((layer, l) => {
    assert.equal(layer.preActivation.pairs.length, net.batch / 2);
    layer.preActivation.pairs.forEach((d, k) => {
      const row = (i) => zs[l].slice(i * n[l], (i + 1) * n[l]);
      const expected = oneMinusCos(row(2 * k), row(2 * k + 1));
      // Rows of independent inputs: 1 - c is O(1), and float32 sums of ~20 terms are good to ~1e-6.
      assert.ok(Math.abs(d - expected) < 1e-5, `layer ${l + 1} pair ${k}: ${d} vs ${expected}`);
    });
  });
});

test('pairs stays accurate when the two rows are nearly equal (1 - c ~ 5e-7), where 1 - a.b/(|a||b|) is not', () => {
  // Identity weights: the pre-activations are the input rows. b = a + d with d orthogonal to
  // a and |d| = 1e-3 |a|, so 1 - c = 1 - 1/sqrt(1 + 1e-6) ~ 5e-7. In float32, a.b/(|a||b|)
  // carries ~1e-7 of rounding: 20% of 1 - c. The difference |a - b| is exact (Sterbenz), so
  // the engine's formula keeps ~1e-6 of 1 - c; 1e-3 leaves room and fails the naive one.
  const n = 64;
  const a = Array.from({ length: n }, (_, i) => Math.sin(1 + i));
  const d0 = Array.from({ length: n }, (_, i) => Math.cos(3 * i));
  const proj = d0.reduce((s, v, i) => s + v * a[i], 0) / a.reduce((s, v) => s + v * v, 0);
  const dir = d0.map((v, i) => v - proj * a[i]);
  const scale = 1e-3 * Math.hypot(...a) / Math.hypot(...dir);
  const rows = [a, a.map((v, i) => v + scale * dir[i]), a, a].map((r) => Float32Array.from(r));
  const identity = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const r = runNetwork(plan({ weights: [identity], batch: 4, activation: 'linear', input: rows.map((x) => Array.from(x)) }), { preActivation: { pairs: true } });
  const [d, same] = r.layers[0].preActivation.pairs;
  const expected = oneMinusCos(Array.from(rows[0]), Array.from(rows[1]));
  assert.ok(expected > 4e-7 && expected < 6e-7);
  assert.ok(Math.abs(d / expected - 1) < 1e-3, `1 - c = ${d}, float64 ${expected}`);
  assert.equal(same, 0, 'identical rows: exactly 0');
});

test('gram: the trace moments of a layer\'s matrix; inputGradient = dL/dx_(l-1) = dL/dz_l W_l^T', async () => {
  // Reference: TensorFlow.js autodiff through tf.matMul of the same ingredients, moments in float64.
  const net = { ...NET, biasStd: 0.2 };
  const g = Array.from({ length: net.batch }, (_, r) => Array.from({ length: net.width[1] }, (_, j) => Math.cos(r - 2 * j)));
  const r = await noLeak(() => runNetwork(plan({ ...net, outputGradient: g }), { inputGradient: { moments: true, gram: true }, gradient: { gram: true } }));
  const widths = [net.inputWidth, ...net.width];
  const { weights } = K.initMLP(widths, net.init, net.seed);
  const x0 = tf.tensor2d(K.sampleInit(1, [net.batch, widths[0]], `${net.seed}/input`), [net.batch, widths[0]]);
  const W = weights.map((w, l) => tf.tensor2d(w, [widths[l], widths[l + 1]]));
  const b = [0, 1].map((l) => tf.tensor2d(K.sampleInit(0.2, [1, widths[l + 1]], `${net.seed}/bias/${l}`), [1, widths[l + 1]]));
  const x1 = tf.tanh(tf.add(tf.matMul(x0, W[0]), b[0]));
  const f = (h0, h1) => tf.sum(tf.mul(tf.tanh(tf.add(tf.matMul(h1, W[1]), b[1])), tf.tensor2d(g)));
  const [dx0] = tf.grads((h) => f(h, tf.tanh(tf.add(tf.matMul(h, W[0]), b[0]))))([x0]);
  const [dx1] = tf.grads((h) => f(x0, h))([x1]);
  const gram = (t) => {
    const [rows, cols] = t.shape;
    const v = t.dataSync();
    let [tr, tr2] = [0, 0];
    for (let i = 0; i < rows; i++) for (let j = 0; j < rows; j++) {
      let s = 0;
      for (let k = 0; k < cols; k++) s += v[i * cols + k] * v[j * cols + k];
      tr2 += s * s;
      if (i === j) tr += s;
    }
    return { meanSquare: tr / rows, secondMoment: tr2 / rows };
  };
  [dx0, dx1].forEach((dx, l) => {
    const want = gram(dx);
    const got = r.layers[l].inputGradient;
    // float32 sums in another order: ~1e-6 relative; 1e-4 leaves room, a wrong layer or transpose is off by O(1).
    assert.ok(Math.abs(got.gram.meanSquare / want.meanSquare - 1) < 1e-4, `layer ${l + 1} m1 ${got.gram.meanSquare} vs ${want.meanSquare}`);
    assert.ok(Math.abs(got.gram.secondMoment / want.secondMoment - 1) < 1e-4, `layer ${l + 1} m2 ${got.gram.secondMoment} vs ${want.secondMoment}`);
    assert.ok(Math.abs(got.moments.meanSquare / want.meanSquare * widths[l] - 1) < 1e-4, 'mean square of the entries = tr(G) / (rows cols)');
  });
  // The last layer's gradient dL/dz_L is g times tanh' of z_L: a different matrix from dL/dx_{L-1}.
  assert.notEqual(r.layers[1].gradient.gram.meanSquare, r.layers[1].inputGradient.gram.meanSquare);
  tf.dispose([x0, ...W, ...b, x1, dx0, dx1]);
});

test('outputGradient: the seeded one given back gives the same numbers; bad ones are named', async () => {
  const seeded = K.sampleInit(1, [NET.batch, NET.width[1]], `${NET.seed}/output-gradient`);
  assert.deepEqual(K.signalPropagation({ ...NET, outputGradient: seeded }), K.signalPropagation(NET));
  const other = K.signalPropagation({ ...NET, outputGradient: Float32Array.from(seeded, (v) => 2 * v) });
  // Twice the gradient: four times every gradient variance, the forward pass unchanged.
  other.backward.forEach((b, l) => assert.ok(Math.abs(b.preActivation.variance / K.signalPropagation(NET).backward[l].preActivation.variance - 4) < 1e-5));
  assert.throws(() => K.signalPropagation({ ...NET, outputGradient: new Float32Array(5) }), /outputGradient must hold batch x n_L = 40 x 16 values .*; got 5 values/);
  assert.throws(() => K.signalPropagation({ ...NET, outputGradient: [[1]] }), /outputGradient must hold batch x n_L = 40 x 16 values/);
  assert.throws(() => K.signalPropagation({ ...NET, outputGradient: seeded, backward: false }), /outputGradient is only used by the backward pass/);
  assert.throws(() => runNetwork(plan({ ...NET, batch: 5 }), { preActivation: { pairs: true } }), /pairs needs .* an even batch; got preActivation with batch 5/);
  assert.throws(() => runNetwork(plan(NET), { kernelGradient: { pairs: true } }), /pairs needs a quantity with one row per example \(not kernelGradient\)/);
});
