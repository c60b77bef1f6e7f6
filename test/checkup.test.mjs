// K.initReport (src/checkup/): every field against a float64 reference computed here by hand
// on tiny models with known weights, each planted mistake flagged and good models not, the
// weights untouched and no tensor left behind, bad inputs refused with a clear Error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K, tf, noLeak } from './lib.mjs';

// Float32 against float64: each value the report reads is a float32 sum of at most a few dozen
// terms of size about 1, so it carries a relative error of a few float32 epsilons (6e-8) times
// the number of terms; 1e-5 of the quantity's scale leaves a wide margin and still fails on any
// wrong formula (a missing 1/B, a transposed product, a variance for a std).
const TOL = 1e-5;
const close = (actual, expected, what, scale = Math.abs(expected)) =>
  assert.ok(Math.abs(actual - expected) <= TOL * Math.max(scale, 1e-12), `${what}: expected ${expected}, got ${actual}`);

/** A deterministic generator (mulberry32) for the tiny models' weights and inputs. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const values = (n, seed, scale = 1, shift = 0) => {
  const r = rng(seed);
  return Array.from({ length: n }, () => Math.fround(shift + scale * (2 * r() - 1)));
};

// ---------------------------------------------------------------- the float64 reference

const matmul = (a, rowsA, inner, b, cols) => {
  const out = new Float64Array(rowsA * cols);
  for (let i = 0; i < rowsA; i++) for (let k = 0; k < inner; k++) for (let j = 0; j < cols; j++) out[i * cols + j] += a[i * inner + k] * b[k * cols + j];
  return out;
};
const stats = (v) => {
  const n = v.length;
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
  const m4 = v.reduce((s, x) => s + (x - mean) ** 4, 0) / n;
  const rms = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / n);
  return { mean, std: Math.sqrt(variance), rms, norm: rms * Math.sqrt(n), maxAbs: Math.max(...v.map((x) => Math.abs(x - mean))), kurtosis: m4 / variance ** 2 };
};

/**
 * A Dense network's forward and backward pass in float64: layers [{ W, b, fanIn, units, act }],
 * softmax cross-entropy from the last layer's logits, mean over the batch. Returns each layer's
 * input, output (after its activation) and kernel gradient, and the logits and loss.
 */
function reference(layers, x, batch, labels) {
  const inputs = [];
  const outputs = [];
  let h = x;
  for (const l of layers) {
    inputs.push(h);
    const z = matmul(h, batch, l.fanIn, l.W, l.units).map((v, i) => v + l.b[i % l.units]);
    const a = z.map((v) => (l.act === 'relu' ? Math.max(0, v) : l.act === 'tanh' ? Math.tanh(v) : v));
    outputs.push({ z, a });
    h = a;
  }
  const C = layers[layers.length - 1].units;
  const logits = outputs[outputs.length - 1].a;
  let loss = 0;
  let delta = new Float64Array(batch * C);
  for (let i = 0; i < batch; i++) {
    const row = logits.slice(i * C, (i + 1) * C);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    loss += (lse - row[labels[i]]) / batch;
    for (let c = 0; c < C; c++) delta[i * C + c] = (Math.exp(row[c] - lse) - (c === labels[i] ? 1 : 0)) / batch;
  }
  const grads = [];
  for (let l = layers.length - 1; l >= 0; l--) {
    const { W, fanIn, units } = layers[l];
    const input = inputs[l];
    const g = new Float64Array(fanIn * units);
    for (let i = 0; i < batch; i++) for (let k = 0; k < fanIn; k++) for (let j = 0; j < units; j++) g[k * units + j] += input[i * fanIn + k] * delta[i * units + j];
    grads[l] = g;
    if (l === 0) break;
    const below = layers[l - 1];
    const next = new Float64Array(batch * fanIn);
    for (let i = 0; i < batch; i++) {
      for (let k = 0; k < fanIn; k++) {
        let s = 0;
        for (let j = 0; j < units; j++) s += delta[i * units + j] * W[k * units + j];
        const { z, a } = outputs[l - 1];
        const slope = below.act === 'relu' ? (z[i * fanIn + k] > 0 ? 1 : 0) : below.act === 'tanh' ? 1 - a[i * fanIn + k] ** 2 : 1;
        next[i * fanIn + k] = s * slope;
      }
    }
    delta = next;
  }
  return { inputs, outputs, grads, logits, loss };
}

// A tiny Dense network: 6 inputs, 5 ReLU units (one with a bias so negative it is dead for the
// batch), 4 tanh units drawn wide (some of their values saturate), 3 softmax outputs.
const B = 8;
const SPEC = [
  { fanIn: 6, units: 5, act: 'relu', W: values(30, 1, 0.8), b: [0.1, -0.2, -40, 0, 0.05] },
  { fanIn: 5, units: 4, act: 'tanh', W: values(20, 2, 1.6), b: [0, 0.3, -0.3, 0] },
  { fanIn: 4, units: 3, act: 'linear', W: values(12, 3, 0.7), b: [0.2, -0.1, 0.4] },
];
const X = values(B * 6, 4, 1.5, 0.1);
const Y = [0, 1, 2, 1, 0, 2, 2, 1];

