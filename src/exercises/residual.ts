/** Chapter 7's checker: the branch scale that keeps a pre-norm residual stream's variance bounded. */
import { residualStream } from '../net/stream';
import { Feedback, close, right, wrong } from './verdict';

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
