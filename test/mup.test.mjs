// Chapter 8: the teacher task, training through a parametrization, the coordinate check, the
// learning-rate sweep and the transfer exercise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K, noLeak } from './lib.mjs';
import { Z } from './stats.mjs';

const task = K.teacherTask({ inputs: 16, teacherWidth: 32, train: 512, test: 128, seed: 3 });

test('teacherTask: seeded inputs, training targets scaled to mean square 1 (not centred), a separate test set', async () => {
  const t = await noLeak(() => K.teacherTask({ inputs: 8, teacherWidth: 16, train: 300, test: 50, seed: 1 }));
  assert.equal(t.train.x.length, 300 * 8);
  assert.equal(t.test.y.length, 50);
  const y = Array.from(t.train.y);
  const meanSquare = y.reduce((a, b) => a + b * b, 0) / y.length;
  // Scaled in float64, stored in float32: ~1e-7 relative.
  assert.ok(Math.abs(meanSquare - 1) < 1e-5, `mean square ${meanSquare}`);
  assert.deepEqual(K.teacherTask({ inputs: 8, teacherWidth: 16, train: 300, test: 50, seed: 1 }).test.y, t.test.y);
  assert.notDeepEqual(K.teacherTask({ inputs: 8, teacherWidth: 16, train: 300, test: 50, seed: 2 }).test.y, t.test.y);
  assert.notDeepEqual(t.test.x.slice(0, 8), t.train.x.slice(0, 8));
  assert.throws(() => K.teacherTask({ inputs: 8, teacherWidth: 16, train: 300 }), /test must be a whole number >= 1, got undefined/);
  assert.throws(() => K.teacherTask({ inputs: 8, teacherWidth: 16, train: 30, test: 5, noise: 0.1 }), /teacherTask does not take option "noise"/);
});

// A bias-free ReLU network is positively homogeneous, f(a x) = a f(x): it cannot add a
// constant, so targets shifted by their mean would leave a floor above 0 (for centred targets
// with mean/std mu/sigma of the raw outputs, (mu/sigma)^2 (1 - E[|x|]^2 / d) of the variance,
// 0.04 to 0.06 here). Scaled by one number, the targets are the teacher's own output with its
// readout divided by that number: fitted exactly, up to float32 rounding, by the float64
// reference below (a relative error ~1e-7 per target, so a mean square ~1e-13), and by the
// library's float32 forward (teacherFit).
test('the targets are exactly what a bias-free network as wide as the teacher represents: loss floor 0', async () => {
  for (const outputs of [1, 2]) {
    const t = K.teacherTask({ inputs: 6, teacherWidth: 12, outputs, train: 200, test: 40, seed: 4 });
    const { sizes, weights } = t.teacher;
    const scaled = weights.map((w, l) => (l < weights.length - 1 ? w : w.map((v, i) => v / t.targetScale[i % outputs])));
    let worst = 0;
    for (let e = 0; e < t.test.count; e++) {
      const f = forward64(sizes, scaled, t.test.x.subarray(e * 6, (e + 1) * 6), 1);
      f.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - t.test.y[e * outputs + k]))));
    }
    assert.ok(worst < 1e-5, `${outputs} output(s): largest |teacher / scale - y| ${worst}`);
    const fit = await noLeak(() => K.teacherFit(t));
    assert.ok(fit.train < 1e-10 && fit.test < 1e-10, `teacherFit ${JSON.stringify(fit)}`);
  }
  assert.throws(() => K.teacherFit({}), /task must be a TeacherTask/);
});

// ------------------------------------------------------------------ a float64 reference

/** The network's output in float64: relu MLP without biases, last product times alpha. */
function forward64(sizes, weights, x, alpha) {
  const L = weights.length;
  let h = Array.from(x);
  for (let l = 0; l < L; l++) {
    const z = Array.from({ length: sizes[l + 1] }, (_, j) => h.reduce((s, v, i) => s + v * weights[l][i * sizes[l + 1] + j], 0));
    h = l < L - 1 ? z.map((v) => Math.max(0, v)) : z.map((v) => alpha * v);
  }
  return h;
}