function tinyModel(spec = SPEC, outputActivation = 'softmax', after = []) {
  const model = tf.sequential({
    layers: [...spec.map((l, i) => tf.layers.dense({
      units: l.units, activation: i === spec.length - 1 ? outputActivation : l.act, ...(i === 0 ? { inputShape: [l.fanIn] } : {}),
    })), ...after],
  });
  tf.tidy(() => spec.forEach((l, i) => model.layers[i].setWeights([tf.tensor2d(l.W, [l.fanIn, l.units]), tf.tensor1d(l.b)])));
  return model;
}
const tinyBatch = () => ({ x: tf.tensor2d(X, [B, 6]), y: Y });

test('every field of the report agrees with a float64 reference on a Dense model with known weights', async () => {
  const model = tinyModel();
  const batch = tinyBatch();
  const lr = 0.3;
  const report = await noLeak(() => K.initReport(model, batch, { learningRate: lr, saturation: 0.9 }));
  batch.x.dispose();
  const ref = reference(SPEC, X, B, Y);

  close(report.loss, ref.loss, 'loss');
  const prior = [0, 1, 2].map((c) => Y.filter((y) => y === c).length / B);
  assert.deepEqual(report.prior, prior);
  close(report.constantLoss, -prior.reduce((s, p) => s + p * Math.log(p), 0), 'constantLoss');
  close(report.uniformLoss, Math.log(3), 'uniformLoss');
  assert.equal(report.batchSize, B);
  assert.equal(report.classes, 3);
  assert.equal(report.output, 'softmax');
  close(report.inputRms, stats(X).rms, 'inputRms');
  let spread = 0;
  for (let i = 0; i < B; i++) spread += stats(Array.from(ref.logits.slice(i * 3, i * 3 + 3))).std ** 2;
  close(report.logitSpread, Math.sqrt(spread / B), 'logitSpread');
  const logs = prior.map(Math.log);
  const meanLog = logs.reduce((a, b) => a + b, 0) / 3;
  report.priorBias.forEach((b, c) => close(b, logs[c] - meanLog, `priorBias[${c}]`, 1));
  assert.deepEqual(report.outputBias.map(Math.fround), SPEC[2].b.map(Math.fround));

  assert.equal(report.layers.length, 3);
  report.layers.forEach((l, i) => {
    const s = SPEC[i];
    const what = `layer ${i + 1}`;
    assert.equal(l.type, 'Dense');
    assert.deepEqual(l.kernelShape, [s.fanIn, s.units]);
    assert.equal(l.fanIn, s.fanIn);
    assert.equal(l.fanOut, s.units);
    assert.equal(l.isOutput, i === 2);
    assert.equal(l.activation, i === 2 ? 'logits' : s.act);
    const w = stats(s.W);
    close(l.weight.stats.mean, w.mean, `${what} weight mean`, w.std);
    close(l.weight.stats.std, w.std, `${what} weight std`);
    close(l.weight.stats.maxAbs, w.maxAbs, `${what} weight max |w - mean|`);
    close(l.weight.stats.kurtosis, w.kurtosis, `${what} weight kurtosis`);
    close(l.weight.norm, w.norm, `${what} weight norm`);
    // Keras's rules for these fans: Glorot sqrt(2/(in+out)), He sqrt(2/in), LeCun sqrt(1/in).
    close(l.weight.ratios.glorot, w.std / Math.sqrt(2 / (s.fanIn + s.units)), `${what} std / Glorot's`);
    close(l.weight.ratios.he, w.std / Math.sqrt(2 / s.fanIn), `${what} std / He's`);
    close(l.weight.ratios.lecun, w.std / Math.sqrt(1 / s.fanIn), `${what} std / LeCun's`);
    assert.equal(l.weight.shape, 'unclear', 'a kernel of a few dozen weights is too small to tell its distribution');

    const act = i === 2 ? Array.from(ref.logits) : Array.from(ref.outputs[i].a);
    const a = stats(act);
    close(l.activations.mean, a.mean, `${what} activation mean`, a.std);
    close(l.activations.std, a.std, `${what} activation std`);
    close(l.activations.rms, a.rms, `${what} activation rms`);
    const inRms = stats(Array.from(ref.inputs[i])).rms;
    close(l.inputRms, inRms, `${what} input rms`);
    close(l.activations.gain, a.rms / inRms, `${what} gain`);
    close(l.activations.signal, a.rms / stats(X).rms, `${what} signal`);
    assert.equal(l.activations.units, s.units);

    const g = stats(Array.from(ref.grads[i]));
    close(l.gradient.std, g.std, `${what} gradient std`);
    close(l.gradient.rms, g.rms, `${what} gradient rms`);
    close(l.gradient.norm, g.norm, `${what} gradient norm`);
    close(l.gradient.toWeight, g.norm / w.norm, `${what} ‖g‖/‖W‖`);
    // One SGD step: ΔW = -lr g.
    close(l.update.rms, lr * g.rms, `${what} update rms`);
    close(l.update.toWeight, (lr * g.norm) / w.norm, `${what} update/‖W‖`);
    assert.equal(l.histograms.gradient.total, s.fanIn * s.units);
    assert.equal(l.histograms.weight.total, s.fanIn * s.units);
  });

  // ReLU: exact zeros and units zero for the whole batch (unit 3's bias of -40 kills it).
  const relu = Array.from(ref.outputs[0].a);
  const dead = [0, 1, 2, 3, 4].filter((j) => relu.filter((_, k) => k % 5 === j).every((v) => v === 0));
  assert.ok(dead.includes(2), 'the reference has its dead unit');
  assert.equal(report.layers[0].activations.deadUnits, dead.length);
  close(report.layers[0].activations.zeros, relu.filter((v) => v === 0).length / relu.length, 'zeros', 1);
  assert.equal(report.layers[0].activations.saturated, null);
  assert.equal(report.layers[0].deadWithNegativeBias, 1);
  // The positive values' histogram carries their share of the density.
  const h = report.layers[0].histograms.activation;
  const mass = h.density.reduce((s, d, k) => s + d * (h.edges[k + 1] - h.edges[k]), 0);
  close(mass, relu.filter((v) => v > 0).length / relu.length, 'ReLU histogram mass', 1);
  // tanh: values beyond ±0.9 (none within 1e-4 of it, so float32 cannot flip one).
  const tanh = Array.from(ref.outputs[1].a);
  assert.ok(tanh.every((v) => Math.abs(Math.abs(v) - 0.9) > 1e-4));
  const saturated = tanh.filter((v) => Math.abs(v) > 0.9).length;
  assert.ok(saturated > 0 && saturated < tanh.length, 'the reference has some saturated values');
  close(report.layers[1].activations.saturated, saturated / tanh.length, 'saturated share', 1);
  const stuck = [0, 1, 2, 3].filter((j) => tanh.filter((_, k) => k % 4 === j).every((v) => Math.abs(v) > 0.9)).length;
  assert.equal(report.layers[1].activations.saturatedUnits, stuck);
  assert.equal(report.layers[1].activations.deadUnits, null);
  assert.equal(report.saturation, 0.9);
  model.dispose();
});

