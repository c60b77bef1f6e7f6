import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K, noLeak } from './lib.mjs';
import { Z, assertClose, moments, varianceRelTolerance } from './stats.mjs';

const TASK = { examples: 400, inputs: 8, outputs: 4, noise: 0.3, seed: 1 };

/** (x A)[e][o] for row-major x (examples x inputs) and A (inputs x outputs), in float64. */
function times(x, a, rows, inner, cols) {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
    let s = 0;
    for (let i = 0; i < inner; i++) s += x[r * inner + i] * a[i * cols + c];
    out[r * cols + c] = s;
  }
  return out;
}

const mse = (pred, y) => pred.reduce((s, p, i) => s + (p - y[i]) ** 2, 0) / y.length;

test('linearTask: y = x A + noise, with A ~ N(0, 1/inputs) and the noise of the requested std', () => {
  // Large enough that a 5% error in a std (10% in a variance) is several tolerances wide.
  const big = { examples: 2000, inputs: 100, outputs: 100, noise: 0.3, seed: 1 };
  const t = K.linearTask(big);
  assert.equal(t.x.length, big.examples * big.inputs);
  assert.equal(t.y.length, big.examples * big.outputs);
  const fit = times(t.x, t.teacher, t.examples, t.inputs, t.outputs);
  const noise = moments(t.y.map((v, i) => v - fit[i]));
  // n normal draws: the sample variance has relative SE sqrt(2/n); float32 rounding of y is ~1e-7.
  assertClose(noise.variance / big.noise ** 2, 1, varianceRelTolerance(3, noise.n), 'noise variance / noise^2');
  const a = moments(t.teacher);
  assertClose(a.variance * big.inputs, 1, varianceRelTolerance(3, a.n), 'inputs * Var(A)');
  const x = moments(t.x);
  assertClose(x.variance, 1, varianceRelTolerance(3, x.n), 'Var(x)');
});

test('linearTask: same seed same task, another seed another; bad options name themselves', () => {
  assert.deepEqual(K.linearTask(TASK), K.linearTask(TASK));
  assert.notDeepEqual(K.linearTask({ ...TASK, seed: 2 }).y, K.linearTask(TASK).y);
  assert.throws(() => K.linearTask({ ...TASK, examples: 0 }), /examples must be a whole number >= 1, got 0/);
  assert.throws(() => K.linearTask({ ...TASK, noise: -1 }), /noise must be >= 0, got -1/);
  assert.throws(() => K.linearTask({ ...TASK, inputs: 2.5 }), /inputs must be a whole number >= 1, got 2.5/);
  assert.throws(() => K.linearTask({ ...TASK, nosie: 1 }), /linearTask does not take option "nosie"/);
});

test('leastSquares: without noise it recovers the teacher; with noise its residual is orthogonal to x', () => {
  const clean = K.linearTask({ ...TASK, noise: 0 });
  const exact = K.leastSquares(clean);
  // y holds x A rounded to float32 (relative 6e-8), so the fit is exact to about that.
  exact.map.forEach((v, i) => assertClose(v, clean.teacher[i], 1e-5, `map[${i}]`));
  assert.ok(exact.loss < 1e-12, `loss ${exact.loss}`);

  const t = K.linearTask(TASK);
  const { map, loss } = K.leastSquares(t);
  const residual = times(t.x, map, t.examples, t.inputs, t.outputs).map((p, i) => p - t.y[i]);
  // Normal equations: x^T (x A* - y) = 0, up to float64 rounding relative to |x| |y|.
  for (let i = 0; i < t.inputs; i++) for (let o = 0; o < t.outputs; o++) {
    let s = 0;
    for (let e = 0; e < t.examples; e++) s += t.x[e * t.inputs + i] * residual[e * t.outputs + o];
    assertClose(s, 0, 1e-9 * t.examples, `x^T r [${i}][${o}]`);
  }
  // The residual sum of squares of a least-squares fit to Gaussian noise is noise^2 times a
  // chi-square with (examples - inputs) * outputs degrees of freedom: mean noise^2 (1 - inputs/examples)
  // per entry, relative SE sqrt(2 / dof).
  const dof = (t.examples - t.inputs) * t.outputs;
  assertClose(loss / (TASK.noise ** 2 * (1 - t.inputs / t.examples)), 1, Z * Math.sqrt(2 / dof), 'loss / expected');
  assert.ok(loss <= mse(times(t.x, t.teacher, t.examples, t.inputs, t.outputs), t.y), 'no worse than the teacher itself');
});

test('trainDeepLinear: the first loss is the mean squared error of the initial product, computed in JS', () => {
  const t = K.linearTask(TASK);
  const opts = { task: t, depth: 3, width: 6, init: 'glorotNormal', learningRate: 0.01, steps: 2, seed: 9 };
  const h = K.trainDeepLinear(opts);
  const widths = [8, 6, 6, 4];
  assert.deepEqual(h.widths, widths);
  let out = Float64Array.from(t.x);
  for (let l = 0; l < 3; l++) out = times(out, K.sampleInit('glorotNormal', [widths[l], widths[l + 1]], `9/${l}`), t.examples, widths[l], widths[l + 1]);
  // float32 products and sums of a few hundred terms: relative error ~1e-6.
  assertClose(h.loss[0] / mse(out, t.y), 1, 1e-5, 'loss[0] / JS loss');
  assert.deepEqual(h.step, [0, 1, 2]);
});

