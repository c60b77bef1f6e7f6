/**
 * What the values inside a deep network look like, layer by layer: histograms (counts
 * over fixed bins) and moments of the activations and of the back-propagated gradients,
 * as in Glorot & Bengio's Figures 6 and 7 (chapter 3). The histogram view of the
 * network engine (engine.ts).
 */
import { checkOptions, checkPositiveInt, checkRange, oneOf, optional, withDefault } from '../core/checks';
import { DEFAULT_BINS, Histogram, binEdges } from '../core/histogram';
import { Activation } from './activations';
import { Recorded, runNetwork } from './engine';
import { NETWORK_OPTIONS, NetworkOptions, planNetwork } from './network';

/** The values of one layer: their histogram and moments (over every entry). */
export interface LayerValues {
  histogram: Histogram;
  mean: number;
  /** The population variance: the mean of (v - mean)^2. */
  variance: number;
}

/** Layer l (1-based): z_l = x_{l-1} W_l, x_l = f(z_l). */
export interface LayerSample {
  layer: number;
  /** n_l, the layer's number of units. */
  width: number;
  /** The activations x_l = f(z_l): batch x n_l values. */
  activations: LayerValues;
  /**
   * The back-propagated gradients: dLoss/dz_l (batch x n_l values) with
   * gradient: 'preActivation', dLoss/dW_l (n_{l-1} x n_l values) with gradient: 'weights'.
   */
  gradients: LayerValues;
}

export interface LayerSamples {
  /** n_0 (the input) to n_L. */
  widths: number[];
  activation: Activation;
  gradient: GradientKind;
  batch: number;
  /** layers[l - 1] is layer l, for l = 1..L. */
  layers: LayerSample[];
}

export const GRADIENT_NAMES = ['preActivation', 'weights'] as const;
export type GradientKind = (typeof GRADIENT_NAMES)[number];

export interface LayerSamplesOptions extends NetworkOptions {
  /** Which gradient to histogram: with respect to the pre-activations (default) or to the kernels. */
  gradient?: GradientKind;
  /** Bins per histogram (default 50). */
  bins?: number;
  /** The activations' bins span this range; default +-(largest |activation| of any layer). */
  activationRange?: [number, number];
  /** The gradients' bins span this range; default +-(largest |gradient| of any layer). */
  gradientRange?: [number, number];
}

const SAMPLE_OPTIONS = {
  ...NETWORK_OPTIONS,
  gradient: withDefault(oneOf(GRADIENT_NAMES), 'preActivation' as GradientKind),
  bins: withDefault(checkPositiveInt, DEFAULT_BINS),
  activationRange: optional(checkRange),
  gradientRange: optional(checkRange),
};

const values = (r: Recorded | undefined): LayerValues => ({ histogram: r!.histogram!, mean: r!.moments!.mean, variance: r!.moments!.variance });

/**
 * Pushes a seeded standard normal batch x_0 (batch x n_0, times inputStd) through L fully
 * connected layers,
 *
 *   z_l = x_{l-1} W_l,   x_l = f(z_l),   l = 1..L,
 *
 * sends a seeded standard normal gradient g back from the output (the loss sum(x_L * g)),
 * and returns for every layer a histogram and the mean and variance of the activations x_l
 * and of the gradients dLoss/dz_l (or dLoss/dW_l = x_{l-1}^T dLoss/dz_l). It is the
 * network signalPropagation runs from the same options and seed, so their moments agree.
 *
 * Every histogram of a kind shares one set of bins (the `activationRange` and
 * `gradientRange` options, by default +-(largest |value| over all layers)), so layers
 * can be overlaid on one chart.
 */
export function layerSamples(options: LayerSamplesOptions): LayerSamples {
  const o = checkOptions('layerSamples', options, SAMPLE_OPTIONS);
  if (o.activationRange) binEdges(o.bins, o.activationRange);
  if (o.gradientRange) binEdges(o.bins, o.gradientRange);
  const plan = planNetwork(o);
  const gradient = o.gradient === 'weights' ? 'kernelGradient' : 'gradient';
  const run = runNetwork(plan, {
    output: { moments: true, histogram: { bins: o.bins, range: o.activationRange } },
    [gradient]: { moments: true, histogram: { bins: o.bins, range: o.gradientRange } },
  });
  const layers = run.layers.map((l): LayerSample => ({ layer: l.layer, width: l.width, activations: values(l.output), gradients: values(l[gradient]) }));
  return { widths: run.widths, activation: plan.activation, gradient: o.gradient, batch: plan.batch, layers };
}
