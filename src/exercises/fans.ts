/**
 * Checkers of chapters 3 and 4, each a prediction checked against a measurement: which init
 * made a deep tanh network's histograms (chapter 3), a convolution's variance factor with its
 * borders (chapter 3), and the depth at which TensorFlow.js's own heNormal has lost nine
 * tenths of a ReLU network's variance (chapter 4).
 */
import * as tf from '@tensorflow/tfjs';
import { checkOneOf, checkPositiveInt, checkShape, describe } from '../core/checks';
import { fillNormal, makeRng } from '../core/random';
import { normalPdf, simpson } from '../core/stats';
import { INITIALIZER_NAMES, InitializerName, TRUNCATION_CUT, TRUNCATION_STD, weightDistribution } from '../init/formulas';
import { InitSpec, initDistribution, initLabel } from '../init/initspec';
import { sampleWeights } from '../init/samplers';
import { signalPropagation } from '../net/propagation';
import { LayerSamples, layerSamples } from '../net/samples';
import { Feedback, measuredOnce, right, wrong } from './verdict';

const p3 = (x: number) => String(Number(x.toPrecision(3)));

// ---------------------------------------------------------------------------------------
// Chapter 3: which init made these histograms?

/** The network of chapter 3's mystery histograms: its init is the question. */
export const MYSTERY_NETWORK = { depth: 6, width: 400, batch: 200, activation: 'tanh' as const, seed: 'mystery' };
/** The answer: zero-mean normal weights of this std (σ_w² = n Var(w) = 0.49 at width 400). */
const MYSTERY_INIT: InitSpec = 0.035;
/** Within this factor of the mystery's σ_w² an answer counts: the histograms cannot tell closer scales apart at a glance. */
const SCALE_TOLERANCE = 1.1;

/** σ_w² = n Var(w) of the mystery network's layers under an init (equal widths, so any layer). */
const weightScale = (spec: InitSpec) => {
  const d = initDistribution(spec, [MYSTERY_NETWORK.width, MYSTERY_NETWORK.width], 'your init');
  return { d, sw2: MYSTERY_NETWORK.width * d.std * d.std };
};

/**
 * Exercise (chapter 3): the histograms of the mystery network (MYSTERY_NETWORK, weights from
 * an init the learner is to name): per layer, counts over 50 bins of the activations on
 * [-1, 1] and of the gradients dℓ/dz on ±gradientLimit, with their moments, as
 * K.layerSamples returns them.
 */
export function mysteryHistograms(gradientLimit = 3): LayerSamples {
  return layerSamples({ ...MYSTERY_NETWORK, init: MYSTERY_INIT, bins: 50, activationRange: [-1, 1], gradientRange: [-gradientLimit, gradientLimit] });
}

/** The activations' variance per layer of the mystery network under an init (forward only). */
const activationVariances = (init: InitSpec) =>
  signalPropagation({ ...MYSTERY_NETWORK, init, backward: false }).forward.map((f) => f.output.variance);

/**
 * Exercise (chapter 3): which init made the mystery histograms? Any InitSpec (a name, a name
 * with options, or the std of a zero-mean normal) whose σ_w² = n Var(w) is within 10% of the
 * mystery's counts, whatever its shape: the histograms show only the variance. The verdict
 * names the usual slips (σ_w² or Var(w) given as the std, n left out, the limit of a uniform
 * taken for its std, the ratio of the first two layers read as σ_w², where tanh's curvature
 * still takes variance away) and always measures the answer: the same network, same seed,
 * run with the learner's init, layer by layer against the mystery's.
 */