function loss64(sizes, weights, data, alpha) {
  let s = 0;
  for (let e = 0; e < data.count; e++) {
    const f = forward64(sizes, weights, data.x.subarray(e * data.features, (e + 1) * data.features), alpha);
    f.forEach((v, k) => (s += (v - data.y[e * data.outputs + k]) ** 2));
  }
  return s / (data.count * data.outputs);
}

/** Central differences in float64 (error ~ eps^2 times the third derivative: ~1e-12 here). */
function grads64(sizes, weights, data, alpha, eps = 1e-6) {
  return weights.map((w) => Float64Array.from(w, (v, i) => {
    w[i] = v + eps;
    const up = loss64(sizes, weights, data, alpha);
    w[i] = v - eps;
    const down = loss64(sizes, weights, data, alpha);
    w[i] = v;
    return (up - down) / (2 * eps);
  }));
}

const tiny = {
  train: { x: Float32Array.of(1, -0.5, 0.3, 0.2, 0.8, -1, -0.7, 0.1, 0.9, 0.4, -0.6, -0.2), y: Float32Array.of(1, -1, 0.5, 0.2, -0.3, 0.7, 0, 1), count: 4, features: 3, outputs: 2 },
  test: { x: Float32Array.of(0.1, 0.2, 0.3), y: Float32Array.of(0, 0), count: 1, features: 3, outputs: 2 },
};

test('three full-batch Adam steps through muP (width 4, base 2): losses and weights match float64 Adam with the per-layer rates', () => {
  const o = { task: tiny, width: 4, baseWidth: 2, parametrization: 'mup', optimizer: 'adam', learningRate: 0.05, steps: 3, batchSize: 4, seed: 5 };
  const h = K.trainParametrized(o);
  const p = h.parametrization;
  assert.equal(p.outputMultiplier, 0.5);
  const rates = p.layers.map((l) => o.learningRate * l.learningRateMultiplier);
  assert.deepEqual(rates, [0.05, 0.025, 0.05]);
  const w = K.initParametrized(p, o.seed).weights.map((a) => Float64Array.from(a));
  const m = w.map((a) => new Float64Array(a.length));
  const v = w.map((a) => new Float64Array(a.length));
  const losses = [];
  for (let t = 1; t <= 3; t++) {
    losses.push(loss64(p.sizes, w, tiny.train, p.outputMultiplier));
    const g = grads64(p.sizes, w, tiny.train, p.outputMultiplier);
    w.forEach((a, l) => a.forEach((_, i) => {
      m[l][i] = 0.9 * m[l][i] + 0.1 * g[l][i];
      v[l][i] = 0.999 * v[l][i] + 0.001 * g[l][i] ** 2;
      a[i] -= rates[l] * (m[l][i] / (1 - 0.9 ** t)) / (Math.sqrt(v[l][i] / (1 - 0.999 ** t)) + 1e-8);
    }));
  }
  // Float32 forward and backward: ~1e-6 relative; each weight moves by ~rate per step, so a
  // wrong rate or multiplier is off by >= 0.01 while rounding stays below 1e-5.
  losses.forEach((l, t) => assert.ok(Math.abs(h.loss[t] - l) < 1e-5 * (1 + l), `loss at step ${t}: ${h.loss[t]} vs ${l}`));
  h.params.weights.forEach((a, l) => a.forEach((x, i) => assert.ok(Math.abs(x - w[l][i]) < 1e-5, `W${l + 1}[${i}]: ${x} vs ${w[l][i]}`)));
  assert.ok(Math.abs(h.testLoss - loss64(p.sizes, w, tiny.test, p.outputMultiplier)) < 1e-5);
});

test('one full-batch SGD step through muP: w_l -= eta x multiplier_l x dL/dw_l (input and readout rates x m, hidden x 1)', () => {
  const o = { task: tiny, width: 8, baseWidth: 2, parametrization: 'mup', optimizer: 'sgd', learningRate: 0.1, steps: 1, batchSize: 4, seed: 6 };
  const h = K.trainParametrized(o);
  const p = h.parametrization;
  assert.deepEqual(p.layers.map((l) => l.learningRateMultiplier), [4, 1, 4]);
  const w = K.initParametrized(p, o.seed).weights.map((a) => Float64Array.from(a));
  const g = grads64(p.sizes, w, tiny.train, p.outputMultiplier);
  h.params.weights.forEach((a, l) => a.forEach((x, i) => {
    const expected = w[l][i] - o.learningRate * p.layers[l].learningRateMultiplier * g[l][i];
    assert.ok(Math.abs(x - expected) < 1e-5, `W${l + 1}[${i}]: ${x} vs ${expected}`);
  }));
});

