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
