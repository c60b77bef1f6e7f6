import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { K, noLeak } from './lib.mjs';

// The seeded generators the network's input and output gradient come from (not public API).
const require = createRequire(import.meta.url);
const { fillNormal, makeRng } = require('../dist/core/random.js');

// ---------------------------------------------------------------- histogram (pure)

test('histogram: each value lands in the bin written out by hand; outside values and NaN are counted apart', () => {
  // Bins of [0, 2] in 4: [0, .5) [.5, 1) [1, 1.5) [1.5, 2] (the last one closed).
  const values = [0, 0.25, 0.5, 0.99, 1, 1.5, 1.99, 2, -0.01, 2.01, NaN, -Infinity, Infinity];
  const h = K.histogram(values, { bins: 4, range: [0, 2] });
  assert.deepEqual(h.edges, [0, 0.5, 1, 1.5, 2]);
  assert.deepEqual(h.counts, [2, 2, 1, 3]);
  assert.deepEqual([h.below, h.above, h.nan, h.total], [2, 2, 1, values.length]);
  assert.deepEqual(h.centers, [0.25, 0.75, 1.25, 1.75]);
  // density = count / (total * bin width)
  assert.deepEqual(h.density, [2, 2, 1, 3].map((c) => c / (values.length * 0.5)));
});

test('histogram: counts sum to the sample count; by default the bins span the values exactly', () => {
  const values = fillNormal(new Float32Array(10007), makeRng('hist'));
  const h = K.histogram(values, { bins: 37 });
  assert.equal(h.counts.length, 37);
  assert.equal(h.counts.reduce((a, b) => a + b, 0), values.length);
  assert.deepEqual([h.below, h.above, h.nan, h.total], [0, 0, 0, values.length]);
  assert.equal(h.edges[0], Math.min(...values));
  assert.equal(h.edges[37], Math.max(...values));
  // The in-range density integrates to the in-range share (here all of it).
  const mass = h.density.reduce((s, d, k) => s + d * (h.edges[k + 1] - h.edges[k]), 0);
  assert.ok(Math.abs(mass - 1) < 1e-12, `density integrates to ${mass}`);
  // Explicit edges give the same counts.
  assert.deepEqual(K.histogram(values, { edges: h.edges }).counts, h.counts);
});

test('histogram: bad options throw an Error naming the option', () => {
  assert.throws(() => K.histogram([1, 2], { bins: 0 }), /bins must be a whole number >= 1, got 0/);
  assert.throws(() => K.histogram([1, 2], { range: [1, 1] }), /range must have lo < hi/);
  assert.throws(() => K.histogram([1, 2], { range: [0, NaN] }), /range\[1\] must be a finite number/);
  assert.throws(() => K.histogram([1, 2], { edges: [0, 1, 1] }), /edges must be strictly ascending/);
  assert.throws(() => K.histogram([1, 2], { edges: [0, 1], bins: 3 }), /edges replaces bins and range/);
  assert.throws(() => K.histogram([1, 2], { bin: 3 }), /histogram does not take option "bin"/);
  assert.throws(() => K.histogram('12'), /values must be an array of numbers/);
  assert.throws(() => K.histogram([1, '2']), /values\[1\] must be a number/);
});

// ---------------------------------------------------------------- layerSamples

// A small network whose values a plain JavaScript loop can recompute in float64.
const SMALL = { width: [12, 9, 7], inputWidth: 10, batch: 30, activation: 'tanh', init: 'glorotUniform', seed: 5, bins: 16 };

/** Forward and backward pass of SMALL's network in float64, from the same seeded ingredients. */
function reference(options) {
  const widths = [options.inputWidth, ...options.width];
  const B = options.batch;
  const { weights } = K.initMLP(widths, options.init, options.seed);
  const f = Math.tanh;
  const df = (y) => 1 - y * y; // tanh'(z) from y = tanh(z)
  let x = Array.from(fillNormal(new Float32Array(B * widths[0]), makeRng(`${options.seed}/input`)));
  const xs = [x];
  for (let l = 0; l < options.width.length; l++) {
    const [m, n] = [widths[l], widths[l + 1]];
    const next = new Array(B * n).fill(0);
    for (let b = 0; b < B; b++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += x[b * m + i] * weights[l][i * n + j];
      next[b * n + j] = f(s);
    }
    x = next;
    xs.push(x);
  }
  const L = options.width.length;
  let g = Array.from(fillNormal(new Float32Array(B * widths[L]), makeRng(`${options.seed}/output-gradient`)));
  const dz = [];
  for (let l = L; l >= 1; l--) {
    const n = widths[l];
    const d = g.map((v, k) => v * df(xs[l][k]));
    dz[l - 1] = d;
    const m = widths[l - 1];
    g = new Array(B * m).fill(0);
    for (let b = 0; b < B; b++) for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += d[b * n + j] * weights[l - 1][i * n + j];
      g[b * m + i] = s;
    }
  }
  const dW = dz.map((d, l) => {
    const [m, n] = [widths[l], widths[l + 1]];
    const out = new Array(m * n).fill(0);
    for (let b = 0; b < B; b++) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] += xs[l][b * m + i] * d[b * n + j];
    return out;
  });
  return { activations: xs.slice(1), dz, dW };
}