test('the mup package\'s readout (multiplier 1/m, constant init) and Table 3\'s (no multiplier) train the same network, with Adam and with SGD', () => {
  for (const [optimizer, learningRate] of [['adam', 2 ** -7], ['sgd', 2 ** -5]]) {
    const run = (form) => K.trainParametrized({ task, width: 128, baseWidth: 32, parametrization: 'mup', form, optimizer, learningRate, steps: 20, batchSize: 16, seed: 2 });
    const [a, b] = [run('multiplier'), run('table3')];
    // The same products in another order (alpha h W vs h (alpha W)): float32 rounding of
    // ~1e-7 per operation, carried through 20 steps. Adam also sees epsilon against a gradient
    // alpha times smaller (1e-8 against entries of 1e-3 or more). A readout off by a factor
    // m = 4 in its scale or rate changes the losses by far more than 1e-3.
    a.loss.forEach((l, t) => assert.ok(Math.abs(l - b.loss[t]) <= 1e-3 * l, `${optimizer}, step ${t}: ${l} vs ${b.loss[t]}`));
    const alpha = a.parametrization.outputMultiplier;
    assert.equal(alpha, 1 / 4);
    a.params.weights[2].forEach((x, i) => assert.ok(Math.abs(alpha * x - b.params.weights[2][i]) <= 1e-3 * Math.abs(b.params.weights[2][i]) + 1e-6));
  }
});

// ------------------------------------------------------------------ the coordinate check

// One Adam step on one example (B = 1) is w -= eta sign(g), |g| >> epsilon. For the hidden
// layer z_2 = x_1 W_2, g_ij = x_1i delta_j with x_1i >= 0 (a ReLU's output), so
//   dz_2j = -eta sign(delta_j) sum_i x_1i = -eta sign(delta_j) n mean(x_1)
// for every unit with delta_j != 0 (the units the ReLU lets through, z_2j > 0), and 0 for the
// others: mean |dz_2| = eta n mean(x_1) active_2, exactly, when only that layer learns.
test('one Adam step on the hidden layer alone moves it by exactly eta x n x mean(x) on the active units', async () => {
  const widths = [64, 128, 256, 512, 1024];
  const eta = 2 ** -12;
  const c = await noLeak(() => K.coordinateCheck({ task, widths, parametrization: 'standard', optimizer: 'adam', learningRate: eta, steps: 1, batchSize: 1, probe: 'firstBatch', trainLayers: [2], seed: 1 }));
  const [input, hidden] = c.layers;
  assert.ok(input.delta[0].every((d) => d === 0), 'the input layer did not move');
  hidden.delta[0].forEach((d, w) => {
    const predicted = eta * widths[w] * hidden.inputSize[0][w] * hidden.active[0][w];
    // dz is a difference of float32 values of size |z|, each a sum of n rounded products:
    // an error up to ~sqrt(n) 2^-24 |z| each, so a relative error ~ 2 sqrt(n) 2^-24 |z| / |dz|.
    // Allow 10 times that.
    const tol = 10 * 2 * Math.sqrt(widths[w]) * 2 ** -24 * hidden.size[0][w] / d;
    assert.ok(Math.abs(d / predicted - 1) <= tol, `width ${widths[w]}: ${d} vs ${predicted} (tol ${tol})`);
  });
});

