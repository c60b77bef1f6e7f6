// Chapter 8's parametrizations against the muP tables, the MLP's forward options, and the
// per-layer Adam and SGD against float64 references.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { K, tf, noLeak } from './lib.mjs';

const require = createRequire(import.meta.url);
const mlp = require('../dist/net/mlp.js');

const D = 16;
const sizesAt = (n, hidden = 2) => [D, ...Array(hidden).fill(n), 1];
const close = (a, b, rel = 1e-12) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));

// Table 3 of Yang et al. 2022 (Tensor Programs V, arXiv:2203.03466), "muP for general
// neural networks", as written in the paper: each entry is how a quantity scales with the
// layer's fan-in and fan-out. (The standard parametrization: Var 1/fan_in, every rate 1.)
const TABLE3 = {
  input: { initVar: (fi) => 1 / fi, sgd: (fi, fo) => fo, adam: () => 1 },
  readout: { initVar: (fi) => 1 / fi ** 2, sgd: (fi) => 1 / fi, adam: (fi) => 1 / fi },
  hidden: { initVar: (fi) => 1 / fi, sgd: () => 1, adam: (fi) => 1 / fi },
};

test('muP in Table 3\'s form: every layer\'s init variance and SGD and Adam rates scale with the width as the paper\'s table says', () => {
  const base = 64;
  for (const optimizer of ['adam', 'sgd']) {
    const at = (n) => K.parametrize({ name: 'mup', form: 'table3', sizes: sizesAt(n), optimizer, baseWidth: base });
    const p0 = at(base);
    for (const n of [32, 128, 1024]) {
      const p = at(n);
      assert.equal(p.outputMultiplier, 1, 'Table 3 has no multipliers');
      p.layers.forEach((layer, l) => {
        const row = TABLE3[layer.role];
        const b = p0.layers[l];
        // Normalized at the base width, where muP is the standard parametrization.
        assert.ok(close(layer.initStd ** 2 / b.initStd ** 2, row.initVar(layer.fanIn, layer.fanOut) / row.initVar(b.fanIn, b.fanOut)), `${optimizer}, n=${n}, ${layer.role}: init variance`);
        const rate = row[optimizer];
        assert.ok(close(layer.learningRateMultiplier / b.learningRateMultiplier, rate(layer.fanIn, layer.fanOut) / rate(b.fanIn, b.fanOut)), `${optimizer}, n=${n}, ${layer.role}: rate`);
      });
    }
  }
});

// The mup package (github.com/microsoft/mup): set_base_shapes gives each parameter a width
// multiplier, fan_in / base fan_in along its infinite dimension. MuReadout multiplies its
// input by 1 / width_mult and rescales the standard init by width_mult^0.5 (constant
// variance); MuAdam divides the rate of matrix-like parameters (two infinite dimensions)
// by width_mult and leaves vector-like ones (one infinite dimension: input and readout
// weights); MuSGD multiplies vector-like rates by width_mult and divides matrix-like ones by
// fanin_mult / fanout_mult. Hidden and input init stay the standard ones.
test('muP in the mup package\'s form: MuReadout\'s multiplier and init, MuAdam\'s and MuSGD\'s rates', () => {
  const base = 64;
  for (const n of [64, 256, 2048]) {
    const widthMult = n / base;
    // Three hidden layers of units: two hidden (n x n) weight matrices.
    const sp = K.parametrize({ name: 'standard', sizes: sizesAt(n, 3), optimizer: 'adam' });
    for (const optimizer of ['adam', 'sgd']) {
      const p = K.parametrize({ name: 'mup', sizes: sizesAt(n, 3), optimizer, baseWidth: base });
      assert.equal(p.form, 'multiplier');
      assert.ok(close(p.outputMultiplier, 1 / widthMult), 'MuReadout: output_mult * x / width_mult');
      const [input, hidden1, hidden2, readout] = p.layers;
      assert.deepEqual([input.role, hidden1.role, hidden2.role, readout.role], ['input', 'hidden', 'hidden', 'readout']);
      assert.ok(close(readout.initStd, sp.layers[3].initStd * widthMult ** 0.5), 'MuReadout._rescale_parameters: weight *= width_mult**0.5');
      [input, hidden1, hidden2].forEach((layer, l) => assert.equal(layer.initStd, sp.layers[l].initStd, 'input and hidden init unchanged'));
      const vectorLike = optimizer === 'adam' ? 1 : widthMult;
      const matrixLike = optimizer === 'adam' ? 1 / widthMult : 1 / (widthMult / widthMult);
      assert.ok(close(input.learningRateMultiplier, vectorLike), `${optimizer}: input rate`);
      assert.ok(close(readout.learningRateMultiplier, vectorLike), `${optimizer}: readout rate`);
      assert.ok(close(hidden1.learningRateMultiplier, matrixLike) && close(hidden2.learningRateMultiplier, matrixLike), `${optimizer}: hidden rates`);
    }
  }
});

