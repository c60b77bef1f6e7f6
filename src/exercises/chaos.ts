/**
 * Chapter 6's checker: choose the weight variance of a 200-layer tanh network so that its last
 * layer still tells two unrelated inputs apart, and two nearly equal ones from them; predict
 * the correlations there with the mean-field maps; then one such network is measured.
 */
import { checkFinite, describe } from '../core/checks';
import { correlationPropagation } from '../net/correlation';
import { correlationMap, criticalWeightVariance, meanField } from '../theory/meanfield';
import { Feedback, measuredOnce, right, wrong } from './verdict';

/**
 * The exercise's network and what "still separates" means at its last layer: the unrelated
 * pair (c_0 = 0) keeps 1 - c >= apart, so that its two outputs differ by at least
 * sqrt(2 apart) of their length (|z_a - z_b|^2 = 2 (1 - c) |z|^2 for equal lengths), and the
 * similar pair (c_0 = 0.999) stays at least `closer` times nearer, in 1 - c, than the unrelated one.
 * The bias variance is one the chapter's tables do not list.
 */
export const SEPARATION_TASK = {
  activation: 'tanh' as const,
  depth: 200,
  width: 256,
  biasVariance: 0.2,
  unrelated: 0,
  similar: 0.999,
  apart: 0.005,
  closer: 4,
};

/** The learner's answer: a weight variance and the predicted 1 - c of each pair at the last layer. */
export interface SeparationAnswer {
  weightVariance: number;
  /** Predicted 1 - c at layer `depth` for the pair that starts with c_0 = 0. */
  unrelated: number;
  /** Predicted 1 - c at layer `depth` for the pair that starts with c_0 = 0.999. */
  similar: number;
}

const T = SEPARATION_TASK;
/** Pairs of each kind in the measured network, and its seed. */
const MEASURED_PAIRS = 8;
const MEASURED_SEED = 'exercise';
/** Relative agreement with the maps that counts as the same prediction (one map step changes 1 - c by about 0.5% at the edge). */
const SAME = 1e-3;
/** The weight variances the checker accepts at all: tanh's edge lies between 1 and 3.5 for any bias variance up to 1. */
const LARGEST_WEIGHT_VARIANCE = 100;

const layerOf = (sw2: number, sb2 = T.biasVariance) => ({ activation: T.activation, weightVariance: sw2, biasVariance: sb2 });

/**
 * 1 - c_l for l = 1..depth + 1 by the correlation map at q, started at layer 1's correlation
 * c1. Below 1e-7, 1 - c is carried on by the map's slope at c = 1, chi_1 (which is C'(1) at
 * q = q*), since float64 cannot resolve c = 1 - 1e-16 from 1: the map's curvature changes
 * that step by a relative 1e-7.
 */
function trajectory(sw2: number, q: number, c1: number, chi1: number): number[] {
  const layer = layerOf(sw2);
  const out = [1 - c1];
  for (let l = 2; l <= T.depth + 1; l++) {
    const d = out[out.length - 1];
    out.push(d < TINY ? d * chi1 : 1 - correlationMap(layer, q, 1 - d));
  }
  return out; // out[l - 1] is layer l; one spare layer for the "one step too many" slip
}
const TINY = 1e-7;

/** Layer 1's correlation for inputs of correlation c0, scaled so that q_1 = q*: the shared bias adds sigma_b^2 to the covariance. */
const firstLayer = (qStar: number, c0: number) => ((qStar - T.biasVariance) * c0 + T.biasVariance) / qStar;

/** The bias variance at which sigma_w^2 is the edge of chaos (chi_1 falls as sigma_b^2 grows): bisection on chi_1. */
function gainEdgeBias(sw2: number): number {
  let [lo, hi] = [0, 10];
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (meanField(layerOf(sw2, mid)).chi1 > 1) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const fmt = (x: number) => (x === 0 ? '0' : Math.abs(x) < 1e-3 || Math.abs(x) >= 1e4 ? x.toExponential(2) : x.toPrecision(3));

function checkAnswer(answer: unknown): SeparationAnswer {
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) {
    throw new Error(`checkSeparation(answer) takes an object { weightVariance, unrelated, similar }, got ${describe(answer)}`);
  }
  const a = answer as Record<string, unknown>;
  for (const key of Object.keys(a)) {
    if (!['weightVariance', 'unrelated', 'similar'].includes(key)) {
      throw new Error(`checkSeparation(answer) takes weightVariance, unrelated and similar, not "${key}"`);
    }
  }
  return {
    weightVariance: checkFinite('answer.weightVariance', a.weightVariance),
    unrelated: checkFinite('answer.unrelated', a.unrelated),
    similar: checkFinite('answer.similar', a.similar),
  };
}