export function checkHistogramGuess(guess: InitSpec): Feedback {
  if (typeof guess === 'number' && Number.isNaN(guess)) {
    return wrong("Write your guess in place of NaN: the std of one weight (a number), or an initializer's name or spec. The checker then runs the mystery network with it and compares the histograms.");
  }
  let mine: ReturnType<typeof weightScale>;
  try {
    mine = weightScale(guess);
  } catch (e) {
    return wrong(`That init cannot be used: ${(e as Error).message}`);
  }
  const n = MYSTERY_NETWORK.width;
  const { d: theirs, sw2: target } = weightScale(MYSTERY_INIT);
  if (mine.d.mean !== 0) return wrong(`${initLabel(guess)} has mean ${p3(mine.d.mean)}; the mystery's weights are zero-mean, as every init of this chapter. A mean would shift every histogram to one side.`);
  if (mine.d.std === 0) return wrong(`${initLabel(guess)} makes every weight 0, so every activation is exactly 0 and every histogram a single spike at 0 from layer 1 on. The mystery's first layer is spread out.`);
  const [yours, mystery] = [activationVariances(guess), activationVariances(MYSTERY_INIT)];
  const L = MYSTERY_NETWORK.depth;
  const measured = `Measured on the same network and inputs, the activations' variance in layers 1 and ${L}: with your init ${p3(yours[0])} and ${p3(yours[L - 1])}, the mystery's ${p3(mystery[0])} and ${p3(mystery[L - 1])}.`;
  const r = mine.sw2 / target;
  const sw2Is = `your init has σ_w² = n Var(w) = ${p3(mine.sw2)}`;
  if (r <= SCALE_TOLERANCE && r >= 1 / SCALE_TOLERANCE) {
    const shape = mine.d.distribution === theirs.distribution ? '' : ` The mystery's weights were a plain normal, N(0, ${MYSTERY_INIT}²), and yours are ${mine.d.distribution === 'uniform' ? 'uniform' : `a ${mine.d.distribution}`}: the histograms cannot tell, because only the weights' variance passes into the layers.`;
    return right(`Right: ${sw2Is}, the mystery's ${p3(target)} (a normal with std ${MYSTERY_INIT}, at width ${n}). Where tanh is nearly linear each layer multiplies the variance by σ_w², so each keeps about ${p3(target)} of it.${shape} ${measured}`);
  }
  const near = (x: number, y: number) => Math.abs(Math.log(x / y)) <= Math.log(SCALE_TOLERANCE);
  const firstRatio = mystery[1] / mystery[0];
  const suspects: [boolean, string][] = [
    [near(mine.d.std, target), `Your weights' std is ${p3(mine.d.std)}, about the mystery's σ_w² = n Var(w), not the std of one weight: σ_w² is the variance of a sum of n terms, so one weight has Var(w) = σ_w² / n and std sqrt(σ_w² / n).`],
    [near(mine.d.std, target / n), `Your weights' std is ${p3(mine.d.std)}, about the mystery's Var(w) = σ_w² / n: that is the variance of one weight; its std is the square root.`],
    [near(mine.d.std, Math.sqrt(target)), `Your weights' std is ${p3(mine.d.std)}, about sqrt(σ_w²): the fan-in n is missing. σ_w² = n Var(w), so one weight has std sqrt(σ_w² / n).`],
    [mine.d.distribution === 'uniform' && near(mine.d.max!, theirs.std), `Your uniform's limit a is about the right std, but U[-a, a] has std a / sqrt(3): its variance is a third of what you meant. For a std s, take a = sqrt(3) s.`],
    [near(mine.sw2, firstRatio) && firstRatio < target / SCALE_TOLERANCE, `Y${sw2Is.slice(1)}, the ratio of the first two layers' variances (${p3(firstRatio)}). There tanh is not yet linear: at layer 1 the pre-activations have variance σ_w², and tanh takes some of it away. The ratios of the deeper layers, where the values are small, come closer to σ_w² itself.`],
  ];
  const found = suspects.find(([hit]) => hit);
  if (found) return wrong(`${found[1]} ${measured}`);
  const direction = r < 1
    ? 'Your weights are too small: with them the activations fade faster than in the mystery network'
    : 'Your weights are too large: with them the activations fade more slowly than in the mystery network, or not at all';
  // The ratio to the mystery's σ_w² would hand over the answer: only its direction is told.
  return wrong(`Not yet: ${sw2Is}. ${direction}. ${measured} Where tanh is nearly linear, each layer multiplies the variance by σ_w².`);
}

