import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K, noLeak } from './lib.mjs';

const data = K.loadMnist({ train: 200, test: 100, seed: 3, standardize: true });
const base = { sizes: [784, 16, 16, 10], init: 'heNormal', train: data.train, test: data.test, learningRate: 0.01, batchSize: 20, epochs: 2, seed: 5 };

// A tiny problem to check the arithmetic against a plain-JavaScript reference in float64.
const tiny = {
  sizes: [2, 3, 2], init: 'glorotUniform', seed: 11, learningRate: 0.5, batchSize: 4,
  train: { x: Float32Array.of(1, 0.5, -0.3, 0.8, 0.2, -1, -0.7, -0.4), y: Int32Array.of(0, 1, 1, 0), count: 4, features: 2 },
};

/** Mean softmax cross-entropy of a relu network, in float64. */
function referenceLoss(sizes, weights, biases, x, y) {
  let total = 0;
  for (let r = 0; r < y.length; r++) {
    let h = Array.from(x.slice(r * sizes[0], (r + 1) * sizes[0]));
    for (let l = 0; l < weights.length; l++) {
      const z = Array.from({ length: sizes[l + 1] }, (_, j) => biases[l][j] + h.reduce((s, v, i) => s + v * weights[l][i * sizes[l + 1] + j], 0));
      h = l < weights.length - 1 ? z.map((v) => Math.max(0, v)) : z;
    }
    const m = Math.max(...h);
    total += m + Math.log(h.reduce((s, v) => s + Math.exp(v - m), 0)) - h[y[r]];
  }
  return total / y.length;
}

/** dLoss/dparameter by central differences (float64; error O(eps^2) ~ 1e-12). */
function referenceGradients(sizes, weights, biases, x, y, eps = 1e-6) {
  const params = [...weights, ...biases].map((a) => Float64Array.from(a));
  const L = weights.length;
  return params.map((p) => Float64Array.from(p, (v, i) => {
    p[i] = v + eps;
    const up = referenceLoss(sizes, params.slice(0, L), params.slice(L), x, y);
    p[i] = v - eps;
    const down = referenceLoss(sizes, params.slice(0, L), params.slice(L), x, y);
    p[i] = v;
    return (up - down) / (2 * eps);
  }));
}

// Float32 arithmetic on values of order 1 is good to ~1e-6; a wrong factor or a missing term is off by far more.
const TOL = 1e-4;

test('one full-batch SGD step: the loss and the update match a float64 reference (w -= lr * dL/dw)', () => {
  const h = K.trainDeepClassifier({ ...tiny, epochs: 1 });
  const p0 = K.initMLP(tiny.sizes, tiny.init, tiny.seed);
  assert.ok(Math.abs(h.loss[0] - referenceLoss(tiny.sizes, p0.weights, p0.biases, tiny.train.x, tiny.train.y)) < TOL);
  const g = referenceGradients(tiny.sizes, p0.weights, p0.biases, tiny.train.x, tiny.train.y);
  const after = [...h.params.weights, ...h.params.biases];
  [...p0.weights, ...p0.biases].forEach((p, k) => p.forEach((v, i) => {
    assert.ok(Math.abs(after[k][i] - (v - tiny.learningRate * g[k][i])) < TOL, `parameter ${k}[${i}]`);
  }));
});

test('momentum: the second step moves by lr * (m * g1 + g2), as in Caffe', () => {
  const m = 0.9;
  const h = K.trainDeepClassifier({ ...tiny, epochs: 2, optimizer: 'momentum', momentum: m });
  const one = K.trainDeepClassifier({ ...tiny, epochs: 1, optimizer: 'momentum', momentum: m }).params;
  const p0 = K.initMLP(tiny.sizes, tiny.init, tiny.seed);
  const g1 = referenceGradients(tiny.sizes, p0.weights, p0.biases, tiny.train.x, tiny.train.y);
  const g2 = referenceGradients(tiny.sizes, one.weights, one.biases, tiny.train.x, tiny.train.y);
  const start = [...one.weights, ...one.biases];
  const after = [...h.params.weights, ...h.params.biases];
  start.forEach((p, k) => p.forEach((v, i) => {
    assert.ok(Math.abs(after[k][i] - (v - tiny.learningRate * (m * g1[k][i] + g2[k][i]))) < TOL, `parameter ${k}[${i}]`);
  }));
});

