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

test('stream prediction (chapter 7): the right predictions pass, each usual slip is named, and the networks are measured', () => {
  const { blocks: L, scale: a } = K.STREAM_TASK;
  const g = 1 + a * a; // a block's factor on the variance, v = 1
  const truth = { preNorm: 1 + L * a * a, noNorm: g ** L, postNormShare: g ** (-L / 2) };
  const ok = K.checkStreamPrediction(truth);
  expectRight(ok);
  // The measurements quoted in the verdict: pre-norm's sum of L branch variances, each about 1
  // with a scatter of a few tenths, stays well within 15%; the post-norm share within 10%.
  const measured = [...ok.message.matchAll(/the network measures ([\d.e+-]+)/g)].map((m) => Number(m[1]));
  assert.equal(measured.length, 3);
  assert.ok(Math.abs(measured[0] / truth.preNorm - 1) < 0.15, `pre-norm measured ${measured[0]}`);
  assert.ok(Math.abs(Math.log(measured[1] / truth.noNorm)) < Math.log(3), `no norm measured ${measured[1]}`);
  assert.ok(Math.abs(measured[2] / truth.postNormShare - 1) < 0.1, `post-norm share measured ${measured[2]}`);
  // Within 5% counts: Var(x_0) of the drawn batch is not exactly 1.
  expectRight(K.checkStreamPrediction({ ...truth, preNorm: truth.preNorm * 0.97 }));
  const slip = (part, value, pattern) => {
    const f = K.checkStreamPrediction({ ...truth, [part]: value });
    expectWrong(f, pattern);
    assert.match(f.message, /2 of 3 right/);
  };
  slip('preNorm', g ** L, /pre-norm: that compounds/);
  slip('preNorm', 1 + L * a, /pre-norm: a branch scaled by alpha adds alpha² v to the variance, not alpha v/);
  slip('preNorm', L * a * a, /pre-norm: the stream starts at the input's variance/);
  slip('preNorm', 1 + L, /pre-norm: the branches are scaled by alpha/);
  slip('preNorm', 1, /pre-norm: a pre-norm stream is not normalized itself/);
  slip('noNorm', 1 + L * a * a, /no norm: that is linear growth/);
  slip('noNorm', (1 + a) ** L, /no norm: .*not 1 \+ alpha v/);
  slip('noNorm', 2 ** L, /no norm: .*not 2/);
  slip('postNormShare', g ** -L, /post-norm share: that is the factor on the variance/);
  slip('postNormShare', 1, /post-norm share: the normalization after each block divides the shortcut too/);
  slip('postNormShare', 1 / Math.sqrt(1 + L * a * a), /post-norm share: that normalizes once, at the end/);
  slip('postNormShare', 2 ** (-L / 2), /post-norm share: .*not sqrt\(2\)/);
  slip('postNormShare', (1 + a) ** (-L / 2), /post-norm share: .*not alpha v/);
  // A guess that matches no slip gets the ratio to the derivation.
  expectWrong(K.checkStreamPrediction({ ...truth, noNorm: 10 * truth.noNorm }), /no norm: .*10 times as much as the derivation gives/);
  expectWrong(K.checkStreamPrediction({ preNorm: NaN, noNorm: NaN, postNormShare: 0.5 }), /prediction for preNorm, noNorm first/);
  expectWrong(K.checkStreamPrediction({ ...truth, noNorm: -1 }), /noNorm must be a finite number > 0/);
  expectWrong(K.checkStreamPrediction({ ...truth, postNormShare: '0.2' }), /postNormShare must be a finite number > 0/);
  expectWrong(K.checkStreamPrediction(5), /should be an object \{ preNorm, noNorm, postNormShare \}/);
  expectWrong(K.checkStreamPrediction(null), /got null/);
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