test('one step of momentum, Adam and RMSProp, as TensorFlow.js takes it, against its formula', async () => {
  const model = tinyModel();
  const batch = tinyBatch();
  const ref = reference(SPEC, X, B, Y);
  // First steps, with TensorFlow.js's defaults: momentum 0.9 accumulates g, so ΔW = -lr g;
  // Adam: m = (1-β1) g, v = (1-β2) g², bias-corrected, ΔW = -lr g / (|g| + ε) with ε = 1e-7;
  // RMSProp (decay 0.9, no momentum): ms = 0.1 g², ΔW = -lr g / sqrt(ms + ε).
  const eps = 1e-7;
  const steps = {
    momentum: (g) => g,
    adam: (g) => g / (Math.abs(g) + eps),
    rmsprop: (g) => g / Math.sqrt(0.1 * g * g + eps),
  };
  for (const [optimizer, step] of Object.entries(steps)) {
    const lr = 0.01;
    const report = await noLeak(() => K.initReport(model, batch, { optimizer, learningRate: lr }));
    report.layers.forEach((l, i) => {
      const delta = Array.from(ref.grads[i], (g) => lr * step(g));
      const d = stats(delta);
      close(l.update.rms, d.rms, `${optimizer}: layer ${i + 1} update rms`);
      close(l.update.toWeight, d.norm / stats(SPEC[i].W).norm, `${optimizer}: layer ${i + 1} update/‖W‖`);
    });
    assert.equal(report.optimizer, optimizer);
    assert.equal(report.learningRate, lr);
  }
  assert.equal(K.initReport(model, batch).learningRate, 0.1, 'sgd defaults to 0.1');
  assert.equal(K.initReport(model, batch, { optimizer: 'adam' }).learningRate, 0.001, 'adam defaults to 0.001');
  batch.x.dispose();
  model.dispose();
});

test('the report leaves every weight as it was, with any optimizer', async () => {
  const model = tinyModel();
  const batch = tinyBatch();
  const before = model.getWeights().map((w) => Array.from(w.dataSync()));
  for (const optimizer of K.REPORT_OPTIMIZERS) await noLeak(() => K.initReport(model, batch, { optimizer }));
  assert.deepEqual(model.getWeights().map((w) => Array.from(w.dataSync())), before);
  batch.x.dispose();
  model.dispose();
});