const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
const variance = (v) => { const m = mean(v); return v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length; };

/**
 * The device works in float32: each value carries a relative rounding error of a few
 * 2^-24 per operation, a few dozen operations deep, so 1e-5 of the values' scale bounds it.
 * A value that close to a bin edge may fall on either side; any other must agree.
 */
function assertSameHistogram(h, ref, what) {
  const scale = Math.max(...ref.map(Math.abs));
  const nearEdge = ref.filter((v) => h.edges.some((e) => Math.abs(v - e) <= 1e-5 * scale)).length;
  const expected = K.histogram(ref, { edges: h.edges });
  const moved = h.counts.reduce((s, c, k) => s + Math.abs(c - expected.counts[k]), 0) + Math.abs(h.below - expected.below) + Math.abs(h.above - expected.above);
  assert.ok(moved <= 2 * nearEdge, `${what}: ${moved / 2} values in other bins than a float64 computation puts them, ${nearEdge} near an edge`);
}

function assertMoments(lv, ref, what) {
  const v = variance(ref);
  // float32 sums of a few hundred terms: relative error well under 1e-5; 1e-4 leaves room.
  assert.ok(Math.abs(lv.variance / v - 1) < 1e-4, `${what} variance: ${lv.variance} vs ${v}`);
  assert.ok(Math.abs(lv.mean - mean(ref)) < 1e-4 * Math.sqrt(v), `${what} mean: ${lv.mean} vs ${mean(ref)}`);
}

for (const gradient of ['preActivation', 'weights']) {
  test(`layerSamples (gradient: ${gradient}): moments and counts match a float64 forward and backward pass`, () => {
    const r = K.layerSamples({ ...SMALL, gradient });
    const ref = reference(SMALL);
    assert.deepEqual(r.widths, [10, 12, 9, 7]);
    assert.equal(r.layers.length, 3);
    r.layers.forEach((layer, l) => {
      const grads = gradient === 'weights' ? ref.dW[l] : ref.dz[l];
      assert.equal(layer.layer, l + 1);
      assertMoments(layer.activations, ref.activations[l], `layer ${l + 1} activations`);
      assertMoments(layer.gradients, grads, `layer ${l + 1} gradients`);
      assertSameHistogram(layer.activations.histogram, ref.activations[l], `layer ${l + 1} activations`);
      assertSameHistogram(layer.gradients.histogram, grads, `layer ${l + 1} gradients`);
    });
  });
}

test('layerSamples: counts sum to the number of values, in range or not; all layers share the bins', () => {
  const r = K.layerSamples({ ...SMALL, gradient: 'weights' });
  const widths = r.widths;
  for (const layer of r.layers) {
    for (const [lv, n] of [[layer.activations, SMALL.batch * layer.width], [layer.gradients, widths[layer.layer - 1] * layer.width]]) {
      const h = lv.histogram;
      assert.equal(h.total, n);
      assert.equal(h.counts.reduce((a, b) => a + b, 0) + h.below + h.above + h.nan, n);
      // Default range: +-(largest |value| of any layer), so nothing falls outside.
      assert.deepEqual([h.below, h.above, h.nan], [0, 0, 0]);
      assert.equal(h.counts.length, SMALL.bins);
    }
    assert.deepEqual(layer.activations.histogram.edges, r.layers[0].activations.histogram.edges);
    assert.deepEqual(layer.gradients.histogram.edges, r.layers[0].gradients.histogram.edges);
  }
  // The largest |activation| sits on an edge: the range is exactly +-max.
  const a = r.layers.map((l) => l.activations.histogram);
  const top = a[0].edges.at(-1);
  assert.equal(a[0].edges[0], -top);
  assert.ok(a.some((h) => h.counts[0] > 0 || h.counts.at(-1) > 0));
  // A narrow range pushes values out, and they are still counted.
  const narrow = K.layerSamples({ ...SMALL, activationRange: [-0.1, 0.2], gradientRange: [-0.01, 0.01] });
  for (const layer of narrow.layers) {
    for (const lv of [layer.activations, layer.gradients]) {
      const h = lv.histogram;
      assert.ok(h.below > 0 && h.above > 0, 'values outside the range');
      assert.equal(h.counts.reduce((x, y) => x + y, 0) + h.below + h.above + h.nan, h.total);
    }
  }
  assert.deepEqual(narrow.layers[0].activations.histogram.edges, K.binEdges(SMALL.bins, [-0.1, 0.2]));
});

