import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K } from './lib.mjs';

const expectRight = (f) => assert.equal(f.ok, true, f.message);
const expectWrong = (f, pattern) => {
  assert.equal(f.ok, false, `accepted a wrong answer: ${f.message}`);
  assert.match(f.message, pattern);
};

test('Glorot limit: the right formula passes, the usual slips are named', () => {
  expectRight(K.checkGlorotLimit((i, o) => Math.sqrt(6 / (i + o))));
  expectRight(K.checkGlorotLimit((i, o) => Math.sqrt(3 / ((i + o) / 2))));
  expectWrong(K.checkGlorotLimit((i, o) => Math.sqrt(2 / (i + o))), /standard deviation.*not the limit/);
  expectWrong(K.checkGlorotLimit((i, o) => 2 / (i + o)), /That is the variance/);
  expectWrong(K.checkGlorotLimit((i, o) => 6 / (i + o)), /a², not a/);
  expectWrong(K.checkGlorotLimit((i, o) => Math.sqrt(3 / (i + o))), /factor of 2 is missing/);
  expectWrong(K.checkGlorotLimit((i) => Math.sqrt(6 / i)), /fanIn only.*He's uniform/);
  expectWrong(K.checkGlorotLimit((_, o) => Math.sqrt(6 / o)), /fanOut only/);
  expectWrong(K.checkGlorotLimit((i, o) => Math.sqrt(6) / (i + o)), /square root must cover/);
  expectWrong(K.checkGlorotLimit((i, o) => 10 * Math.sqrt(6 / (i + o))), /10\.00 times the right ones/);
  expectWrong(K.checkGlorotLimit(() => NaN), /not a finite number/);
  expectWrong(K.checkGlorotLimit(() => { throw new Error('todo'); }), /threw .*todo/);
  expectWrong(K.checkGlorotLimit(0.1), /should be a function/);
});

test('He std: the right formula passes, the usual slips are named', () => {
  expectRight(K.checkHeStd((i) => Math.sqrt(2 / i)));
  expectWrong(K.checkHeStd((i) => 2 / i), /That is the variance/);
  expectWrong(K.checkHeStd((i) => Math.sqrt(1 / i)), /factor of 2 is missing/);
  expectWrong(K.checkHeStd((_, o) => Math.sqrt(2 / o)), /Fan-in and fan-out are swapped/);
  expectWrong(K.checkHeStd((i, o) => Math.sqrt(2 / (i + o))), /Glorot's std/);
  expectWrong(K.checkHeStd((i) => Math.sqrt(6 / i)), /uniform\* limit/);
});

test('variance prediction: within 1% passes; sigma for sigma², std for variance, a missing n or ½ are named', () => {
  const relu = { fanIn: 256, weightStd: 0.05, inputVariance: 2, activation: 'relu' };
  const correct = 256 * 0.0025 * 2 * 0.5; // 0.64
  expectRight(K.checkVariancePrediction(correct, relu));
  expectRight(K.checkVariancePrediction(0.641, relu));
  expectWrong(K.checkVariancePrediction(256 * 0.05 * 2 * 0.5, relu), /σ where σ² belongs/);
  expectWrong(K.checkVariancePrediction(Math.sqrt(correct), relu), /standard deviation of z/);
  expectWrong(K.checkVariancePrediction(0.0025 * 2 * 0.5, relu), /fan-in is missing/);
  expectWrong(K.checkVariancePrediction(2 * correct, relu), /factor ½ is missing/);
  const linear = { ...relu, activation: 'linear' };
  expectRight(K.checkVariancePrediction(2 * correct, linear));
  expectWrong(K.checkVariancePrediction(correct, linear), /no ReLU here/);
  expectWrong(K.checkVariancePrediction(7, linear), /times the right one/);
  expectWrong(K.checkVariancePrediction('0.64', relu), /should be a number/);
});

test('symmetry fix: constants are refused with the reason, a scaled random init passes', () => {
  expectWrong(K.checkSymmetryFix({ name: 'constant', value: 0.3 }), /same value .*symmetry is not broken/);
  expectWrong(K.checkSymmetryFix('ones'), /symmetry is not broken/);
  expectWrong(K.checkSymmetryFix(1e-4), /too small or too large/);
  expectWrong(K.checkSymmetryFix('he'), /cannot be used: name must be one of/);
  expectRight(K.checkSymmetryFix('heNormal'));
});

test('feedback needs a kernel, and says so', () => {
  assert.throws(() => K.feedback({ ok: true, message: 'x' }), /needs the tslab kernel/);
});
