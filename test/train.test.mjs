import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { K, tf, noLeak } from './lib.mjs';

const data = K.loadDataset('circles');
const base = { sizes: [2, 10, 5, 1], data: data.train, learningRate: 0.1, steps: 200, recordEvery: 50, seed: 3 };

test('the circles data: 300 training and 100 test points, balanced, two features', () => {
  assert.equal(data.train.count, 300);
  assert.equal(data.test.count, 100);
  assert.equal(data.train.y.filter((y) => y === 1).length, 150);
  assert.equal(data.train.features, 2);
  assert.equal(data.train.x.length, 600);
  // K.rows gives the points back as stored in data/circles.json (six decimals, float64).
  const raw = JSON.parse(readFileSync(new URL('../data/circles.json', import.meta.url), 'utf8'));
  assert.deepEqual(K.rows(data.train), raw.train.x);
  assert.deepEqual(Array.from(data.test.y), raw.test.y);
});

test('zeros: no weight ever moves, the units stay identical, the network stays at chance', async () => {
  const h = await noLeak(() => K.trainClassifier({ ...base, init: 'zeros' }));
  assert.deepEqual(h.step, [0, 50, 100, 150, 200]);
  for (const s of h.spread) assert.ok(s.every((v) => v === 0), `spread ${s}`);
  for (const w of h.params.weights) assert.ok(w.every((v) => v === 0));
  assert.equal(h.accuracy.at(-1), 0.5);
  // The loss of predicting 0.5 everywhere is ln 2; float32 logs and their mean carry
  // a relative error of a few float32 epsilons (1.2e-7) each, so 1e-5 is generous but tight.
  assert.ok(Math.abs(h.loss.at(-1) - Math.LN2) < 1e-5, `loss ${h.loss.at(-1)}`);
});

/** One unit in the last place of float32 at |x| (the spacing of float32 numbers there). */
const ulp = (x) => 2 ** (Math.floor(Math.log2(Math.abs(x))) - 23);

test('a constant init keeps every hidden unit identical (on TensorFlow, to float32 rounding), though the weights move', async () => {
  const h = await noLeak(() => K.trainClassifier({ ...base, init: { name: 'constant', value: 0.5 } }));
  assert.ok(h.params.weights[0].some((v) => v !== 0.5), 'training changed the weights');
  if (tf.getBackend() !== 'tensorflow') {
    // Equal units go through the same float32 operations in the same order: exactly equal.
    for (const s of h.spread) assert.ok(s.every((v) => v === 0), `spread ${s}`);
    return;
  }
  // TensorFlow's matrix products (oneDNN's, and Eigen's without it) sum a unit's terms in an
  // order that depends on its column, so equal units can differ by a rounding or two per
  // weight. The spread over a unit's rows + 1 weights then stays within a few units in the
  // last place of the layer's largest weight: 4 ulps each, over sqrt(rows + 1) of them.
  h.spread.forEach((s, l) => {
    const rows = base.sizes[l];
    // The largest weight at the start (the constant) or at the end of training.
    const largest = Math.max(0.5, ...h.params.weights[l].map(Math.abs), ...h.params.biases[l].map(Math.abs));
    const bound = 4 * ulp(largest) * Math.sqrt(rows + 1);
    assert.ok(s.every((v) => v <= bound), `layer ${l + 1}: spread ${s} above ${bound}, 4 float32 roundings per weight`);
  });
});

test('a random init starts the units apart and training keeps them apart', async () => {
  const h = await noLeak(() => K.trainClassifier({ ...base, init: 'heNormal' }));
  for (const s of h.spread) assert.ok(s.every((v) => v > 0.1), `spread ${s}`);
  assert.ok(h.loss.at(-1) < h.loss[0], 'the loss went down');
});

test('unitSpread is the largest distance between two units, bias included', () => {
  // Units (columns) 0 and 2 differ by (3, 4) in weights and 12 in bias: distance 13.
  const params = { sizes: [2, 3], weights: [Float32Array.of(0, 1, 3, 0, 1, 4)], biases: [Float32Array.of(0, 0, 12)] };
  assert.equal(K.unitSpread(params, 0), 13);
});

test('the same seed trains the same network; another seed another', () => {
  const a = K.trainClassifier({ ...base, init: 'heNormal' });
  const b = K.trainClassifier({ ...base, init: 'heNormal' });
  const c = K.trainClassifier({ ...base, init: 'heNormal', seed: 4 });
  assert.deepEqual(a.loss, b.loss);
  assert.deepEqual(a.params.weights, b.params.weights);
  assert.notDeepEqual(a.params.weights[0], c.params.weights[0]);
});

test('initMLP gives each layer its own seed, so two equal-shaped layers differ', () => {
  const p = K.initMLP([4, 4, 4], 'heNormal', 9);
  assert.notDeepEqual(p.weights[0], p.weights[1]);
  assert.ok(p.biases.every((b) => b.every((v) => v === 0)));
});

test('bad training options throw an Error naming the option', () => {
  assert.throws(() => K.trainClassifier({ ...base, init: 'heNormal', sizes: [2, 10, 2] }), /sizes must end in 1/);
  assert.throws(() => K.trainClassifier({ ...base, init: 'heNormal', learningRate: 0 }), /learningRate must be > 0/);
  assert.throws(() => K.trainClassifier({ ...base, init: 'heNormal', steps: 1.5 }), /steps must be a whole number >= 1/);
  assert.throws(() => K.trainClassifier({ ...base, init: 'heNormal', activation: 'swish' }), /activation must be one of linear, relu, tanh, sigmoid, leakyRelu/);
  assert.throws(() => K.trainClassifier({ ...base, init: 'he' }), /init must be one of zeros, .*; got "he"/);
  assert.throws(() => K.trainClassifier({ ...base, init: -1 }), /init \(a standard deviation\) must be >= 0/);
  assert.throws(() => K.trainClassifier({ ...base, init: { name: 'heNormal', seed: 1 } }), /init must not carry its own seed/);
  assert.throws(() => K.trainClassifier({ ...base, init: 'heNormal', data: { x: [[1, 2]], y: [] } }), /data must be examples \{ x: Float32Array or Float64Array/);
  assert.throws(() => K.trainClassifier({ ...base, init: 'heNormal', data: data.test, sizes: [3, 4, 1] }), /data must have 3 features per example/);
  assert.throws(() => K.loadDataset('mnist'), /name must be one of circles/);
});
