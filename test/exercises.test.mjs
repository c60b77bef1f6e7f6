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
  expectWrong(K.checkGlorotLimit((i) => 1 / Math.sqrt(i)), /older "standard" limit 1\/sqrt\(fanIn\).*1\/3/);
  expectWrong(K.checkGlorotLimit((i) => Math.sqrt(1 / i)), /older "standard" limit/);
  expectWrong(K.checkGlorotLimit((i, o) => Math.sqrt(24 / (i + o))), /twice too large.*\(2a\)²\/12 = a²\/3/);
  expectWrong(K.checkGlorotLimit((i, o) => Math.sqrt(6 / (i * o))), /product fanIn · fanOut/);
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
  expectWrong(K.checkHeStd((i) => Math.sqrt(1 / (2 * i))), /2 is on the wrong side/);
  expectWrong(K.checkHeStd((i) => 1 / Math.sqrt(2 * i)), /2 is on the wrong side/);
  expectWrong(K.checkHeStd((i) => Math.sqrt(2) / i), /square root must cover/);
  expectWrong(K.checkHeStd((i) => Math.sqrt(2 / i) / K.TRUNCATION_STD), /before\* the cut.*0\.8796/);
  expectWrong(K.checkHeStd((i) => 3 * Math.sqrt(2 / i)), /3\.000 times the right ones/);
  expectWrong(K.checkHeStd('sqrt(2 / fanIn)'), /should be a function/);
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
  expectWrong(K.checkVariancePrediction(256 * 0.0025 * 2 * (0.5 - 1 / (2 * Math.PI)), relu), /Var\(relu\(z\)\).*second moment/);
  expectWrong(K.checkVariancePrediction(2, relu), /input's variance, as if the layer kept it.*fanIn · σ² · ½, here 0\.32, not 1/);
  const linear = { ...relu, activation: 'linear' };
  expectRight(K.checkVariancePrediction(2 * correct, linear));
  expectWrong(K.checkVariancePrediction(correct, linear), /no ReLU here/);
  expectWrong(K.checkVariancePrediction(7, linear), /times the right one/);
  expectWrong(K.checkVariancePrediction(2, linear), /as if the layer kept it.*fanIn · σ², here 0\.64, not 1/);
  // Chapter 3's question: a glorotUniform [300, 700] kernel, inputs of variance 2.
  const ch3 = { fanIn: 300, weightStd: Math.sqrt(2 / 1000), inputVariance: 2, activation: 'linear' };
  expectRight(K.checkVariancePrediction(300 * (2 / 1000) * 2, ch3));
  expectWrong(K.checkVariancePrediction(2, ch3), /as if the layer kept it.*here 0\.6, not 1/);
  expectWrong(K.checkVariancePrediction(300 * Math.sqrt(2 / 1000) * 2, ch3), /σ where σ² belongs/);
  expectWrong(K.checkVariancePrediction(400 * (2 / 1000) * 2, ch3), /1\.33 times the right one/);
  // A He layer keeps the variance: then the input's variance is the right answer.
  const he = { fanIn: 512, weightStd: Math.sqrt(2 / 512), inputVariance: 4, activation: 'relu' };
  expectRight(K.checkVariancePrediction(4, he));
  expectWrong(K.checkVariancePrediction(8, he), /factor ½ is missing/);
  expectWrong(K.checkVariancePrediction('0.64', relu), /should be a number/);
});

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

test('gradient slopes (chapter 8): the backward pass\'s slopes pass, the usual slips are named, the measurement is reported', () => {
  const task = K.teacherTask({ inputs: 8, teacherWidth: 16, train: 256, test: 64, seed: 2 });
  // A stand-in for the measurement (tested on its own in mup.test.mjs): the verdicts only quote it.
  const measured = { standard: { input: -0.47, hidden: -0.41, readout: 0.08 }, mup: { input: -1.1, hidden: -1.02, readout: -0.97 } };
  const check = (a) => K.checkGradientSlopes(a, task, () => measured);
  const right = { standard: { input: -0.5, hidden: -0.5, readout: 0 }, mup: { input: -1, hidden: -1, readout: -1 } };
  const withOne = (p, r, v) => ({ ...right, [p]: { ...right[p], [r]: v } });
  expectRight(check(right));
  expectRight(check(withOne('standard', 'hidden', -0.4)));
  assert.match(check(right).message, /Measured \(input, hidden, readout\).*standard −0\.47, −0\.41, \+0\.08; muP −1\.1, −1\.02, −0\.97/);
  expectWrong(check(withOne('standard', 'hidden', 1)), /standard, hidden layer: your \+1: .*one Adam step's effect.*not of the gradient/);
  expectWrong(check(withOne('standard', 'hidden', 0.5)), /standard, hidden layer: your \+0\.5: the sign is flipped/);
  expectWrong(check(withOne('standard', 'readout', -0.5)), /standard, readout: your −0\.5: .*no weight stands between it and the loss/);
  expectWrong(check(withOne('mup', 'readout', 0)), /muP, readout: your 0: that is Table 3's form/);
  expectWrong(check(withOne('mup', 'hidden', -0.5)), /muP, hidden layer: your −0\.5: that is He's readout scale/);
  expectWrong(check(withOne('mup', 'input', -1.5)), /muP, input layer: your −1\.5: δ₁ = W₂ δ₂ .*W₂ adds no factor/);
  expectWrong(check(withOne('standard', 'input', -1)), /standard, input layer: your −1: δ₁ = W₂ δ₂/);
  expectWrong(check(withOne('mup', 'input', 0)), /muP, input layer: your 0: a gradient that keeps its size/);
  expectWrong(check(withOne('standard', 'input', -3)), /standard, input layer: your −3: follow δ = ∂ℓ\/∂z back from the output/);
  // Every slip is named, not just the first, and the measurement follows them.
  const two = check({ standard: { input: -0.5, hidden: 1, readout: 0 }, mup: { input: -1, hidden: -1, readout: 0 } });
  expectWrong(two, /standard, hidden layer.*muP, readout.*Measured/);
  // An answer of zeros (the cell's start) names the five slopes that are not 0.
  assert.equal(check({ standard: { input: 0, hidden: 0, readout: 0 }, mup: { input: 0, hidden: 0, readout: 0 } }).message.match(/your 0:/g).length, 5);
  expectWrong(check({ standard: { input: 0, hidden: 'steep', readout: 0 }, mup: right.mup }), /answer.standard.hidden should be a slope, a finite number/);
  expectWrong(check({ standard: right.standard }), /answer.mup should be \{ input, hidden, readout \}/);
  expectWrong(check(-0.5), /should be an object/);
  assert.throws(() => K.checkGradientSlopes(right, null), /task must be the chapter's teacher task/);
  assert.throws(() => K.checkGradientSlopes(right, task, 'measured'), /measure must be a function/);
});
