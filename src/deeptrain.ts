/**
 * Training a deep fully connected classifier (softmax output, cross-entropy loss) with
 * minibatch SGD, plain or with momentum, recording what an initialization changes: the
 * loss at every step and the size of every layer's gradient.
 */
import * as tf from '@tensorflow/tfjs';
import { ACTIVATIONS, Activation, activationFn } from './activations';
import { checkFinite, checkKeys, checkOneOf, checkPositive, checkPositiveInt, describe } from './errors';
import { InitSpec } from './initializers';
import { DEFAULT_SEED, Rng, Seed, checkSeed, makeRng } from './random';
import { MLPParams, initMLP } from './train';

export const OPTIMIZERS = ['sgd', 'momentum'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Labelled examples as flat arrays (an MnistSplit is one): x is count x features, row-major. */
export interface Examples {
  x: Float32Array;
  /** Class labels 0..classes-1. */
  y: Int32Array | number[];
}

export interface DeepTrainOptions {
  /** Layer widths, input first, number of classes last: [784, 64, 64, 10] has two hidden layers. */
  sizes: number[];
  /** How each kernel is drawn (one InitSpec, or one per layer); biases start at 0. */
  init: InitSpec | InitSpec[];
  train: Examples;
  /** Evaluated (loss and accuracy) before training and after every epoch. */
  test?: Examples;
  /** The hidden layers' non-linearity (default relu); the output layer is linear, then softmax. */
  activation?: Activation;
  /** 'sgd': w -= lr g. 'momentum': v = m v + g, w -= lr v (as in Caffe). Default 'sgd'. */
  optimizer?: OptimizerName;
  learningRate: number;
  /** The momentum m, in [0, 1); only with optimizer 'momentum' (default 0.9 there). */
  momentum?: number;
  /** Examples per step; each epoch is a new seeded shuffle, cut into floor(count / batchSize) full batches. */
  batchSize: number;
  epochs: number;
  /** Seeds the kernels (layer l with `${seed}/${l}`, as initMLP and signalPropagation do) and the shuffles. */
  seed?: Seed;
  /** Record each layer's gradient RMS every this many steps (default: once per epoch, at its first step). */
  gradientEvery?: number;
  /**
   * Called after every step with the history so far (for a live plot or a progress bar):
   * after the step's loss is recorded and, at the last step of an epoch, after that epoch's
   * mean and test evaluation too. The same object each time, still growing, so copy what you
   * keep; its params are the initial ones until training ends. It reads the history and
   * changes nothing in the training.
   */
  onRecord?: (history: DeepTrainHistory) => void;
}

export interface DeepTrainHistory {
  /** The minibatch loss at every step, computed before that step's update. */
  loss: number[];
  stepsPerEpoch: number;
  /** The mean of `loss` over each epoch. */
  epochLoss: number[];
  /** Test loss and accuracy before training (index 0) and after each epoch (index e). Empty without test. */
  testLoss: number[];
  testAccuracy: number[];
  /** The steps at which gradientRms was recorded. */
  gradientStep: number[];
  /** gradientRms[k][l]: sqrt(mean((dLoss/dW_l)^2)) of layer l + 1's kernel at gradientStep[k]. */
  gradientRms: number[][];
  /** The first step whose loss was not finite (training stops there), or null. */
  divergedAt: number | null;
  /** The parameters after the last step. */
  params: MLPParams;
}

const OPTION_KEYS = ['sizes', 'init', 'train', 'test', 'activation', 'optimizer', 'learningRate', 'momentum', 'batchSize', 'epochs', 'seed', 'gradientEvery', 'onRecord'];

function checkExamples(name: string, data: unknown, features: number, classes: number): { x: Float32Array; y: Int32Array; count: number } {
  const d = data as Examples;
  if (d === null || typeof d !== 'object' || !(d.x instanceof Float32Array) || !(d.y instanceof Int32Array || Array.isArray(d.y))) {
    throw new Error(`${name} must be { x: Float32Array (count x ${features}, row-major), y: labels (Int32Array or number[]) }, got ${describe(data)}`);
  }
  const count = d.y.length;
  if (count === 0 || d.x.length !== count * features) {
    throw new Error(`${name}.x must hold ${features} values per label (sizes[0] = ${features}); got ${d.x.length} values for ${count} labels`);
  }
  const y = Int32Array.from(d.y);
  y.forEach((label, i) => {
    if (!(label >= 0 && label < classes) || label !== d.y[i]) {
      throw new Error(`${name}.y must hold whole class labels from 0 to ${classes - 1} (the last size); ${name}.y[${i}] is ${describe(d.y[i])}`);
    }
  });
  return { x: d.x, y, count };
}

/** A seeded Fisher-Yates permutation of 0..n-1. */
function permutation(n: number, rng: Rng): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

function forward(vars: tf.Tensor[], x: tf.Tensor, act: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
  const layers = vars.length / 2;
  let h = x;
  for (let l = 0; l < layers; l++) {
    const z = tf.add(tf.matMul(h, vars[2 * l]), vars[2 * l + 1]);
    h = l < layers - 1 ? act(z) : z;
  }
  return h;
}

/**
 * Trains a fully connected classifier,
 *
 *   h_0 = x,  h_l = f(h_{l-1} W_l + b_l) (l < L),  p = softmax(h_{L-1} W_L + b_L),
 *   loss = mean over the batch of -ln p_y   (softmax cross-entropy),
 *
 * by minibatch SGD (`optimizer: 'sgd'`) or SGD with momentum in TensorFlow.js, from kernels
 * drawn by `init` with biases at zero. Deterministic for a seed: the kernels come from
 * initMLP(sizes, init, seed) and the epoch order from a generator seeded `${seed}/shuffle`.
 * Stops at the first step whose loss is not finite (a diverged run) and says so in divergedAt.
 * Leaves no tensors behind. `onRecord`, if given, is called after every step with the history so far.
 */
export function trainDeepClassifier(options: DeepTrainOptions): DeepTrainHistory {
  if (options === null || typeof options !== 'object') throw new Error(`trainDeepClassifier needs an options object, got ${describe(options)}`);
  checkKeys('trainDeepClassifier', options, OPTION_KEYS);
  const { sizes } = options;
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new Error(`sizes must list at least two layer widths (input and classes), got ${describe(sizes)}`);
  }
  sizes.forEach((s, i) => checkPositiveInt(`sizes[${i}]`, s));
  const classes = sizes[sizes.length - 1];
  if (classes < 2) throw new Error(`sizes must end in the number of classes (at least 2), got ${describe(sizes)}`);
  const activation = checkOneOf('activation', options.activation ?? 'relu', ACTIVATIONS);
  const optimizerName = checkOneOf('optimizer', options.optimizer ?? 'sgd', OPTIMIZERS);
  const learningRate = checkPositive('learningRate', options.learningRate);
  let momentum = 0;
  if (optimizerName === 'momentum') {
    momentum = options.momentum === undefined ? 0.9 : checkFinite('momentum', options.momentum);
    if (momentum < 0 || momentum >= 1) throw new Error(`momentum must be in [0, 1), got ${describe(options.momentum)}`);
  } else if (options.momentum !== undefined) {
    throw new Error(`momentum is only used with optimizer "momentum"; optimizer is "${optimizerName}"`);
  }
  const batchSize = checkPositiveInt('batchSize', options.batchSize);
  const epochs = checkPositiveInt('epochs', options.epochs);
  const seed = checkSeed(options.seed ?? DEFAULT_SEED);
  const train = checkExamples('train', options.train, sizes[0], classes);
  const test = options.test === undefined ? undefined : checkExamples('test', options.test, sizes[0], classes);
  if (batchSize > train.count) throw new Error(`batchSize must be at most the number of training examples (${train.count}), got ${batchSize}`);
  const stepsPerEpoch = Math.floor(train.count / batchSize);
  const gradientEvery = options.gradientEvery === undefined ? stepsPerEpoch : checkPositiveInt('gradientEvery', options.gradientEvery);
  const onRecord = options.onRecord;
  if (onRecord !== undefined && typeof onRecord !== 'function') throw new Error(`onRecord must be a function (history) => void, got ${describe(onRecord)}`);

  const params = initMLP(sizes, options.init, seed);
  const act = activationFn(activation);
  const layers = sizes.length - 1;
  const history: DeepTrainHistory = {
    loss: [], stepsPerEpoch, epochLoss: [], testLoss: [], testAccuracy: [], gradientStep: [], gradientRms: [], divergedAt: null, params,
  };

  const owned: tf.Tensor[] = [];
  const own = <T extends tf.Tensor>(t: T): T => (owned.push(t), t);
  const optimizer = optimizerName === 'sgd' ? tf.train.sgd(learningRate) : tf.train.momentum(learningRate, momentum);
  try {
    const xs = own(tf.tensor2d(train.x, [train.count, sizes[0]]));
    const ys = own(tf.tidy(() => tf.oneHot(tf.tensor1d(train.y, 'int32'), classes)));
    const testX = test && own(tf.tensor2d(test.x, [test.count, sizes[0]]));
    const testY = test && own(tf.tensor1d(test.y, 'int32'));
    const vars = params.weights.flatMap((w, l) => [
      own(tf.tidy(() => tf.variable(tf.tensor2d(w, [sizes[l], sizes[l + 1]])))),
      own(tf.tidy(() => tf.variable(tf.tensor1d(params.biases[l])))),
    ]);
    const evaluate = () => {
      if (!testX || !testY) return;
      const [loss, acc] = tf.tidy(() => {
        const logits = forward(vars, testX, act);
        const right = tf.equal(tf.argMax(logits, 1), testY).cast('float32');
        return [tf.losses.softmaxCrossEntropy(tf.oneHot(testY, classes), logits), tf.mean(right)];
      });
      history.testLoss.push(loss.dataSync()[0]);
      history.testAccuracy.push(acc.dataSync()[0]);
      tf.dispose([loss, acc]);
    };
    const shuffleRng = makeRng(`${seed}/shuffle`);
    evaluate();
    let step = 0;
    for (let epoch = 0; epoch < epochs && history.divergedAt === null; epoch++) {
      const order = permutation(train.count, shuffleRng);
      let sum = 0;
      for (let b = 0; b < stepsPerEpoch; b++, step++) {
        const idx = tf.tensor1d(order.subarray(b * batchSize, (b + 1) * batchSize), 'int32');
        const bx = tf.gather(xs, idx);
        const by = tf.gather(ys, idx);
        const f = () => tf.losses.softmaxCrossEntropy(by, forward(vars, bx, act)) as tf.Scalar;
        const { value, grads } = optimizer.computeGradients(f, vars);
        const loss = value.dataSync()[0];
        if (step % gradientEvery === 0) {
          const rms = tf.tidy(() => tf.stack(vars.filter((_, i) => i % 2 === 0).map((v) => tf.sqrt(tf.mean(tf.square(grads[v.name]))))));
          history.gradientStep.push(step);
          history.gradientRms.push(Array.from(rms.dataSync()));
          rms.dispose();
        }
        history.loss.push(loss);
        if (!Number.isFinite(loss)) {
          history.divergedAt = step;
          tf.dispose([idx, bx, by, value, ...Object.values(grads)]);
          onRecord?.(history);
          break;
        }
        optimizer.applyGradients(grads);
        tf.dispose([idx, bx, by, value, ...Object.values(grads)]);
        sum += loss;
        if (b === stepsPerEpoch - 1) {
          history.epochLoss.push(sum / stepsPerEpoch);
          evaluate();
        }
        onRecord?.(history);
      }
    }
    for (let l = 0; l < layers; l++) {
      params.weights[l] = vars[2 * l].dataSync() as Float32Array;
      params.biases[l] = vars[2 * l + 1].dataSync() as Float32Array;
    }
  } finally {
    tf.dispose(owned);
    optimizer.dispose();
    // tfjs 4.22's MomentumOptimizer.dispose() frees its momentum and accumulators but not
    // the learning-rate scalar its parent SGDOptimizer keeps in `c`: free it here.
    const c = (optimizer as unknown as { c?: tf.Tensor }).c;
    if (optimizerName === 'momentum' && c && !c.isDisposed) c.dispose();
  }
  return history;
}
