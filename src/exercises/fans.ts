/**
 * Checkers of chapters 3 and 4: a function of the fans (Glorot's limit, He's std) compared with
 * the right formula and with the usual slips, and a predicted variance.
 */
import { TRUNCATION_STD } from '../init/formulas';
import { Feedback, close, right, wrong } from './verdict';

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
