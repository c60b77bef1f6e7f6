/**
 * How an MLP's initial scales and learning rates change with its width (chapter 8): the
 * standard parametrization, and the maximal update parametrization (muP) of Yang & Hu 2021
 * and Yang et al. 2022 (Tensor Programs V, arXiv:2203.03466, Table 3), in the form the
 * `mup` package implements (MuReadout, MuAdam, MuSGD).
 *
 * A network of sizes [d_in, n, ..., n, d_out] has three kinds of layer: the input layer
 * (fan-in d_in fixed, fan-out n), hidden layers (n x n) and the readout (n x d_out). With
 * every scale written relative to a base width n_0, and m = n / n_0 the width multiplier:
 *
 *                        input        hidden       readout
 *   init std             g/sqrt(d_in) g/sqrt(n)    g/sqrt(n) (standard);  g/sqrt(n_0) x alpha = g sqrt(n_0)/n (muP)
 *   output multiplier                              alpha = 1 (standard);  1/m (muP)
 *   Adam rate            eta          eta / m      eta
 *   SGD rate             eta m        eta          eta m
 *
 * (the muP rows; the standard parametrization uses eta for every layer). In the package's
 * form the readout is drawn with std g/sqrt(n_0), at every width, and multiplied by
 * alpha = 1/m in the forward pass. Table 3's form has no multiplier: the readout is drawn
 * alpha times smaller (variance proportional to 1/fan_in^2) with Adam rate eta/m and SGD
 * rate eta/m. Both train the same network step for step (Adam does not see a constant
 * factor on a gradient; SGD's alpha^2 is in its rate). At n = n_0 muP is the standard
 * parametrization exactly, so a rate tuned at the base width is muP's rate at every width.
 */
import { checkFinite, checkOptions, checkPositive, checkPositiveInt, describe, oneOf, withDefault } from '../core/checks';
import { DEFAULT_SEED, Seed, checkSeed } from '../core/random';
import { MLPParams, checkSizes, initMLP } from './mlp';

export const PARAMETRIZATION_NAMES = ['standard', 'mup'] as const;
export type ParametrizationName = (typeof PARAMETRIZATION_NAMES)[number];

/** The optimizers whose per-layer rates a parametrization sets. */
export const PARAMETRIZED_OPTIMIZERS = ['adam', 'sgd'] as const;
export type ParametrizedOptimizer = (typeof PARAMETRIZED_OPTIMIZERS)[number];

/** 'multiplier': the mup package's readout (std g/sqrt(n_0), output multiplier n_0/n). 'table3': the paper's Table 3, no multiplier. */
export const MUP_FORMS = ['multiplier', 'table3'] as const;
export type MupForm = (typeof MUP_FORMS)[number];

/** 'random': the readout drawn like the other layers. 'zero': readout weights start at 0 (mup's readout_zero_init). */
export const READOUT_NAMES = ['random', 'zero'] as const;
export type ReadoutInit = (typeof READOUT_NAMES)[number];

export type LayerRole = 'input' | 'hidden' | 'readout';

export interface LayerScale {
  role: LayerRole;
  fanIn: number;
  fanOut: number;
  /** The std of the kernel's zero-mean normal init (0 for a zero readout). */
  initStd: number;
  /** This layer's learning rate is the global rate eta times this. */
  learningRateMultiplier: number;
}

export interface Parametrization {
  name: ParametrizationName;
  optimizer: ParametrizedOptimizer;
  /** n, every hidden layer's width. */
  width: number;
  /** n_0, the width at which muP is the standard parametrization. */
  baseWidth: number;
  /** Layer widths, input first. */
  sizes: number[];
  /** The gain g of every layer's init: std(w) = g / sqrt(fan_in) in the standard parametrization. */
  gain: number;
  form: MupForm;
  readout: ReadoutInit;
  /** One per weight matrix, input layer first. */
  layers: LayerScale[];
  /** alpha: the readout's product is multiplied by it in the forward pass. */
  outputMultiplier: number;
}