// The slopes of log mean|dz_l| against log n after one Adam step (B = 1), all layers learning:
//  - input layer: dz_1 = eta d mean|x_0| on its active units, whatever n: slope 0 (both parametrizations);
//  - hidden layer: eta n mean(x_1) active_2 (above), plus the input layer's change passed on by
//    W_2, of relative size ~ d / n (small with d = 4): slope 1 (standard), 0 (muP, rate eta n_0 / n);
//  - output: to first order df = sum over every weight of dW df/dW, and with one example
//    sign(dl/dW) = sign(f - y) sign(df/dW), so df = -eta sign(f - y) sum_W |df/dW|: every layer's
//    step moves f the same way. The readout adds sum_j x_2j = n mean(x_2); the hidden layer
//    (df/dW_ij = x_1i active_j w_j) adds n mean(x_1) sum_j active_j |w_j| ~ n mean(x_1) (n/2)
//    g sqrt(2/pi) / sqrt(n); the input layer (df/dW_kj = x_0k df/dz_1j) adds sum_k |x_0k| sum_j
//    |df/dz_1j| ~ d sqrt(2/pi) (n/2) g^2 / sqrt(pi n). With g^2 = 2 and mean(x_1) = mean(x_2) =
//    1/sqrt(pi) (z ~ N(0, 2)): df / eta ~ n / sqrt(pi) + n^1.5 / pi + d sqrt(2) sqrt(n) / pi,
//    slope about 1.4 (standard); 0 under muP.
// Noise: per width, mean(x_1) over n ReLU units has relative variance (pi - 1) / n and the active
// fraction 1 / n, so ln dz has variance ~ pi / n (input layer: 1 / n). The least-squares slope over
// x_i = ln n_i is sum_i w_i y_i with w_i = (x_i - mean x) / sum (x - mean x)^2, so its variance is
// sum_i w_i^2 pi / n_i: 0.0050 (sd 0.071) for 64..1024; 0.0016 (sd 0.040) for the input layer.
// Four seeds average it down by 2. (Over 20 seeds: sds 0.031, 0.076, 0.079 per seed.)
test('coordinate check after one Adam step: slopes 0, 1 and the three-term prediction for the output under the standard parametrization, 0 under muP', async () => {
  const widths = [64, 128, 256, 512, 1024];
  const small = K.teacherTask({ inputs: 4, teacherWidth: 32, train: 256, test: 256, seed: 1 });
  const seeds = [1, 2, 3, 4];
  const mean = (v) => v.reduce((a, b) => a + b) / v.length;
  const x = widths.map(Math.log);
  const xm = mean(x);
  const sxx = x.reduce((a, v) => a + (v - xm) ** 2, 0);
  const sd = (rel) => Math.sqrt(x.reduce((a, v, i) => a + ((v - xm) / sxx) ** 2 * rel / widths[i], 0) / seeds.length);
  const tol = [Z * sd(1), Z * sd(Math.PI), Z * sd(Math.PI)];
  const d = small.train.features;
  const outputSlope = K.logLogSlope(widths, widths.map((n) => n / Math.sqrt(Math.PI) + n ** 1.5 / Math.PI + d * Math.SQRT2 * Math.sqrt(n) / Math.PI));
  const predicted = { standard: [0, 1, outputSlope], mup: [0, 0, 0] };
  for (const parametrization of ['standard', 'mup']) {
    const slopes = await noLeak(() => seeds.map((seed) => K.coordinateCheck({ task: small, widths, parametrization, optimizer: 'adam', learningRate: 2 ** -12, steps: 1, batchSize: 1, probe: 'firstBatch', seed }).layers.map((l) => l.slope)));
    [0, 1, 2].forEach((l) => {
      const s = mean(slopes.map((r) => r[l]));
      assert.ok(Math.abs(s - predicted[parametrization][l]) <= tol[l], `${parametrization}, layer ${l + 1}: slope ${s.toFixed(3)}, predicted ${predicted[parametrization][l].toFixed(3)} +- ${tol[l].toFixed(3)}`);
    });
  }
});

