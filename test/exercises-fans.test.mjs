// The checkers of chapters 3 and 4 (src/exercises/fans.ts): the right answer passes, each
// named slip is named, nonsense gets a clear message, a bad question throws, and the
// measurements they show agree with the theory they teach.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K, noLeak } from './lib.mjs';

const expectRight = (f) => assert.equal(f.ok, true, f.message);
const expectWrong = (f, pattern) => {
  assert.equal(f.ok, false, `accepted a wrong answer: ${f.message}`);
  assert.match(f.message, pattern);
};

test('mystery histograms: a 6-layer tanh network, its deeper layers keep about σ_w² of the variance, its first ratio less', () => {
  const s = K.mysteryHistograms();
  assert.equal(s.layers.length, K.MYSTERY_NETWORK.depth);
  const v = s.layers.map((l) => l.activations.variance);
  const ratios = v.slice(1).map((x, i) => x / v[i]);
  // The answer's σ_w² (checkHistogramGuess accepts within 10%): the ratios rise towards it as
  // the values shrink into tanh's linear range, and the first is more than 10% below it.
  const sw2 = 0.49;
  for (let i = 1; i < ratios.length; i++) assert.ok(ratios[i] > ratios[i - 1] - 0.01, `ratios ${ratios}`);
  assert.ok(ratios[0] < sw2 / 1.1, `first ratio ${ratios[0]}`);
  assert.ok(Math.abs(ratios.at(-1) / sw2 - 1) < 0.05, `last ratio ${ratios.at(-1)}`);
  for (const l of s.layers) assert.equal(l.activations.histogram.total, K.MYSTERY_NETWORK.batch * K.MYSTERY_NETWORK.width);
});

