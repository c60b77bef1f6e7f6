/** Chapter 8's checker: the Adam learning rate carried to a wider network, standard against muP. */
import { checkOptions, checkPositive, checkPositiveInt, required } from '../core/checks';
import { Feedback, right, wrong } from './verdict';

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
