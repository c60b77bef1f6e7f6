/**
 * Checkers for the chapters' "your turn" cells. Each takes the learner's answer and says
 * in words what is wrong (a standard deviation given where a variance was asked, fan-in
 * and fan-out swapped, a missing factor of 2), not just right or wrong.
 */
import { checkOptions, checkPositive, checkPositiveInt, required } from '../core/checks';
import { loadDataset } from '../data/circles';
import { TRUNCATION_STD } from '../init/formulas';
import { InitSpec, initLabel, sampleInit } from '../init/initspec';
import { residualStream } from '../net/stream';
import { activationMoments, criticalWeightVariance, meanField, varianceMap } from '../theory/meanfield';
import { trainClassifier } from '../train/classifier';

export interface Feedback {
  ok: boolean;
  message: string;
}

const right = (message: string): Feedback => ({ ok: true, message });
const wrong = (message: string): Feedback => ({ ok: false, message });

/** Fan pairs with fanIn != fanOut, so that a swap or a one-sided formula shows. */
const FANS: [number, number][] = [
  [100, 300],
  [784, 256],
  [64, 10],
];

interface Suspect {
  formula: (fanIn: number, fanOut: number) => number;
  says: string;
}

function callAnswer(fn: unknown, fanIn: number, fanOut: number): number | Feedback {
  if (typeof fn !== 'function') return wrong(`Your answer should be a function (fanIn, fanOut) => number; got ${typeof fn}.`);
  let v: unknown;
  try {
    v = fn(fanIn, fanOut);
  } catch (e) {
    return wrong(`Your function threw for fanIn = ${fanIn}, fanOut = ${fanOut}: ${(e as Error).message}`);
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    return wrong(`For fanIn = ${fanIn}, fanOut = ${fanOut} your function returned ${String(v)}, not a finite number.`);
  }
  return v;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

/** Compares a function of the fans with the right formula and with the usual slips. */
function checkFanFormula(fn: unknown, correct: Suspect, suspects: Suspect[]): Feedback {
  const answers: number[] = [];
  for (const [i, o] of FANS) {
    const v = callAnswer(fn, i, o);
    if (typeof v !== 'number') return v;
    answers.push(v);
  }
  const matches = (s: Suspect) => FANS.every(([i, o], k) => close(answers[k], s.formula(i, o)));
  if (matches(correct)) return right(correct.says);
  const suspect = suspects.find(matches);
  if (suspect) return wrong(suspect.says);
  const ratios = FANS.map(([i, o], k) => answers[k] / correct.formula(i, o));
  const constant = ratios.every((r) => Math.abs(r - ratios[0]) <= 1e-9 * Math.abs(ratios[0]));
  return wrong(
    constant
      ? `Not yet: your values are ${ratios[0].toPrecision(4)} times the right ones for every fan. A constant factor is off; check the number under the square root.`
      : `Not yet: your values are not a fixed multiple of the right ones (for fanIn = ${FANS[0][0]}, fanOut = ${FANS[0][1]} you return ${answers[0].toPrecision(4)}). Check which fans your formula uses.`,
  );
}

/** Exercise: the limit a of Glorot's uniform init U[-a, a]. */
export function checkGlorotLimit(fn: (fanIn: number, fanOut: number) => number): Feedback {
  return checkFanFormula(
    fn,
    { formula: (i, o) => Math.sqrt(6 / (i + o)), says: 'Right: a = sqrt(6 / (fanIn + fanOut)), so Var = a²/3 = 2 / (fanIn + fanOut).' },
    [
      { formula: (i, o) => Math.sqrt(2 / (i + o)), says: 'That is the standard deviation, sqrt(2 / (fanIn + fanOut)), not the limit. A uniform U[-a, a] has variance a²/3, so a = sqrt(3 · Var).' },
      { formula: (i, o) => 2 / (i + o), says: 'That is the variance, 2 / (fanIn + fanOut), not the limit. A uniform U[-a, a] has variance a²/3, so a = sqrt(3 · Var).' },
      { formula: (i, o) => 6 / (i + o), says: 'That is a², not a: take the square root.' },
      { formula: (i, o) => Math.sqrt(3 / (i + o)), says: 'A factor of 2 is missing: Glorot\'s variance is 2 / (fanIn + fanOut), the reciprocal of the *average* fan (fanIn + fanOut) / 2.' },
      { formula: (i) => Math.sqrt(6 / i), says: 'That uses fanIn only: it is He\'s uniform limit. Glorot balances the forward pass (fanIn) and the backward pass (fanOut) with their average.' },
      { formula: (i) => Math.sqrt(3 / i), says: 'That uses fanIn only (it is LeCun\'s uniform limit). Glorot uses the average of fanIn and fanOut.' },
      { formula: (_, o) => Math.sqrt(6 / o), says: 'That uses fanOut only. Glorot uses the average of fanIn and fanOut.' },
      { formula: (i, o) => Math.sqrt(6) / (i + o), says: 'The square root must cover the whole fraction: sqrt(6 / (fanIn + fanOut)), not sqrt(6) / (fanIn + fanOut).' },
      { formula: (i) => 1 / Math.sqrt(i), says: 'That is the older "standard" limit 1/sqrt(fanIn): its variance is 1 / (3 · fanIn), so fanIn · Var(w) = 1/3 and a deep tanh network loses about two thirds of the signal per layer. Glorot\'s limit is sqrt(3 · Var) with Var = 2 / (fanIn + fanOut).' },
      { formula: (i, o) => Math.sqrt(24 / (i + o)), says: 'That limit is twice too large: it takes a²/12 as the variance of U[-a, a]. The interval is 2a wide, and (2a)²/12 = a²/3, so a = sqrt(3 · Var) = sqrt(6 / (fanIn + fanOut)).' },
      { formula: (i, o) => Math.sqrt(6 / (i * o)), says: 'That divides by the product fanIn · fanOut. Glorot divides by their sum, twice their average: sqrt(6 / (fanIn + fanOut)).' },
    ],
  );
}

/** Exercise: the standard deviation of He's normal init for a ReLU layer. */
export function checkHeStd(fn: (fanIn: number, fanOut: number) => number): Feedback {
  return checkFanFormula(
    fn,
    { formula: (i) => Math.sqrt(2 / i), says: 'Right: std = sqrt(2 / fanIn), so that fanIn · Var(w) · ½ = 1 and ReLU\'s halving is made up.' },
    [
      { formula: (i) => 2 / i, says: 'That is the variance, 2 / fanIn. The question asks for the standard deviation: its square root.' },
      { formula: (i) => Math.sqrt(1 / i), says: 'A factor of 2 is missing: that is LeCun\'s std, sqrt(1 / fanIn), which keeps the variance of a linear layer. ReLU zeroes half of its inputs, E[relu(z)²] = Var(z)/2, so the weights need twice the variance.' },
      { formula: (_, o) => Math.sqrt(2 / o), says: 'Fan-in and fan-out are swapped: a unit sums over its fanIn inputs on the way forward, so the forward condition uses fanIn. (sqrt(2 / fanOut) is He\'s backward, "fan_out" mode.)' },
      { formula: (i, o) => Math.sqrt(2 / (i + o)), says: 'That is Glorot\'s std, for tanh-like units. For ReLU, He uses fanIn alone and a factor of 2: sqrt(2 / fanIn).' },
      { formula: (i, o) => Math.sqrt(4 / (i + o)), says: 'He\'s init uses fanIn alone, not the average of the fans: sqrt(2 / fanIn).' },
      { formula: (i) => Math.sqrt(6 / i), says: 'That is He\'s *uniform* limit, sqrt(6 / fanIn). The normal form\'s standard deviation is sqrt(2 / fanIn).' },
      { formula: (i) => Math.sqrt(1 / (2 * i)), says: 'The 2 is on the wrong side of the fraction: ReLU halves the second moment, so the weights need *twice* the variance of the linear case, 2 / fanIn, not 1 / (2 · fanIn).' },
      { formula: (i) => Math.sqrt(2) / i, says: 'The square root must cover the whole fraction: sqrt(2 / fanIn), not sqrt(2) / fanIn.' },
      { formula: (i) => Math.sqrt(2 / i) / TRUNCATION_STD, says: `That is the std of the normal *before* the cut at 2 standard deviations (Keras divides by ${TRUNCATION_STD.toFixed(4)} so that the cut sample comes out right). The weights themselves have std sqrt(2 / fanIn), which is what is asked.` },
    ],
  );
}

export interface VarianceQuestion {
  /** The layer's fan-in. */
  fanIn: number;
  /** The std of the layer's weights (zero mean). */
  weightStd: number;
  /** The variance of the pre-activations z of the layer below. */
  inputVariance: number;
  /** What sits between them: linear (x = z) or relu (x = relu(z)). */
  activation: 'linear' | 'relu';
}

/**
 * Exercise: predict Var(z') = fanIn · σ² · E[x²] for z' = x W, where x = f(z) and
 * E[x²] = Var(z) for a linear layer, Var(z)/2 for ReLU. Answers within 1% count.
 */
export function checkVariancePrediction(answer: number, q: VarianceQuestion): Feedback {
  if (typeof answer !== 'number' || !Number.isFinite(answer)) return wrong(`Your answer should be a number; got ${String(answer)}.`);
  const { fanIn: n, weightStd: s, inputVariance: v, activation } = q;
  const half = activation === 'relu' ? 0.5 : 1;
  const correct = n * s * s * v * half;
  const near = (x: number) => Math.abs(answer - x) <= 0.01 * Math.abs(x);
  const fmt = (x: number) => String(Number(x.toPrecision(4)));
  if (near(correct)) return right(`Right: Var = fanIn · σ² · E[x²] = ${n} · ${fmt(s)}² · ${half === 1 ? fmt(v) : `${fmt(v)}/2`} = ${correct.toPrecision(4)}.`);
  const suspects: [number, string][] = [
    [n * s * v * half, 'You used σ where σ² belongs: the weights enter the variance through Var(w) = σ², the square of the standard deviation.'],
    [Math.sqrt(correct), 'That is the standard deviation of z, the square root of what was asked: the variance.'],
    [s * s * v * half, 'The fan-in is missing: z sums fanIn uncorrelated terms w·x, and the variances of uncorrelated terms add up.'],
    [n * s * s * Math.sqrt(v) * half, 'You used the input\'s standard deviation where its variance belongs: Var(w·x) = Var(w) · E[x²].'],
  ];
  if (activation === 'relu') {
    suspects.push([n * s * s * v, 'The ReLU\'s factor ½ is missing: it zeroes the negative half of a symmetric z, so E[relu(z)²] = Var(z)/2.']);
    suspects.push([n * s * s * v * (0.5 - 1 / (2 * Math.PI)), 'You used Var(relu(z)) = (½ - 1/(2π)) · Var(z), the variance of the ReLU\'s output. The next layer needs its second moment, E[relu(z)²] = Var(z)/2: relu(z) is never centred, and the square of its mean counts too.']);
  } else suspects.push([n * s * s * v * 0.5, 'There is no ReLU here: x = z, so E[x²] = Var(z), with no factor ½.']);
  const keeps = n * s * s * half;
  const factor = `fanIn · σ²${half === 1 ? '' : ' · ½'}`;
  suspects.push([v, `That is the input's variance, as if the layer kept it. The layer multiplies the variance by ${factor}, here ${Number(keeps.toPrecision(4))}, not 1.`]);
  const found = suspects.find(([x]) => near(x));
  return wrong(found ? found[1] : `Not yet: your answer is ${(answer / correct).toPrecision(3)} times the right one. Var(z') = fanIn · Var(w) · E[x²].`);
}

/**
 * Exercise (chapter 1): an init that lets the circles network learn. Trains the chapter's
 * network briefly and says whether the units stayed identical or the network stayed weak.
 */
export function checkSymmetryFix(init: InitSpec): Feedback {
  let kernel: Float32Array;
  try {
    kernel = sampleInit(init, [2, 10], 'exercise');
  } catch (e) {
    return wrong(`That init cannot be used: ${(e as Error).message}`);
  }
  if (kernel.every((v) => v === kernel[0])) {
    return wrong(`${initLabel(init)} gives every weight the same value (${Number(kernel[0].toPrecision(6))}), so every hidden unit starts identical and stays identical: the symmetry is not broken. Use a random initializer.`);
  }
  const data = loadDataset('circles');
  const h = trainClassifier({ sizes: [2, 10, 5, 1], init, data: data.train, learningRate: 0.1, steps: 1500, recordEvery: 1500, seed: 'exercise' });
  const acc = h.accuracy[h.accuracy.length - 1];
  if (!(Number.isFinite(h.loss[h.loss.length - 1]))) return wrong(`With ${initLabel(init)} the training diverged (the loss became ${h.loss[h.loss.length - 1]}): the weights are far too large.`);
  if (acc < 0.9) {
    return wrong(`The units start different now, but after 1500 steps the network classifies only ${(100 * acc).toFixed(0)}% of the training points: the random weights are too small or too large to learn quickly. Try a scaled init such as heNormal or glorotUniform.`);
  }
  return right(`Right: with ${initLabel(init)} the hidden units start apart and the network classifies ${(100 * acc).toFixed(0)}% of the training points after 1500 steps.`);
}


/** (blocks, branchVariance) pairs with v != 1 and N v != 2, so that a missing v or GPT-2's 2N shows. */
const STREAMS: [number, number][] = [
  [24, 1],
  [48, 0.5],
  [12, 3],
];

/**
 * Exercise (chapter 7): the largest branch scale alpha for which a pre-norm residual stream
 * that starts at variance 1 ends at variance at most 2 after N blocks, each adding
 * alpha^2 v: 1 + N alpha^2 v <= 2, so alpha = 1 / sqrt(N v). The answer is a function
 * (blocks, branchVariance) => alpha; the verdict names the usual slips, and shows the
 * stream of a 24-block network (width 256, layer norm, He then LeCun branch kernels, so
 * v = 1) measured at the learner's alpha.
 */
export function checkBranchScale(fn: (blocks: number, branchVariance: number) => number): Feedback {
  if (typeof fn !== 'function') return wrong(`Your answer should be a function (blocks, branchVariance) => alpha; got ${typeof fn}.`);
  const answers: number[] = [];
  for (const [N, v] of STREAMS) {
    let a: unknown;
    try {
      a = fn(N, v);
    } catch (e) {
      return wrong(`Your function threw for blocks = ${N}, branchVariance = ${v}: ${(e as Error).message}`);
    }
    if (typeof a !== 'number' || !Number.isFinite(a) || a < 0) {
      return wrong(`For blocks = ${N}, branchVariance = ${v} your function returned ${String(a)}, not a finite number >= 0.`);
    }
    answers.push(a);
  }
  const matches = (f: (N: number, v: number) => number) => STREAMS.every(([N, v], k) => close(answers[k], f(N, v)));
  const [N0, v0] = STREAMS[0];
  const measured = () => {
    const alpha = answers[0];
    const r = residualStream({
      depth: 2 * N0, width: 256, batch: 64, activation: 'relu', seed: 'exercise', norm: 'layer',
      init: Array.from({ length: 2 * N0 }, (_, l) => (l % 2 === 0 ? 'heNormal' : 'leCunNormal')), residual: { scale: alpha },
    });
    const last = r.blocks[N0 - 1].stream.variance;
    return `With alpha = ${alpha.toPrecision(3)}, a ${N0}-block pre-norm network measures Var(x_${N0}) = ${last.toFixed(2)} (the formula 1 + N alpha² v gives ${(1 + N0 * alpha * alpha * v0).toFixed(2)}).`;
  };
  if (matches((N, v) => 1 / Math.sqrt(N * v))) {
    return right(`Right: 1 + N alpha² v = 2 gives alpha = 1 / sqrt(N v). ${measured()}`);
  }
  const suspects: [(N: number, v: number) => number, string][] = [
    [(N) => 1 / Math.sqrt(N), 'That ignores the branch variance v: alpha = 1 / sqrt(N) is right only for branches that add variance 1. Each block adds alpha² v.'],
    [(N) => 1 / Math.sqrt(2 * N), 'That is nanoGPT\'s count, 1/sqrt(2 n_layer): nanoGPT reads GPT-2\'s N as the number of residual branches, two per transformer layer (attention and MLP), so n_layer layers add 2 n_layer branches. Here N counts the branches themselves, and v matters too.'],
    [(N, v) => 1 / (N * v), 'That is alpha², not alpha: the stream\'s variance grows by alpha² v per block, so alpha is the square root of 1 / (N v).'],
    [(N) => 1 / N, 'That would be alpha² = 1/N² per branch, far smaller than needed: the variance grows by alpha² v per block, and 1 + N alpha² v = 2 asks for alpha² = 1 / (N v).'],
    [(N, v) => Math.sqrt(v / N), 'The branch variance v is on the wrong side of the fraction: the stream gains alpha² v per block, so a larger v needs a smaller alpha, alpha = 1 / sqrt(N v).'],
    [(N, v) => Math.sqrt(2 / (N * v)), 'That lets the blocks add variance 2 in all, ending at 3: the stream starts at variance 1, so the blocks may add 2 - 1 = 1, N alpha² v = 1.'],
    [(N, v) => 1 / Math.sqrt(2 * N * v), 'That keeps the stream at 1.5, below 2, but it is not the largest such alpha: the blocks may add variance 1 in all, N alpha² v = 1.'],
    [(N, v) => Math.sqrt((2 ** (1 / N) - 1) / v), 'That is the scale for a residual network without normalization, where each block multiplies the variance by (1 + alpha² v). With pre-norm each branch sees a normalized input, so it adds alpha² v, whatever the stream\'s size.'],
  ];
  const found = suspects.find(([f]) => matches(f));
  if (found) return wrong(`${found[1]} ${measured()}`);
  const ratio = answers[0] / (1 / Math.sqrt(N0 * v0));
  return wrong(`Not yet: for blocks = ${N0}, branchVariance = ${v0} your alpha is ${ratio.toPrecision(3)} times the right one. The stream's variance after N blocks is 1 + N alpha² v. ${measured()}`);
}

export interface TransferQuestion {
  /** The Adam learning rate tuned at the base width. */
  tunedRate: number;
  /** n_0, the width it was tuned at (muP's base width). */
  baseWidth: number;
  /** n, the width to train next. */
  width: number;
}

/** Answers to the transfer question: the global Adam rate to use at the new width under each parametrization. */
export interface TransferAnswer {
  standard: number;
  mup: number;
}

/**
 * Exercise (chapter 8): the global Adam rate for width n, given the rate tuned at n_0, under
 * the standard parametrization (one step moves a hidden layer by about n x rate, so the rate
 * must shrink as n_0 / n) and under muP (its per-layer multipliers already do that: the
 * tuned rate carries over). An answer within a factor 2^(1/4) of the rule counts.
 */
export function checkTransferredRates(answer: TransferAnswer, q: TransferQuestion): Feedback {
  if (answer === null || typeof answer !== 'object') return wrong(`Your answer should be an object { standard: number, mup: number }; got ${String(answer)}.`);
  for (const key of ['standard', 'mup'] as const) {
    const v = answer[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) return wrong(`answer.${key} should be a learning rate, a positive number; got ${String(v)}.`);
  }
  const { tunedRate: eta, baseWidth: n0, width: n } = checkOptions('checkTransferredRates (the question)', q, {
    tunedRate: required(checkPositive), baseWidth: required(checkPositiveInt), width: required(checkPositiveInt),
  });
  if (n <= n0) throw new Error(`the question's width must be larger than its baseWidth (${n0}), got ${n}`);
  const m = n / n0;
  const fmt = (x: number) => `2^${Number(Math.log2(x).toFixed(2))}`;
  const near = (x: number, target: number) => Math.abs(Math.log2(x / target)) <= 0.25;
  const ratio = (x: number) => `${Number((x / eta).toPrecision(3))} times the tuned rate`;
  const standardSlips: [number, string][] = [
    [eta, `Under the standard parametrization keeping the tuned rate ${fmt(eta)} is what fails to transfer: one Adam step moves every hidden unit by about n · rate · mean(x), so at ${m} times the width the same rate moves it ${m} times as far.`],
    [eta / Math.sqrt(m), `That divides by sqrt(${m}), the rule for the initial weights (std ∝ 1/sqrt(fan-in): n random terms add up to sqrt(n)). Adam's first step has the same sign pattern as the input, so its n terms add up coherently, to n: the rate must shrink as 1/n.`],
    [eta * m, 'That goes the wrong way: a wider layer sums more coherent changes, so its step must be smaller, not larger.'],
    [eta * Math.sqrt(m), 'That goes the wrong way: a wider layer sums more coherent changes, so its step must be smaller, not larger.'],
    [eta / n, `That divides by the width itself (${n}). The tuned rate already suits width ${n0}; scale it by the ratio of the widths, ${n0}/${n}.`],
    [eta / (m * m), `That divides by (${n}/${n0})², the square of the width ratio: one step's change grows as n, not n², so one factor of ${n0}/${n} is enough.`],
  ];
  const mupSlips: [number, string][] = [
    [eta / m, `Under muP that counts the width twice: the parametrization already divides the hidden layers' Adam rate by n/n₀ = ${m}, and multiplies the readout's output by n₀/n = 1/${m} in the forward pass (the readout's Adam rate is the global one). The global rate stays the tuned one.`],
    [eta / Math.sqrt(m), 'Under muP the global rate needs no change at all: its per-layer multipliers already keep every layer\'s update the same size at every width.'],
    [eta * m, `Under muP the global Adam rate stays put; a rate growing with the width (×${m}) is muP's SGD rule for the input layer and the readout, not a rule for Adam.`],
  ];
  const verdict = (x: number, target: number, slips: [number, string][], what: string) => {
    if (near(x, target)) return null;
    const slip = slips.find(([s]) => near(x, s));
    return slip ? slip[1] : `Your ${what} rate is ${ratio(x)} (${fmt(x)}); think about how far one Adam step moves a hidden unit at width ${n} compared with width ${n0}.`;
  };
  if (near(answer.standard, eta) && near(answer.mup, eta / m)) {
    return wrong(`The two are swapped: ${fmt(eta / m)} is the standard parametrization's rate (its hidden layers need the ${n0}/${n} that muP builds into its per-layer multipliers), and muP keeps the tuned ${fmt(eta)}.`);
  }
  const sp = verdict(answer.standard, eta / m, standardSlips, 'standard-parametrization');
  const mu = verdict(answer.mup, eta, mupSlips, 'muP');
  if (sp && mu) return wrong(`Standard parametrization: ${sp} muP: ${mu}`);
  if (sp) return wrong(`Your muP rate is right. Standard parametrization: ${sp}`);
  if (mu) return wrong(`Your standard-parametrization rate is right. muP: ${mu}`);
  return right(`Right: under the standard parametrization ${fmt(eta)} × ${n0}/${n} = ${fmt(eta / m)}, so that one step moves a hidden unit as far at width ${n} as at width ${n0}; under muP the tuned ${fmt(eta)} itself, since its per-layer multipliers (hidden layers' rate ÷ ${m}, output multiplier ${n0}/${n}) already do that.`);
}

/** The (σ_w², σ_b²) at which checkChi1 asks for χ₁: ordered, chaotic, and a large bias. */
export const CHI1_QUESTIONS: [number, number][] = [[1, 0.05], [3, 0.05], [2, 0.5]];
/** The bias variance at which checkChi1 looks for the edge of chaos the learner's χ₁ implies. */
export const CHI1_EDGE_BIAS = 0.05;

/**
 * Exercise (chapter 6): a function (σ_w², σ_b²) -> χ₁ of a tanh network, computed as
 * σ_w² E[tanh′(z)²] for z ~ N(0, q*), with q* the fixed point of the variance map
 * (K.varianceMap iterated) and the slope moment from K.activationMoments. Asked at
 * CHI1_QUESTIONS (answers within 1e-6 relative count), then bisected for the σ_w² where it
 * crosses 1 at σ_b² = CHI1_EDGE_BIAS, which must be the edge of chaos. Names the usual
 * slips: σ_w² returned as it is (a linear network's χ₁), the slope taken at q = 1 or after
 * one step of the map, σ_w² left out, the bias left out of q*, the std √q* passed as the
 * variance, Var(tanh) taken for the slope moment, the arguments swapped.
 */
export function checkChi1(fn: (weightVariance: number, biasVariance: number) => number): Feedback {
  if (typeof fn !== 'function') return wrong(`Your answer should be a function (weightVariance, biasVariance) => number; got ${typeof fn}.`);
  const ask = (sw2: number, sb2: number): number | string => {
    let v: unknown;
    try {
      v = fn(sw2, sb2);
    } catch (e) {
      return `Your function threw for (σ_w², σ_b²) = (${sw2}, ${sb2}): ${(e as Error).message}`;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) return `For (σ_w², σ_b²) = (${sw2}, ${sb2}) your function returned ${String(v)}, not a finite number.`;
    return v;
  };
  const answers: number[] = [];
  for (const [sw2, sb2] of CHI1_QUESTIONS) {
    const v = ask(sw2, sb2);
    if (typeof v === 'string') return wrong(v);
    answers.push(v);
  }
  const layer = (sw2: number, sb2: number) => ({ activation: 'tanh' as const, weightVariance: sw2, biasVariance: sb2 });
  const moments = (q: number) => activationMoments({ activation: 'tanh', variance: q });
  const qStar = (sw2: number, sb2: number) => meanField(layer(sw2, sb2)).qStar;
  const chi1 = (sw2: number, sb2: number) => meanField(layer(sw2, sb2)).chi1;
  const near = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.abs(b);
  const matches = (f: (sw2: number, sb2: number) => number, tol: number) => CHI1_QUESTIONS.every(([sw2, sb2], k) => near(answers[k], f(sw2, sb2), tol));
  const shown = (f: (sw2: number, sb2: number) => number) => CHI1_QUESTIONS.map(([sw2, sb2]) => Number(f(sw2, sb2).toPrecision(5))).join(', ');
  const points = CHI1_QUESTIONS.map(([sw2, sb2]) => `(${sw2}, ${sb2})`).join(', ');
  if (matches(chi1, 1e-6)) {
    // The edge the learner's χ₁ implies: bisection for fn(σ_w², σ_b²) = 1 on [0.5, 10].
    let [lo, hi] = [0.5, 10];
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      const v = ask(mid, CHI1_EDGE_BIAS);
      if (typeof v === 'string') return wrong(v);
      if (v > 1) hi = mid;
      else lo = mid;
    }
    const theirs = (lo + hi) / 2;
    const edge = criticalWeightVariance({ activation: 'tanh', biasVariance: CHI1_EDGE_BIAS });
    if (!near(theirs, edge, 1e-5)) {
      return wrong(`Your χ₁ is right at ${points}, but it crosses 1 at σ_w² = ${theirs.toPrecision(5)} for σ_b² = ${CHI1_EDGE_BIAS}, where the edge of chaos is ${edge.toPrecision(5)}: is q* computed the same way for every σ_w²?`);
    }
    return right(`Right: χ₁ = ${shown(chi1)} at (σ_w², σ_b²) = ${points}, and your χ₁ crosses 1 at σ_w² = ${theirs.toPrecision(5)} for σ_b² = ${CHI1_EDGE_BIAS}, the edge of chaos. The bias raises q*, where tanh is flatter, so the edge needs weights larger than Glorot's σ_w² = 1.`);
  }
  const V1 = (sw2: number, sb2: number) => varianceMap(layer(sw2, sb2), 1);
  const suspects: [(sw2: number, sb2: number) => number, string][] = [
    [(sw2) => sw2, 'You return σ_w² itself: the χ₁ of a network whose slope is 1 everywhere, a linear one. tanh flattens away from 0, so multiply σ_w² by E[tanh′(z)²] for z ~ N(0, q*): K.activationMoments({ activation: \'tanh\', variance: qStar }).slopeSquare.'],
    [(sw2) => sw2 * moments(1).slopeSquare, 'You took the slope at q = 1, the input\'s variance. The pre-activations settle at q*, the fixed point of the variance map: iterate q = K.varianceMap(layer, q) until it stops changing, and take E[tanh′(z)²] there.'],
    [(sw2, sb2) => sw2 * moments(V1(sw2, sb2)).slopeSquare, 'Your q is V(1), one step of the variance map from q = 1: iterate until q stops changing. |q_l − q*| shrinks by χ_q = V′(q*) per step (below 0.6 at these points), so a few dozen steps reach q* to rounding.'],
    [(sw2, sb2) => moments(qStar(sw2, sb2)).slopeSquare, 'That is E[tanh′(z)²] alone. Each of a unit\'s N weights passes its input\'s slope on with variance σ_w²/N, so χ₁ = σ_w² E[tanh′(z)²]: multiply by σ_w².'],
    [(sw2) => sw2 * moments(qStar(sw2, 0)).slopeSquare, 'Your q* is the one without biases: pass biasVariance: sb2 to K.varianceMap. The bias raises q*, where tanh is flatter, and so lowers χ₁.'],
    [(sw2, sb2) => sw2 * moments(Math.sqrt(qStar(sw2, sb2))).slopeSquare, 'You passed √q* to K.activationMoments: its variance option is the variance q* itself, not the standard deviation.'],
    [(sw2, sb2) => sw2 * moments(qStar(sw2, sb2)).variance, 'That is σ_w² Var(tanh(z)), the variance map\'s term (σ_w² E[tanh(z)²] + σ_b² is q*), not the slope\'s: χ₁ needs slopeSquare, E[tanh′(z)²].'],
    [(sw2, sb2) => chi1(sb2, sw2), 'Those are the values with the two variances swapped: checkChi1 calls your function as myChi1(weightVariance, biasVariance).'],
  ];
  const found = suspects.find(([f]) => matches(f, 1e-3));
  if (found) return wrong(found[1]);
  return wrong(`Not yet: at (σ_w², σ_b²) = ${points} you return ${answers.map((a) => Number(a.toPrecision(5))).join(', ')}; χ₁ is ${shown(chi1)}. Find q* by iterating K.varianceMap, then take σ_w² times K.activationMoments' slopeSquare at variance q*.`);
}
