import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K, tf, noLeak } from './lib.mjs';

test('tanh is exact to float32 in relative terms at every scale, 0 included, and so is its slope', async () => {
  // Values from 1e-30 to 20 on both sides, and 0: the series branch below |x| = 1/8, the
  // sigmoid one above, and the join itself (values on each side of 1/8).
  const xs = [0, 0.125, -0.125, Math.fround(0.125 - 1e-8), 0.1250001];
  for (let e = -30; e <= 1.3; e += 0.01) xs.push(10 ** e, -(10 ** e));
  const f = K.activationFn('tanh');
  const [x32, y, dy] = await noLeak(() => tf.tidy(() => {
    const x = tf.tensor1d(xs);
    return [x.dataSync(), f(x).dataSync(), tf.grad((t) => f(t).sum())(x).dataSync()];
  }));
  x32.forEach((x, i) => {
    const want = Math.tanh(x);
    // Relative: float32 rounds to 6e-8; the sigmoid form adds up to 3e-8 of absolute error
    // (sigmoid's rounding near 1/2, doubled) over |tanh x| >= tanh(1/8), at most 4.8e-7;
    // the series' remainder is below 2.1e-7 |x|. 6e-7 covers both and fails 2 sigmoid(2x) - 1
    // near 0 (where it returns exactly 0, a relative error of 1).
    const tol = 6e-7 * Math.abs(want) + (want === 0 ? 0 : 1e-45);
    assert.ok(Math.abs(y[i] - want) <= tol, `tanh(${x}): ${y[i]} vs ${want}`);
    // The slope 1/cosh² (1 - tanh² cancels in float64 itself for large |x|), to a few float32 roundings.
    const slope = 1 / Math.cosh(x) ** 2;
    assert.ok(Math.abs(dy[i] - slope) <= 1e-6 * slope, `tanh'(${x}): ${dy[i]} vs ${slope}`);
  });
  // The case the series is there for: a variance of 1e-19 does not become 0.
  // tanh x = x (1 + O(x²)) there, so the two variances agree to float32 rounding.
  const [vx, vy] = tf.tidy(() => {
    const x = tf.mul(tf.randomNormal([1000], 0, 1, 'float32', 1), 3e-10);
    return [tf.moments(x).variance.dataSync()[0], tf.moments(f(x)).variance.dataSync()[0]];
  });
  assert.ok(Math.abs(vy / vx - 1) < 1e-5, `Var(tanh x) = ${vy} for Var(x) = ${vx}`);
});

test('every activation has the value and slope of its definition', () => {
  const xs = [-2, -0.5, 0.5, 2];
  const defs = {
    linear: [(x) => x, () => 1],
    relu: [(x) => Math.max(0, x), (x) => (x > 0 ? 1 : 0)],
    sigmoid: [(x) => 1 / (1 + Math.exp(-x)), (x) => Math.exp(-x) / (1 + Math.exp(-x)) ** 2],
    leakyRelu: [(x) => (x > 0 ? x : K.LEAKY_RELU_ALPHA * x), (x) => (x > 0 ? 1 : K.LEAKY_RELU_ALPHA)],
    // Klambauer et al.'s SELU with their lambda_01 and alpha_01.
    selu: [(x) => K.SELU_LAMBDA * (x > 0 ? x : K.SELU_ALPHA * (Math.exp(x) - 1)), (x) => K.SELU_LAMBDA * (x > 0 ? 1 : K.SELU_ALPHA * Math.exp(x))],
  };
  assert.deepEqual(Object.keys(defs).sort(), K.ACTIVATION_NAMES.filter((a) => a !== 'tanh').sort(), 'every activation but tanh (above) is checked');
  // The paper's rounded constants.
  assert.equal(K.SELU_LAMBDA.toFixed(4), '1.0507');
  assert.equal(K.SELU_ALPHA.toFixed(4), '1.6733');
  for (const [name, [value, slope]] of Object.entries(defs)) {
    const f = K.activationFn(name);
    const [y, dy] = tf.tidy(() => {
      const x = tf.tensor1d(xs);
      return [f(x).arraySync(), tf.grad((t) => f(t).sum())(x).arraySync()];
    });
    xs.forEach((x, i) => {
      assert.ok(Math.abs(y[i] - value(x)) < 1e-6, `${name}(${x})`);
      assert.ok(Math.abs(dy[i] - slope(x)) < 1e-6, `${name}'(${x})`);
    });
  }
  assert.throws(() => K.activationFn('swish'), /activation must be one of linear, relu, tanh, sigmoid, leakyRelu/);
});
