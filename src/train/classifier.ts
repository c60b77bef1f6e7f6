/**
 * Chapter 1's trainer: a small binary classifier (one sigmoid output) trained by
 * full-batch gradient descent, recording how far apart its hidden units' weights are.
 */
import * as tf from '@tensorflow/tfjs';
import {
  checkFunction, checkOptions, checkPositive, checkPositiveInt, describe, oneOf, optional, passThrough, required, withDefault,
} from '../core/checks';
import { DEFAULT_SEED, Seed, checkSeed } from '../core/random';
import { Examples, checkExamples, featureTensor } from '../data/examples';
import { InitSpec } from '../init/initspec';
import { ACTIVATION_NAMES, Activation, activationFn } from '../net/activations';
import { MLPParams, checkSizes, disposeMLP, initMLP, mlpForward, mlpVariableList, mlpVariables, readMLP } from '../net/mlp';

/** Largest Euclidean distance between two units' incoming weights (bias included) in layer l. */
export function unitSpread(params: MLPParams, layer: number): number {
  const rows = params.sizes[layer];
  const cols = params.sizes[layer + 1];
  const w = params.weights[layer];
  const b = params.biases[layer];
  let max = 0;
  for (let i = 0; i < cols; i++) {
    for (let j = i + 1; j < cols; j++) {
      let d = (b[i] - b[j]) ** 2;
      for (let r = 0; r < rows; r++) d += (w[r * cols + i] - w[r * cols + j]) ** 2;
      max = Math.max(max, d);
    }
  }
  return Math.sqrt(max);
}

/** The inputs as a tensor: examples, or plain rows of features. */
const inputTensor = (x: Examples | number[][]): tf.Tensor2D => (Array.isArray(x) ? tf.tensor2d(x) : featureTensor(x));

/** P(class 1) for each example (or row), from a network with a single sigmoid output. */
export function predictProba(params: MLPParams, x: Examples | number[][], activation: Activation = 'relu'): Float32Array {
  const act = activationFn(activation);
  const net = mlpVariables(params);
  try {
    const out = tf.tidy(() => tf.sigmoid(mlpForward(net, inputTensor(x), act)).reshape([-1]));
    const values = out.dataSync() as Float32Array;
    out.dispose();
    return values;
  } finally {
    disposeMLP(net);
  }
}

/** Fraction of examples whose predicted class (P >= 0.5) equals the label. */
export function accuracy(params: MLPParams, data: Examples, activation: Activation = 'relu'): number {
  const p = predictProba(params, data, activation);
  let right = 0;
  p.forEach((pi, i) => (right += Number((pi >= 0.5 ? 1 : 0) === data.y[i])));
  return right / data.count;
}

export interface TrainOptions {
  /** Layer widths, input first, one output unit (a sigmoid) last. */
  sizes: number[];
  init: InitSpec | InitSpec[];
  data: Examples;
  /** Hidden layers' non-linearity (default relu). */
  activation?: Activation;
  learningRate: number;
  /** Full-batch gradient-descent steps. */
  steps: number;
  /** Record the loss, accuracy and unit spread every this many steps (and at the end). */
  recordEvery?: number;
  seed?: Seed;
  /** Called after every record with the history so far (for a live plot or a progress bar). */
  onRecord?: (history: TrainHistory) => void;
}

export interface TrainHistory {
  /** The steps at which the rest was recorded, 0 (before training) first. */
  step: number[];
  /** Mean binary cross-entropy on the training data. */
  loss: number[];
  accuracy: number[];
  /** spread[l][k]: unitSpread of hidden layer l at step[k]; 0 means its units are identical. */
  spread: number[][];
  /** The parameters after the last step. */
  params: MLPParams;
}

const TRAIN_OPTIONS = {
  sizes: required((_name, v) => checkSizes(v)),
  init: passThrough<InitSpec | InitSpec[]>(),
  data: passThrough<Examples>(),
  activation: withDefault(oneOf(ACTIVATION_NAMES), 'relu' as Activation),
  learningRate: required(checkPositive),
  steps: required(checkPositiveInt),
  recordEvery: optional(checkPositiveInt),
  seed: withDefault<Seed>(checkSeed, DEFAULT_SEED),
  onRecord: optional((name, v) => checkFunction<(h: TrainHistory) => void>(name, v, '(history) => void')),
};

/**
 * Trains a binary classifier (hidden layers with `activation`, one sigmoid output, mean
 * binary cross-entropy) by full-batch gradient descent in TensorFlow.js, recording how far
 * apart the hidden units' incoming weights are as it goes. The network starts from
 * initMLP(sizes, init, seed).
 */
export function trainClassifier(options: TrainOptions): TrainHistory {
  const o = checkOptions('trainClassifier', options, TRAIN_OPTIONS);
  const { sizes, steps } = o;
  if (sizes[sizes.length - 1] !== 1) throw new Error(`sizes must end in 1 (one sigmoid output), got ${describe(sizes)}`);
  const recordEvery = o.recordEvery ?? Math.max(1, Math.floor(steps / 100));
  const data = checkExamples('data', o.data, sizes[0], 2);
  const params = initMLP(sizes, o.init as InitSpec, o.seed);
  const act = activationFn(o.activation);

  const xs = inputTensor(data);
  const ys = tf.tensor2d(data.y, [data.count, 1], 'float32');
  const net = mlpVariables(params);
  const optimizer = tf.train.sgd(o.learningRate);
  const lossFn = () => tf.losses.sigmoidCrossEntropy(ys, mlpForward(net, xs, act)) as tf.Scalar;
  const history: TrainHistory = { step: [], loss: [], accuracy: [], spread: sizes.slice(2).map(() => []), params };

  const record = (step: number) => {
    const [loss, correct] = tf.tidy(() => {
      const z = mlpForward(net, xs, act);
      return [tf.losses.sigmoidCrossEntropy(ys, z), tf.mean(tf.equal(tf.greaterEqual(z, 0).cast('float32'), ys).cast('float32'))];
    });
    history.step.push(step);
    history.loss.push(loss.dataSync()[0]);
    history.accuracy.push(correct.dataSync()[0]);
    tf.dispose([loss, correct]);
    readMLP(net, params);
    history.spread.forEach((s, l) => s.push(unitSpread(params, l)));
    o.onRecord?.(history);
  };

  try {
    for (let step = 0; step < steps; step++) {
      if (step % recordEvery === 0) record(step);
      optimizer.minimize(lossFn, false, mlpVariableList(net));
    }
    record(steps);
  } finally {
    tf.dispose([xs, ys]);
    disposeMLP(net);
    optimizer.dispose();
  }
  return history;
}