// The three terms of the output's first Adam step (one example, eta small enough for first
// order), each measured alone (trainLayers) and divided by its prediction, which uses the
// measured means of the layers' inputs and active fractions a_l of the probe:
//  - readout: f is linear in its weights, df = eta sum_j x_2j = eta n mean(x_2) exactly; the
//    ratio is off only by float32 rounding of f(1) - f(0), |f| 2^-24 against df = eta n mean(x_2)
//    ~ 5e-4: ~1e-4. Allow 2e-3.
//  - hidden: df = eta n mean(x_1) sum_j a_j |w_j|, and sum_j a_j |w_j| ~ n a_2 g sqrt(2/pi) / sqrt(n)
//    with a relative sd sqrt(pi/2 - 1) / sqrt(n a_2) = 0.755 / sqrt(n/2) (|w_j| half-normal).
//  - input: df = eta sum_k |x_0k| sum_j |df/dz_1j|; df/dz_1j = a_1j sum_k W_2jk a_2k w_k is normal
//    given w, with variance n a_2 (g^2/n)^2, so sum_j ~ n a_1 sqrt(2/pi) g^2 sqrt(a_2 / n), relative
//    sd ~ (0.755 + 0.5) / sqrt(n/2) (the half-normals, and the spread of sum_k a_2k w_k^2).
// Each width's mean over 4 seeds must be within Z sd / 2 of 1. (Over 16 seeds the sds per seed
// were 0.03-0.09 for the hidden term and 0.04-0.12 for the input's, below these models.)
test('the output\'s first Adam step is the sum of three terms, input layer ~ sqrt(n), hidden ~ n^1.5, readout ~ n: each measured alone', async () => {
  const widths = [64, 128, 256, 512, 1024];
  const t16 = K.teacherTask({ inputs: 16, teacherWidth: 32, train: 256, test: 64, seed: 5 });
  const eta = 2 ** -16;
  const g2 = 2;
  const seeds = [1, 2, 3, 4];
  const predicted = (l, c, w) => {
    const n = widths[w];
    const [x0, x1, x2] = [0, 1, 2].map((k) => c.layers[k].inputSize[0][w]);
    const [a1, a2] = [0, 1].map((k) => c.layers[k].active[0][w]);
    if (l === 3) return n * x2;
    if (l === 2) return n * x1 * n * a2 * Math.sqrt(g2 * 2 / Math.PI) / Math.sqrt(n);
    return 16 * x0 * n * a1 * Math.sqrt(2 / Math.PI) * g2 * Math.sqrt(a2 / n);
  };
  for (const l of [1, 2, 3]) {
    const ratios = await noLeak(() => seeds.map((seed) => {
      const c = K.coordinateCheck({ task: t16, widths, parametrization: 'standard', optimizer: 'adam', learningRate: eta, steps: 1, batchSize: 1, probe: 'firstBatch', trainLayers: [l], seed });
      return widths.map((_, w) => c.layers[2].delta[0][w] / eta / predicted(l, c, w));
    }));
    widths.forEach((n, w) => {
      const mean = ratios.reduce((a, r) => a + r[w], 0) / seeds.length;
      const tol = l === 3 ? 2e-3 : Z * ((l === 2 ? 0.755 : 1.255) / Math.sqrt(n / 2)) / Math.sqrt(seeds.length);
      assert.ok(Math.abs(mean - 1) <= tol, `layer ${l} alone, width ${n}: measured / predicted ${mean.toFixed(4)} (tol ${tol.toFixed(4)})`);
    });
  }
});

test('coordinate check: sizes, inputs, active fractions and changes per step and width; zero readout starts the output at 0', async () => {
  const widths = [32, 64];
  const c = await noLeak(() => K.coordinateCheck({ task, widths, parametrization: 'mup', optimizer: 'sgd', readout: 'zero', learningRate: 0.01, steps: 2, batchSize: 8, probe: 16, baseWidth: 32, seed: 4 }));
  assert.equal(c.layers.length, 3);
  c.layers.forEach((l) => {
    assert.equal(l.size.length, 3);
    assert.equal(l.delta.length, 2);
    assert.equal(l.size[0].length, widths.length);
  });
  assert.deepEqual(c.layers[2].size[0], [0, 0], 'zero readout: f = 0 at init');
  // Step 1 moves only the readout (every other gradient passes through its zero weights).
  assert.deepEqual([c.layers[0].delta[0], c.layers[1].delta[0]], [[0, 0], [0, 0]]);
  assert.equal(c.layers[0].slope === null, false, 'after step 2 every layer has moved');
  assert.ok(c.layers[1].active[0].every((a) => a > 0.3 && a < 0.7), 'about half of the ReLU units are on');
  assert.equal(c.losses.length, 2);
});

// ------------------------------------------------------------------ the sweep

