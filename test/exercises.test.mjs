import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K, noLeak } from './lib.mjs';

const expectRight = (f) => assert.equal(f.ok, true, f.message);
const expectWrong = (f, pattern) => {
  assert.equal(f.ok, false, `accepted a wrong answer: ${f.message}`);
  assert.match(f.message, pattern);
};

test('tie puzzle (chapter 1): the measured widths follow the rule, each miss is named with its reason, bad answers get a message', async () => {
  const measured = await noLeak(() => K.measureTiePuzzle());
  // A layer stays one unit exactly when its own kernel and the next one both start constant.
  const constant = (spec) => spec === 'zeros' || (typeof spec === 'object' && spec.name === 'constant');
  for (const [name, kernels] of Object.entries(K.TIE_PUZZLE)) {
    const expected = [0, 1].map((l) => (constant(kernels[l]) && constant(kernels[l + 1]) ? 1 : K.TIE_PUZZLE_SIZES[l + 1]));
    assert.deepEqual(measured[name], expected, `network ${name}`);
  }
  expectRight(K.checkTiePuzzle({ A: [10, 5], B: [10, 1], C: [1, 5], D: [10, 5] }));
  // "Constant anywhere ties the layer" and "zeros stop everything": each miss is named with its reason.
  const slips = K.checkTiePuzzle({ A: [1, 5], B: [10, 5], C: [10, 5], D: [10, 1] });
  expectWrong(slips, /^4 of 8 right\./);
  assert.match(slips.message, /A, layer 1: you predicted 1, measured 10: .*outgoing weights equal too/);
  assert.match(slips.message, /B, layer 2: you predicted 5, measured 1: .*same incoming weights .*same outgoing weight/);
  assert.match(slips.message, /C, layer 1: you predicted 10, measured 1: .*h₁ᵀδ₂, has equal rows/);
  assert.match(slips.message, /D, layer 2: you predicted 1, measured 5: .*zero output kernel only means/);
  expectWrong(K.checkTiePuzzle({ A: [3, 5], B: [10, 1], C: [1, 5], D: [10, 5] }), /^7 of 8 right\. A, layer 1: .*either as one unit or with all its units different/);
  expectWrong(K.checkTiePuzzle({ A: null, B: null, C: null, D: null }), /Fill in your prediction for A, B, C, D/);
  expectWrong(K.checkTiePuzzle({ A: [10, 5], B: [10, 1], C: [1, 5] }), /Fill in your prediction for D/);
  expectWrong(K.checkTiePuzzle({ A: [11, 5], B: [10, 1], C: [1, 5], D: [10, 5] }), /A's layer 1 has 10 units, so it can end with 1 to 10 different ones; got 11/);
  expectWrong(K.checkTiePuzzle({ A: [10, 0.5], B: [10, 1], C: [1, 5], D: [10, 5] }), /A's layer 2 has 5 units.*got 0\.5/);
  expectWrong(K.checkTiePuzzle({ A: '10, 5', B: [10, 1], C: [1, 5], D: [10, 5] }), /A should be a pair \[layer 1, layer 2\]; got "10, 5"/);
  expectWrong(K.checkTiePuzzle({ A: [10, 5], B: [10, 1], C: [1, 5], D: [10, 5], E: [1, 1] }), /also names E/);
  expectWrong(K.checkTiePuzzle([10, 5]), /should be an object/);
});

test('growth depth (chapter 2): the prediction from n σ² passes, the usual slips are named, bad answers get a message', () => {
  const { gain, growth } = K.GROWTH_QUESTION;
  const m = K.measureGrowthDepth();
  const exact = Math.log(growth) / Math.log(gain * gain);
  assert.equal(m.predicted, Math.ceil(exact));
  // One random network's crossing strays from the prediction by a layer or two at most (its own
  // factor per layer is n σ² up to about 1%), and its fitted factor is near n σ².
  assert.ok(Math.abs(m.layer - m.predicted) <= 2, `measured ${m.layer}, predicted ${m.predicted}`);
  assert.ok(Math.abs(m.factor / (gain * gain) - 1) < 0.01, `factor ${m.factor}`);
  for (const p of [m.predicted - 1, m.predicted, m.predicted + 1, m.layer]) expectRight(K.checkGrowthDepth(p));
  assert.match(K.checkGrowthDepth(m.predicted).message, /ln 1000 \/ ln 1\.21 = 36\.2.*Measured: .* at layer \d+/);
  expectWrong(K.checkGrowthDepth(Math.ceil(Math.log(growth) / Math.log(gain))), /compounded σ√n = 1\.1/);
  expectWrong(K.checkGrowthDepth(Math.ceil(exact / 2)), /squared the factor twice/);
  expectWrong(K.checkGrowthDepth(Math.ceil(Math.log(growth) / (gain * gain - 1))), /ln 1\.21 as 0\.21/);
  expectWrong(K.checkGrowthDepth(Math.round((growth - 1) / (gain * gain - 1))), /adds 0\.21 times/);
  expectWrong(K.checkGrowthDepth(Math.round(Math.log10(growth) / Math.log(gain * gain))), /base-10 logarithm .* by a natural one/);
  expectWrong(K.checkGrowthDepth(Math.round(Math.log(growth) / Math.log10(gain * gain))), /natural logarithm .* by a base-10 one/);
  expectWrong(K.checkGrowthDepth(50), /Not yet: 50 is too many layers/);
  expectWrong(K.checkGrowthDepth(5), /Not yet: 5 is too few layers/);
  expectWrong(K.checkGrowthDepth(36.2), /whole number of layers, at least 1; got 36\.2/);
  expectWrong(K.checkGrowthDepth(0), /at least 1; got 0/);
  expectWrong(K.checkGrowthDepth('37'), /should be a number of layers.*got "37"/);
  expectWrong(K.checkGrowthDepth(null), /got null/);
  expectWrong(K.checkGrowthDepth(NaN), /in place of NaN/);
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