test('trainDeepLinear: one layer, gradient descent reaches the least-squares loss', () => {
  // One layer: loss = mean((x W - y)^2) is convex with Hessian eigenvalues 2 eig(x^T x / N) / outputs,
  // about 0.35-0.7 here, so learning rate 1 contracts the error by <= 0.7 per step: 300 steps are plenty.
  const t = K.linearTask(TASK);
  const h = K.trainDeepLinear({ task: t, depth: 1, init: 0.1, learningRate: 1, steps: 300, recordEvery: 100, seed: 1 });
  assert.deepEqual(h.step, [0, 100, 200, 300]);
  assertClose(h.loss.at(-1) / K.leastSquares(t).loss, 1, 1e-4, 'final loss / least-squares loss');
  assert.equal(h.divergedAt, null);
});

test('trainDeepLinear: a deep network from orthogonal kernels also reaches the least-squares loss', () => {
  // A deep linear network has no bad local minima; from an orthogonal start (all singular values 1)
  // gradient descent converges to the global one.
  const t = K.linearTask(TASK);
  const h = K.trainDeepLinear({ task: t, depth: 4, width: 8, init: 'orthogonal', learningRate: 0.1, steps: 1500, recordEvery: 500, seed: 1 });
  assertClose(h.loss.at(-1) / K.leastSquares(t).loss, 1, 1e-3, 'final loss / least-squares loss');
});

test('trainDeepLinear: a too-large init overflows; training stops there and keeps the finite losses', async () => {
  const t = K.linearTask(TASK);
  const h = await noLeak(() => K.trainDeepLinear({ task: t, depth: 10, width: 8, init: 3 / Math.sqrt(8), learningRate: 0.1, steps: 50, seed: 1 }));
  assert.ok(h.divergedAt !== null && h.divergedAt < 50, `divergedAt ${h.divergedAt}`);
  assert.equal(h.loss.length, h.divergedAt);
  assert.ok(h.loss.every(Number.isFinite));
  assert.equal(h.weights.length, 10);
});

test('trainDeepLinear: deterministic, leak-free, and bad options name themselves', async () => {
  const t = K.linearTask(TASK);
  const opts = { task: t, depth: 3, init: 'heNormal', learningRate: 0.01, steps: 5, seed: 4 };
  const a = await noLeak(() => K.trainDeepLinear(opts));
  assert.deepEqual(K.trainDeepLinear(opts), a);
  assert.notDeepEqual(K.trainDeepLinear({ ...opts, seed: 5 }).loss, a.loss);
  const bad = (changes, pattern) => assert.throws(() => K.trainDeepLinear({ ...opts, ...changes }), pattern);
  bad({ depth: 0 }, /depth must be a whole number >= 1, got 0/);
  bad({ learningRate: 0 }, /learningRate must be > 0, got 0/);
  bad({ steps: 1.5 }, /steps must be a whole number >= 1, got 1.5/);
  bad({ task: { x: [1] } }, /task must be a LinearTask/);
  bad({ init: ['heNormal'] }, /init must be one spec or one per layer \(depth = 3\)/);
  bad({ init: 'he' }, /init must be one of zeros, .*; got "he"/);
  bad({ lr: 1 }, /trainDeepLinear does not take option "lr"/);
});

test('trainDeepLinear: onRecord sees the history grow one record at a time and changes nothing', async () => {
  const t = K.linearTask(TASK);
  const opts = { task: t, depth: 3, width: 6, init: 'glorotNormal', learningRate: 0.05, steps: 10, recordEvery: 3, seed: 2 };
  const seen = [];
  const h = await noLeak(() => K.trainDeepLinear({ ...opts, onRecord: (r) => seen.push({ step: [...r.step], loss: [...r.loss], weights: r.weights.length }) }));
  // Records at steps 0, 3, 6, 9 and the last one, 10: one call each, after it.
  assert.deepEqual(seen.map((r) => r.step), [[0], [0, 3], [0, 3, 6], [0, 3, 6, 9], [0, 3, 6, 9, 10]]);
  seen.forEach((r, i) => assert.deepEqual(r.loss, h.loss.slice(0, i + 1)));
  assert.ok(seen.every((r) => r.weights === 0), 'weights are filled in when training ends');
  assert.deepEqual(h, K.trainDeepLinear(opts), 'the same history with and without the callback');
  // A run that overflows: no call for the step that was not recorded.
  const calls = [];
  const d = K.trainDeepLinear({ task: t, depth: 10, width: 8, init: 3 / Math.sqrt(8), learningRate: 0.1, steps: 50, seed: 1, onRecord: (r) => calls.push(r.loss.length) });
  assert.deepEqual(calls, Array.from({ length: d.loss.length }, (_, i) => i + 1));
  assert.throws(() => K.trainDeepLinear({ ...opts, onRecord: 'plot' }), /onRecord must be a function \(history\) => void, got "plot"/);
});