test('which init made the histograms: any init of the mystery\'s σ_w² passes, whatever its shape; the usual slips are named', async () => {
  const n = K.MYSTERY_NETWORK.width;
  const std = Math.sqrt(0.49 / n);
  await noLeak(() => {
    expectRight(K.checkHistogramGuess(std));
    expectRight(K.checkHistogramGuess(1.04 * std)); // σ_w² 8% above
    expectRight(K.checkHistogramGuess({ name: 'leCunNormal', gain: 0.7 }));
    const uniform = K.checkHistogramGuess({ name: 'randomUniform', minval: -Math.sqrt(3) * std, maxval: Math.sqrt(3) * std });
    expectRight(uniform);
    assert.match(uniform.message, /yours are uniform: the histograms cannot tell/);
  });
  expectWrong(K.checkHistogramGuess(0.49), /about the mystery's σ_w² = n Var\(w\), not the std of one weight/);
  expectWrong(K.checkHistogramGuess(0.49 / n), /about the mystery's Var\(w\) = σ_w² \/ n: that is the variance/);
  expectWrong(K.checkHistogramGuess(0.7), /the fan-in n is missing/);
  expectWrong(K.checkHistogramGuess({ name: 'randomUniform', minval: -std, maxval: std }), /U\[-a, a\] has std a \/ sqrt\(3\)/);
  const v = K.mysteryHistograms().layers.map((l) => l.activations.variance);
  expectWrong(K.checkHistogramGuess(Math.sqrt(v[1] / v[0] / n)), /ratio of the first two layers' variances.*tanh is not yet linear/);
  expectWrong(K.checkHistogramGuess('uniform'), /0\.333, 0\.68 times the mystery's\. Your weights are too small.*with your init 0\.21\d and/);
  expectWrong(K.checkHistogramGuess('glorotUniform'), /σ_w² = n Var\(w\) = 1, 2\.04 times the mystery's\. Your weights are too large/);
  expectWrong(K.checkHistogramGuess('zeros'), /every histogram a single spike at 0/);
  expectWrong(K.checkHistogramGuess({ name: 'randomNormal', mean: 0.1, stddev: std }), /has mean 0\.1; the mystery's weights are zero-mean/);
  expectWrong(K.checkHistogramGuess('xavier'), /cannot be used: your init must be one of/);
  expectWrong(K.checkHistogramGuess(-0.1), /cannot be used: your init \(a standard deviation\) must be >= 0/);
});

const CONV = { imageSize: 8, kernel: [3, 3, 16, 32], padding: 'same', init: 'glorotUniform' };

test('conv factor: the expected Var(y)/Var(x) is the fan-in times Var(w) times the share of taps inside the image, as tf.conv2d measures', () => {
  const f = K.convVarianceFactor(CONV);
  // 'same' on 8 pixels: the 1-D tap counts are 2, 3, 3, 3, 3, 3, 3, 2 of 3; both axes alike.
  assert.ok(Math.abs(f.borderShare - ((2 + 6 * 3 + 2) / 24) ** 2) < 1e-12);
  assert.ok(Math.abs(f.interior - 144 * (2 / (144 + 288))) < 1e-12);
  assert.equal(K.convVarianceFactor({ ...CONV, padding: 'valid' }).borderShare, 1);
  // An even kernel: TensorFlow pads one row before and two after; a 4-tap window on 8 rows
  // has 3, 4, 4, 4, 4, 4, 3, 2 taps inside.
  const even = K.convVarianceFactor({ ...CONV, kernel: [4, 1, 16, 32] });
  assert.ok(Math.abs(even.borderShare - 28 / 32) < 1e-12);
  // The measurement the checker shows: 8 uniform kernels of 4608 weights (kurtosis 1.8) and
  // 32 images; one standard error of the ratio about 1%, so it must be within 4%.
  const measured = K.measureConvFactor(CONV);
  assert.match(K.checkConvFactor(f.expected, CONV).message, new RegExp(`Var\\(y\\) / Var\\(x\\) = ${Number(measured.toPrecision(3))}\\.$`));
  const se = Math.sqrt(0.8 / (4608 * 8) + 2 / (32 * 64 * 32) + 2 / (32 * 64 * 16));
  assert.ok(Math.abs(measured / f.expected - 1) < 4 * se, `measured ${measured}, expected ${f.expected}`);
  // ... and far from the interior value that leaves the borders out.
  assert.ok(measured < f.interior * (1 - 8 * se));
});

test('conv factor checker: right within 1%, the usual slips named, nonsense and bad questions refused', async () => {
  const f = K.convVarianceFactor(CONV);
  const wv = f.weightVariance;
  await noLeak(() => {
    expectRight(K.checkConvFactor(f.expected, CONV));
    expectRight(K.checkConvFactor(1.005 * f.expected, CONV));
  });
  expectWrong(K.checkConvFactor(f.interior, CONV), /away from the borders.*do all 64 outputs of a channel sum that many products/);
  expectWrong(K.checkConvFactor(16 * wv * f.borderShare, CONV), /input channels alone/);
  expectWrong(K.checkConvFactor(16 * wv, CONV), /input channels alone/);
  expectWrong(K.checkConvFactor(288 * wv, CONV), /uses the fan-out/);
  expectWrong(K.checkConvFactor(288 * wv * f.borderShare, CONV), /uses the fan-out/);
  expectWrong(K.checkConvFactor(1, CONV), /only when fan-in and fan-out are equal; here they are 144 and 288/);
  expectWrong(K.checkConvFactor(f.borderShare, CONV), /share of the window's taps/);
  expectWrong(K.checkConvFactor(f.interior * (22 / 24), CONV), /along both axes/);
  expectWrong(K.checkConvFactor(Math.sqrt(f.expected), CONV), /standard deviations/);
  expectWrong(K.checkConvFactor(3 * f.expected, CONV), /a² as the variance of U\[-a, a\]/);
  expectWrong(K.checkConvFactor(0.3, CONV), /0\.536 times the expected factor/);
  expectWrong(K.checkConvFactor('0.56', CONV), /should be a number/);
  expectWrong(K.checkConvFactor(NaN, CONV), /Write your prediction .* in place of NaN/);
  // With 'valid' padding there are no borders: the interior value is the answer.
  expectRight(K.checkConvFactor(f.interior, { ...CONV, padding: 'valid' }));
  assert.throws(() => K.checkConvFactor(0.5, { ...CONV, padding: 'full' }), /question\.padding must be one of same, valid/);
  assert.throws(() => K.checkConvFactor(0.5, { ...CONV, kernel: [3, 3, 16] }), /question\.kernel must be a 2-D convolution's shape/);
  assert.throws(() => K.checkConvFactor(0.5, { ...CONV, imageSize: 0 }), /question\.imageSize must be a whole number >= 1/);
  assert.throws(() => K.checkConvFactor(0.5, { ...CONV, kernel: [9, 9, 16, 32], padding: 'valid' }), /does not fit an image of 8 x 8/);
  assert.throws(() => K.checkConvFactor(0.5, { ...CONV, init: 'he' }), /question\.init must be one of/);
});

test('TensorFlow.js heNormal: each ReLU layer keeps 0.8796² of the variance, so a tenth is left after about 9 layers', () => {
  const { mean, networks } = K.tfHeNormalVariances();
  assert.equal(networks.length, K.TF_HE_NETWORKS.networks);
  assert.equal(mean.length, K.TF_HE_NETWORKS.depth);
  // Per-layer factors, over every network and layer, against 0.8796²: their spread gives the tolerance.
  const logs = networks.flatMap((v) => v.map((x, l) => Math.log(l === 0 ? x : x / v[l - 1])));
  const m = logs.reduce((a, b) => a + b) / logs.length;
  const sd = Math.sqrt(logs.reduce((a, b) => a + (b - m) ** 2, 0) / (logs.length - 1));
  assert.ok(Math.abs(m - Math.log(K.TRUNCATION_STD ** 2)) < 4 * sd / Math.sqrt(logs.length), `mean log factor ${m}, sd ${sd}`);
});

test('TensorFlow.js heNormal depth checker: 8.5 to 9.5 layers pass, the usual slips are named', async () => {
  const keep = K.TRUNCATION_STD ** 2;
  const depth = Math.log(0.1) / Math.log(keep);
  await noLeak(() => expectRight(K.checkTfHeNormalDepth(9)));
  const r = K.checkTfHeNormalDepth(depth);
  expectRight(r);
  assert.match(r.message, /0\.774\^l = 0\.1 at l = ln 0\.1 \/ ln 0\.774 = 8\.98: about 9 layers/);
  expectWrong(K.checkTfHeNormalDepth(Infinity), /not quite He's rule: measure the std of its weights/);
  expectWrong(K.checkTfHeNormalDepth(0), /not quite He's rule/);
  expectWrong(K.checkTfHeNormalDepth(18), /if each layer kept 0\.8796, the ratio of the standard deviations/);
  expectWrong(K.checkTfHeNormalDepth(3.3), /halving of the 1\/n_in rule.*At layer 3 the measured variance is/);
  expectWrong(K.checkTfHeNormalDepth(10), /counts from the first layer's variance/);
  expectWrong(K.checkTfHeNormalDepth(49.5), /4\.55% of draws/);
  expectWrong(K.checkTfHeNormalDepth(4.5), /squares twice/);
  expectWrong(K.checkTfHeNormalDepth(7), /each layer would keep 0\.72 of the variance. At layer 7 the measured variance is/);
  expectWrong(K.checkTfHeNormalDepth('9'), /should be a number of layers/);
  expectWrong(K.checkTfHeNormalDepth(NaN), /Write your prediction in place of NaN/);
});