test('logits are taken from a Dense softmax, an activation layer or a linear output alike, and a sigmoid unit is a binary classifier', () => {
  const ref = reference(SPEC, X, B, Y);
  const batch = tinyBatch();
  for (const build of [
    () => tinyModel(SPEC, 'softmax'),
    () => tinyModel(SPEC, 'linear'),
    () => tinyModel(SPEC, 'linear', [tf.layers.activation({ activation: 'softmax' })]),
  ]) {
    const model = build();
    const report = K.initReport(model, batch);
    close(report.loss, ref.loss, `loss (${model.layers.map((l) => l.getClassName()).join(', ')})`);
    assert.equal(report.layers[2].isOutput, true);
    model.dispose();
  }
  // One sigmoid unit: the loss is softplus(z) - y z, the best constant the prior's entropy.
  const spec = [SPEC[0], { ...SPEC[1], units: 1, W: SPEC[1].W.slice(0, 5), b: [0.2], act: 'linear' }];
  const labels = Y.map((y) => (y === 1 ? 1 : 0));
  const model = tinyModel(spec, 'sigmoid');
  const report = K.initReport(model, { x: batch.x, y: labels });
  const z = reference(spec, X, B, labels.map(() => 0)).logits;
  const loss = Array.from(z).reduce((s, v, i) => s + (Math.log1p(Math.exp(v)) - labels[i] * v) / B, 0);
  close(report.loss, loss, 'binary loss');
  const p = labels.filter((y) => y === 1).length / B;
  close(report.constantLoss, -(p * Math.log(p) + (1 - p) * Math.log(1 - p)), 'binary constant loss');
  close(report.priorBias[0], Math.log(p / (1 - p)), 'binary prior bias', 1);
  assert.equal(report.output, 'sigmoid');
  model.dispose();
  batch.x.dispose();
});

// A tiny convolutional network: [3, 4, 4, 1] inputs, a 2 x 2 convolution to 2 ReLU channels
// (no padding, stride 1), flattened to 18 features, a Dense softmax over 3 classes.
test('a convolution\'s fans, activations and kernel gradient agree with a float64 reference', () => {
  const n = 3;
  const x = values(n * 16, 7, 1);
  const k = values(8, 8, 0.9);
  const cb = [0.05, -0.1];
  const dW = values(18 * 3, 9, 0.5);
  const db = [0, 0.1, -0.1];
  const labels = [2, 0, 1];
  const model = tf.sequential({ layers: [
    tf.layers.conv2d({ filters: 2, kernelSize: 2, activation: 'relu', inputShape: [4, 4, 1] }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 3, activation: 'softmax' }),
  ] });
  tf.tidy(() => {
    model.layers[0].setWeights([tf.tensor4d(k, [2, 2, 1, 2]), tf.tensor1d(cb)]);
    model.layers[2].setWeights([tf.tensor2d(dW, [18, 3]), tf.tensor1d(db)]);
  });
  // Forward: z[b, r, c, o] = sum over (i, j) of x[b, r+i, c+j] k[i, j, 0, o] + cb[o]; h = relu(z), flattened (r, c, o).
  const z = new Float64Array(n * 18);
  for (let b = 0; b < n; b++) for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let o = 0; o < 2; o++) {
    let s = cb[o];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) s += x[b * 16 + (r + i) * 4 + (c + j)] * k[(i * 2 + j) * 2 + o];
    z[b * 18 + (r * 3 + c) * 2 + o] = s;
  }
  const h = z.map((v) => Math.max(0, v));
  const top = reference([{ fanIn: 18, units: 3, act: 'linear', W: dW, b: db }], h, n, labels);
  // Back through the Dense layer to h, through the ReLU, then dK[i, j, 0, o] = sum x[b, r+i, c+j] dz[b, r, c, o].
  const dz = new Float64Array(n * 18);
  const probs = top.logits;
  for (let b = 0; b < n; b++) {
    const row = Array.from(probs.slice(b * 3, b * 3 + 3));
    const max = Math.max(...row);
    const e = row.map((v) => Math.exp(v - max));
    const sum = e.reduce((s, v) => s + v, 0);
    const delta = e.map((v, c) => (v / sum - (c === labels[b] ? 1 : 0)) / n);
    for (let f = 0; f < 18; f++) {
      let s = 0;
      for (let c = 0; c < 3; c++) s += delta[c] * dW[f * 3 + c];
      dz[b * 18 + f] = z[b * 18 + f] > 0 ? s : 0;
    }
  }
  const dK = new Float64Array(8);
  for (let b = 0; b < n; b++) for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let o = 0; o < 2; o++) {
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) dK[(i * 2 + j) * 2 + o] += x[b * 16 + (r + i) * 4 + (c + j)] * dz[b * 18 + (r * 3 + c) * 2 + o];
  }
  const report = K.initReport(model, { x: Float32Array.from(x), y: labels, count: n }, { learningRate: 0.5 });
  const conv = report.layers[0];
  assert.equal(conv.type, 'Conv2D');
  assert.deepEqual([conv.fanIn, conv.fanOut], [2 * 2 * 1, 2 * 2 * 2], 'Keras\'s conv fans: receptive field times channels');
  close(report.loss, top.loss, 'loss');
  close(conv.activations.rms, stats(Array.from(h)).rms, 'conv activation rms');
  assert.equal(conv.activations.units, 2, 'a convolution\'s units are its channels');
  const g = stats(Array.from(dK));
  close(conv.gradient.norm, g.norm, 'conv kernel gradient norm');
  close(conv.gradient.std, g.std, 'conv kernel gradient std');
  close(conv.update.toWeight, (0.5 * g.norm) / stats(k).norm, 'conv update/‖W‖');
  close(report.layers[1].gradient.norm, stats(Array.from(top.grads[0])).norm, 'dense kernel gradient norm');
  model.dispose();
});

