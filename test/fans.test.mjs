import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K } from './lib.mjs';

test('dense kernel [in, out]: fanIn = in, fanOut = out', () => {
  assert.deepEqual(K.computeFans([784, 128]), { fanIn: 784, fanOut: 128 });
});

test('conv kernels multiply channels by the receptive field', () => {
  // 2-D conv [kh, kw, in, out]: each output sees kh*kw*in inputs.
  assert.deepEqual(K.computeFans([3, 3, 16, 32]), { fanIn: 3 * 3 * 16, fanOut: 3 * 3 * 32 });
  // 1-D conv [k, in, out] and 3-D conv [kd, kh, kw, in, out].
  assert.deepEqual(K.computeFans([5, 4, 8]), { fanIn: 5 * 4, fanOut: 5 * 8 });
  assert.deepEqual(K.computeFans([2, 3, 3, 4, 6]), { fanIn: 2 * 3 * 3 * 4, fanOut: 2 * 3 * 3 * 6 });
});

test('a 1-D shape has fanIn = fanOut = its length', () => {
  assert.deepEqual(K.computeFans([7]), { fanIn: 7, fanOut: 7 });
});

test('bad shapes throw an Error naming the argument', () => {
  assert.throws(() => K.computeFans([]), /shape must be a non-empty array/);
  assert.throws(() => K.computeFans('3,4'), /shape must be a non-empty array/);
  assert.throws(() => K.computeFans([3, 0]), /shape\[1\] must be a whole number >= 1, got 0/);
  assert.throws(() => K.computeFans([-2, 4]), /shape\[0\] must be a whole number >= 1, got -2/);
  assert.throws(() => K.computeFans([2.5, 4]), /shape\[0\] must be a whole number >= 1, got 2.5/);
  assert.throws(() => K.computeFans([NaN, 4]), /shape\[0\] must be a whole number >= 1, got NaN/);
});