// ---------------------------------------------------------------------------------------
// Chapter 3: a convolution's variance factor, borders included.

export const PADDINGS = ['same', 'valid'] as const;
export type Padding = (typeof PADDINGS)[number];

export interface ConvQuestion {
  /** The images are imageSize x imageSize, with unit-variance entries. */
  imageSize: number;
  /** The kernel's shape [kh, kw, inChannels, outChannels]. */
  kernel: number[];
  /** 'same' pads zeros so that the output has the input's size; 'valid' keeps only full windows. */
  padding: Padding;
  /** The kernel's initializer (a fan-based name such as glorotUniform). */
  init: InitializerName;
}

/** The mean number of a window's taps that land inside an image of `size` along one axis, stride 1. */
function meanTaps(k: number, size: number, padding: Padding): number {
  if (padding === 'valid') return k;
  const before = Math.floor((k - 1) / 2); // TensorFlow's 'same': the extra pad goes after
  let taps = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < k; j++) {
      const row = i - before + j;
      if (row >= 0 && row < size) taps++;
    }
  }
  return taps / size;
}

function checkConvQuestion(q: ConvQuestion): ConvQuestion {
  if (q === null || typeof q !== 'object') throw new Error(`question must be an object { imageSize, kernel, padding, init }, got ${describe(q)}`);
  checkPositiveInt('question.imageSize', q.imageSize);
  const kernel = checkShape('question.kernel', q.kernel);
  if (kernel.length !== 4) throw new Error(`question.kernel must be a 2-D convolution's shape [kh, kw, inChannels, outChannels], got ${describe(q.kernel)}`);
  checkOneOf('question.padding', q.padding, PADDINGS);
  checkOneOf('question.init', q.init, INITIALIZER_NAMES);
  if (q.padding === 'valid' && (kernel[0] > q.imageSize || kernel[1] > q.imageSize)) {
    throw new Error(`question.kernel [${kernel.join(', ')}] does not fit an image of ${q.imageSize} x ${q.imageSize} with padding 'valid'`);
  }
  return q;
}

/** Var(y) / Var(x) a convolution is expected to have over all its outputs, and its parts. */
export function convVarianceFactor(question: ConvQuestion) {
  const q = checkConvQuestion(question);
  const [kh, kw, cin] = q.kernel;
  const d = weightDistribution(q.init, q.kernel);
  const weightVariance = d.std * d.std + d.mean * d.mean;
  const borderShare = (meanTaps(kh, q.imageSize, q.padding) * meanTaps(kw, q.imageSize, q.padding)) / (kh * kw);
  const interior = kh * kw * cin * weightVariance;
  return { weightVariance, interior, borderShare, expected: interior * borderShare };
}

/** Measures Var(y) / Var(x) of tf.conv2d over 32 seeded unit-normal images and 8 kernels drawn from the question's init. */
export function measureConvFactor(question: ConvQuestion): number {
  const q = checkConvQuestion(question);
  const [images, kernels] = [32, 8];
  const [kh, kw, cin, cout] = q.kernel;
  const x = fillNormal(new Float32Array(images * q.imageSize * q.imageSize * cin), makeRng('conv exercise/x'));
  let ratio = 0;
  for (let k = 0; k < kernels; k++) {
    const w = sampleWeights(q.init, q.kernel, { seed: `conv exercise/${k}` });
    ratio += tf.tidy(() => {
      const xt = tf.tensor4d(x, [images, q.imageSize, q.imageSize, cin]);
      const y = tf.conv2d(xt, tf.tensor4d(w, [kh, kw, cin, cout]), 1, q.padding);
      return tf.moments(y).variance.dataSync()[0] / tf.moments(xt).variance.dataSync()[0];
    }) / kernels;
  }
  return ratio;
}