/**
 * Exercise (chapter 6): `answer.weightVariance` is the learner's sigma_w^2 for a tanh network
 * of SEPARATION_TASK's depth, width and bias variance, and `unrelated`, `similar` their
 * predictions of 1 - c at its last layer for a pair of inputs with c_0 = 0 and one with
 * c_0 = 0.999 (inputs scaled so that the first layer starts at q*). Right when the
 * mean-field maps say this sigma_w^2 separates the pairs (SEPARATION_TASK) and the
 * predictions are the maps' (within 0.1%). The verdict names the usual slips: Glorot's
 * sigma_w^2 = 1, the chapter's edge for sigma_b^2 = 0.05, the gain given for its square,
 * Var(w) = sigma_w^2 / n for sigma_w^2, the gain 5/3, He's 2; predictions swapped, c given
 * for 1 - c, one map step too many or too few, the fixed point c*, the linear approximation
 * (1 - c_1) chi_1^(L-1), the first layer's shared bias left out, the map taken at q = 1.
 * Then it measures one such network (width 256, eight pairs of each kind, seed 'exercise')
 * and reports its 1 - c beside the maps'. Throws an Error naming the field for an answer
 * that is not { weightVariance, unrelated, similar } of finite numbers.
 */
export function checkSeparation(answer: SeparationAnswer): Feedback {
  const { weightVariance: sw2, unrelated, similar } = checkAnswer(answer);
  if (!(sw2 > 0) || sw2 > LARGEST_WEIGHT_VARIANCE) {
    return wrong(`σ_w² = n Var(w) must be positive, and for tanh it is a number of order 1 (Glorot's is 1); you gave ${sw2}. This checker takes 0 < σ_w² <= ${LARGEST_WEIGHT_VARIANCE}.`);
  }
  const sb2 = T.biasVariance;
  const field = meanField(layerOf(sw2));
  const q = field.qStar;
  const far = trajectory(sw2, q, firstLayer(q, T.unrelated), field.chi1);
  const near = trajectory(sw2, q, firstLayer(q, T.similar), field.chi1);
  const L = T.depth;
  const [u, s] = [far[L - 1], near[L - 1]];
  const separates = u >= T.apart && u >= T.closer * s;
  const phase = field.chi1 < 1 - 1e-9 ? 'ordered' : field.chi1 > 1 + 1e-9 ? 'chaotic' : 'at the edge';
  const about = `At σ_w² = ${fmt(sw2)} and σ_b² = ${sb2}, χ₁ = ${field.chi1.toFixed(4)}: ${phase}${field.depthScale < 1e6 ? `, with ξ_c = ${fmt(field.depthScale)} layers` : ''}.`;
  const maps = `At layer ${L} the maps give 1 − c = ${fmt(u)} for the unrelated pair and ${fmt(s)} for the similar one`;

  // One seeded network per σ_w²: a second verdict at the same σ_w² quotes the first's numbers.
  const measured = () => measuredOnce(`separation/${sw2}`, () => {
    const c0 = [...Array<number>(MEASURED_PAIRS).fill(T.unrelated), ...Array<number>(MEASURED_PAIRS).fill(T.similar)];
    const r = correlationPropagation({
      depth: L, width: T.width, init: Math.sqrt(sw2 / T.width), biasStd: Math.sqrt(sb2), inputStd: Math.sqrt((q - sb2) / sw2),
      activation: T.activation, pairs: 2 * MEASURED_PAIRS, correlation: c0, seed: MEASURED_SEED,
    });
    const last = r.layers[L - 1].pairs;
    const mean = (v: number[]) => v.reduce((t, x) => t + x, 0) / v.length;
    const [mu, ms] = [mean(last.slice(0, MEASURED_PAIRS)), mean(last.slice(MEASURED_PAIRS))];
    const ok = mu >= T.apart && mu >= T.closer * ms;
    // float32 keeps about 7 digits of each output, so 1 - c = |z_a - z_b|^2 / (2 |z|^2) bottoms out near 1e-13.
    const equal = mu < 1e-10 && ms < 1e-10 ? ' (as alike as float32 can tell)' : '';
    return ` Measured in one such network (width ${T.width}, ${MEASURED_PAIRS} pairs of each kind): 1 − c = ${fmt(mu)} and ${fmt(ms)}${equal}, against the maps' ${fmt(u)} and ${fmt(s)}; `
      + (ok ? 'this network separates them too.' : `this network does not separate them${separates ? ' (one network of this width scatters around the maps by a factor of a few at this depth: its luck, not your choice)' : ''}.`);
  });

  if (!separates) {
    const why = u < T.apart
      ? `the two unrelated inputs end up alike: 1 − c = ${fmt(u)} is below ${T.apart}`
      : `the similar pair has been pulled apart nearly as far: its 1 − c = ${fmt(s)} is only ${fmt(u / s)} times smaller than the unrelated pair's ${fmt(u)}, where ${T.closer} times is asked`;
    const edge = criticalWeightVariance({ activation: T.activation, biasVariance: sb2 });
    const near1 = (x: number) => Math.abs(sw2 - x) <= 1e-3 * x;
    // Each known value with what it is, the message made only for the one that matches.
    const named: [number, () => string][] = [
      [1, () => `σ_w² = 1 is Glorot's, the edge of chaos for tanh without biases. A bias moves the edge to larger weights: with σ_b² = ${sb2} the pre-activations settle at q* = ${fmt(q)}, where tanh is flatter, and σ_w² = 1 is deep in the ordered phase.`],
      [criticalWeightVariance({ activation: T.activation, biasVariance: 0.05 }), () => `That is the edge for σ_b² = 0.05, the chapter's tables. The edge moves with the bias variance: at σ_b² = ${sb2} q* is larger, tanh flatter there, and the same σ_w² is in the ordered phase.`],
      [Math.sqrt(edge), () => 'That is a gain g = √σ_w², not σ_w²: the weights\' standard deviation is g/√n, their variance σ_w²/n.'],
      [edge / T.width, () => 'That is the variance of one weight, Var(w) = σ_w²/n. σ_w² is n Var(w), a number of order 1.'],
      [25 / 9, () => `That is the gain 5/3 squared (PyTorch's calculate_gain('tanh')), the edge only where σ_b² = ${fmt(gainEdgeBias(25 / 9))}: at σ_b² = ${sb2} it is chaotic.`],
      [2, () => `σ_w² = 2 is He's, made for ReLU. For tanh with σ_b² = ${sb2} it is in the ordered phase.`],
    ];
    const slip = named.find(([x]) => near1(x));
    const lesson = field.chi1 < 1
      ? `${L} layers are ${fmt(L / field.depthScale)} depth scales, and 1 − c shrinks by about χ₁ per layer once it is small.`
      : `Nearby inputs are pulled apart by about χ₁ per layer until every pair sits near c* = ${fmt(field.cStar)}, close or not.`;
    return wrong(`${slip ? `${slip[1]()} ` : ''}${about} ${maps}, so ${why}. ${lesson}${measured()}`);
  }

  const same = (a: number, b: number) => Math.abs(a - b) <= SAME * Math.abs(b);
  const pair = (pu: number, ps: number) => same(unrelated, pu) && same(similar, ps);
  if (pair(u, s)) {
    return right(`Right. ${about} ${maps}, ${fmt(u / s)} times apart. A σ_w² that keeps ${L} layers apart must sit within a few percent of the edge of chaos for this bias variance, where ξ_c is many tens of layers or more.${measured()}`);
  }
  // The slips, cheapest first; the two that need the map iterated anew only when the others fail.
  const suspects: [() => [number, number], string][] = [
    [() => [s, u], 'You swapped the two: the unrelated pair (c₀ = 0) is the one whose outputs stay further apart.'],
    [() => [1 - u, 1 - s], 'Those are the correlations c, not 1 − c.'],
    [() => [far[L], near[L]], `That is layer ${L + 1}: layer 1 is where the first correlation is, so layer ${L} is ${L - 1} steps of the map after it.`],
    [() => [far[L - 2], near[L - 2]], `That is layer ${L - 1}: layer 1 is where the first correlation is, so layer ${L} is ${L - 1} steps of the map after it.`],
    // At the edge c* is 1 (meanField's c* may be 1 - 5e-8 where chi_1 rounds to 1 + 2e-16).
    [() => Array<number>(2).fill(field.cStar > 1 - 1e-6 ? 0 : 1 - field.cStar) as [number, number], `That is the fixed point c*, where the correlations go in the end. ${L} layers do not get there near the edge, where the approach is slower than any exponential: iterate the map.`],
    [() => [far[0] * field.chi1 ** (L - 1), near[0] * field.chi1 ** (L - 1)], `That is the linear approximation, 1 − c shrinking by χ₁ per layer. Near the edge χ₁ is about 1, and the map's curvature does the work: iterate the map itself.`],
    [() => [trajectory(sw2, q, T.unrelated, field.chi1)[L - 1], trajectory(sw2, q, T.similar, field.chi1)[L - 1]], `You started the map at the inputs' correlation c₀. The first layer's pre-activations share the bias: their covariance is σ_w² c₀ Var(x) + σ_b², so c₁ = ((q* − σ_b²) c₀ + σ_b²) / q*.`],
    [() => [trajectory(sw2, 1, firstLayer(q, T.unrelated), field.chi1)[L - 1], trajectory(sw2, 1, firstLayer(q, T.similar), field.chi1)[L - 1]], 'You took the correlation map at q = 1. The pre-activations have variance q* at every layer (the inputs start there): pass q* (K.meanField(...).qStar) to K.correlationMap.'],
  ];
  for (const [values, message] of suspects) {
    const [pu, ps] = values();
    if (pair(pu, ps)) return wrong(`Your σ_w² separates them, but your predictions are off. ${message} ${maps}.${measured()}`);
  }
  return wrong(`Your σ_w² separates them, but your predictions are not the maps': you predict 1 − c = ${fmt(unrelated)} and ${fmt(similar)}. ${maps}. Start from the first layer's correlation and apply K.correlationMap at q* once per layer.${measured()}`);
}