test('the standard parametrization is He\'s init (std g / sqrt(fan_in), g = sqrt 2) with one rate; at the base width muP is exactly it', () => {
  for (const optimizer of ['adam', 'sgd']) {
    const sp = K.parametrize({ name: 'standard', sizes: sizesAt(100), optimizer });
    sp.layers.forEach((layer) => {
      assert.ok(close(layer.initStd, Math.sqrt(2 / layer.fanIn)));
      assert.equal(layer.learningRateMultiplier, 1);
    });
    assert.equal(sp.outputMultiplier, 1);
    for (const form of ['multiplier', 'table3']) {
      const mu = K.parametrize({ name: 'mup', sizes: sizesAt(100), optimizer, baseWidth: 100, form });
      const sp100 = K.parametrize({ name: 'standard', sizes: sizesAt(100), optimizer, baseWidth: 100 });
      assert.deepEqual(mu.layers, sp100.layers);
      assert.equal(mu.outputMultiplier, 1);
    }
  }
  const g = K.parametrize({ name: 'standard', sizes: sizesAt(50), optimizer: 'adam', gain: 1 });
  assert.ok(close(g.layers[1].initStd, 1 / Math.sqrt(50)));
});

test('a zero readout starts at zero; initParametrized draws each layer as initMLP seeds it', () => {
  const p = K.parametrize({ name: 'mup', sizes: sizesAt(128), optimizer: 'adam', readout: 'zero' });
  assert.deepEqual(p.layers.map((l) => l.role), ['input', 'hidden', 'readout']);
  assert.equal(p.layers[2].initStd, 0);
  const w = K.initParametrized(p, 7);
  assert.ok(w.weights[2].every((v) => v === 0));
  assert.deepEqual(w.weights[1], K.initMLP(p.sizes, p.layers.map((l) => l.initStd), 7).weights[1]);
  // Sample std of 128 x 128 normal draws: relative standard error sqrt(2 / (2 N)) ~ 0.0055; 5 of them.
  const s = Math.sqrt(w.weights[1].reduce((a, v) => a + v * v, 0) / w.weights[1].length);
  assert.ok(Math.abs(s / p.layers[1].initStd - 1) < 5 * Math.sqrt(1 / (128 * 128)), `std ${s}`);
});