test('records: one loss per step, epoch means, test loss and accuracy before and after each epoch, gradient RMS per layer', () => {
  const h = K.trainDeepClassifier(base);
  assert.equal(h.stepsPerEpoch, 10);
  assert.equal(h.loss.length, 20);
  assert.equal(h.epochLoss.length, 2);
  assert.ok(Math.abs(h.epochLoss[1] - h.loss.slice(10).reduce((a, b) => a + b) / 10) < 1e-6);
  assert.equal(h.testAccuracy.length, 3);
  assert.equal(h.testLoss.length, 3);
  assert.deepEqual(h.gradientStep, [0, 10]);
  assert.ok(h.gradientRms.every((r) => r.length === 3 && r.every((v) => v > 0)));
  assert.equal(h.divergedAt, null);
  // Ten balanced classes: an untrained network's loss is near ln 10 and training lowers it.
  assert.ok(h.epochLoss[1] < h.loss[0], `loss ${h.loss[0]} -> ${h.epochLoss[1]}`);
});

test('deterministic for a seed (kernels and shuffles); another seed trains another network', () => {
  const a = K.trainDeepClassifier(base);
  const b = K.trainDeepClassifier(base);
  assert.deepEqual(a.loss, b.loss);
  assert.deepEqual(a.params.weights, b.params.weights);
  assert.deepEqual(a.testAccuracy, b.testAccuracy);
  const c = K.trainDeepClassifier({ ...base, seed: 6 });
  assert.notDeepEqual(a.loss, c.loss);
  assert.notDeepEqual(c.params.weights[0], a.params.weights[0]);
});

test('no tensor is left behind, with either optimizer, evaluation, normalization (its saved tensors), and a run that diverges', async () => {
  await noLeak(() => K.trainDeepClassifier(base));
  await noLeak(() => K.trainDeepClassifier({ ...base, optimizer: 'momentum' }));
  await noLeak(() => K.trainDeepClassifier({ ...base, norm: 'batch' }));
  await noLeak(() => K.trainDeepClassifier({ ...base, sizes: [784, 16, 16, 16, 10], norm: 'layer', residual: {} }));
  const h = await noLeak(() => K.trainDeepClassifier({ ...base, sizes: [784, 64, 64, 64, 64, 10], init: 30, learningRate: 1 }));
  assert.equal(typeof h.divergedAt, 'number');
  assert.equal(h.loss.length, h.divergedAt + 1, 'training stops at the first non-finite loss');
  assert.ok(!Number.isFinite(h.loss.at(-1)));
});

