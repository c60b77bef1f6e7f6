/**
 * How a signal's size changes on its way through a deep fully connected network, forward
 * (the activations) and backward (the gradients), measured layer by layer: the moments
 * view of the network engine (engine.ts). Chapters 2-4 use it.
 */
import { checkBoolean, checkOptions, withDefault } from '../core/checks';
import { Moments } from '../core/stats';
import { Activation } from './activations';
import { runNetwork } from './engine';
import { NETWORK_OPTIONS, NetworkOptions, planNetwork } from './network';

/** Layer l (1-based) on the way forward: z_l = x_{l-1} W_l, x_l = f(z_l). */
export interface ForwardLayer {
  layer: number;
  /** n_l, the layer's number of units. */
  width: number;
  /** Statistics of z_l, the input to the non-linearity. */
  preActivation: Moments;
  /** Statistics of x_l = f(z_l), the input to the next layer. */
  output: Moments;
}

/** Layer l (1-based) on the way back. */
export interface BackwardLayer {
  layer: number;
  /** Statistics of dLoss/dz_l, the gradient with respect to the layer's pre-activations. */
  preActivation: Moments;
  /** Statistics of dLoss/dW_l (only with `weightGradients: true`). */
  weights?: Moments;
}

export interface Propagation {
  /** n_0 (the input) to n_L. */
  widths: number[];
  activation: Activation;
  /** Statistics of the input batch x_0. */
  input: Moments;
  /** forward[l - 1] is layer l, for l = 1..L. */
  forward: ForwardLayer[];
  /** backward[l - 1] is layer l; empty with `backward: false`. */
  backward: BackwardLayer[];
}

export interface PropagationOptions extends NetworkOptions {
  /** Also report the statistics of each kernel's gradient (one more matrix product per layer). */
  weightGradients?: boolean;
  /**
   * false: the forward pass only (half the matrix products); `backward` comes back empty.
   * Default true.
   */
  backward?: boolean;
}

const PROPAGATION_OPTIONS = {
  ...NETWORK_OPTIONS,
  weightGradients: withDefault(checkBoolean, false),
  backward: withDefault(checkBoolean, true),
};

/**
 * Pushes a seeded standard normal batch x_0 (batch x n_0, times inputStd) through L fully
 * connected layers,
 *
 *   z_l = x_{l-1} W_l,   x_l = f(z_l),   l = 1..L,
 *
 * then sends a seeded standard normal gradient g (batch x n_L) back from the output, as
 * for the loss sum(x_L * g), and returns per layer the mean and variance of z_l and x_l
 * (forward) and of dLoss/dz_l (backward, by TensorFlow.js autodiff). The seeds are the
 * engine's (engine.ts), so initMLP with the same seed draws the same kernels.
 *
 * For kernels with zero-mean entries of variance sigma_l^2 the sizes change by
 *
 *   forward:   Var(z_l)       = n_{l-1} sigma_l^2     E[x_{l-1}^2]         (fan-in)
 *   backward:  Var(dL/dz_l)   = n_{l+1} sigma_{l+1}^2 Var(dL/dz_{l+1}) E[f'(z_l)^2]   (fan-out)
 *
 * so a linear network (f(z) = z, f' = 1) of constant width n multiplies the variance by
 * sigma^2 n per layer, both ways: it grows when sigma > 1/sqrt(n) and shrinks when
 * sigma < 1/sqrt(n).
 *
 * With `backward: false` only the forward pass runs (half the matrix products, no g).
 */
export function signalPropagation(options: PropagationOptions): Propagation {
  const o = checkOptions('signalPropagation', options, PROPAGATION_OPTIONS);
  if (o.weightGradients && !o.backward) throw new Error('weightGradients needs the backward pass: do not combine it with backward: false');
  const plan = planNetwork(o);
  const run = runNetwork(plan, {
    preActivation: { moments: true },
    output: { moments: true },
    ...(o.backward ? { gradient: { moments: true } } : {}),
    ...(o.weightGradients ? { kernelGradient: { moments: true } } : {}),
  });
  const forward = run.layers.map(({ layer, width, preActivation, output }): ForwardLayer =>
    ({ layer, width, preActivation: preActivation!.moments!, output: output!.moments! }));
  const backward = o.backward
    ? run.layers.map(({ layer, gradient, kernelGradient }): BackwardLayer =>
        ({ layer, preActivation: gradient!.moments!, ...(kernelGradient ? { weights: kernelGradient.moments! } : {}) }))
    : [];
  return { widths: run.widths, activation: plan.activation, input: run.input, forward, backward };
}
