import * as tf from '@tensorflow/tfjs';
import { ACTIVATIONS, Activation, activationFn } from './activations';
import { checkOneOf, checkPositive, checkPositiveInt, describe } from './errors';
import { InitSpec, sampleInit } from './initializers';
import { DEFAULT_SEED, Seed, checkSeed } from './random';
import type { Split } from './data';

/** A fully connected network's parameters as plain arrays (no tensors to dispose). */
export interface MLPParams {
  /** Layer widths, input first: [2, 10, 5, 1] has two hidden layers. */
  sizes: number[];
  /** weights[l] is sizes[l] x sizes[l+1], row-major: column j is unit j's incoming weights. */
  weights: Float32Array[];
  biases: Float32Array[];
}

function checkSizes(sizes: unknown): number[] {
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new Error(`sizes must list at least two layer widths (input and output), got ${describe(sizes)}`);
  }
  sizes.forEach((s, i) => checkPositiveInt(`sizes[${i}]`, s));
  return sizes;
}

/**
 * Draws a network's kernels from `init` (one InitSpec for every layer, or one per layer)
 * with biases at zero. Layer l is seeded with `${seed}/${l}`, so layers differ.
 */
export function initMLP(sizes: number[], init: InitSpec | InitSpec[], seed: Seed = DEFAULT_SEED): MLPParams {
  checkSizes(sizes);
  checkSeed(seed);
  const layers = sizes.length - 1;
  if (Array.isArray(init) && init.length !== layers) {
    throw new Error(`init must be one spec or one per layer (${layers}), got ${init.length}`);
  }
  const weights: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (let l = 0; l < layers; l++) {
    const spec = Array.isArray(init) ? init[l] : init;
    weights.push(sampleInit(spec, [sizes[l], sizes[l + 1]], `${seed}/${l}`));
    biases.push(new Float32Array(sizes[l + 1]));
  }
  return { sizes: [...sizes], weights, biases };
}

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

function logits(params: tf.Tensor[], x: tf.Tensor, act: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
  let h = x;
  const layers = params.length / 2;
  for (let l = 0; l < layers; l++) {
    const z = tf.add(tf.matMul(h, params[2 * l]), params[2 * l + 1]);
    h = l < layers - 1 ? act(z) : z;
  }
  return h;
}

function toTensors(params: MLPParams): tf.Tensor[] {
  return params.weights.flatMap((w, l) => [
    tf.tensor2d(w, [params.sizes[l], params.sizes[l + 1]]),
    tf.tensor1d(params.biases[l]),
  ]);
}

/** P(class 1) for each row of x, from a network with a single sigmoid output. */
export function predictProba(params: MLPParams, x: number[][], activation: Activation = 'relu'): Float32Array {
  const act = activationFn(activation);
  const out = tf.tidy(() => tf.sigmoid(logits(toTensors(params), tf.tensor2d(x), act)).reshape([-1]));
  const values = out.dataSync() as Float32Array;
  out.dispose();
  return values;
}

/** Fraction of rows whose predicted class (P >= 0.5) equals the label. */
export function accuracy(params: MLPParams, data: Split, activation: Activation = 'relu'): number {
  const p = predictProba(params, data.x, activation);
  let right = 0;
  p.forEach((pi, i) => (right += Number((pi >= 0.5 ? 1 : 0) === data.y[i])));
  return right / data.y.length;
}

export interface TrainOptions {
  /** Layer widths, input first, one output unit (a sigmoid) last. */
  sizes: number[];
  init: InitSpec | InitSpec[];
  data: Split;
  /** Hidden layers' non-linearity. */
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

/**
 * Trains a binary classifier (hidden layers with `activation`, one sigmoid output, mean
 * binary cross-entropy) by full-batch gradient descent in TensorFlow.js, recording how far
 * apart the hidden units' incoming weights are as it goes.
 */
export function trainClassifier(options: TrainOptions): TrainHistory {
  const sizes = checkSizes(options.sizes);
  if (sizes[sizes.length - 1] !== 1) throw new Error(`sizes must end in 1 (one sigmoid output), got ${describe(sizes)}`);
  const activation = checkOneOf('activation', options.activation ?? 'relu', ACTIVATIONS);
  const learningRate = checkPositive('learningRate', options.learningRate);
  const steps = checkPositiveInt('steps', options.steps);
  const recordEvery = checkPositiveInt('recordEvery', options.recordEvery ?? Math.max(1, Math.floor(steps / 100)));
  const { x, y } = options.data ?? ({} as Split);
  if (!Array.isArray(x) || !Array.isArray(y) || x.length === 0 || x.length !== y.length) {
    throw new Error('data must be { x: number[][], y: number[] } with one label per row');
  }
  if (x.some((row) => row.length !== sizes[0])) throw new Error(`data.x rows must have sizes[0] = ${sizes[0]} values`);
  const params = initMLP(sizes, options.init, options.seed ?? DEFAULT_SEED);
  const act = activationFn(activation);

  const xs = tf.tensor2d(x);
  const ys = tf.tensor2d(y, [y.length, 1]);
  const vars = toTensors(params).map((t) => {
    const v = tf.variable(t);
    t.dispose();
    return v;
  });
  const optimizer = tf.train.sgd(learningRate);
  const lossFn = () => tf.losses.sigmoidCrossEntropy(ys, logits(vars, xs, act)) as tf.Scalar;
  const history: TrainHistory = { step: [], loss: [], accuracy: [], spread: sizes.slice(2).map(() => []), params };

  const read = () => {
    for (let l = 0; l < params.weights.length; l++) {
      params.weights[l] = vars[2 * l].dataSync() as Float32Array;
      params.biases[l] = vars[2 * l + 1].dataSync() as Float32Array;
    }
  };
  const record = (step: number) => {
    const [loss, correct] = tf.tidy(() => {
      const z = logits(vars, xs, act);
      return [tf.losses.sigmoidCrossEntropy(ys, z), tf.mean(tf.equal(tf.greaterEqual(z, 0).cast('float32'), ys).cast('float32'))];
    });
    history.step.push(step);
    history.loss.push(loss.dataSync()[0]);
    history.accuracy.push(correct.dataSync()[0]);
    tf.dispose([loss, correct]);
    read();
    history.spread.forEach((s, l) => s.push(unitSpread(params, l)));
    options.onRecord?.(history);
  };

  try {
    for (let step = 0; step < steps; step++) {
      if (step % recordEvery === 0) record(step);
      optimizer.minimize(lossFn, false, vars as tf.Variable[]);
    }
    record(steps);
  } finally {
    tf.dispose([xs, ys, ...vars]);
    optimizer.dispose();
  }
  return history;
}