test('parametrize: bad options throw an Error naming the option', () => {
  const t = (o, re) => assert.throws(() => K.parametrize({ name: 'mup', sizes: sizesAt(64), optimizer: 'adam', ...o }), re);
  t({ name: 'ntk' }, /name must be one of standard, mup; got "ntk"/);
  t({ optimizer: 'rmsprop' }, /optimizer must be one of adam, sgd/);
  t({ sizes: [16, 1] }, /at least one hidden layer/);
  t({ sizes: [16, 64, 32, 1] }, /every hidden layer the same width/);
  t({ sizes: [16, 0, 1] }, /sizes\[1\] must be a whole number >= 1/);
  t({ baseWidth: 0 }, /baseWidth must be a whole number >= 1/);
  t({ gain: -1 }, /gain must be > 0/);
  t({ form: 'table8' }, /form must be one of multiplier, table3/);
  t({ readout: 'small' }, /readout must be one of random, zero/);
  t({ name: 'standard', form: 'table3' }, /form is muP's readout form/);
  t({ width: 64 }, /does not take option "width"/);
});

// ------------------------------------------------------------------ the forward options

test('mlpForward: fastGradient gives tf.matMul\'s gradients, outputMultiplier scales the last product only', () => {
  const params = K.initMLP([5, 7, 6, 3], 'heNormal', 3);
  const net = mlp.mlpVariables(params);
  net.biases.forEach((b, l) => b.assign(tf.randomNormal(b.shape, 0, 0.3, 'float32', l)));
  const x = tf.randomNormal([4, 5], 0, 1, 'float32', 9);
  const relu = (t) => tf.relu(t);
  const loss = (options) => () => tf.sum(tf.square(mlp.mlpForward(net, x, relu, options)));
  const vars = mlp.mlpVariableList(net);
  const plain = tf.variableGrads(loss({}), vars);
  const fast = tf.variableGrads(loss({ fastGradient: true }), vars);
  // The same sums in another order: float32 rounding, ~1e-7 of values of order 1.
  vars.forEach((v) => {
    const [a, b] = [plain.grads[v.name].dataSync(), fast.grads[v.name].dataSync()];
    a.forEach((g, i) => assert.ok(Math.abs(g - b[i]) <= 1e-5 * (1 + Math.abs(g)), `${v.name}[${i}]: ${g} vs ${b[i]}`));
  });
  assert.ok(Math.abs(plain.value.dataSync()[0] - fast.value.dataSync()[0]) <= 1e-6 * plain.value.dataSync()[0]);
  // alpha (h W_L) + b_L: with the last bias b, f(alpha) - b = alpha (f(1) - b).
  const out = (alpha) => tf.tidy(() => mlp.mlpForward(net, x, relu, { outputMultiplier: alpha }).sub(net.biases[2]).dataSync());
  const [one, quarter] = [out(1), out(0.25)];
  one.forEach((v, i) => assert.ok(Math.abs(quarter[i] - 0.25 * v) <= 1e-6 * (1 + Math.abs(v))));
  tf.dispose([x, plain.value, fast.value, ...Object.values(plain.grads), ...Object.values(fast.grads)]);
  mlp.disposeMLP(net);
});

// ------------------------------------------------------------------ the optimizers

/** Adam as PyTorch and Kingma & Ba write it, in float64: m_hat / (sqrt(v_hat) + eps). */
function referenceAdam(w, grads, rate, { beta1 = 0.9, beta2 = 0.999, eps = 1e-8 } = {}) {
  const p = Float64Array.from(w);
  const m = new Float64Array(p.length);
  const v = new Float64Array(p.length);
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let i = 0; i < p.length; i++) {
      m[i] = beta1 * m[i] + (1 - beta1) * g[i];
      v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
      p[i] -= (rate * (m[i] / (1 - beta1 ** t))) / (Math.sqrt(v[i] / (1 - beta2 ** t)) + eps);
    }
  });
  return p;
}

