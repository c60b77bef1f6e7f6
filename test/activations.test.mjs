import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K, tf, noLeak } from './lib.mjs';

test('tanh (computed as 2 sigmoid(2x) - 1) matches Math.tanh and its gradient 1 - tanh^2', async () => {
  const xs = Array.from({ length: 2001 }, (_, i) => -10 + i / 100);
  const f = K.activationFn('tanh');
  const [y, dy] = await noLeak(() => tf.tidy(() => {
    const x = tf.tensor1d(xs);
    return [f(x).arraySync(), tf.grad((t) => f(t).sum())(x).arraySync()];
  }));
  xs.forEach((x, i) => {
    // float32: a few units of 6e-8 in the value, and the slope computed from float32 sigmoids.
    assert.ok(Math.abs(y[i] - Math.tanh(x)) < 3e-7, `tanh(${x}): ${y[i]} vs ${Math.tanh(x)}`);
    assert.ok(Math.abs(dy[i] - (1 - Math.tanh(x) ** 2)) < 1e-6, `tanh'(${x}): ${dy[i]}`);
  });
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
