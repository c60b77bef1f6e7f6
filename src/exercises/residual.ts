/**
 * Chapter 7's checker: predict, then measure, what a residual stream does at initialization
 * with its normalization in each of three places.
 */
import { residualStream } from '../net/stream';
import type { NormPosition } from '../net/blocks';
import { Feedback, measuredOnce, right, wrong } from './verdict';

/**
 * The exercise's network: `blocks` residual blocks of width `width`, each branch a He-initialized
 * ReLU layer then a LeCun-initialized linear one (so a branch fed a unit-size input outputs
 * variance about 1), scaled by `scale`, on a batch of `batch` standard normal inputs.
 */
export const STREAM_TASK = { blocks: 16, scale: 0.5, width: 256, batch: 64 } as const;

/** The learner's three predictions for STREAM_TASK's network. */
export interface StreamPrediction {
  /** Var(x_L), the stream after the last block, with layer norm before each branch. */
  preNorm: number;
  /** Var(x_L) without any normalization. */
  noNorm: number;
  /** E[x_L x_0] / E[x_0^2] with layer norm after each block: how much of the input is left. */
  postNormShare: number;
}

/** A prediction is right within this relative distance (the slips named below are all further). */
const TOLERANCE = 0.05;
const near = (a: number, b: number) => Math.abs(a - b) <= TOLERANCE * Math.abs(b);

type Slip = [number, string];

function judge(name: string, guess: number, truth: number, slips: Slip[], measured: number): { ok: boolean; line: string } {
  const shown = `you predicted ${guess.toPrecision(3)}, the network measures ${measured.toPrecision(3)}`;
  if (near(guess, truth)) return { ok: true, line: `${name}: right (${shown}).` };
  const slip = slips.find(([value]) => near(guess, value));
  if (slip) return { ok: false, line: `${name}: ${slip[1]} (${shown}).` };
  const ratio = guess / truth;
  return {
    ok: false,
    line: `${name}: ${shown}, ${ratio > 1 ? `${ratio.toPrecision(2)} times as much as` : `${(1 / ratio).toPrecision(2)} times smaller than`} the derivation gives. Go back to the section on this placement: what does each block do to the stream?`,
  };
}

/**
 * Exercise (chapter 7): predict the pre-norm stream's variance (Var(x_0) + L α² v), the
 * stream's variance without normalization ((1 + α² v)^L Var(x_0)) and the post-norm
 * stream's input share ((1 + α² v)^(−L/2)), with Var(x_0) = v = 1; the verdict judges
 * each, names the usual slips, and measures the three networks.
 */
export function checkStreamPrediction(p: StreamPrediction): Feedback {
  if (typeof p !== 'object' || p === null) {
    return wrong(`Your answer should be an object { preNorm, noNorm, postNormShare } of three numbers; got ${p === null ? 'null' : typeof p}.`);
  }
  const fields: (keyof StreamPrediction)[] = ['preNorm', 'noNorm', 'postNormShare'];
  const missing = fields.filter((f) => typeof p[f] === 'number' && Number.isNaN(p[f]));
  if (missing.length) return wrong(`Write your prediction for ${missing.join(', ')} first (it is still NaN): predict before you measure.`);
  for (const f of fields) {
    const v = p[f] as unknown;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      return wrong(`${f} must be a finite number > 0 (a variance or a share), got ${String(v)}.`);
    }
  }
  const { blocks: L, scale: a, width, batch } = STREAM_TASK;
  const a2 = a * a;
  // The three networks are seeded, so each is measured once (the verdicts quote them).
  const measure = (normPosition?: NormPosition) => measuredOnce(`stream exercise/${normPosition ?? 'none'}`, () => {
    const r = residualStream({
      depth: 2 * L, width, batch, activation: 'relu', seed: 'stream exercise', norm: normPosition ? 'layer' : undefined,
      init: Array.from({ length: 2 * L }, (_, l) => (l % 2 === 0 ? 'heNormal' : 'leCunNormal')),
      residual: { scale: a, normPosition },
    });
    const last = r.blocks[L - 1];
    return normPosition === 'post' ? last.inputShare : last.stream.variance;
  });
  const verdicts = [
    judge('pre-norm', p.preNorm, 1 + L * a2, [
      [(1 + a2) ** L, 'that compounds, as the stream without normalization does. With pre-norm each branch sees a normalized input, so it adds the same α² v whatever the stream\'s size'],
      [1 + L * a, 'a branch scaled by α adds α² v to the variance, not α v'],
      [L * a2, 'the stream starts at the input\'s variance, 1, and the branches add to it'],
      [1 + L, 'the branches are scaled by α: each adds α² v, not v'],
      [1, 'a pre-norm stream is not normalized itself: only what enters each branch is, and the branches add to the stream'],
    ], measure('pre')),
    judge('no norm', p.noNorm, (1 + a2) ** L, [
      [1 + L * a2, 'that is linear growth, the pre-norm stream\'s. Without normalization a branch sees the stream itself, so its output grows with the stream: each block multiplies the variance by (1 + α² v)'],
      [(1 + a) ** L, 'a branch scaled by α multiplies the variance by 1 + α² v, not 1 + α v'],
      [2 ** L, 'the branches are scaled by α: each block multiplies the variance by 1 + α² v, not 2'],
      [Math.exp(L * a2), `that is the limit of many small blocks, e^(L α² v). At L = ${L} and α = ${a} the product (1 + α² v)^L itself is smaller: take it exactly`],
    ], measure()),
    judge('post-norm share', p.postNormShare, (1 + a2) ** (-L / 2), [
      [(1 + a2) ** -L, 'that is the factor on the variance. The share is a coefficient of x_0, and each normalization divides it by the stream\'s standard deviation, 1/sqrt(1 + α² v)'],
      [1, 'the normalization after each block divides the shortcut too, by sqrt(1 + α² v): nothing keeps the input whole'],
      [1 / Math.sqrt(1 + L * a2), 'that normalizes once, at the end, as a pre-norm stream with a final layer norm does. Post-norm normalizes after every block, so the factors 1/sqrt(1 + α² v) multiply'],
      [2 ** (-L / 2), 'the branches are scaled by α: each block divides the share by sqrt(1 + α² v), not sqrt(2)'],
      [(1 + a) ** (-L / 2), 'the branch adds α² v to the variance, not α v'],
      [Math.exp((-L * a2) / 2), `that is the limit of many small blocks, e^(−L α² v / 2). At L = ${L} and α = ${a} the product (1 + α² v)^(−L/2) itself is larger: take it exactly`],
    ], measure('post')),
  ];
  const text = verdicts.map((v) => v.line).join(' ');
  if (verdicts.every((v) => v.ok)) {
    return right(`Right on all three. ${text} The measurements stray from the derivation by the network's finite width and its one draw of the kernels; the compounding stream without normalization strays most.`);
  }
  return wrong(`${verdicts.filter((v) => v.ok).length} of 3 right. ${text}`);
}
