/**
 * Chapter 4's trainer: a deep fully connected classifier (softmax output, cross-entropy
 * loss) trained with minibatch SGD, plain or with momentum, recording what an
 * initialization changes: the loss at every step and the size of every layer's gradient.
 */
import * as tf from '@tensorflow/tfjs';
import {
  checkFinite, checkFunction, checkNonNegative, checkOptions, checkPositive, checkPositiveInt, describe, oneOf, optional, passThrough, required, withDefault,
} from '../core/checks';
import { DEFAULT_SEED, Seed, checkSeed, makeRng, permutation } from '../core/random';
import { Examples, checkExamples, featureTensor } from '../data/examples';
import { InitSpec, checkInitSpecs } from '../init/initspec';
import { ACTIVATION_NAMES, Activation, activationFn } from '../net/activations';
import { NormName, ResidualOptions, STRUCTURE_OPTIONS, checkStructure, withOutputInit } from '../net/blocks';
import { LARGE_TRAINING_STEP, onBackendFor } from '../backend/backends';
import { unitSpread } from './classifier';
import { MLPParams, checkSizes, disposeMLP, initMLP, mlpBlocks, mlpForward, mlpVariableList, mlpVariables, readMLP } from '../net/mlp';

export const OPTIMIZER_NAMES = ['sgd', 'momentum'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

export interface DeepTrainOptions {
  /** Layer widths, input first, number of classes last: [784, 64, 64, 10] has two hidden layers. */
  sizes: number[];
  /** How each kernel is drawn (one InitSpec, or one per layer). */
  init: InitSpec | InitSpec[];
  /** The biases' initial std: 0 by default; > 0 draws them as initMLP does (chapter 6). */
  biasStd?: number;
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
  /** Seeds the kernels (as initMLP does) and the shuffles (`${seed}/shuffle`). */
  seed?: Seed;
  /** Record each layer's gradient RMS and spread every this many steps (default: once per epoch, at its first step). */
  gradientEvery?: number;
  /**
   * Normalization in every hidden layer, or where `residual` says (net/blocks.ts, chapter 7):
   * 'batch' uses each minibatch's statistics in training, and the whole test set's in
   * evaluation; 'layer' each example's own. Without learned scale and shift.
   */
  norm?: NormName;
  /**
   * Residual blocks over the hidden layers between the first and the last (mlpForward):
   * branchDepth, the branch scale alpha, normPosition with norm, and outputInit for each
   * branch's last kernel (it replaces `init` there).
   */
  residual?: ResidualOptions;
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
  /**
   * gradientSpread[k][l]: at gradientStep[k], the largest distance between the gradients of
   * two units of layer l + 1 (each unit's incoming weights and bias, as chapter 1's
   * unitSpread measures the parameters themselves): 0 when every unit gets the same gradient.
   */
  gradientSpread: number[][];
  /** The first step whose loss was not finite (training stops there), or null. */
  divergedAt: number | null;
  /** The parameters after the last step. */
  params: MLPParams;
}

const DEEP_OPTIONS = {
  sizes: required((_name, v) => checkSizes(v, 'classes')),
  init: passThrough<InitSpec | InitSpec[]>(),
  biasStd: withDefault(checkNonNegative, 0),
  train: passThrough<Examples>(),
  test: passThrough<Examples>(),
  activation: withDefault(oneOf(ACTIVATION_NAMES), 'relu' as Activation),
  optimizer: withDefault(oneOf(OPTIMIZER_NAMES), 'sgd' as OptimizerName),
  learningRate: required(checkPositive),
  momentum: optional(checkFinite),
  batchSize: required(checkPositiveInt),
  epochs: required(checkPositiveInt),
  seed: withDefault<Seed>(checkSeed, DEFAULT_SEED),
  gradientEvery: optional(checkPositiveInt),
  onRecord: optional((name, v) => checkFunction<(h: DeepTrainHistory) => void>(name, v, '(history) => void')),
  ...STRUCTURE_OPTIONS,
};

/**
 * Trains a fully connected classifier,
 *
 *   h_0 = x,  h_l = f(h_{l-1} W_l + b_l) (l < L),  p = softmax(h_{L-1} W_L + b_L),
 *   loss = mean over the batch of -ln p_y   (softmax cross-entropy),
 *
 * by minibatch SGD (`optimizer: 'sgd'`) or SGD with momentum in TensorFlow.js, from
 * initMLP(sizes, init, seed, biasStd). Deterministic for a seed: the epoch order comes from a
 * generator seeded `${seed}/shuffle`. Stops at the first step whose loss is not finite
 * (a diverged run) and says so in divergedAt. Leaves no tensors behind.
 */
export function trainDeepClassifier(options: DeepTrainOptions): DeepTrainHistory {
  const o = checkOptions('trainDeepClassifier', options, DEEP_OPTIONS);
  const { sizes, batchSize, seed, onRecord } = o;
  const classes = sizes[sizes.length - 1];
  if (classes < 2) throw new Error(`sizes must end in the number of classes (at least 2), got ${describe(sizes)}`);
  let momentum = 0;
  if (o.optimizer === 'momentum') {
    momentum = o.momentum ?? 0.9;
    if (momentum < 0 || momentum >= 1) throw new Error(`momentum must be in [0, 1), got ${describe(o.momentum)}`);
  } else if (o.momentum !== undefined) {
    throw new Error(`momentum is only used with optimizer "momentum"; optimizer is "${o.optimizer}"`);
  }
  const train = checkExamples('train', o.train, sizes[0], classes);
  const test = o.test === undefined ? undefined : checkExamples('test', o.test, sizes[0], classes);
  if (batchSize > train.count) throw new Error(`batchSize must be at most the number of training examples (${train.count}), got ${batchSize}`);
  const stepsPerEpoch = Math.floor(train.count / batchSize);
  const gradientEvery = o.gradientEvery ?? stepsPerEpoch;

  const structure = checkStructure(o);
  const blocks = mlpBlocks(sizes, structure);
  const specs = withOutputInit(checkInitSpecs(o.init, sizes.length - 1), blocks, structure.residual);
  const params = initMLP(sizes, specs, seed, o.biasStd);
  const act = activationFn(o.activation);
  const history: DeepTrainHistory = {
    loss: [], stepsPerEpoch, epochLoss: [], testLoss: [], testAccuracy: [], gradientStep: [], gradientRms: [], gradientSpread: [], divergedAt: null, params,
  };

  // On TensorFlow where tfjs-node is present and a step's largest product is large enough
  // (backend/backends.ts, LARGE_TRAINING_STEP); the history holds only JavaScript numbers.
  const stepProduct = Math.max(...sizes.slice(1).map((n, l) => batchSize * sizes[l] * n));
  onBackendFor(stepProduct, () => trainSteps(), LARGE_TRAINING_STEP);
  return history;

  function trainSteps(): void {
    const owned: tf.Tensor[] = [];
    const own = <T extends tf.Tensor>(t: T): T => (owned.push(t), t);
    const optimizer = o.optimizer === 'sgd' ? tf.train.sgd(o.learningRate) : tf.train.momentum(o.learningRate, momentum);
    const net = mlpVariables(params);
    try {
      const xs = own(featureTensor(train));
      const ys = own(tf.tidy(() => tf.oneHot(tf.tensor1d(train.y, 'int32'), classes)));
      const testX = test && own(featureTensor(test));
      const testY = test && own(tf.tensor1d(test.y, 'int32'));
      const vars = mlpVariableList(net);
      const evaluate = () => {
        if (!testX || !testY) return;
        const [loss, acc] = tf.tidy(() => {
          const logits = mlpForward(net, testX, act, structure);
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
      for (let epoch = 0; epoch < o.epochs && history.divergedAt === null; epoch++) {
        const order = permutation(train.count, shuffleRng);
        let sum = 0;
        for (let b = 0; b < stepsPerEpoch; b++, step++) {
          const idx = tf.tensor1d(order.subarray(b * batchSize, (b + 1) * batchSize), 'int32');
          const bx = tf.gather(xs, idx);
          const by = tf.gather(ys, idx);
          const f = () => tf.losses.softmaxCrossEntropy(by, mlpForward(net, bx, act, structure)) as tf.Scalar;
          const { value, grads } = optimizer.computeGradients(f, vars);
          const loss = value.dataSync()[0];
          if (step % gradientEvery === 0) {
            const rms = tf.tidy(() => tf.stack(net.weights.map((w) => tf.sqrt(tf.mean(tf.square(grads[w.name]))))));
            history.gradientStep.push(step);
            history.gradientRms.push(Array.from(rms.dataSync()));
            rms.dispose();
            // The gradients as parameters, for chapter 1's exact measure of how far apart units are.
            const asParams: MLPParams = {
              sizes,
              weights: net.weights.map((w) => grads[w.name].dataSync() as Float32Array),
              biases: net.weights.map((_, l) => (net.biases ? grads[net.biases[l].name].dataSync() as Float32Array : new Float32Array(sizes[l + 1]))),
            };
            history.gradientSpread.push(net.weights.map((_, l) => unitSpread(asParams, l)));
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
      readMLP(net, params);
    } finally {
      tf.dispose(owned);
      disposeMLP(net);
      optimizer.dispose();
      // tfjs 4.22's MomentumOptimizer.dispose() frees its momentum and accumulators but not
      // the learning-rate scalar its parent SGDOptimizer keeps in `c`: free it here.
      const c = (optimizer as unknown as { c?: tf.Tensor }).c;
      if (o.optimizer === 'momentum' && c && !c.isDisposed) c.dispose();
    }
  }
}