test('bad options throw an Error naming the option and what is allowed', () => {
  const t = (extra, re) => assert.throws(() => K.trainDeepClassifier({ ...base, ...extra }), re);
  t({ optimizer: 'adam' }, /optimizer must be one of sgd, momentum; got "adam"/);
  t({ momentum: 0.9 }, /momentum is only used with optimizer "momentum"/);
  t({ optimizer: 'momentum', momentum: 1 }, /momentum must be in \[0, 1\)/);
  t({ activation: 'gelu' }, /activation must be one of linear, relu, tanh, sigmoid, leakyRelu/);
  t({ learningRate: -1 }, /learningRate must be > 0/);
  t({ batchSize: 0 }, /batchSize must be a whole number >= 1/);
  t({ batchSize: 500 }, /batchSize must be at most the number of training examples \(200\)/);
  t({ epochs: 2.5 }, /epochs must be a whole number >= 1/);
  t({ sizes: [784, 16, 1] }, /sizes must end in the number of classes/);
  t({ sizes: [100, 16, 10] }, /train must have 100 features per example \(the first size\), got 784/);
  t({ train: { x: new Float32Array(784), y: Int32Array.of(10), count: 1, features: 784 }, batchSize: 1 }, /train.y must hold class labels from 0 to 9; train.y\[0\] is 10/);
  t({ train: { ...data.train, count: 199 } }, /train must hold count = 199 labels and count x 784 values; got 200 labels/);
  t({ test: { x: [[0]], y: [0] } }, /test must be examples \{ x: Float32Array or Float64Array/);
  t({ init: 'he' }, /init must be one of zeros, .*; got "he"/);
  t({ gradientEvery: 0 }, /gradientEvery must be a whole number >= 1/);
  t({ lr: 0.1 }, /does not take option "lr"/);
});

test('onRecord: called once per step with the history so far, epoch records included; it changes nothing', async () => {
  const seen = [];
  const h = await noLeak(() => K.trainDeepClassifier({ ...base, onRecord: (r) => seen.push({
    loss: [...r.loss], epochLoss: [...r.epochLoss], testAccuracy: [...r.testAccuracy], gradientStep: [...r.gradientStep] }) }));
  assert.equal(seen.length, 20);
  seen.forEach((r, i) => {
    assert.deepEqual(r.loss, h.loss.slice(0, i + 1));
    // An epoch's mean and test evaluation are in by the call for its last step (steps 9 and 19).
    const epochs = Math.floor((i + 1) / h.stepsPerEpoch);
    assert.deepEqual(r.epochLoss, h.epochLoss.slice(0, epochs));
    assert.deepEqual(r.testAccuracy, h.testAccuracy.slice(0, epochs + 1));
  });
  assert.deepEqual(seen[10].gradientStep, [0, 10]);
  const plain = K.trainDeepClassifier(base);
  assert.deepEqual(h.loss, plain.loss, 'the same run with and without the callback');
  assert.deepEqual(h.params.weights, plain.params.weights);
  assert.deepEqual(h.testAccuracy, plain.testAccuracy);
  // A diverging run reports its last, non-finite step too.
  const calls = [];
  const d = K.trainDeepClassifier({ ...base, sizes: [784, 64, 64, 64, 64, 10], init: 30, learningRate: 1, onRecord: (r) => calls.push([r.loss.length, r.divergedAt]) });
  assert.deepEqual(calls.at(-1), [d.loss.length, d.divergedAt]);
  assert.equal(calls.length, d.loss.length);
  assert.throws(() => K.trainDeepClassifier({ ...base, onRecord: 1 }), /onRecord must be a function \(history\) => void, got 1/);
});

test('biasStd: the biases start as the engine draws them, and the first loss is the float64 one with them', () => {
  const params = K.initMLP(tiny.sizes, tiny.init, tiny.seed, 0.4);
  params.biases.forEach((b, l) => assert.deepEqual(b, K.sampleInit(0.4, [1, tiny.sizes[l + 1]], `${tiny.seed}/bias/${l}`), `layer ${l + 1}`));
  assert.deepEqual(K.initMLP(tiny.sizes, tiny.init, tiny.seed).biases.map((b) => Array.from(b)), [[0, 0, 0], [0, 0]]);
  // One epoch of one step: loss[0] is computed before the update, from initMLP's parameters.
  const h = K.trainDeepClassifier({ ...tiny, biasStd: 0.4, epochs: 1 });
  const expected = referenceLoss(tiny.sizes, params.weights, params.biases, tiny.train.x, tiny.train.y);
  // float32 forward pass of a 2-3-2 network: ~1e-7 relative.
  assert.ok(Math.abs(h.loss[0] - expected) < 1e-5, `loss ${h.loss[0]} vs ${expected}`);
  assert.ok(Math.abs(K.trainDeepClassifier({ ...tiny, epochs: 1 }).loss[0] - expected) > 1e-3, 'without biases the first loss differs');
  assert.throws(() => K.trainDeepClassifier({ ...tiny, biasStd: -1, epochs: 1 }), /biasStd must be >= 0, got -1/);
  assert.throws(() => K.initMLP(tiny.sizes, tiny.init, tiny.seed, NaN), /biasStd must be a finite number, got NaN/);
});