test('layerwiseAdam: three steps with per-variable rates match a float64 Adam; the first step is rate x sign(g)', async () => {
  const shapes = [[3, 4], [4, 2]];
  const rates = [0.01, 0.003];
  const init = shapes.map((s, l) => Float32Array.from({ length: s[0] * s[1] }, (_, i) => Math.sin(1 + i + 10 * l)));
  // Gradients that change sign and size between steps, some of them tiny (1e-6, still >> eps).
  const grads = [0, 1, 2].map((k) => shapes.map((s, l) => Float32Array.from({ length: s[0] * s[1] }, (_, i) => Math.cos(3 * i + k * (l + 1)) * (i % 5 === 0 ? 1e-6 : 1))));
  await noLeak(() => {
    const vars = shapes.map((s, l) => tf.tidy(() => tf.variable(tf.tensor(init[l], s))));
    const opt = K.layerwiseAdam(vars, rates);
    const after = [];
    grads.forEach((gs) => {
      const t = gs.map((g, l) => tf.tensor(g, shapes[l]));
      opt.step(t);
      after.push(vars.map((v) => v.dataSync().slice()));
      tf.dispose(t);
    });
    assert.equal(opt.steps, 3);
    // Float32 holds the weights (|w| <= 1) to ~6e-8 and each update to ~1e-7 of its size
    // (rate); 1e-6 absolute is far below one step (>= 0.003 x 0.7 for most entries).
    [1, 2, 3].forEach((k) => vars.forEach((_, l) => {
      const ref = referenceAdam(init[l], grads.slice(0, k).map((g) => g[l]), rates[l]);
      ref.forEach((r, i) => assert.ok(Math.abs(after[k - 1][l][i] - r) < 1e-6, `step ${k}, var ${l}[${i}]: ${after[k - 1][l][i]} vs ${r}`));
    }));
    after[0][0].forEach((w, i) => {
      const g = grads[0][0][i];
      assert.ok(Math.abs(w - (init[0][i] - rates[0] * g / (Math.abs(g) + 1e-8))) < 1e-6);
    });
    opt.dispose();
    tf.dispose(vars);
  });
});

test('layerwiseSgd: w -= rate_l g_l; bad rates, gradients and options are named', async () => {
  await noLeak(() => {
    const v = tf.tidy(() => [tf.variable(tf.tensor([1, 2])), tf.variable(tf.tensor([3]))]);
    const opt = K.layerwiseSgd(v, [0.5, 0]);
    const g = [tf.tensor([2, -4]), tf.tensor([1])];
    opt.step(g);
    assert.deepEqual(Array.from(v[0].dataSync()), [0, 4]);
    assert.deepEqual(Array.from(v[1].dataSync()), [3], 'a rate of 0 keeps the variable');
    assert.throws(() => opt.step([g[0]]), /step needs one gradient per variable \(2\)/);
    assert.throws(() => opt.step([g[1], g[0]]), /gradient 0 must be a tensor of the variable's shape \[2\]/);
    assert.throws(() => K.layerwiseSgd(v, [0.1]), /rates must list one learning rate per variable \(2\)/);
    assert.throws(() => K.layerwiseSgd(v, [0.1, NaN]), /rates\[1\] must be a finite number >= 0/);
    assert.throws(() => K.layerwiseAdam(v, [0.1, 0.1], { beta1: 1 }), /beta1 must be in \[0, 1\)/);
    assert.throws(() => K.layerwiseAdam(v, [0.1, 0.1], { epsilon: 0 }), /epsilon must be > 0/);
    assert.throws(() => K.layerwiseAdam(v, [0.1, 0.1], { lr: 1 }), /layerwiseAdam does not take option "lr"/);
    tf.dispose([...v, ...g]);
  });
});

test('logLogSlope: the exponent of a power law; bad input is named', () => {
  const x = [64, 128, 256, 1000];
  assert.ok(Math.abs(K.logLogSlope(x, x.map((n) => 3 * n ** 1.5)) - 1.5) < 1e-12);
  assert.ok(Math.abs(K.logLogSlope(x, x.map(() => 2))) < 1e-12);
  assert.throws(() => K.logLogSlope([1], [1]), /x as a list of at least two values/);
  assert.throws(() => K.logLogSlope([1, 2], [1, 0]), /y\[1\] is 0/);
  assert.throws(() => K.logLogSlope([1, 2], [1, 2, 3]), /same length/);
  assert.throws(() => K.logLogSlope([2, 2], [1, 3]), /at least two different x values/);
});
