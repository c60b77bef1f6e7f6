/**
 * Adam and SGD with one learning rate per variable (chapter 8: a parametrization gives each
 * layer its own rate). Written out in TensorFlow.js ops rather than one tf.train optimizer
 * per layer, so that every step is the formula below and nothing else.
 */
import * as tf from '@tensorflow/tfjs';
import { checkFinite, checkOptions, checkPositive, describe, withDefault } from '../core/checks';

export interface AdamOptions {
  /** beta_1, the decay of the mean of the gradients (default 0.9). */
  beta1?: number;
  /** beta_2, the decay of the mean of their squares (default 0.999). */
  beta2?: number;
  /** epsilon (default 1e-8, Kingma & Ba's and PyTorch's; tfjs's own adam uses 1e-7). */
  epsilon?: number;
}

const inUnit = (name: string, v: unknown) => {
  const b = checkFinite(name, v);
  if (b < 0 || b >= 1) throw new Error(`${name} must be in [0, 1), got ${describe(v)}`);
  return b;
};

/** Adam's defaults here (Kingma & Ba's and PyTorch's; TensorFlow.js's own tf.train.adam uses epsilon 1e-7). */
export const ADAM_DEFAULTS = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

const ADAM_OPTIONS = {
  beta1: withDefault(inUnit, ADAM_DEFAULTS.beta1),
  beta2: withDefault(inUnit, ADAM_DEFAULTS.beta2),
  epsilon: withDefault(checkPositive, ADAM_DEFAULTS.epsilon),
};

/** An optimizer over a fixed list of variables; step takes their gradients in the same order. */
export interface LayerwiseOptimizer {
  /** Applies one update from the gradients (which stay the caller's). */
  step(grads: tf.Tensor[]): void;
  /** The number of steps taken. */
  readonly steps: number;
  /**
   * Adam only: per variable, the root mean square over its entries of sqrt(v_hat), the
   * bias-corrected RMS of its gradients that divides every step, next to which epsilon is
   * added (undefined for SGD, and before the first step).
   */
  denominatorRms?(): number[];
  dispose(): void;
}

function checkRates(vars: tf.Variable[], rates: number[]): void {
  if (!Array.isArray(rates) || rates.length !== vars.length) {
    throw new Error(`rates must list one learning rate per variable (${vars.length}), got ${describe(rates)}`);
  }
  rates.forEach((r, i) => {
    if (typeof r !== 'number' || !Number.isFinite(r) || r < 0) throw new Error(`rates[${i}] must be a finite number >= 0, got ${describe(r)}`);
  });
}

function checkGrads(vars: tf.Variable[], grads: tf.Tensor[]): void {
  if (!Array.isArray(grads) || grads.length !== vars.length) throw new Error(`step needs one gradient per variable (${vars.length}), got ${grads?.length}`);
  grads.forEach((g, i) => {
    if (!(g instanceof tf.Tensor) || g.size !== vars[i].size) throw new Error(`step: gradient ${i} must be a tensor of the variable's shape [${vars[i].shape}]`);
  });
}

/** SGD: w_l <- w_l - rate_l g_l. */
export function layerwiseSgd(vars: tf.Variable[], rates: number[]): LayerwiseOptimizer {
  checkRates(vars, rates);
  let steps = 0;
  return {
    step(grads) {
      checkGrads(vars, grads);
      tf.tidy(() => vars.forEach((w, l) => w.assign(tf.sub(w, tf.mul(grads[l], rates[l])))));
      steps++;
    },
    get steps() {
      return steps;
    },
    dispose() {},
  };
}

/**
 * Adam (Kingma & Ba 2014, arXiv:1412.6980) with rate_l for variable l. At step t (from 1):
 *
 *   m <- beta1 m + (1 - beta1) g,   v <- beta2 v + (1 - beta2) g^2,
 *   w <- w - rate_l  m_hat / (sqrt(v_hat) + epsilon),  m_hat = m / (1 - beta1^t),  v_hat = v / (1 - beta2^t),
 *
 * computed as w - rate_l sqrt(1 - beta2^t) / (1 - beta1^t) m / (sqrt(v) + epsilon sqrt(1 - beta2^t)),
 * the same number (the paper's "more efficient" ordering). The first step is
 * w - rate_l g / (|g| + epsilon): a step of rate_l against the sign of every gradient entry.
 */
export function layerwiseAdam(vars: tf.Variable[], rates: number[], options: AdamOptions = {}): LayerwiseOptimizer {
  checkRates(vars, rates);
  const { beta1, beta2, epsilon } = checkOptions('layerwiseAdam', options, ADAM_OPTIONS);
  const zeros = (w: tf.Variable) => tf.tidy(() => tf.variable(tf.zeros(w.shape), false));
  const m = vars.map(zeros);
  const v = vars.map(zeros);
  let steps = 0;
  return {
    step(grads) {
      checkGrads(vars, grads);
      const t = steps + 1;
      const c2 = Math.sqrt(1 - beta2 ** t);
      const scale = c2 / (1 - beta1 ** t);
      tf.tidy(() => {
        vars.forEach((w, l) => {
          const g = grads[l];
          const ml = tf.add(tf.mul(m[l], beta1), tf.mul(g, 1 - beta1));
          const vl = tf.add(tf.mul(v[l], beta2), tf.mul(tf.square(g), 1 - beta2));
          m[l].assign(ml);
          v[l].assign(vl);
          w.assign(tf.sub(w, tf.mul(tf.div(ml, tf.add(tf.sqrt(vl), epsilon * c2)), rates[l] * scale)));
        });
      });
      steps = t;
    },
    get steps() {
      return steps;
    },
    denominatorRms() {
      if (steps === 0) throw new Error('denominatorRms: Adam has taken no step yet');
      const c = 1 - beta2 ** steps;
      return Array.from(tf.tidy(() => tf.stack(v.map((vl) => tf.mean(vl))).dataSync()), (mean) => Math.sqrt(mean / c));
    },
    dispose() {
      tf.dispose([...m, ...v]);
    },
  };
}