test('learningRateSweep: one row per width, the best rate on the grid and the optimum between grid points; seeded and reproducible', async () => {
  const o = { task, widths: [16, 32], baseWidth: 16, parametrization: 'mup', optimizer: 'adam', learningRates: [2 ** -6, 2 ** -4, 2 ** -2], steps: 15, batchSize: 16, seed: 7 };
  const done = [];
  const a = await noLeak(() => K.learningRateSweep({ ...o, onRun: (d, total) => done.push([d, total]) }));
  assert.deepEqual(done, [[1, 6], [2, 6], [3, 6], [4, 6], [5, 6], [6, 6]]);
  assert.deepEqual(a.map((r) => r.width), [16, 32]);
  a.forEach((r) => {
    const losses = r.testLoss;
    const i = losses.indexOf(Math.min(...losses));
    assert.equal(r.best.index, i);
    assert.equal(r.best.learningRate, o.learningRates[i]);
    if (i === 1) {
      // The vertex of the parabola through (log2 rate, ln loss), by the textbook formula.
      const [x0, x1, x2] = o.learningRates.map(Math.log2);
      const [y0, y1, y2] = losses.map(Math.log);
      const vertex = x1 - 0.5 * ((x1 - x0) ** 2 * (y1 - y2) - (x1 - x2) ** 2 * (y1 - y0)) / ((x1 - x0) * (y1 - y2) - (x1 - x2) * (y1 - y0));
      assert.ok(Math.abs(r.optimumLog2 - vertex) < 1e-9, `${r.optimumLog2} vs ${vertex}`);
    }
    else assert.equal(r.optimumLog2, null, 'no optimum between grid points when the best is at an end');
  });
  assert.ok(a.some((r) => r.best.index === 1), 'one width has its optimum inside the grid, to check the vertex');
  assert.deepEqual(K.learningRateSweep(o), a, 'the same seed gives the same grid');
  const other = K.learningRateSweep({ ...o, seed: 8 });
  assert.notDeepEqual(other.map((r) => r.testLoss), a.map((r) => r.testLoss));
  const single = K.trainParametrized({ task, width: 32, baseWidth: 16, parametrization: 'mup', optimizer: 'adam', learningRate: 2 ** -4, steps: 15, batchSize: 16, seed: 7 });
  assert.equal(a[1].testLoss[1], single.testLoss, 'each grid point is one trainParametrized run');
});

test('a run that diverges stops, reports where, and has no test loss; nothing leaks', async () => {
  const h = await noLeak(() => K.trainParametrized({ task, width: 64, parametrization: 'standard', optimizer: 'sgd', learningRate: 50, steps: 40, batchSize: 16, seed: 1 }));
  assert.equal(typeof h.divergedAt, 'number');
  assert.equal(h.testLoss, null);
  const rows = await noLeak(() => K.learningRateSweep({ task, widths: [64], parametrization: 'standard', optimizer: 'sgd', learningRates: [0.01, 50], steps: 40, batchSize: 16, seed: 1 }));
  assert.equal(rows[0].testLoss[1], null);
  assert.equal(rows[0].best.index, 0);
  await noLeak(() => assert.throws(() => K.coordinateCheck({ task, widths: [64, 128], parametrization: 'standard', optimizer: 'sgd', learningRate: 1e6, steps: 3, batchSize: 16 }), /the width-\d+ network diverged at step \d+.*lower learningRate/));
});

