/** Chapter 6's checker: chi_1 of a tanh network from the variance map's fixed point. */
import { activationMoments, criticalWeightVariance, meanField, varianceMap } from '../theory/meanfield';
import { Feedback, right, wrong } from './verdict';

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
