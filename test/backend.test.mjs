// The backends: which one initBackend picks, the switch for large passes, and the ops the
// engine needs computed alike on wasm and on tfjs-node's TensorFlow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { K, tf, noLeak } from './lib.mjs';

const require = createRequire(import.meta.url);
const stats = require('../dist/net/device-stats.js');
const requested = process.env.TFJS_BACKEND || 'auto';

/** Whether tfjs-node loads here (in this process: it is loaded once and stays). */
function tfjsNodeLoads() {
  try {
    // As src/backend/backends.ts loads it: quiet, and oneDNN off.
    process.env.TF_CPP_MIN_LOG_LEVEL ??= '3';
    process.env.TF_ENABLE_ONEDNN_OPTS ??= '0';
    require('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}
/** Both backends initialized (whatever TFJS_BACKEND chose), the current one unchanged; null without tfjs-node. */
async function bothBackends() {
  const current = tf.getBackend();
  if (!tfjsNodeLoads()) return null;
  require('@tensorflow/tfjs-backend-wasm');
  for (const name of ['wasm', 'tensorflow']) if (!tf.engine().registry[name]) await tf.setBackend(name);
  await tf.setBackend(current);
  return ['wasm', 'tensorflow'];
}

test('initBackend: TFJS_BACKEND names one backend for everything; unset or auto is wasm, with tfjs-node for the large passes', async () => {
  const backend = await K.initBackend();
  assert.equal(backend, tf.getBackend());
  const b = K.backends();
  assert.equal(b.main, backend);
  assert.equal(b.choice, requested);
  if (requested === 'auto') {
    assert.equal(backend, 'wasm', 'wasm is the main backend');
    // Without tfjs-node, both are wasm.
    assert.ok(['tensorflow', 'wasm'].includes(b.large));
    // tfjs-node is loaded at the first large pass, not before (loading it costs most of a second).
    if (b.large === 'tensorflow') assert.equal(tf.engine().registry.tensorflow, undefined, 'not loaded before a large pass');
    if (b.large === 'tensorflow') assert.match(K.backendSummary(), /^wasm, with tensorflow \(tfjs-node, TensorFlow \d+\.\d+\.\d+\) for the passes of 8,589,934,592 or more multiply-adds$/);
    else assert.equal(K.backendSummary(), 'wasm');
  } else {
    const expected = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' }[requested];
    assert.equal(backend, expected);
    assert.equal(b.large, expected, 'one backend for everything');
  }
});

test('an unknown TFJS_BACKEND is an error that lists the valid names', async () => {
  await assert.rejects(K.initBackend('gpu'), /TFJS_BACKEND must be one of auto, node, wasm, cpu \(or unset\), got "gpu"/);
});

test('onBackendFor runs a pass of LARGE_PASS multiply-adds or more on the large backend and the rest where they are; withBackend switches at once and back', async () => {
  const b = K.backends();
  // The large backend can be named before any large pass has loaded it (a chapter comparing the two does).
  assert.equal(K.withBackend(b.large, () => tf.getBackend()), b.large);
  const seen = (size) => K.onBackendFor(size, () => tf.getBackend());
  assert.equal(seen(K.LARGE_PASS - 1), b.main);
  assert.equal(seen(K.LARGE_PASS), b.large);
  assert.equal(tf.getBackend(), b.main, 'and back');
  // withBackend pins its backend: a large pass inside it stays there.
  assert.equal(K.withBackend(b.main, () => seen(K.LARGE_PASS)), b.main);
  const both = await bothBackends();
  if (!both) return;
  // A tensor made on one backend is used on the other, and comes back; nothing leaks, even when fn throws.
  await noLeak(() => {
    const x = tf.tensor1d([1, 2, 3]);
    const other = both.find((n) => n !== tf.getBackend());
    const y = K.withBackend(other, () => {
      assert.equal(tf.getBackend(), other);
      return tf.mul(x, 2);
    });
    const sum = tf.add(y, x);
    assert.deepEqual(Array.from(sum.dataSync()), [3, 6, 9]);
    sum.dispose();
    assert.throws(() => K.withBackend(other, () => { throw new Error('inside'); }), /inside/);
    assert.equal(tf.getBackend(), b.main);
    tf.dispose([x, y]);
  });
  assert.throws(() => K.withBackend('webgl', () => 1), /the webgl backend is not initialized: call initBackend\(\) first/);
});

test('the engine sizes a pass by the multiply-adds of the matrix products it makes (forward, backward, kernel gradients, Gram matrices; LSUV twice the forward)', async () => {
  const backendsModule = require('../dist/backend/backends.js');
  const asked = [];
  const original = backendsModule.onBackendFor;
  backendsModule.onBackendFor = (multiplyAdds, fn, threshold) => {
    asked.push(multiplyAdds);
    return original(multiplyAdds, fn, threshold);
  };
  // The multiply-adds of every matrix product the run made, from tf.profile: a product of
  // m x k by k x n has m k n = sqrt(|a| |b| |a b|), whatever the operands' transposes.
  const madeBy = async (fn) => {
    asked.length = 0;
    const { kernels } = await tf.profile(fn);
    const size = (shape) => shape.reduce((p, d) => p * d, 1);
    const made = kernels.filter((k) => k.name === 'BatchMatMul')
      .reduce((sum, k) => sum + Math.sqrt(size(k.inputShapes[0]) * size(k.inputShapes[1]) * size(k.outputShapes[0])), 0);
    assert.equal(asked.length, 1, 'one pass');
    return { made, asked: asked[0] };
  };
  try {
    const net = { depth: 4, width: 24, inputWidth: 10, batch: 6, activation: 'tanh', init: 'glorotNormal', seed: 1 };
    const runs = {
      'forward only': () => K.signalPropagation({ ...net, backward: false }),
      'forward and backward': () => K.signalPropagation(net),
      'with kernel gradients': () => K.signalPropagation({ ...net, weightGradients: true }),
      'histograms of the weight gradients': () => K.layerSamples({ ...net, bins: 10, gradient: 'weights' }),
      'a batch-norm network': () => K.signalPropagation({ ...net, norm: 'batch', weightGradients: true }),
      'a residual network': () => K.residualStream({ ...net, width: 10, residual: {} }),
      'Gram matrices of the Jacobian': () => K.jacobianMoments({ depth: 4, width: 12, init: 0.3, activation: 'tanh', seed: 1 }),
      'LSUV': () => K.lsuv({ ...net, activation: 'relu' }),
    };
    for (const [what, fn] of Object.entries(runs)) {
      const { made, asked } = await madeBy(fn);
      assert.ok(made > 0, what);
      assert.ok(Math.abs(asked - made) <= 1e-9 * made, `${what}: sized ${asked}, made ${made}`);
    }
  } finally {
    backendsModule.onBackendFor = original;
  }
});

// Values at and around every edge (one and two float32 steps either side), outside the
// range, the range's ends, +-Infinity, NaN, and normal draws: the counts must be those of
// core/histogram. No subnormal float (|v| < 2^-126): TensorFlow's CPU kernels flush those to
// zero, wasm keeps them (the test below).
const TINIEST_NORMAL = 2 ** -126;
function hardValues(edges, seed) {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  const step = (x, by) => {
    f32[0] = x;
    u32[0] += x > 0 ? by : -by;
    return f32[0];
  };
  const values = [NaN, Infinity, -Infinity, 0, -0];
  for (const e of edges) if (e !== 0) values.push(e, step(e, 1), step(e, -1), step(e, 2), step(e, -2));
  const draws = tf.tidy(() => tf.mul(tf.randomNormal([20000], 0, 1, 'float32', seed), edges.at(-1) * 0.7).dataSync());
  return Float32Array.from([...values, ...draws].filter((v) => !(v !== 0 && Math.abs(v) < TINIEST_NORMAL)));
}

const cases = [
  { what: 'a fixed range', bins: 50, range: [-3, 3] },
  { what: 'an odd range', bins: 37, range: [-0.1, 0.2] },
  { what: 'one bin', bins: 1, range: [0, 1] },
  { what: 'tiny values', bins: 20, range: [-1e-30, 1e-30] },
  { what: 'huge values (hi - lo overflows float32)', bins: 10, range: [-3e38, 3e38] },
];

test('a deep trainer runs on the large backend from LARGE_TRAINING_STEP multiply-adds per step, and below it where it is', () => {
  const b = K.backends();
  assert.equal(K.onBackendFor(K.LARGE_TRAINING_STEP, () => tf.getBackend(), K.LARGE_TRAINING_STEP), b.large);
  assert.equal(K.onBackendFor(K.LARGE_TRAINING_STEP - 1, () => tf.getBackend(), K.LARGE_TRAINING_STEP), b.main);
  // A step's largest product is batch x fan-in x fan-out: 32 x 1024 x 512 = 2^24 here, one less fan-in below it.
  const backendOf = (features) => {
    const count = 32;
    const train = { x: new Float32Array(count * features).fill(0.5), y: Int32Array.from({ length: count }, (_, i) => i % 2), count, features };
    const seen = new Set();
    const before = tf.memory().numTensors;
    K.trainDeepClassifier({ sizes: [features, 512, 2], init: 'heNormal', train, learningRate: 0.01, batchSize: count, epochs: 1, seed: 1,
      onRecord: () => seen.add(tf.getBackend()) });
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    assert.equal(tf.getBackend(), b.main, 'and back');
    return [...seen];
  };
  assert.equal(32 * 1024 * 512, K.LARGE_TRAINING_STEP);
  assert.deepEqual(backendOf(1024), [b.large]);
  assert.deepEqual(backendOf(1023), [b.main]);
});

test('countsVector: the counts of core/histogram, on every backend alike, and nothing leaks', async () => {
  const backends = (await bothBackends()) ?? [tf.getBackend()];
  for (const { what, bins, range } of cases) {
    const counts = {};
    for (const backend of backends) {
      counts[backend] = await noLeak(() => K.withBackend(backend, () => {
        const edges = stats.deviceEdges(bins, range, []);
        const e = Array.from(edges.dataSync());
        const values = hardValues(e, 7);
        const v = tf.tensor1d(values);
        const c = stats.countsVector(v, edges, bins);
        const out = { edges: e, counts: Array.from(c.dataSync()), values };
        tf.dispose([edges, v, c]);
        return out;
      }));
      const { edges, counts: got, values } = counts[backend];
      const ref = K.histogram(values, { edges });
      assert.deepEqual(got, [...ref.counts, ref.below, ref.above, ref.nan], `${what} on ${backend}`);
    }
    if (backends.length === 2) assert.deepEqual(counts.wasm.counts, counts.tensorflow.counts, `${what}: the same counts on wasm and tfjs-node`);
  }
  // The edges made from the data (+-max |v|) count their own extremes in.
  for (const backend of backends) {
    K.withBackend(backend, () => tf.tidy(() => {
      const values = [-5, -1, 0, 2.5, 5];
      const v = tf.tensor1d(values);
      const edges = stats.deviceEdges(4, undefined, [v]);
      const ref = K.histogram(values, { bins: 4, range: [-5, 5] });
      assert.deepEqual(Array.from(edges.dataSync()), ref.edges);
      assert.deepEqual(Array.from(stats.countsVector(v, edges, 4).dataSync()), [...ref.counts, 0, 0, 0], backend);
    }));
  }
});

test('subnormal floats: TensorFlow (tfjs-node) flushes them to zero, wasm keeps them', async () => {
  const both = await bothBackends();
  if (!both) return;
  const tiny = [1e-45, -3e-45, 1e-39];
  const [onWasm, onTf] = both.map((backend) => K.withBackend(backend, () => tf.tidy(() => {
    const v = tf.tensor1d(tiny);
    return { product: Array.from(tf.mul(v, 1).dataSync()), counts: Array.from(stats.countsVector(v, stats.deviceEdges(2, [-1, 1], []), 2).dataSync()) };
  })));
  assert.deepEqual(onWasm.product, Array.from(Float32Array.from(tiny)));
  assert.deepEqual(onTf.product, [0, -0, 0]);
  // So -3e-45, below the edge at 0 for wasm (and for core/histogram), is 0 and in the bin above it for TensorFlow.
  assert.deepEqual(onWasm.counts, [1, 2, 0, 0, 0]);
  assert.deepEqual(onTf.counts, [0, 3, 0, 0, 0]);
});

test("the browser's backend module exports everything Node's does (the live bundle swaps one for the other)", () => {
  const browser = Object.keys(require('../dist/backend/browser.js'));
  const missing = Object.keys(require('../dist/backend/backends.js')).filter((name) => !browser.includes(name));
  assert.deepEqual(missing, [], 'exported by src/backend/backends.ts but not by src/backend/browser.ts');
});
