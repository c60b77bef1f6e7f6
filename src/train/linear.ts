/**
 * Chapter 2's trainer: deep linear networks learning a linear map, the simplest setting
 * in which the size of the initial weights decides whether gradient descent works at all
 * (Saxe et al. 2013).
 */
import * as tf from '@tensorflow/tfjs';
import {
  checkFunction, checkNonNegative, checkOptions, checkPositive, checkPositiveInt, optional, passThrough, required, withDefault,
} from '../core/checks';
import { solveAugmented } from '../core/linalg';
import { DEFAULT_SEED, Seed, checkSeed } from '../core/random';
import { InitSpec, sampleInit } from '../init/initspec';
import { activationFn } from '../net/activations';
import { disposeMLP, initMLP, mlpForward, mlpVariables, readMLP } from '../net/mlp';

/** A regression task y = x A + noise, rows are examples (row-major Float32Arrays). */
export interface LinearTask {
  examples: number;
  inputs: number;
  outputs: number;
  /** examples x inputs, standard normal. */
  x: Float32Array;
  /** examples x outputs. */
  y: Float32Array;
  /** The teacher's map A (inputs x outputs), entries N(0, 1/inputs), so each y has variance about 1 + noise^2. */
  teacher: Float32Array;
  /** The std of the noise added to every target. */
  noise: number;
}

export interface LinearTaskOptions {
  examples: number;
  inputs: number;
  outputs: number;
  noise: number;
  seed?: Seed;
}

/**
 * A seeded regression task: x ~ N(0, 1), y = x A + noise with A_ij ~ N(0, 1/inputs) and
 * noise ~ N(0, noise^2). No linear map can fit the noise, so the mean squared error of the
 * best one (leastSquares) is about noise^2 (1 - inputs/examples).
 */
export function linearTask(options: LinearTaskOptions): LinearTask {
  const { examples, inputs, outputs, noise, seed } = checkOptions('linearTask', options, {
    examples: required(checkPositiveInt),
    inputs: required(checkPositiveInt),
    outputs: required(checkPositiveInt),
    noise: required(checkNonNegative),
    seed: withDefault<Seed>(checkSeed, DEFAULT_SEED),
  });
  const x = sampleInit(1, [examples, inputs], `${seed}/x`);
  const teacher = sampleInit(1 / Math.sqrt(inputs), [inputs, outputs], `${seed}/teacher`);
  const y = sampleInit(noise, [examples, outputs], `${seed}/noise`);
  for (let e = 0; e < examples; e++) {
    for (let o = 0; o < outputs; o++) {
      let s = 0;
      for (let i = 0; i < inputs; i++) s += x[e * inputs + i] * teacher[i * outputs + o];
      y[e * outputs + o] += s;
    }
  }
  return { examples, inputs, outputs, x, y, teacher, noise };
}

/**
 * The best any linear map does on the task: A* = argmin mean((x A - y)^2), from the normal
 * equations (x^T x) A* = x^T y solved in float64, and its mean squared error.
 */
export function leastSquares(task: LinearTask): { map: Float64Array; loss: number } {
  const { examples: N, inputs: n, outputs: m, x, y } = task;
  if (N < n) throw new Error(`leastSquares needs at least as many examples as inputs (${n}), got ${N}`);
  // The augmented matrix [x^T x | x^T y], n x (n + m).
  const w = n + m;
  const a = new Float64Array(n * w);
  for (let e = 0; e < N; e++) {
    for (let i = 0; i < n; i++) {
      const xi = x[e * n + i];
      for (let j = 0; j < n; j++) a[i * w + j] += xi * x[e * n + j];
      for (let o = 0; o < m; o++) a[i * w + n + o] += xi * y[e * m + o];
    }
  }
  let map: Float64Array;
  try {
    map = solveAugmented(a, n, m);
  } catch {
    throw new Error('leastSquares: the inputs are linearly dependent');
  }
  let sse = 0;
  for (let e = 0; e < N; e++) {
    for (let o = 0; o < m; o++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[e * n + i] * map[i * m + o];
      sse += (s - y[e * m + o]) ** 2;
    }
  }
  return { map, loss: sse / (N * m) };
}

