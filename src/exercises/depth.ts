/** Chapter 2's checker: the depth at which a deep linear network has grown its signal a thousandfold. */
import { describe } from '../core/checks';
import { logSlope } from '../core/stats';
import { signalPropagation } from '../net/propagation';
import { Feedback, right, wrong } from './verdict';

/**
 * The question: linear layers of width n with kernels N(0, (gain/√n)²), a batch of standard
 * normal inputs; after how many layers is the variance of the signal `growth` times the
 * input's? The checker runs the network `depth` layers deep and finds the first such layer.
 */
export const GROWTH_QUESTION = { gain: 1.1, growth: 1000, width: 256, batch: 64, depth: 50, seed: 3 } as const;

/** What the checker measured: the first layer past the growth, and the network's own factor per layer. */
export interface GrowthMeasurement {
  /** The first layer l with Var(z_l) >= growth · Var(x_0); null if none within the depth. */
  layer: number | null;
  /** exp of the least-squares slope of ln Var(z_l): this network's variance factor per layer. */
  factor: number;
  /** The prediction from n σ² = gain² per layer: the smallest L with gain^(2L) >= growth. */
  predicted: number;
}

/** Runs GROWTH_QUESTION's network (forward only) and measures where its variance passes the growth. */
export function measureGrowthDepth(): GrowthMeasurement {
  const { gain, growth, width, batch, depth, seed } = GROWTH_QUESTION;
  const p = signalPropagation({ depth, width, batch, init: gain / Math.sqrt(width), activation: 'linear', seed, backward: false });
  const v0 = p.input.variance;
  const variances = [v0, ...p.forward.map((f) => f.preActivation.variance)];
  const index = variances.findIndex((v) => v >= growth * v0);
  return {
    layer: index < 0 ? null : index,
    factor: Math.exp(logSlope(variances)),
    predicted: Math.ceil(Math.log(growth) / Math.log(gain * gain)),
  };
}

/**
 * Exercise (chapter 2): after how many layers of GROWTH_QUESTION's network has the signal's
 * variance grown a thousandfold? A whole number; within one layer of the prediction from
 * n σ² = gain² or of the measured depth is right (one random network's factor per layer is
 * not exactly n σ²: over seeds, this one's crossing scatters from 36 to 39). Names the usual slips:
 * the std's factor σ√n compounded instead of the variance's n σ², n σ² squared once more,
 * ln(1 + x) taken as x, a factor added per layer instead of multiplied, and a log in one base
 * divided by a log in another.
 */
export function checkGrowthDepth(prediction: unknown): Feedback {
  const { gain, growth, depth } = GROWTH_QUESTION;
  if (Number.isNaN(prediction)) return wrong('Write your prediction in place of NaN: a whole number of layers. The checker then builds the network and measures it.');
  if (typeof prediction !== 'number' || !Number.isFinite(prediction)) {
    return wrong(`Your prediction should be a number of layers, a whole number from 1 to ${depth}; got ${describe(prediction)}.`);
  }
  if (!Number.isInteger(prediction) || prediction < 1) {
    return wrong(`A depth is a whole number of layers, at least 1; got ${prediction}. Which is the first layer whose variance is at least ${growth} times the input's?`);
  }
  const m = measureGrowthDepth();
  if (m.layer === null) throw new Error(`checkGrowthDepth: the network did not reach a ${growth}-fold variance in ${depth} layers`);
  const g2 = gain * gain;
  const measured = `Measured: this network's variance passes ${growth} times the input's at layer ${m.layer}; its own factor per layer (the slope of ln Var) is ${m.factor.toFixed(3)}, against n σ² = ${g2.toFixed(2)}, and ${g2.toFixed(2)}^L ≥ ${growth} first holds at L = ${m.predicted}.`;
  if (Math.abs(prediction - m.layer) <= 1 || Math.abs(prediction - m.predicted) <= 1) {
    return right(`Right: each layer multiplies the variance by n σ² = ${gain}² = ${g2.toFixed(2)}, so after L layers it is ${g2.toFixed(2)}^L times the input's, and L = ln ${growth} / ln ${g2.toFixed(2)} = ${(Math.log(growth) / Math.log(g2)).toFixed(1)}. ${measured}`);
  }
  const near = (x: number) => Math.abs(prediction - x) <= 1;
  const suspects: [number, string][] = [
    [Math.log(growth) / Math.log(gain), `You compounded σ√n = ${gain}, the factor of the signal's RMS (its norm), not of its variance: the variance grows by (σ√n)² = ${g2.toFixed(2)} per layer, so it takes half as many layers.`],
    [Math.log(growth) / (2 * Math.log(g2)), `You squared the factor twice: n σ² = ${g2.toFixed(2)} is already the variance's factor per layer (the RMS's is σ√n = ${gain}), so the variance after L layers is ${g2.toFixed(2)}^L, not ${g2.toFixed(2)}^(2L).`],
    [Math.log(growth) / (g2 - 1), `You took ln ${g2.toFixed(2)} as ${(g2 - 1).toFixed(2)}; but ln(1 + x) is smaller than x (ln ${g2.toFixed(2)} = ${Math.log(g2).toFixed(4)}), so each layer gains less and it takes more layers.`],
    [(growth - 1) / (g2 - 1), `That adds ${(g2 - 1).toFixed(2)} times the input's variance per layer. Each layer multiplies the variance by ${g2.toFixed(2)}: the growth compounds, ${g2.toFixed(2)}^L ≥ ${growth}, and takes far fewer layers.`],
    [(growth - 1) / (gain - 1), `That adds to the signal a fixed amount per layer. Each layer multiplies the variance by n σ² = ${g2.toFixed(2)}: the growth compounds, ${g2.toFixed(2)}^L ≥ ${growth}.`],
    [Math.log10(growth) / Math.log(g2), `You divided a base-10 logarithm (log₁₀ ${growth} = ${Math.log10(growth)}) by a natural one (ln ${g2.toFixed(2)}): use the same base on both sides.`],
    [Math.log(growth) / Math.log10(g2), `You divided a natural logarithm (ln ${growth}) by a base-10 one (log₁₀ ${g2.toFixed(2)}): use the same base on both sides.`],
  ];
  const found = suspects.find(([x]) => near(Math.ceil(x)) || near(Math.floor(x)));
  if (found) return wrong(`${found[1]} ${measured}`);
  return wrong(`Not yet: ${prediction} is ${prediction < m.layer ? 'too few' : 'too many'} layers. The variance of a linear layer's output is n σ² times its input's, whatever the layer; what does that make it after L layers? ${measured}`);
}
