/** Chapter 8's checker: the Adam learning rate carried to a wider network, standard against muP. */
import { checkOptions, checkPositive, checkPositiveInt, required } from '../core/checks';
import { logLogSlope } from '../core/stats';
import { adamDenominators } from '../train/coordinate';
import { TeacherTask } from '../train/teacher';
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

/** How a layer's gradient scales with the width: the log-log slope of its RMS against n, per kind of layer. */
export interface LayerSlopes {
  input: number;
  hidden: number;
  readout: number;
}

/** The learner's predictions for checkGradientSlopes. */
export interface GradientSlopeAnswer {
  standard: LayerSlopes;
  mup: LayerSlopes;
}

/** The measurement checkGradientSlopes runs: the networks of chapter 8, widths 64 to 1024, the first minibatch's gradient, six seeds. */
export const GRADIENT_TASK = { widths: [64, 128, 256, 512, 1024], baseWidth: 64, batchSize: 32, learningRate: 2 ** -8, seeds: [1, 2, 3, 4, 5, 6] } as const;

const ROLES = ['input', 'hidden', 'readout'] as const;

/**
 * The slopes the backward pass gives at initialization, with delta_f = 2 (f - y) of size 1:
 * the readout's gradient is h_2 delta_f (no weight in between), the hidden layer's h_1 w_j a_j delta_f
 * (one readout weight, of size n^-1/2 under He's scale, n^-1 under muP's effective readout),
 * the input layer's x (W_2 delta_2), a sum of n terms of random sign and size n^-1/2 times
 * delta_2, so of the size of delta_2. muP's package form multiplies the readout's output, and
 * so its gradient, by n_0/n.
 */
export const GRADIENT_SLOPES: Record<'standard' | 'mup', LayerSlopes> = {
  standard: { input: -0.5, hidden: -0.5, readout: 0 },
  mup: { input: -1, hidden: -1, readout: -1 },
};

/** A prediction within this of the theory's slope counts (the measured slopes over 64-512 scatter by about 0.1). */
export const SLOPE_TOLERANCE = 0.2;

/**
 * What checkGradientSlopes measures: per parametrization, Adam's sqrt(v_hat) after one step
 * (the first minibatch's |gradient|), its RMS per layer, and the log-log slope against the width
 * of that RMS's geometric mean over GRADIENT_TASK.seeds. Injected so that tests can check the verdicts
 * without training.
 */
export type SlopeMeasure = () => Record<'standard' | 'mup', LayerSlopes>;

/** The measurement behind checkGradientSlopes (see SlopeMeasure), on the chapter's teacher task. */
export function measureGradientSlopes(task: TeacherTask): Record<'standard' | 'mup', LayerSlopes> {
  const T = GRADIENT_TASK;
  const slopes = (parametrization: 'standard' | 'mup'): LayerSlopes => {
    const runs = T.seeds.map((seed) => adamDenominators({
      task, parametrization, optimizer: 'adam', widths: [...T.widths], baseWidth: T.baseWidth, learningRate: T.learningRate, steps: 1, batchSize: T.batchSize, seed,
    }));
    // The geometric mean over seeds: each seed's gradients carry its own error f - y, a factor of a few either way.
    const [input, hidden, readout] = runs[0].rms.map((_, l) => logLogSlope([...T.widths], T.widths.map((__, w) => Math.exp(runs.reduce((a, r) => a + Math.log(r.rms[l][w]), 0) / runs.length))));
    return { input, hidden, readout };
  };
  return { standard: slopes('standard'), mup: slopes('mup') };
}

/**
 * Exercise (chapter 8): predict how each layer's gradient (and so Adam's denominator sqrt(v_hat),
 * next to which epsilon is added) scales with the width under the standard parametrization and
 * muP, then see it measured. Judges the prediction against the backward pass's slopes
 * (GRADIENT_SLOPES, within SLOPE_TOLERANCE) and names the usual slips: the update's slope (+1)
 * or the initial weights' (-1/2 everywhere) taken for the gradient's, a sign flipped, the
 * readout's gradient given a weight it does not pass through, muP's readout multiplier
 * forgotten (Table 3's form, whose readout gradient does not shrink), the input layer's
 * gradient shrunk by an extra n^-1/2 for the random matrix W_2 it passes through.
 */