test('bad options throw an Error naming the option and what is allowed', () => {
  const base = { task, width: 32, parametrization: 'mup', optimizer: 'adam', learningRate: 0.01, steps: 2, batchSize: 8 };
  const t = (extra, re, f = K.trainParametrized) => assert.throws(() => f({ ...base, ...extra }), re);
  t({ parametrization: 'ntk' }, /parametrization must be one of standard, mup; got "ntk"/);
  t({ optimizer: 'momentum' }, /optimizer must be one of adam, sgd/);
  t({ learningRate: 0 }, /learningRate must be > 0/);
  t({ batchSize: 1000 }, /batchSize must be at most the number of training examples \(512\)/);
  t({ task: { train: {} } }, /task.train must be regression examples/);
  t({ task: undefined }, /task must be a TeacherTask/);
  t({ trainLayers: [4] }, /trainLayers\[0\] must be a layer from 1 to 3 \(the readout\), got 4/);
  t({ trainLayers: [] }, /trainLayers must list at least one layer number/);
  t({ optimizer: 'sgd', adam: { beta1: 0.8 } }, /adam options are for optimizer "adam"/);
  t({ parametrization: 'standard', form: 'table3' }, /form is muP's readout form/);
  t({ widths: [32] }, /trainParametrized does not take option "widths"/);
  const { width: _w, ...sweep } = base;
  t({ ...sweep, width: undefined, learningRate: undefined, widths: [32, 64], learningRates: [0.1, 0.01] }, /learningRates must be increasing/, K.learningRateSweep);
  t({ ...sweep, width: undefined, learningRate: undefined, widths: [32, 64], learningRates: [] }, /learningRates must list at least one learning rate/, K.learningRateSweep);
  t({ ...sweep, width: undefined, steps: undefined, widths: [32] }, /widths must list at least two widths/, K.coordinateCheck);
  t({ ...sweep, width: undefined, steps: undefined, widths: [32, 32] }, /widths must not repeat a width/, K.coordinateCheck);
  t({ ...sweep, width: undefined, steps: undefined, widths: [32, 64], probe: 1000 }, /probe must be at most the number of test examples \(128\)/, K.coordinateCheck);
  t({ ...sweep, width: undefined, steps: undefined, widths: [32, 64], probe: 'batch' }, /probe must be a whole number >= 1, got "batch"/, K.coordinateCheck);
});

const close = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('adamDenominators: after one step sqrt(v_hat) is |g|, so the package form\'s readout RMS is n_0/n times Table 3\'s, exactly; the rest agree', async () => {
  const task = K.teacherTask({ inputs: 8, teacherWidth: 16, train: 256, test: 64, seed: 3 });
  const o = { task, parametrization: 'mup', optimizer: 'adam', widths: [16, 64], baseWidth: 16, learningRate: 2 ** -8, steps: 1, batchSize: 16, seed: 4 };
  const [pkg, t3] = await noLeak(() => ['multiplier', 'table3'].map((form) => K.adamDenominators({ ...o, form })));
  assert.equal(pkg.epsilon, K.ADAM_DEFAULTS.epsilon);
  assert.equal(pkg.rms.length, 3);
  // The two forms are the same network: the readout's gradient differs by alpha = n_0/n (1 and
  // 1/4), every other gradient not at all. float32 sums: a few ulps.
  o.widths.forEach((n, w) => {
    close(pkg.rms[2][w] / t3.rms[2][w], 16 / n, 1e-5, `readout at width ${n}`);
    close(pkg.rms[0][w] / t3.rms[0][w], 1, 1e-5, `input layer at width ${n}`);
    close(pkg.rms[1][w] / t3.rms[1][w], 1, 1e-5, `hidden layer at width ${n}`);
  });
  pkg.slope.forEach((s, l) => close(s, K.logLogSlope(o.widths, pkg.rms[l]), 1e-12, `slope ${l}`));
  assert.throws(() => K.adamDenominators({ ...o, optimizer: 'sgd' }), /adamDenominators measures Adam: optimizer must be "adam", got "sgd"/);
  assert.throws(() => K.adamDenominators({ ...o, steps: 0 }), /steps must be a whole number >= 1/);
});

test('measureGradientSlopes: at initialization the gradients scale as the backward pass says, within the checker\'s tolerance', async () => {
  // The chapter's task: each network's gradients carry its own error f - y, which varies by a
  // factor of a few from seed to seed, so six seeds over widths 64 to 1024 come within the
  // tolerance of the theory, not closer.
  const task = K.teacherTask({ inputs: 16, teacherWidth: 64, train: 8192, test: 1024, seed: 1 });
  const m = await noLeak(() => K.measureGradientSlopes(task));
  for (const p of ['standard', 'mup']) {
    for (const r of ['input', 'hidden', 'readout']) {
      assert.ok(Math.abs(m[p][r] - K.GRADIENT_SLOPES[p][r]) <= K.SLOPE_TOLERANCE, `${p} ${r}: measured ${m[p][r]}, theory ${K.GRADIENT_SLOPES[p][r]}`);
    }
  }
});