export interface DeepLinearOptions {
  task: LinearTask;
  /** L, the number of weight matrices. */
  depth: number;
  /** Units in each of the L - 1 hidden layers (default: the task's inputs). */
  width?: number;
  /** How each kernel is drawn: one InitSpec for every layer, or one per layer. */
  init: InitSpec | InitSpec[];
  learningRate: number;
  /** Full-batch gradient-descent steps. */
  steps: number;
  /** Record the loss every this many steps (default 1); the last step is always recorded. */
  recordEvery?: number;
  seed?: Seed;
  /**
   * Called after every record with the history so far (for a live plot or a progress bar):
   * the same object each time, still growing, so copy what you keep. Its weights are filled
   * in only when training ends. It reads the history and changes nothing in the training.
   */
  onRecord?: (history: DeepLinearHistory) => void;
}

export interface DeepLinearHistory {
  /** n_0 (the task's inputs) to n_L (its outputs). */
  widths: number[];
  /** The steps at which the loss was recorded, 0 (before any update) first. */
  step: number[];
  /** Mean squared error over all examples and outputs, at each recorded step. */
  loss: number[];
  /**
   * The first step whose loss was not a finite number (overflow to Infinity, then NaN), at
   * which training stopped; null if it ran all its steps. step and loss end before it.
   */
  divergedAt: number | null;
  /** The kernels after the last step (or when training stopped). */
  weights: Float32Array[];
}

const LINEAR_OPTIONS = {
  task: passThrough<LinearTask>(),
  depth: required(checkPositiveInt),
  width: optional(checkPositiveInt),
  init: passThrough<InitSpec | InitSpec[]>(),
  learningRate: required(checkPositive),
  steps: required(checkPositiveInt),
  recordEvery: withDefault(checkPositiveInt, 1),
  seed: withDefault<Seed>(checkSeed, DEFAULT_SEED),
  onRecord: optional((name, v) => checkFunction<(h: DeepLinearHistory) => void>(name, v, '(history) => void')),
};

/**
 * Trains y ≈ x W_1 W_2 ... W_L by full-batch gradient descent on the mean squared error
 *
 *   loss = mean over examples e and outputs o of ((x W_1 ... W_L)_eo - y_eo)^2,
 *   W_l <- W_l - learningRate * dloss/dW_l,
 *
 * from the kernels of initMLP (no biases). The product is a linear map whatever L is,
 * but how fast (and whether) it learns depends on L and on the kernels' scale: each
 * gradient carries the product of the other L - 1 kernels.
 */
export function trainDeepLinear(options: DeepLinearOptions): DeepLinearHistory {
  const o = checkOptions('trainDeepLinear', options, LINEAR_OPTIONS);
  const task = o.task;
  if (!task || !(task.x instanceof Float32Array) || !(task.y instanceof Float32Array)) {
    throw new Error('task must be a LinearTask (from linearTask)');
  }
  const { depth, steps, recordEvery, onRecord } = o;
  const width = o.width ?? task.inputs;
  const widths = [task.inputs, ...Array(depth - 1).fill(width), task.outputs];
  const params = initMLP(widths, o.init as InitSpec, o.seed);
  const linear = activationFn('linear');

  const x = tf.tensor2d(task.x, [task.examples, task.inputs]);
  const y = tf.tensor2d(task.y, [task.examples, task.outputs]);
  const net = mlpVariables(params, { biases: false });
  const optimizer = tf.train.sgd(o.learningRate);
  const lossFn = (): tf.Scalar => tf.losses.meanSquaredError(y, mlpForward(net, x, linear)) as tf.Scalar;
  const history: DeepLinearHistory = { widths, step: [], loss: [], divergedAt: null, weights: [] };
  try {
    for (let step = 0; step <= steps; step++) {
      // minimize returns the loss before its update; the last loop only measures.
      const cost = step < steps ? optimizer.minimize(lossFn, true, net.weights)! : tf.tidy(lossFn);
      const value = cost.dataSync()[0];
      cost.dispose();
      if (!Number.isFinite(value)) {
        history.divergedAt = step;
        break;
      }
      if (step % recordEvery === 0 || step === steps) {
        history.step.push(step);
        history.loss.push(value);
        onRecord?.(history);
      }
    }
    history.weights = readMLP(net, params).weights;
  } finally {
    tf.dispose([x, y]);
    disposeMLP(net);
    optimizer.dispose();
  }
  return history;
}