export function checkGradientSlopes(answer: GradientSlopeAnswer, task: TeacherTask, measure: SlopeMeasure = () => measureGradientSlopes(task)): Feedback {
  if (answer === null || typeof answer !== 'object') return wrong(`Your answer should be an object { standard: { input, hidden, readout }, mup: { input, hidden, readout } } of slopes; got ${String(answer)}.`);
  for (const p of ['standard', 'mup'] as const) {
    const a = answer[p];
    if (a === null || typeof a !== 'object') return wrong(`answer.${p} should be { input, hidden, readout }, three slopes; got ${String(a)}.`);
  }
  if ((['standard', 'mup'] as const).some((p) => ROLES.some((r) => Number.isNaN(answer[p][r])))) {
    return wrong('Write your six predicted slopes in place of NaN; the checker then judges them and measures the gradients.');
  }
  for (const p of ['standard', 'mup'] as const) {
    const a = answer[p];
    for (const r of ROLES) {
      if (typeof a[r] !== 'number' || !Number.isFinite(a[r])) return wrong(`answer.${p}.${r} should be a slope, a finite number (0 for a gradient whose size does not change with the width); got ${String(a[r])}.`);
    }
  }
  if (task === null || typeof task !== 'object' || !task.train) throw new Error('task must be the chapter\'s teacher task (from K.teacherTask)');
  if (typeof measure !== 'function') throw new Error('measure must be a function returning the measured slopes, as measureGradientSlopes(task) does');
  const near = (x: number, target: number) => Math.abs(x - target) <= SLOPE_TOLERANCE;
  const fmt = (x: number) => (x === 0 ? '0' : `${x < 0 ? '−' : '+'}${Number(Math.abs(x).toFixed(2))}`);
  const name = { input: 'input layer', hidden: 'hidden layer', readout: 'readout' } as const;
  const pname = { standard: 'standard', mup: 'muP' } as const;
  const slips: string[] = [];
  for (const p of ['standard', 'mup'] as const) {
    for (const r of ROLES) {
      const x = answer[p][r];
      const t = GRADIENT_SLOPES[p][r];
      if (near(x, t)) continue;
      const where = `${pname[p]}, ${name[r]}: your ${fmt(x)}`;
      let why: string;
      if (near(x, -t) && t !== 0) why = `the sign is flipped: the gradient shrinks as the network widens (the slope is ${fmt(t)}), it does not grow.`;
      else if (near(x, 1) && r === 'hidden') why = 'that is the slope of one Adam step\'s effect on the layer\'s outputs (the update sums n coherent terms), not of the gradient, which Adam divides away.';
      else if (p === 'standard' && r === 'readout' && near(x, -0.5)) why = 'the readout\'s gradient is h₂ (f − y): no weight stands between it and the loss, so He\'s 1/√n does not reach it; h₂ keeps its size at every width.';
      else if (p === 'mup' && r === 'readout' && near(x, 0)) why = 'that is Table 3\'s form, where the readout is drawn small and its gradient h₂ (f − y) keeps its size. In the package\'s form (K.parametrize, here) the output is multiplied by n₀/n, so the readout\'s gradient is too.';
      else if (p === 'mup' && r !== 'readout' && near(x, -0.5)) why = 'that is He\'s readout scale, 1/√n. muP\'s effective readout weights are ∝ 1/n, and every gradient below the readout carries one of them.';
      else if (r === 'input' && near(x, t - 0.5)) why = `δ₁ = W₂ δ₂ is a sum of n terms of random sign and size n^(−1/2) δ₂, so it has the size of δ₂: W₂ adds no factor, and the input layer's gradient scales as the hidden layer's (${fmt(GRADIENT_SLOPES[p].hidden)}).`;
      else if (near(x, 0)) why = 'a gradient that keeps its size would need no weight between it and the loss that shrinks with the width; follow δ back from the output through the readout weights.';
      else why = `follow δ = ∂ℓ/∂z back from the output: each layer's gradient is its input times δ, and δ picks up a readout weight on its way down (size ${p === 'standard' ? 'n^(−1/2) under He\'s scale' : 'n^(−1) for muP\'s effective readout, n₀/n times the multiplier'}).`;
      slips.push(`${where}: ${why}`);
    }
  }
  const m = measure();
  const measured = (['standard', 'mup'] as const).map((p) => `${pname[p]} ${ROLES.map((r) => fmt(m[p][r])).join(', ')}`).join('; ');
  const seen = `Measured (input, hidden, readout), RMS of Adam's √v̂ after one step over widths ${GRADIENT_TASK.widths.join(', ')}: ${measured}.`;
  if (slips.length) return wrong(`${slips.join(' ')} ${seen}`);
  return right(`Right: standard ${ROLES.map((r) => fmt(GRADIENT_SLOPES.standard[r])).join(', ')}, muP ${ROLES.map((r) => fmt(GRADIENT_SLOPES.mup[r])).join(', ')} (input, hidden, readout). ${seen} Under muP every gradient shrinks like 1/n, so a fixed ε = 10⁻⁸ comes closer to Adam's denominator with every doubling of the width.`);
}
