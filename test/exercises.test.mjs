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

test('a 200-layer tanh network that still separates (chapter 6): the right answer passes, the usual slips are named', () => {
  const T = K.SEPARATION_TASK;
  const layer = (sw2) => ({ activation: 'tanh', weightVariance: sw2, biasVariance: T.biasVariance });
  // The chapter's solution: the edge for this bias variance, then the correlation map from layer 1.
  const predict = (sw2, c0, { steps = T.depth - 1, q, firstBias = true } = {}) => {
    const qStar = K.meanField(layer(sw2)).qStar;
    let c = firstBias ? ((qStar - T.biasVariance) * c0 + T.biasVariance) / qStar : c0;
    for (let l = 0; l < steps; l++) c = K.correlationMap(layer(sw2), q ?? qStar, c);
    return 1 - c;
  };
  const edge = K.criticalWeightVariance({ activation: 'tanh', biasVariance: T.biasVariance });
  const answer = (sw2, o = {}) => ({ weightVariance: sw2, unrelated: predict(sw2, T.unrelated, o), similar: predict(sw2, T.similar, o) });
  const right = answer(edge);
  const verdict = K.checkSeparation(right);
  expectRight(verdict);
  assert.match(verdict.message, /At layer 200 the maps give 1 − c = 0\.01\d+ for the unrelated pair .* Measured in one such network/);
  // Slightly ordered, inside the band: also right.
  expectRight(K.checkSeparation(answer(0.99 * edge)));
  // The choice of sigma_w^2: each known value named, with what the maps say.
  const guess = { unrelated: 0.5, similar: 0.01 };
  expectWrong(K.checkSeparation({ weightVariance: 1, ...guess }), /Glorot's.*deep in the ordered phase.*unrelated inputs end up alike.*as alike as float32 can tell/);
  expectWrong(K.checkSeparation({ weightVariance: K.criticalWeightVariance({ activation: 'tanh', biasVariance: 0.05 }), ...guess }), /the edge for σ_b² = 0\.05/);
  expectWrong(K.checkSeparation({ weightVariance: Math.sqrt(edge), ...guess }), /a gain g = √σ_w², not σ_w²/);
  expectWrong(K.checkSeparation({ weightVariance: edge / T.width, ...guess }), /variance of one weight/);
  expectWrong(K.checkSeparation({ weightVariance: 25 / 9, ...guess }), /gain 5\/3 squared.*σ_b² = 0\.457.*chaotic.*pulled apart nearly as far/);
  expectWrong(K.checkSeparation({ weightVariance: 1.1 * edge, ...guess }), /chaotic.*only \d\.\d+ times smaller/);
  // The predictions, at a sigma_w^2 that separates.
  expectWrong(K.checkSeparation({ ...right, unrelated: right.similar, similar: right.unrelated }), /swapped/);
  expectWrong(K.checkSeparation({ ...right, unrelated: 1 - right.unrelated, similar: 1 - right.similar }), /correlations c, not 1 − c/);
  expectWrong(K.checkSeparation(answer(edge, { steps: T.depth })), /That is layer 201/);
  expectWrong(K.checkSeparation(answer(edge, { firstBias: false })), /started the map at the inputs' correlation c₀/);
  expectWrong(K.checkSeparation(answer(edge, { q: 1 })), /correlation map at q = 1/);
  expectWrong(K.checkSeparation({ ...right, unrelated: 0, similar: 0 }), /fixed point c\*/);
  expectWrong(K.checkSeparation({ ...right, unrelated: 2 * right.unrelated }), /not the maps'.*you predict 1 − c = 0\.0\d+ and/);
  // Nonsense: a clear verdict; not an answer at all: an Error naming the field.
  expectWrong(K.checkSeparation({ ...right, weightVariance: -1 }), /must be positive/);
  assert.throws(() => K.checkSeparation(2.3), /takes an object \{ weightVariance, unrelated, similar \}, got 2\.3/);
  assert.throws(() => K.checkSeparation({ weightVariance: 2.3, unrelated: 0.01 }), /answer\.similar must be a finite number, got undefined/);
  assert.throws(() => K.checkSeparation({ ...right, unrelated: NaN }), /answer\.unrelated must be a finite number, got NaN/);
  assert.throws(() => K.checkSeparation({ ...right, sigma: 1 }), /not "sigma"/);
});
