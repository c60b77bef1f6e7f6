import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { K, noLeak } from './lib.mjs';

const require = createRequire(import.meta.url);

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
  slip('preNorm', 1 + L * a, /pre-norm: a branch scaled by α adds α² v to the variance, not α v/);
  slip('preNorm', L * a * a, /pre-norm: the stream starts at the input's variance/);
  slip('preNorm', 1 + L, /pre-norm: the branches are scaled by α/);
  slip('preNorm', 1, /pre-norm: a pre-norm stream is not normalized itself/);
  slip('noNorm', 1 + L * a * a, /no norm: that is linear growth/);
  slip('noNorm', (1 + a) ** L, /no norm: .*not 1 \+ α v/);
  slip('noNorm', 2 ** L, /no norm: .*not 2/);
  slip('postNormShare', g ** -L, /post-norm share: that is the factor on the variance/);
  slip('postNormShare', 1, /post-norm share: the normalization after each block divides the shortcut too/);
  slip('postNormShare', 1 / Math.sqrt(1 + L * a * a), /post-norm share: that normalizes once, at the end/);
  slip('postNormShare', 2 ** (-L / 2), /post-norm share: .*not sqrt\(2\)/);
  slip('postNormShare', (1 + a) ** (-L / 2), /post-norm share: .*not α v/);
  // The large-L limits the chapter quotes (e and e^(-1/2) as L grows) are not the product at this L.
  slip('noNorm', Math.exp(L * a * a), /no norm: that is the limit of many small blocks/);
  slip('postNormShare', Math.exp((-L * a * a) / 2), /post-norm share: that is the limit of many small blocks/);
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
  // The cell starts with NaN: no verdict and no measurement (Run All must not print the answer).
  const blank = { standard: { input: NaN, hidden: NaN, readout: NaN }, mup: { input: NaN, hidden: NaN, readout: NaN } };
  expectWrong(K.checkGradientSlopes(blank, task, () => { throw new Error('measured'); }), /Write your six predicted slopes in place of NaN/);
  expectWrong(check(withOne('mup', 'readout', NaN)), /in place of NaN/);
  expectWrong(check({ standard: right.standard }), /answer.mup should be \{ input, hidden, readout \}/);
  expectWrong(check(-0.5), /should be an object/);
  assert.throws(() => K.checkGradientSlopes(right, null), /task must be the chapter's teacher task/);
  assert.throws(() => K.checkGradientSlopes(right, task, 'measured'), /measure must be a function/);
});

test('a checker measures its seeded network once per backend and key: a second try quotes the first, and gets its own copy', () => {
  const { measuredOnce } = require('../dist/exercises/verdict.js');
  let calls = 0;
  const measure = () => ({ call: ++calls });
  assert.deepEqual(measuredOnce('test/a', measure), { call: 1 });
  assert.deepEqual(measuredOnce('test/a', measure), { call: 1 });
  assert.deepEqual(measuredOnce('test/b', measure), { call: 2 });
  assert.equal(calls, 2);
  const first = K.tfHeNormalVariances();
  first.mean.fill(NaN);
  first.networks[0].fill(NaN);
  const second = K.tfHeNormalVariances();
  assert.ok(second.mean.every(Number.isFinite) && second.networks[0].every(Number.isFinite), 'a caller changed the measurement the next one quotes');
});
