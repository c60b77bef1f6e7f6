import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K, noLeak } from './lib.mjs';

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