/**
 * Exercise (chapter 3): predict Var(y) / Var(x) over all outputs of a stride-1 convolution,
 * then see it measured (tf.conv2d, 32 seeded images, 8 seeded kernels). Right within 1% of
 * kh kw inChannels Var(w) times the share of the window's taps that fall inside the image
 * (with 'same' padding the border outputs sum zeros too). The verdict names the slips: the
 * interior value (borders left out), the input channels alone as the fan-in, the fan-out,
 * Glorot's "keeps the variance", the border share alone, one axis's border only, the std
 * instead of the variance, a uniform's a² taken for its variance.
 */
export function checkConvFactor(answer: number, question: ConvQuestion): Feedback {
  const q = checkConvQuestion(question);
  if (Number.isNaN(answer)) return wrong('Write your prediction of Var(y) / Var(x) over all the outputs in place of NaN; the checker then measures it.');
  if (typeof answer !== 'number' || !Number.isFinite(answer)) return wrong(`Your answer should be a number, Var(y) / Var(x); got ${describe(answer)}.`);
  const { weightVariance, interior, borderShare, expected } = convVarianceFactor(q);
  const [kh, kw, cin, cout] = q.kernel;
  const measured = measureConvFactor(q);
  const shown = `Measured with tf.conv2d on 32 seeded images and 8 kernels: Var(y) / Var(x) = ${p3(measured)}.`;
  const near = (x: number) => Math.abs(answer - x) <= 0.01 * Math.abs(x);
  if (near(expected)) {
    const borders = borderShare < 1
      ? ` = ${p3(interior)} (the fan-in kh·kw·in = ${kh * kw * cin} times Var(w)) times ${p3(borderShare)}, the share of the window's taps that land inside the image: the outputs along the edges sum padded zeros too.`
      : `: every output sums a full window, fan-in kh·kw·in = ${kh * kw * cin} times Var(w).`;
    return right(`Right: ${p3(expected)}${borders} ${shown}`);
  }
  const perAxis = meanTaps(kh, q.imageSize, q.padding) / kh;
  const d = weightDistribution(q.init, q.kernel);
  const suspects: [number, string][] = [
    [interior, `That is the factor of an output away from the borders, fan-in times Var(w) = ${kh * kw * cin} · ${p3(weightVariance)}. With padding '${q.padding}', do all ${q.imageSize * q.imageSize} outputs of a channel sum that many products of an input and a weight?`],
    [cin * weightVariance * borderShare, `That takes the input channels alone as the fan-in. Each output sums a ${kh} x ${kw} window of every input channel: kh·kw·in = ${kh * kw * cin} products, fewer at the borders.`],
    [cin * weightVariance, `That takes the input channels alone as the fan-in. Each output sums a ${kh} x ${kw} window of every input channel: kh·kw·in = ${kh * kw * cin} products, fewer at the borders.`],
    [kh * kw * cout * weightVariance * borderShare, 'That uses the fan-out, kh·kw·out: it counts the outputs an input feeds, which sets the gradient\'s factor on the way back. The forward factor counts the products each output sums.'],
    [kh * kw * cout * weightVariance, 'That uses the fan-out, kh·kw·out: it counts the outputs an input feeds, which sets the gradient\'s factor on the way back. The forward factor counts the products each output sums, fewer at the borders.'],
    [1, `Glorot's rule keeps the variance only when fan-in and fan-out are equal; here they are ${kh * kw * cin} and ${kh * kw * cout}, so the interior factor is fan-in · Var(w) = ${p3(interior)}, and the borders take some of that away.`],
    [borderShare, `That is the share of the window's taps that land inside the image. Each tap that does adds in·Var(w)·Var(x): multiply by the fan-in times Var(w), ${p3(interior)}.`],
    [interior * perAxis, 'The window runs past the edge along both axes: the share of taps inside is the product of the two axes\' shares, one for the rows and one for the columns.'],
    [Math.sqrt(expected), 'That is the ratio of the standard deviations, the square root of the ratio of the variances asked for.'],
    ...(d.distribution === 'uniform' ? [[3 * expected, `That takes a² as the variance of U[-a, a]; it is a²/3, so Var(w) = ${p3(weightVariance)}.`] as [number, string]] : []),
  ];
  const found = suspects.find(([x]) => near(x));
  return wrong(`${found ? found[1] : `Not yet: your answer is ${p3(answer / expected)} times the expected factor. Var(y) = (products per output) · Var(w) · Var(x), averaged over the outputs.`} ${shown}`);
}