export interface ParametrizationOptions {
  name: ParametrizationName;
  /** Layer widths, input first: every hidden layer the same width n, at least one of them. */
  sizes: number[];
  optimizer: ParametrizedOptimizer;
  /** n_0 (default 64). */
  baseWidth?: number;
  /** g (default sqrt(2), He's gain for ReLU, chapter 4). */
  gain?: number;
  /** muP's readout form (default 'multiplier', the mup package's); the standard parametrization has none. */
  form?: MupForm;
  /** Default 'random'. */
  readout?: ReadoutInit;
}

const PARAMETRIZATION_OPTIONS = {
  name: oneOf(PARAMETRIZATION_NAMES),
  sizes: (_name: string, v: unknown) => checkSizes(v),
  optimizer: oneOf(PARAMETRIZED_OPTIMIZERS),
  baseWidth: withDefault(checkPositiveInt, 64),
  gain: withDefault(checkPositive, Math.SQRT2),
  form: withDefault(oneOf(MUP_FORMS), 'multiplier' as MupForm),
  readout: withDefault(oneOf(READOUT_NAMES), 'random' as ReadoutInit),
};

/**
 * Every layer's init std and learning-rate multiplier, and the output multiplier, of an MLP
 * of sizes [d_in, n, ..., n, d_out] under the standard parametrization or muP (the table in
 * this file's header). Throws naming the option when the sizes have no hidden layer or
 * hidden layers of different widths.
 */
export function parametrize(options: ParametrizationOptions): Parametrization {
  const o = checkOptions('parametrize', options, PARAMETRIZATION_OPTIONS);
  const { name, sizes, optimizer, baseWidth, gain, readout } = o;
  if (sizes.length < 3) throw new Error(`sizes must have at least one hidden layer ([inputs, width, ..., outputs]), got ${describe(sizes)}`);
  const hidden = sizes.slice(1, -1);
  const n = hidden[0];
  if (hidden.some((w) => w !== n)) throw new Error(`sizes must give every hidden layer the same width, got ${describe(sizes)}`);
  if (name === 'standard' && options.form !== undefined) throw new Error('form is muP\'s readout form; the standard parametrization has none');
  const form = o.form;
  const m = n / baseWidth;
  const mup = name === 'mup';
  const depth = sizes.length - 1;
  // Table 3's readout is the package's with its multiplier alpha folded into the weights.
  const alpha = mup && form === 'multiplier' ? 1 / m : 1;
  const layers: LayerScale[] = [];
  for (let l = 0; l < depth; l++) {
    const role: LayerRole = l === 0 ? 'input' : l === depth - 1 ? 'readout' : 'hidden';
    const fanIn = sizes[l];
    let initStd = gain / Math.sqrt(fanIn);
    let rate = 1;
    if (mup) {
      if (role === 'hidden') rate = optimizer === 'adam' ? 1 / m : 1;
      if (role === 'input') rate = optimizer === 'adam' ? 1 : m;
      if (role === 'readout') {
        if (form === 'multiplier') {
          initStd = gain / Math.sqrt(baseWidth);
          rate = optimizer === 'adam' ? 1 : m;
        } else {
          initStd = (gain / Math.sqrt(fanIn)) / Math.sqrt(m);
          rate = 1 / m;
        }
      }
    }
    if (role === 'readout' && readout === 'zero') initStd = 0;
    layers.push({ role, fanIn, fanOut: sizes[l + 1], initStd, learningRateMultiplier: rate });
  }
  return { name, optimizer, width: n, baseWidth, sizes: [...sizes], gain, form, readout, layers, outputMultiplier: alpha };
}

/** The network's initial parameters: layer l's kernel N(0, initStd_l^2), seeded as initMLP seeds it; biases 0. */
export function initParametrized(p: Parametrization, seed: Seed = DEFAULT_SEED): MLPParams {
  checkSeed('seed', seed);
  p.layers.forEach((layer, l) => checkFinite(`layers[${l}].initStd`, layer.initStd));
  return initMLP(p.sizes, p.layers.map((layer) => layer.initStd), seed);
}
