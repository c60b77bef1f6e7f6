// He et al.'s argument, checked by measurement: a ReLU keeps half of a symmetric signal's
// second moment, so kernels with Var(w) = 1/n_in halve it at every layer and Var(w) = 2/n_in keep it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K, tf } from './lib.mjs';
import { Z } from './stats.mjs';

const N = 200000;
const meanOf = (a, f) => a.reduce((s, v) => s + f(v), 0) / a.length;

test('E[relu(y)^2] = Var(y)/2 for zero-mean symmetric y (normal, uniform); not for a shifted y', () => {
  const normal = K.sampleWeights('randomNormal', [N], { stddev: 1.7, seed: 'relu-normal' });
  const uniform = K.sampleWeights('randomUniform', [N], { minval: -3, maxval: 3, seed: 'relu-uniform' });
  // ratio = mean(relu(y)^2) / mean(y^2). Its numerator's relative standard error is
  // sqrt((E[relu^4] - E[relu^2]^2) / N) / E[relu^2] = sqrt((kurtosis/2 - 1/4) / N) / (1/2), the
  // denominator's sqrt((kurtosis - 1) / N); adding them bounds the ratio's (kurtosis 3 normal, 1.8 uniform).
  for (const [y, kurtosis] of [[normal, 3], [uniform, 1.8]]) {
    const ratio = meanOf(y, (v) => Math.max(0, v) ** 2) / meanOf(y, (v) => v * v);
    const tol = 0.5 * Z * (Math.sqrt((kurtosis / 2 - 0.25) / N) / 0.5 + Math.sqrt((kurtosis - 1) / N));
    assert.ok(Math.abs(ratio - 0.5) < tol, `ratio ${ratio}, tolerance ${tol}`);
  }
  // y ~ N(1, 1): E[relu(y)^2] = 1.3413..., Var(y) = 1, far from 1/2.
  const shifted = K.sampleWeights('randomNormal', [N], { mean: 1, stddev: 1, seed: 'relu-shifted' });
  assert.ok(meanOf(shifted, (v) => Math.max(0, v) ** 2) > 1.2);
});

test('with the same seed, heNormal kernels are exactly sqrt(2) times leCunNormal kernels', () => {
  const le = K.initMLP([784, 64, 64, 10], 'leCunNormal', 4);
  const he = K.initMLP([784, 64, 64, 10], 'heNormal', 4);
  he.weights.forEach((w, l) => w.forEach((v, i) => {
    // Both are float32 roundings of std * z for the same z: 2 ulp (2.4e-7 relative) of slack.
    assert.ok(Math.abs(v - Math.SQRT2 * le.weights[l][i]) <= 2.4e-7 * Math.abs(v) + 1e-12, `layer ${l}, weight ${i}`);
  }));
});

// A deep ReLU stack of width n. Per example, one layer multiplies the squared norm of its
// input x by sigma^2 * sum_i relu(g_i)^2 with g_i iid N(0, 1) (given x, x W has iid
// N(0, sigma^2 |x|^2) entries): mean n sigma^2 / 2, relative variance (3/2 - 1/4) n / (n/2)^2 = 5/n.
// The batch's mean square is a weighted average of such per-example ratios, so its relative
// variance is at most 5/n (equal only when the examples are perfectly correlated, as deep
// ReLU layers make them); a batch can only narrow it, so the band below ignores the batch.
// ln of the ratio: variance <= 5/n, mean between ln(n sigma^2 / 2) - 2.5/n and ln(n sigma^2 / 2).
// A fresh kernel per layer makes the log-ratios uncorrelated, so over l layers the log of the
// total change has variance <= 5 l / n. The backward pass multiplies by the same law (each
// gradient row is a fresh Gaussian combination, masked by relu' in {0, 1} with probability 1/2).
const DEPTH = 30;
const WIDTH = 256;
const BATCH = 128;
const band = (layers) => Z * Math.sqrt((5 * layers) / WIDTH) + (2.5 * layers) / WIDTH;

function run(init) {
  const before = tf.memory().numTensors;
  const p = K.signalPropagation({ depth: DEPTH, width: WIDTH, batch: BATCH, activation: 'relu', init, seed: 'he-test' });
  assert.equal(tf.memory().numTensors, before);
  return {
    forward: [p.input.meanSquare, ...p.forward.map((f) => f.output.meanSquare)],
    // backward[l - 1] is dLoss/dz_l; read from the output (layer L) back to layer 1.
    backward: p.backward.map((b) => b.preActivation.meanSquare).reverse(),
  };
}

test('1/n_in kernels (leCunNormal): the second moment falls by a factor near 1/2 per layer, forward and backward', () => {
  const { forward, backward } = run('leCunNormal');
  for (const [what, v] of [['forward', forward], ['backward', backward]]) {
    const steps = v.length - 1;
    const perLayer = Math.log(v.at(-1) / v[0]) / steps;
    assert.ok(Math.abs(perLayer - Math.log(0.5)) <= band(steps) / steps,
      `${what}: factor per layer ${Math.exp(perLayer)}, allowed ${Math.exp(Math.log(0.5) - band(steps) / steps)}..${Math.exp(Math.log(0.5) + band(steps) / steps)}`);
  }
});

test('He kernels (heNormal): the factor per layer is near 1 and every layer stays in the band, forward and backward', () => {
  const { forward, backward } = run('heNormal');
  for (const [what, v] of [['forward', forward], ['backward', backward]]) {
    const steps = v.length - 1;
    const perLayer = Math.log(v.at(-1) / v[0]) / steps;
    assert.ok(Math.abs(perLayer) <= band(steps) / steps, `${what}: factor per layer ${Math.exp(perLayer)}`);
    v.forEach((m, l) => assert.ok(Math.abs(Math.log(m / v[0])) <= band(l), `${what}, ${l} layers in: ratio ${m / v[0]}, band ${Math.exp(band(l))}`));
  }
});
