// The wasm backend's missing and slow kernels (src/backend/wasm-kernels.ts), checked against
// the cpu backend's: the filter gradient of a convolution, and products with a transposed operand.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { tf } from './lib.mjs';

const require = createRequire(import.meta.url);
require('@tensorflow/tfjs-backend-wasm');
const { registerWasmKernels } = require('../dist/backend/wasm-kernels.js');
registerWasmKernels();
const home = tf.getBackend();
after(() => tf.setBackend(home));

/** fn's result as float64 values on `backend`, from the same inputs (given as plain arrays). */
async function on(backend, fn) {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const values = tf.tidy(() => Float64Array.from(fn().dataSync()));
  assert.equal(tf.memory().numTensors, before, `${backend}: tensors left behind`);
  return values;
}

/** The largest |a - b| over the largest |b|: float32 sums in another order agree to about 1e-6 of the scale. */
function relativeGap(a, b) {
  assert.equal(a.length, b.length);
  let gap = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    gap = Math.max(gap, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return gap / scale;
}

const seeded = (shape, seed) => Array.from(tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync()));

test('wasm has a Conv2DBackpropFilter, and it agrees with the cpu backend (strides, padding, NHWC and NCHW)', async () => {
  assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm'), 'registered');
  const cases = [
    { x: [2, 9, 9, 3], f: [3, 3, 3, 4], strides: 1, pad: 'valid' },
    { x: [3, 10, 8, 2], f: [3, 2, 2, 5], strides: 2, pad: 'same' },
    { x: [2, 7, 7, 1], f: [5, 5, 1, 3], strides: [1, 2], pad: 'same' },
    { x: [1, 6, 6, 4], f: [1, 1, 4, 2], strides: 1, pad: 'valid' },
    { x: [2, 8, 9, 3], f: [3, 3, 3, 2], strides: 1, pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  ];
  for (const [k, c] of cases.entries()) {
    const xv = seeded(c.x, 10 + k);
    const wv = seeded(c.f, 20 + k);
    const grad = () => {
      const x = tf.tensor4d(xv, c.x);
      const w = tf.tensor4d(wv, c.f);
      // d/dW of sum(conv(x, W) * r) for a fixed r: a gradient with every entry of dy different.
      const f = (w_) => tf.sum(tf.mul(tf.conv2d(x, w_, c.strides, c.pad), tf.sin(tf.conv2d(x, w_, c.strides, c.pad))));
      return tf.grad(f)(w);
    };
    const cpu = await on('cpu', grad);
    const wasm = await on('wasm', grad);
    assert.ok(relativeGap(wasm, cpu) < 1e-5, `case ${k}: gap ${relativeGap(wasm, cpu)}`);
  }
  // NCHW: tf.conv2d takes dataFormat 'NCHW' only through the kernel, so call it directly.
  const xv = seeded([2, 3, 7, 6], 31);
  const dyv = seeded([2, 4, 5, 4], 32);
  const filter = () => tf.engine().runKernel('Conv2DBackpropFilter',
    { x: tf.tensor4d(xv, [2, 3, 7, 6]), dy: tf.tensor4d(dyv, [2, 4, 5, 4]) },
    { strides: [1, 1], pad: 'valid', dataFormat: 'NCHW', dimRoundingMode: undefined, filterShape: [3, 3, 3, 4] });
  const cpu = await on('cpu', filter);
  const wasm = await on('wasm', filter);
  assert.ok(relativeGap(wasm, cpu) < 1e-5, `NCHW: gap ${relativeGap(wasm, cpu)}`);
});

test('wasm products with a transposed operand agree with the cpu backend, batched or not', async () => {
  const shapes = [
    [[64, 30], [64, 20], true, false],
    [[30, 64], [20, 64], false, true],
    [[64, 30], [20, 64], true, true],
    [[3, 7, 5], [3, 7, 4], true, false],
    [[3, 5, 7], [1, 4, 7], false, true],
  ];
  for (const [k, [as, bs, ta, tb]] of shapes.entries()) {
    const av = seeded(as, 40 + k);
    const bv = seeded(bs, 50 + k);
    const product = () => tf.matMul(tf.tensor(av, as), tf.tensor(bv, bs), ta, tb);
    const cpu = await on('cpu', product);
    const wasm = await on('wasm', product);
    assert.ok(relativeGap(wasm, cpu) < 1e-5, `case ${k}: gap ${relativeGap(wasm, cpu)}`);
  }
});
