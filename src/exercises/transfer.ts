/** Chapter 8's checker: how each layer's gradient, Adam's denominator, scales with the width, standard against muP. */
import { logLogSlope } from '../core/stats';
import { adamDenominators } from '../train/coordinate';
import { TeacherTask } from '../train/teacher';
import { Feedback, right, wrong } from './verdict';

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