// ---------------------------------------------------------------- kernels' rules

test('a kernel\'s distribution and rule are read from its values: uniform, truncated normal, normal, 0.88 of a rule', () => {
  const shape = [256, 512];
  const drawn = (init) => tf.tidy(() => init.apply(shape).dataSync());
  const cases = [
    [K.tfInitializer('heUniform', { seed: 1 }), 'uniform', 'He', false],
    [K.tfInitializer('glorotNormal', { seed: 2 }), 'truncatedNormal', 'Glorot', false],
    [tf.initializers.heNormal({ seed: 3 }), 'truncatedNormal', 'He', true],
    [tf.initializers.glorotNormal({ seed: 4 }), 'truncatedNormal', 'Glorot', true],
    [tf.initializers.leCunNormal({ seed: 5 }), 'truncatedNormal', 'LeCun', true],
    [tf.initializers.randomNormal({ stddev: Math.sqrt(2 / 256), seed: 6 }), 'normal', 'He', false],
    [K.tfInitializer('uniform', { seed: 7 }), 'uniform', 'U(±1/√fanIn) (PyTorch\'s default)', false],
    [K.tfInitializer('leCunUniform', { seed: 8, gain: 5 / 3 }), 'uniform', 'LeCun × 5/3 (the tanh gain)', false],
  ];
  for (const [init, shapeName, rule, pitfall] of cases) {
    const d = K.diagnoseKernel(shape, drawn(init));
    assert.equal(d.shape, shapeName, `${rule}: shape`);
    assert.equal(d.match?.rule.label, rule, `${rule}: rule (${JSON.stringify(d.ratios)})`);
    assert.equal(d.match.truncationPitfall, pitfall, `${rule}: the 0.88`);
  }
  assert.equal(K.diagnoseKernel([4, 4], new Float32Array(16)).shape, 'constant');
  const offset = K.diagnoseKernel(shape, drawn(tf.initializers.randomUniform({ minval: 0, maxval: 0.1, seed: 9 })));
  assert.equal(offset.shape, 'other', 'randomUniform({ minval: 0 }) samples [-0.05, 0.1): a mean far from 0');
  assert.equal(offset.match, null);
  // Twice He's std matches nothing.
  assert.equal(K.diagnoseKernel(shape, drawn(K.tfInitializer('heUniform', { seed: 10, gain: 2 }))).match, null);
});

// ---------------------------------------------------------------- planted mistakes on MNIST

const mnist = K.loadMnist({ train: 500, test: 10, standardize: true });
const mnistBatch = { x: mnist.train.x.slice(0, 256 * 784), y: mnist.train.y.slice(0, 256), count: 256 };
const uniform = new Array(10).fill(0.1);
const dense = (units, activation, kernelInitializer, extra = {}) => tf.layers.dense({ units, activation, kernelInitializer, ...extra });
const mlp = (hidden, activation, init, out, extra = () => ({})) => tf.sequential({ layers: [
  ...hidden.map((units, i) => dense(units, activation, init(i), { ...(i ? {} : { inputShape: [784] }), ...extra(i) })),
  dense(10, 'softmax', out),
] });
const he = (i) => K.tfInitializer('heUniform', { seed: i + 1 });
const small = K.tfInitializer('glorotUniform', { seed: 99, gain: 0.1 });
const flagged = (report) => [
  ...report.verdicts.filter((v) => v.level === 'bad').map((v) => v.problem),
  ...report.layers.flatMap((l) => l.verdicts.filter((v) => v.level === 'bad').map((v) => v.problem)),
];
const noted = (report) => [...report.verdicts, ...report.layers.flatMap((l) => l.verdicts)].filter((v) => v.level !== 'ok').map((v) => v.problem);

function reportOf(model, options = { prior: uniform }, batch = mnistBatch) {
  const r = K.initReport(model, batch, options);
  model.dispose();
  return r;
}

test('good He and Glorot models are not flagged', () => {
  for (const [name, model] of [
    ['He ReLU, small output', mlp([256, 128], 'relu', he, small)],
    ['He ReLU, zero output', mlp([256, 128], 'relu', he, 'zeros')],
    ['Glorot tanh, small output', mlp([256, 128], 'tanh', (i) => K.tfInitializer('glorotUniform', { seed: i + 1 }), small)],
  ]) {
    const r = reportOf(model);
    assert.ok(r.ok, `${name}: ${flagged(r)}`);
    assert.deepEqual(noted(r), [], `${name}: nothing to note`);
  }
  // Keras's own defaults (Glorot uniform everywhere) on ReLU: no harm, only a note that the logits start wide.
  const keras = reportOf(mlp([256, 128], 'relu', (i) => K.tfInitializer('glorotUniform', { seed: i + 1 }), K.tfInitializer('glorotUniform', { seed: 9 })));
  assert.ok(keras.ok, `Keras defaults: ${flagged(keras)}`);
});