// ---------------------------------------------------------------------------------------
// Chapter 4: the depth at which TensorFlow.js's heNormal has lost nine tenths of the variance.

/** The ReLU networks on which checkTfHeNormalDepth measures TensorFlow.js's heNormal. */
export const TF_HE_NETWORKS = { width: 256, batch: 256, depth: 14, networks: 16 };
/** The fraction of He's variance the question asks about: a tenth. */
const TF_HE_FRACTION = 0.1;

/**
 * Var(z_l) / 2 per layer l = 1..depth, the mean over TF_HE_NETWORKS.networks seeded ReLU
 * networks whose kernels are TensorFlow.js's own tf.initializers.heNormal, fed unit-normal
 * inputs (Keras's heNormal keeps Var(z_l) = 2 in every layer), and each network's values.
 * Measured once per backend in a session (measuredOnce); each call gets its own copy.
 */
export function tfHeNormalVariances(): { mean: number[]; networks: number[][] } {
  const { mean, networks } = measuredOnce('tf heNormal networks', measureTfHeNormal);
  return { mean: [...mean], networks: networks.map((v) => [...v]) };
}

function measureTfHeNormal(): { mean: number[]; networks: number[][] } {
  const { width, batch, depth, networks } = TF_HE_NETWORKS;
  const runs = Array.from({ length: networks }, (_, k) => tf.tidy(() => {
    let x: tf.Tensor = tf.tensor2d(fillNormal(new Float32Array(batch * width), makeRng(`tf heNormal/${k}/x`)), [batch, width]);
    const v: number[] = [];
    for (let l = 0; l < depth; l++) {
      const w = tf.initializers.heNormal({ seed: 1 + k * depth + l }).apply([width, width]);
      const z = tf.matMul(x, w);
      v.push(tf.mean(tf.square(z)).dataSync()[0] / 2);
      x = tf.relu(z);
    }
    return v;
  }));
  const mean = runs[0].map((_, l) => runs.reduce((s, r) => s + r[l], 0) / networks);
  return { mean, networks: runs };
}

/** Where a decreasing sequence v_1, v_2, ... crosses `level`, interpolated in log (layers counted from 1); Infinity if it never does. */
function crossing(v: number[], level: number): number {
  const i = v.findIndex((x) => x < level);
  if (i < 0) return Infinity;
  if (i === 0) return Math.log(level) / Math.log(v[0]);
  return i + Math.log(v[i - 1] / level) / Math.log(v[i - 1] / v[i]);
}

/**
 * Exercise (chapter 4): after how many layers has a ReLU network built with TensorFlow.js's
 * tf.initializers.heNormal kept only a tenth of the variance Keras's heNormal keeps? Its
 * truncated normal is not rescaled by 0.8796, so every layer keeps 0.8796² and the answer is
 * ln 0.1 / ln 0.8796² = 8.95 layers: answers in [8.5, 9.5] count. The verdict names the slips
 * (no loss at all, 0.8796 per layer instead of its square, LeCun's halving, counting from the
 * first layer's variance, the 4.55% of redrawn values taken for a loss, the square taken
 * twice) and shows the measurement: 16 networks of width 256 with tfjs's own kernels.
 */