test('layerSamples: a value on an edge goes to the bin above it, the top edge to the last bin (relu\'s exact zeros)', () => {
  const relu = { ...SMALL, activation: 'relu', bins: 4 };
  // [0, 1]: the zeros sit on the lowest edge, so in bin 0, none below.
  const up = K.layerSamples({ ...relu, activationRange: [0, 1] });
  // [-1, 0]: the zeros sit on the top edge, so in the last bin; the positives above.
  const down = K.layerSamples({ ...relu, activationRange: [-1, 0] });
  up.layers.forEach((layer, l) => {
    const h = layer.activations.histogram;
    const d = down.layers[l].activations.histogram;
    assert.equal(h.below, 0, `layer ${l + 1}: relu outputs counted below 0`);
    assert.deepEqual(d.counts.slice(0, 3), [0, 0, 0]);
    assert.ok(d.counts[3] > 0 && d.above > 0);
    assert.equal(d.counts[3] + d.above, d.total);
    assert.ok(h.counts[0] >= d.counts[3], 'bin 0 of [0, 1] holds every zero');
  });
});

test('layerSamples: the same seed gives identical results, another seed others', () => {
  const a = K.layerSamples(SMALL);
  assert.deepEqual(K.layerSamples(SMALL), a);
  assert.notDeepEqual(K.layerSamples({ ...SMALL, seed: 6 }), a);
});

test('layerSamples leaves no tensor behind, also when it throws', async () => {
  await noLeak(() => K.layerSamples(SMALL));
  await noLeak(() => K.layerSamples({ ...SMALL, gradient: 'weights', activation: 'relu' }));
  await noLeak(() => assert.throws(() => K.layerSamples({ ...SMALL, bins: -1 })));
});

test('layerSamples: bad options throw an Error naming the option', () => {
  const bad = (patch, re) => assert.throws(() => K.layerSamples({ ...SMALL, ...patch }), re);
  bad({ activation: 'softmax' }, /activation must be one of linear, relu, tanh, sigmoid, leakyRelu, selu; got "softmax"/);
  bad({ gradient: 'input' }, /gradient must be one of preActivation, weights; got "input"/);
  bad({ batch: 0 }, /batch must be a whole number >= 1, got 0/);
  bad({ bins: 2.5 }, /bins must be a whole number >= 1, got 2.5/);
  bad({ width: [] }, /width must be a whole number >= 1 or a non-empty list/);
  bad({ width: [4, 0] }, /width\[1\] must be a whole number >= 1, got 0/);
  bad({ width: [4, 5], depth: 3 }, /width lists 2 layers but depth is 3/);
  bad({ width: 4, depth: undefined }, /depth must be a whole number >= 1, got undefined/);
  bad({ inputWidth: -2 }, /inputWidth must be a whole number >= 1, got -2/);
  bad({ inputStd: 0 }, /inputStd must be > 0, got 0/);
  bad({ init: ['uniform', 'uniform'] }, /init must be one spec or one per layer \(depth = 3\), got a list of 2/);
  bad({ init: 'xavier' }, /init must be one of zeros, .*got "xavier"/);
  bad({ init: [{ name: 'he' }, 'uniform', 0.1] }, /init\[0\].name must be one of .*got "he"/);
  bad({ init: { name: 'heNormal', stddev: 1 } }, /"heNormal" does not take option "stddev"/);
  bad({ init: undefined }, /init is required/);
  bad({ activationRange: [1, -1] }, /activationRange must have lo < hi/);
  bad({ gradientRange: [0] }, /gradientRange must be \[lo, hi\]/);
  bad({ seed: NaN }, /seed must be a finite number or a non-empty string/);
  bad({ widths: 3 }, /layerSamples does not take option "widths"/);
  bad({ width: 5000, depth: 1, batch: 4000, inputWidth: 2 }, /layer 1 has too many values to count exactly/);
  assert.throws(() => K.layerSamples(null), /layerSamples needs an options object/);
});