test('(1) an output layer drawn too large is flagged, with the initial loss far above ln C', () => {
  const r = reportOf(mlp([128], 'relu', he, tf.initializers.randomNormal({ stddev: 1, seed: 5 })));
  assert.deepEqual(flagged(r), ['outputTooLarge']);
  assert.ok(r.loss - Math.log(10) > K.REPORT_LIMITS.lossBad);
  // The output layer's own line points to it rather than reading as fine.
  const out = r.layers.find((l) => l.isOutput);
  assert.ok(out.verdicts.every((v) => v.level !== 'ok') && /logits start spread/.test(out.verdicts[0].what), out.verdicts.map((v) => v.what).join('; '));
  close(r.constantLoss, Math.log(10), 'a uniform prior given as an option', 1);
  assert.equal(r.balanced, true);
});

test('imbalanced classes: a zero output layer with a zero bias is noted, the log-prior bias is not', () => {
  // A batch of 0s and 1s, three 0s to every 1: its prior is [0.75, 0.25, 0, ...] over ten classes.
  const zeros = [];
  const ones = [];
  mnist.train.y.forEach((y, i) => (y === 0 ? zeros : y === 1 ? ones : []).push(i));
  const picked = [...zeros.slice(0, 30), ...ones.slice(0, 10)];
  const x = new Float32Array(picked.length * 784);
  picked.forEach((i, k) => x.set(mnist.train.x.subarray(i * 784, (i + 1) * 784), k * 784));
  const batch = { x, y: picked.map((i) => mnist.train.y[i]), count: picked.length };
  const prior = [0.75, 0.25];
  const binary = tf.sequential({ layers: [dense(64, 'relu', he(0), { inputShape: [784] }), dense(2, 'softmax', 'zeros')] });
  const r = K.initReport(binary, batch);
  assert.deepEqual(r.prior, prior);
  assert.equal(r.balanced, false);
  assert.deepEqual(noted(r), ['outputBias']);
  close(r.loss, Math.log(2), 'zero logits: the loss is ln 2 whatever the labels', 1);
  const out = binary.layers[1];
  tf.tidy(() => out.setWeights([out.getWeights()[0], tf.tensor1d(r.priorBias)]));
  const fixed = K.initReport(binary, batch);
  assert.deepEqual(noted(fixed), []);
  close(fixed.loss, -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), 'at the log prior the loss is the prior\'s entropy', 1);
  binary.dispose();
});

test('(2) tanh layers drawn too wide are flagged as saturated', () => {
  const r = reportOf(mlp([256, 128], 'tanh', (i) => tf.initializers.randomNormal({ stddev: 1, seed: i + 1 }), small));
  assert.ok(flagged(r).includes('saturation'));
  assert.ok(r.layers[0].activations.saturated > K.REPORT_LIMITS.saturatedBad);
});

test('(3) ReLU layers drawn too small vanish; with random biases under them, units die', () => {
  const tiny = (i) => tf.initializers.randomNormal({ stddev: 0.01, seed: i + 1 });
  const r = reportOf(mlp([128, 128, 128], 'relu', tiny, small));
  assert.ok(flagged(r).includes('vanishingSignal'));
  assert.ok(r.layers.slice(0, 3).every((l) => l.verdicts.some((v) => v.problem === 'vanishingSignal' && v.level === 'bad')));
  const biased = reportOf(mlp([128, 128, 128], 'relu', tiny, small, (i) => ({ biasInitializer: tf.initializers.randomNormal({ stddev: 0.05, seed: 20 + i }) })));
  assert.ok(flagged(biased).includes('deadUnits'));
});

test('(4) TensorFlow.js\'s normal family is named on every layer, and in a deep model the signal vanishes', () => {
  const r = reportOf(mlp(new Array(16).fill(128), 'relu', (i) => tf.initializers.heNormal({ seed: i + 1 }), small));
  assert.ok(r.layers.slice(0, 16).every((l) => l.weight.match?.truncationPitfall && l.verdicts.some((v) => v.problem === 'truncationPitfall')));
  assert.ok(flagged(r).includes('vanishingSignal'));
  const fixed = reportOf(mlp(new Array(16).fill(128), 'relu', (i) => K.tfInitializer('heNormal', { seed: i + 1 }), small));
  assert.ok(!flagged(fixed).includes('vanishingSignal') && !noted(fixed).includes('truncationPitfall'));
});

