import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K } from './lib.mjs';

const expectRight = (f) => assert.equal(f.ok, true, f.message);
const expectWrong = (f, pattern) => {
  assert.equal(f.ok, false, `accepted a wrong answer: ${f.message}`);
  assert.match(f.message, pattern);
};

test('symmetry fix: constants are refused with the reason, a scaled random init passes', () => {
  expectWrong(K.checkSymmetryFix({ name: 'constant', value: 0.3 }), /same value .*symmetry is not broken/);
  expectWrong(K.checkSymmetryFix('ones'), /symmetry is not broken/);
  expectWrong(K.checkSymmetryFix(1e-4), /too small or too large/);
  expectWrong(K.checkSymmetryFix('he'), /cannot be used: init must be one of/);
  expectRight(K.checkSymmetryFix('heNormal'));
});

test('feedback needs a kernel, and says so', () => {
  assert.throws(() => K.feedback({ ok: true, message: 'x' }), /needs the tslab kernel/);
});

test('branch scale (chapter 7): the right formula passes, the usual slips are named, and the stream is measured', () => {
  const right = K.checkBranchScale((N, v) => 1 / Math.sqrt(N * v));
  expectRight(right);
  // The measured 24-block stream at alpha = 1/sqrt(24) ends near 2 (the formula's value).
  const measured = Number(right.message.match(/measures Var\(x_24\) = ([\d.]+)/)[1]);
  assert.ok(Math.abs(measured - 2) < 0.3, `measured ${measured}`);
  expectWrong(K.checkBranchScale((N) => 1 / Math.sqrt(N)), /ignores the branch variance v/);
  expectWrong(K.checkBranchScale((N) => 1 / Math.sqrt(2 * N)), /nanoGPT's count/);
  expectWrong(K.checkBranchScale((N, v) => 1 / (N * v)), /That is alpha², not alpha/);
  expectWrong(K.checkBranchScale((N) => 1 / N), /alpha² = 1\/N²/);
  expectWrong(K.checkBranchScale((N, v) => Math.sqrt(v / N)), /wrong side of the fraction/);
  expectWrong(K.checkBranchScale((N, v) => Math.sqrt(2 / (N * v))), /starts at variance 1, so the blocks may add 2 - 1 = 1/);
  expectWrong(K.checkBranchScale((N, v) => 1 / Math.sqrt(2 * N * v)), /keeps the stream at 1.5/);
  expectWrong(K.checkBranchScale((N, v) => Math.sqrt((2 ** (1 / N) - 1) / v)), /without normalization/);
  expectWrong(K.checkBranchScale(() => 0.1), /0\.490 times the right one/);
  expectWrong(K.checkBranchScale(() => -1), /not a finite number >= 0/);
  expectWrong(K.checkBranchScale(() => { throw new Error('todo'); }), /threw .*todo/);
  expectWrong(K.checkBranchScale(0.2), /should be a function/);
});

test('χ₁ from q* (chapter 6): the right function passes, the usual slips are named', () => {
  const layer = (sw2, sb2) => ({ activation: 'tanh', weightVariance: sw2, biasVariance: sb2 });
  const slope = (q) => K.activationMoments({ activation: 'tanh', variance: q }).slopeSquare;
  // The chapter's solution: iterate the variance map to q*, then sigma_w^2 E[tanh'(z)^2] there.
  const fixed = (sw2, sb2) => {
    let q = 1;
    for (let step = 0; step < 100; step++) q = K.varianceMap(layer(sw2, sb2), q);
    return q;
  };
  const chi1 = (sw2, sb2) => sw2 * slope(fixed(sw2, sb2));
  const verdict = K.checkChi1(chi1);
  expectRight(verdict);
  assert.match(verdict.message, /crosses 1 at σ_w² = 1\.76\d+ for σ_b² = 0\.05, the edge of chaos/);
  expectRight(K.checkChi1((sw2, sb2) => K.meanField(layer(sw2, sb2)).chi1));
  const qStar = (sw2, sb2) => K.meanField(layer(sw2, sb2)).qStar;
  expectWrong(K.checkChi1((sw2) => sw2), /σ_w² itself.*linear one/);
  expectWrong(K.checkChi1((sw2) => sw2 * slope(1)), /slope at q = 1/);
  expectWrong(K.checkChi1((sw2, sb2) => sw2 * slope(K.varianceMap(layer(sw2, sb2), 1))), /one step of the variance map/);
  expectWrong(K.checkChi1((sw2, sb2) => slope(qStar(sw2, sb2))), /E\[tanh′\(z\)²\] alone/);
  expectWrong(K.checkChi1((sw2) => sw2 * slope(qStar(sw2, 0))), /without biases/);
  expectWrong(K.checkChi1((sw2, sb2) => sw2 * slope(Math.sqrt(qStar(sw2, sb2)))), /√q\*/);
  expectWrong(K.checkChi1((sw2, sb2) => sw2 * K.activationMoments({ activation: 'tanh', variance: qStar(sw2, sb2) }).variance), /Var\(tanh\(z\)\)/);
  expectWrong(K.checkChi1((sw2, sb2) => chi1(sb2, sw2)), /swapped/);
  expectWrong(K.checkChi1((sw2, sb2) => 1.1 * chi1(sw2, sb2)), /Not yet: .*you return 0\.83493, .*χ₁ is 0\.75903, 1\.2089, 0\.80889/);
  // Right at the points asked, wrong elsewhere: the edge it implies gives it away.
  const asked = (sw2, sb2) => K.CHI1_QUESTIONS.some(([a, b]) => a === sw2 && b === sb2);
  expectWrong(K.checkChi1((sw2, sb2) => (asked(sw2, sb2) ? chi1(sw2, sb2) : sw2)), /right at .* but it crosses 1 at σ_w² = 1\.0000/);
  expectWrong(K.checkChi1(() => NaN), /not a finite number/);
  expectWrong(K.checkChi1(() => { throw new Error('todo'); }), /threw .*todo/);
  expectWrong(K.checkChi1(1.76), /should be a function/);
});