export function checkTfHeNormalDepth(answer: number): Feedback {
  if (Number.isNaN(answer)) return wrong('Write your prediction in place of NaN: a number of layers, or Infinity if you think it never happens. The checker then measures it.');
  if (typeof answer !== 'number') return wrong(`Your answer should be a number of layers (Infinity if you think it never happens); got ${describe(answer)}.`);
  const keep = TRUNCATION_STD ** 2;
  const c = TRUNCATION_STD.toFixed(4);
  const inside = simpson(normalPdf, -TRUNCATION_CUT, TRUNCATION_CUT); // the share of draws the cut keeps
  const depth = Math.log(TF_HE_FRACTION) / Math.log(keep);
  const { mean, networks } = tfHeNormalVariances();
  const singles = networks.map((v) => crossing(v, TF_HE_FRACTION)).filter(Number.isFinite);
  const at = (l: number) => mean[Math.round(l) - 1];
  const perLayer = Math.exp(Math.log(mean[mean.length - 1] / mean[0]) / (mean.length - 1));
  const shown = `Measured over ${networks.length} networks of width ${TF_HE_NETWORKS.width} built with tf.initializers.heNormal: each layer keeps ${p3(perLayer)} of the variance on average, and the mean variance falls below a tenth of He's at ${p3(crossing(mean, TF_HE_FRACTION))} layers (single networks from ${p3(Math.min(...singles))} to ${p3(Math.max(...singles))}).`;
  if (answer >= 8.5 && answer <= 9.5) {
    return right(`Right: TensorFlow.js's heNormal cuts its normal at two standard deviations and does not divide by ${c}, so each layer keeps ${c}² = ${p3(keep)} of the variance, and ${p3(keep)}^l = 0.1 at l = ln 0.1 / ln ${p3(keep)} = ${p3(depth)}: about ${Math.round(depth)} layers. ${shown}`);
  }
  const rounded = (x: number) => Math.abs(answer - x) <= 0.5;
  const suspects: [boolean, string][] = [
    [answer > 1000 || answer <= 0, 'He\'s rule keeps the variance, but TensorFlow.js\'s heNormal is not quite He\'s rule: measure the std of its weights, tf.initializers.heNormal({ seed: 1 }).apply([256, 256]), against sqrt(2 / 256), and recall what chapter 3 found about a normal cut at two standard deviations.'],
    [rounded(2 * depth), `That is where the variance would fall to a tenth if each layer kept ${c}, the ratio of the standard deviations. The variance goes with the square: ${p3(keep)} per layer.`],
    [rounded(Math.log(TF_HE_FRACTION) / Math.log(0.5)), 'That is the halving of the 1/n_in rule (leCunNormal). TensorFlow.js\'s heNormal does have the factor 2; what it loses is smaller.'],
    [rounded(depth + 1), `That counts from the first layer's variance, as if layer 1 kept He's. It does not: Var(z_1) = n Var(w) Var(x_0) already has the weights' ${p3(keep)}, so Var(z_l) = 2 · ${p3(keep)}^l.`],
    [rounded(Math.log(TF_HE_FRACTION) / Math.log(inside)), `That takes the ${(100 * (1 - inside)).toFixed(2)}% of draws that the cut throws away and redraws for a loss of variance. Redrawn values are not lost; what the cut changes is the spread of the values kept: their std is ${c} of the normal's.`],
    [rounded(Math.log(TF_HE_FRACTION) / Math.log(keep * keep)), `That squares twice: ${c} is the ratio of the standard deviations, so the variance keeps ${p3(keep)} per layer, not ${p3(keep * keep)}.`],
  ];
  const found = suspects.find(([hit]) => hit);
  const measuredAt = answer >= 1 && Math.round(answer) <= mean.length ? ` At layer ${Math.round(answer)} the measured variance is ${p3(at(answer))} of He's.` : '';
  return wrong(`${found ? found[1] : `Not yet: by your answer each layer would keep ${p3(TF_HE_FRACTION ** (1 / answer))} of the variance.`}${measuredAt} ${shown}`);
}