test('constant kernels and kernels with a mean are flagged', () => {
  const constant = reportOf(mlp([64, 64], 'relu', (i) => (i === 1 ? tf.initializers.constant({ value: 0.1 }) : he(i)), small));
  assert.deepEqual(constant.layers[1].verdicts[0].problem, 'constantWeights');
  const shifted = reportOf(mlp([256], 'relu', () => tf.initializers.randomUniform({ minval: 0, maxval: 0.1, seed: 3 }), small));
  assert.ok(flagged(shifted).includes('weightMean'));
});

// ---------------------------------------------------------------- skipped layers and bad input

test('layers with weights but no kernel are listed as skipped, with the reason', () => {
  const model = tf.sequential({ layers: [
    dense(32, 'linear', he(0), { inputShape: [784] }),
    tf.layers.batchNormalization(),
    tf.layers.activation({ activation: 'relu' }),
    dense(10, 'softmax', small),
  ] });
  const r = reportOf(model);
  assert.deepEqual(r.skipped.map((s) => s.type), ['BatchNormalization']);
  assert.match(r.skipped[0].reason, /normalization/);
  assert.equal(r.normalized.length, 1);
  assert.ok(r.verdicts.some((v) => /moving statistics/.test(v.what)));
  const rows = K.reportRows(r);
  assert.ok(rows.some((row) => row.summary === 'skipped' && /normalization/.test(row.verdict)));
  assert.match(K.reportHtml(r), /<td colspan="7"[^>]*>[^<]*normalization/);
});

test('bad input gets an Error that names it', () => {
  const model = tinyModel();
  const x = tf.tensor2d(X, [B, 6]);
  const throws = (fn, pattern) => assert.throws(fn, pattern);
  throws(() => K.initReport({ layers: [] }, { x, y: Y }), /model must be a tf\.LayersModel/);
  throws(() => K.initReport(tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 3] }), tf.layers.activation({ activation: 'softmax' })] }), { x: tf.zeros([2, 2, 3]), y: [0, 1] }), /no layer with a kernel/);
  throws(() => K.initReport(model, { x: tf.zeros([B, 5]), y: Y }), /batch\.x has shape \[8, 5\]; the model takes \[batch, 6\]/);
  throws(() => K.initReport(model, { x, y: Y.slice(1) }), /7 labels for 8 examples/);
  throws(() => K.initReport(model, { x, y: Y.map((y) => y + 1) }), /batch\.y\[\d\] is 3; the model's output has 3 classes/);
  throws(() => K.initReport(model, { x, y: Y.map((y) => y + 0.5) }), /must be a class label/);
  throws(() => K.initReport(model, { x: Float32Array.from(X), y: Y }), /batch\.count must give the number of examples/);
  throws(() => K.initReport(model, { x, y: Y }, { optimizer: 'lbfgs' }), /optimizer must be one of sgd, momentum, adam, rmsprop/);
  throws(() => K.initReport(model, { x, y: Y }, { learningRate: -1 }), /learningRate must be > 0/);
  throws(() => K.initReport(model, { x, y: Y }, { saturation: 1.2 }), /saturation must be between 0 and 1/);
  throws(() => K.initReport(model, { x, y: Y }, { prior: [0.5, 0.5] }), /prior lists 2 classes for 3 output units/);
  throws(() => K.initReport(model, { x, y: Y }, { prior: [0.5, 0.4, 0.2] }), /prior must add up to 1/);
  throws(() => K.initReport(model, { x, y: Y }, { bogus: 1 }), /bogus/);
  // A model nested as a layer, a layer used twice, an output that is not a classifier's.
  const inner = tinyModel();
  const outer = tf.sequential({ layers: [inner] });
  throws(() => K.initReport(outer, { x, y: Y }), /layer "sequential_\d+" is a model inside the model/);
  const input = tf.input({ shape: [6] });
  const shared = tf.layers.dense({ units: 6, activation: 'relu' });
  const twice = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3, activation: 'softmax' }).apply(shared.apply(shared.apply(input))) });
  throws(() => K.initReport(twice, { x, y: Y }), /is used at 2 places/);
  const tanhOut = tinyModel(SPEC, 'tanh');
  throws(() => K.initReport(tanhOut, { x, y: Y }), /applies tanh: initReport needs a classifier's output/);
  [model, inner, twice, tanhOut].forEach((m) => m.dispose());
  x.dispose();
});

// ---------------------------------------------------------------- training

test('trainModel: its first update ratio is the report\'s one-step ratio, the loss falls, no tensor is left', async () => {
  const train = { ...mnist.train, x: mnist.train.x.slice(0, 64 * 784), y: mnist.train.y.slice(0, 64), count: 64 };
  const build = () => mlp([64], 'relu', he, small);
  const model = build();
  const report = K.initReport(model, { x: train.x, y: train.y, count: 64 }, { learningRate: 0.05 });
  // One batch of the whole set, in the order the trainer draws it: permuted, the same sums in another order.
  const history = await noLeak(() => K.trainModel(model, { train, steps: 30, batchSize: 64, learningRate: 0.05, updateSteps: 5 }));
  report.layers.forEach((l, i) => {
    const first = history.updateRatio[i].values[0];
    assert.ok(Math.abs(first - l.update.toWeight) <= 1e-4 * l.update.toWeight, `layer ${i + 1}: ${first} vs ${l.update.toWeight}`);
    assert.equal(history.updateRatio[i].values.length, 5);
  });
  close(history.loss[0], report.loss, 'the first step\'s loss is the report\'s');
  assert.ok(history.loss[29] < history.loss[0] / 2, `the loss falls: ${history.loss[0]} -> ${history.loss[29]}`);
  model.dispose();
  await assert.rejects(K.trainModel(build(), { train, steps: 2, batchSize: 65, learningRate: 0.1 }), /batchSize \(65\) is larger than the training set/);
  await assert.rejects(K.trainModel(build(), { train: { ...train, features: 10 }, steps: 2, batchSize: 8, learningRate: 0.1 }), /must hold 784 features per example/);
});

// ---------------------------------------------------------------- the exercise's checker

test('exercise: the right names and fix pass; a missed or extra name, a problem left, another architecture are named', async () => {
  const build = (hidden2, output) => tf.sequential({ layers: [
    dense(256, 'relu', he(0), { inputShape: [784] }), dense(128, 'tanh', hidden2), dense(10, 'softmax', output),
  ] });
  const glorot = () => K.tfInitializer('glorotUniform', { seed: 2 });
  const right = build(glorot(), 'zeros');
  const both = ['saturation', 'outputTooLarge'];
  const ok = await K.checkInitFix({ problems: both, model: right });
  assert.equal(ok.ok, true, ok.message);
  assert.match(ok.message, /starts at a loss of 2\.303/);
  const missed = await K.checkInitFix({ problems: ['saturation'], model: right });
  assert.equal(missed.ok, false);
  assert.match(missed.message, /You did not name outputTooLarge/);
  const extra = await K.checkInitFix({ problems: [...both, 'deadUnits'], model: right });
  assert.match(extra.message, /does not flag deadUnits/);
  // Only the tanh layer fixed: the output layer, still drawn wide, is what is left.
  const half = build(glorot(), tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 93 }));
  const left = await K.checkInitFix({ problems: both, model: half });
  assert.equal(left.ok, false);
  assert.match(left.message, /Your model still has outputTooLarge, in the initial loss: the initial loss is/);
  const other = await K.checkInitFix({ problems: both, model: tf.sequential({ layers: [dense(10, 'softmax', 'zeros', { inputShape: [784] })] }) });
  assert.match(other.message, /Keep the mystery model's layers.*784 → 256 relu → 128 tanh → 10 softmax; yours is 784 → 10 softmax/);
  assert.match((await K.checkInitFix({ problems: ['tooBig'], model: right })).message, /"tooBig" is not among the problems the report names: outputTooLarge, /);
  assert.match((await K.checkInitFix({ problems: [], model: right })).message, /problems should list what is wrong/);
  assert.match((await K.checkInitFix({ problems: both, model: 'mine' })).message, /model should be your fixed tf\.LayersModel/);
  assert.match((await K.checkInitFix(null)).message, /should be \{ problems/);
  [right, half].forEach((m) => m.dispose());
});

test('the mystery model is the same on every call, and leaves nothing behind', async () => {
  const weights = async () => {
    const m = await K.mysteryModel();
    const w = m.getWeights().map((t) => Array.from(t.dataSync()));
    m.dispose();
    return w;
  };
  const before = tf.memory().numTensors;
  assert.deepEqual(await weights(), await weights());
  assert.equal(tf.memory().numTensors, before);
});

test('the table writes a verdict repeated from the line above in a few words, and the histograms have a curve per layer', () => {
  const r = reportOf(mlp(new Array(4).fill(64), 'relu', (i) => tf.initializers.heNormal({ seed: i + 1 }), small));
  const rows = K.reportRows(r);
  assert.match(rows[0].verdict, /^⚠ drawn at 0\.88 of He's std: TensorFlow\.js's heNormal/);
  assert.match(rows[1].verdict, /^⚠ 0\.88 × He again, as on the line above\./);
  assert.equal(rows.length, r.layers.length + 1, 'a line per layer and one for the model');
  assert.match(rows[rows.length - 1].summary, /^initial loss \d\.\d\d; best constant prediction 2\.30 \(ln 10\)$/);
  const html = K.reportHtml(r);
  assert.equal((html.match(/<td colspan="7"/g) ?? []).length, r.layers.length + 1, 'each line\'s verdict spans the table');
  assert.equal((html.match(/<td colspan="6"/g) ?? []).length, 1, 'the model line\'s loss spans its number columns');
  assert.equal(K.histogramFigure(r, 'activation').data.length, 4, 'the hidden layers\' activations');
  assert.equal(K.histogramFigure(r, 'activation', { withOutput: true }).data.length, 5);
  assert.equal(K.histogramFigure(r, 'gradient').data.length, 5);
  assert.throws(() => K.histogramFigure(r, 'logits'), /kind must be one of activation, gradient, weight/);
});
