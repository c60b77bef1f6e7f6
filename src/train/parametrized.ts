/**
 * Chapter 8's trainer: ReLU MLPs of any width on the teacher task, through a
 * parametrization (net/parametrization.ts) with Adam or SGD. The two measurements built on
 * it have files of their own: the coordinate check (coordinate.ts) and the learning-rate
 * sweep (sweep.ts). Each keeps only its loss and its loop; the network is the course's MLP.
 */
import * as tf from '@tensorflow/tfjs';
import {
  Checked, Schema, checkOptions, checkPositive, checkPositiveInt, describe, oneOf, optional, passThrough, required, withDefault,
} from '../core/checks';
import { DEFAULT_SEED, Seed, checkSeed, makeRng, permutation } from '../core/random';
import { activationFn } from '../net/activations';
import { MLPParams, MLPVariables, disposeMLP, mlpForward, mlpVariables, readMLP } from '../net/mlp';
import {
  MUP_FORMS, MupForm, PARAMETRIZATION_NAMES, PARAMETRIZED_OPTIMIZERS, Parametrization, ParametrizationName, ParametrizedOptimizer,
  READOUT_NAMES, ReadoutInit, initParametrized, parametrize,
} from '../net/parametrization';
import { AdamOptions, LayerwiseOptimizer, layerwiseAdam, layerwiseSgd } from './optimizers';
import { RegressionExamples, TeacherTask } from './teacher';

/** What every function here takes besides the task, the widths and the rates. */
export interface ParametrizedRunOptions {
  task: TeacherTask;
  parametrization: ParametrizationName;
  optimizer: ParametrizedOptimizer;
  /** Hidden layers, each of the width n (default 2). */
  hiddenLayers?: number;
  /** n_0 (default 64): muP is the standard parametrization at this width. */
  baseWidth?: number;
  /** g (default sqrt(2)). */
  gain?: number;
  /** muP's readout form (default 'multiplier'); only with parametrization 'mup'. */
  form?: MupForm;
  readout?: ReadoutInit;
  /**
   * The layers that learn, numbered from 1 (the input layer) to L (the readout); the others
   * keep their initial weights. Default: all.
   */
  trainLayers?: number[];
  /** Adam's beta1, beta2, epsilon (only with optimizer 'adam'). */
  adam?: AdamOptions;
  batchSize: number;
  /** Seeds the kernels (as initMLP seeds them) and the order of the minibatches (`${seed}/shuffle`). */
  seed?: Seed;
}

const RUN_OPTIONS = {
  task: passThrough<TeacherTask>(),
  parametrization: oneOf(PARAMETRIZATION_NAMES),
  optimizer: oneOf(PARAMETRIZED_OPTIMIZERS),
  hiddenLayers: withDefault(checkPositiveInt, 2),
  baseWidth: optional(checkPositiveInt),
  gain: optional(checkPositive),
  form: optional(oneOf(MUP_FORMS)),
  readout: optional(oneOf(READOUT_NAMES)),
  trainLayers: optional(checkLayerList),
  adam: passThrough<AdamOptions>(),
  batchSize: required(checkPositiveInt),
  seed: withDefault<Seed>(checkSeed, DEFAULT_SEED),
};
function checkLayerList(name: string, v: unknown): number[] {
  if (!Array.isArray(v) || v.length === 0) throw new Error(`${name} must list at least one layer number (1 = the input layer), got ${describe(v)}`);
  v.forEach((l, i) => checkPositiveInt(`${name}[${i}]`, l));
  return v;
}

export type RunChecked = Checked<typeof RUN_OPTIONS> & { task: TeacherTask };

function checkExamples(name: string, d: unknown): RegressionExamples {
  const e = d as RegressionExamples;
  if (e === null || typeof e !== 'object' || !(e.x instanceof Float32Array) || !(e.y instanceof Float32Array)
    || !(e.count >= 1) || e.x.length !== e.count * e.features || e.y.length !== e.count * e.outputs) {
    throw new Error(`${name} must be regression examples { x: Float32Array (count x features), y: Float32Array (count x outputs), count, features, outputs }`);
  }
  return e;
}

export function checkRun<E extends Schema>(what: string, options: unknown, extra: E): Checked<typeof RUN_OPTIONS & E> & { task: TeacherTask } {
  const o = checkOptions(what, options, { ...RUN_OPTIONS, ...extra });
  const task = o.task as TeacherTask;
  if (!task || typeof task !== 'object') throw new Error('task must be a TeacherTask (from teacherTask)');
  checkExamples('task.train', task.train);
  checkExamples('task.test', task.test);
  const batchSize = o.batchSize as number;
  if (batchSize > task.train.count) throw new Error(`batchSize must be at most the number of training examples (${task.train.count}), got ${batchSize}`);
  const depth = (o.hiddenLayers as number) + 1;
  (o.trainLayers as number[] | undefined)?.forEach((l, i) => {
    if (l > depth) throw new Error(`trainLayers[${i}] must be a layer from 1 to ${depth} (the readout), got ${l}`);
  });
  if (o.adam !== undefined && o.optimizer !== 'adam') throw new Error(`adam options are for optimizer "adam"; optimizer is "${o.optimizer}"`);
  return { ...o, task };
}

function parametrizationOf(o: RunChecked, width: number): Parametrization {
  const { task, hiddenLayers } = o;
  return parametrize({
    name: o.parametrization, optimizer: o.optimizer, baseWidth: o.baseWidth, gain: o.gain, form: o.form, readout: o.readout,
    sizes: [task.train.features, ...Array(hiddenLayers).fill(width), task.train.outputs],
  });
}

export const relu = activationFn('relu');

/** One network in training: its variables, optimizer and minibatch order. */
export class Run {
  readonly p: Parametrization;
  readonly net: MLPVariables;
  readonly params: MLPParams;
  private readonly optimizer: LayerwiseOptimizer;
  private readonly xs: tf.Tensor2D;
  private readonly ys: tf.Tensor2D;
  private readonly rng: () => number;
  private order: Int32Array = new Int32Array(0);
  private at = 0;
  private readonly batch: number;
  private readonly count: number;

  constructor(o: RunChecked, width: number, learningRate: number) {
    this.p = parametrizationOf(o, width);
    const { train } = o.task;
    this.batch = o.batchSize;
    this.count = train.count;
    this.rng = makeRng(`${o.seed}/shuffle`);
    const learns = (l: number) => !o.trainLayers || o.trainLayers.includes(l + 1);
    const rates = this.p.layers.map((layer, l) => (learns(l) ? learningRate * layer.learningRateMultiplier : 0));
    this.params = initParametrized(this.p, o.seed);
    this.net = mlpVariables(this.params, { biases: false });
    this.optimizer = o.optimizer === 'adam' ? layerwiseAdam(this.net.weights, rates, o.adam) : layerwiseSgd(this.net.weights, rates);
    this.xs = tf.tensor2d(train.x, [train.count, train.features]);
    this.ys = tf.tensor2d(train.y, [train.count, train.outputs]);
  }

  forward(x: tf.Tensor, products?: tf.Tensor[]): tf.Tensor {
    return mlpForward(this.net, x, relu, { outputMultiplier: this.p.outputMultiplier, fastGradient: true, products });
  }

  /**
   * z_1 .. z_{L-1} (each layer's product, before the ReLU) and the output, for inputs x:
   * the products of the forward pass itself (mlpForward's `products`).
   */
  layerOutputs(x: tf.Tensor): tf.Tensor[] {
    const products: tf.Tensor[] = [];
    this.forward(x, products);
    return products;
  }

  /** Mean squared error over all examples and outputs. */
  loss(x: tf.Tensor, y: tf.Tensor): tf.Scalar {
    return tf.mean(tf.squaredDifference(this.forward(x), y));
  }

  /** The next minibatch's rows of the training set: each epoch a new seeded shuffle, cut into full batches. */
  nextBatch(): Int32Array {
    if (this.at + this.batch > this.count || this.order.length === 0) {
      this.order = permutation(this.count, this.rng);
      this.at = 0;
    }
    const rows = this.order.subarray(this.at, this.at + this.batch);
    this.at += this.batch;
    return rows;
  }

  trainInputs(rows: Int32Array): tf.Tensor {
    return tf.tidy(() => tf.gather(this.xs, tf.tensor1d(rows, 'int32')));
  }

  /** One step on the given rows (default: the next minibatch); returns the loss before it, and takes no step when that is not finite. */
  step(rows: Int32Array = this.nextBatch()): number {
    return tf.tidy(() => {
      const idx = tf.tensor1d(rows, 'int32');
      const bx = tf.gather(this.xs, idx);
      const by = tf.gather(this.ys, idx);
      const { value, grads } = tf.variableGrads(() => this.loss(bx, by), this.net.weights);
      const loss = value.dataSync()[0];
      if (Number.isFinite(loss)) this.optimizer.step(this.net.weights.map((w) => grads[w.name]));
      return loss;
    });
  }

  evaluate(data: RegressionExamples): number {
    return tf.tidy(() => this.loss(tf.tensor2d(data.x, [data.count, data.features]), tf.tensor2d(data.y, [data.count, data.outputs])).dataSync()[0]);
  }

  dispose(): void {
    tf.dispose([this.xs, this.ys]);
    this.optimizer.dispose();
    disposeMLP(this.net);
  }
}

export interface ParametrizedTrainOptions extends ParametrizedRunOptions {
  /** n, every hidden layer's width. */
  width: number;
  learningRate: number;
  steps: number;
}

export interface ParametrizedHistory {
  parametrization: Parametrization;
  /** The minibatch loss before every step. */
  loss: number[];
  /** Mean squared error on the task's test set before training. */
  initialTestLoss: number;
  /** ... and after the last step; null for a run that diverged. */
  testLoss: number | null;
  /** The first step whose loss was not finite (training stops there), or null. */
  divergedAt: number | null;
  /** The kernels after the last step (or where training stopped), as initParametrized drew them at the start. */
  params: MLPParams;
}

/**
 * Trains a ReLU MLP [d, n, ..., n, outputs] (no biases) on the task's training set by
 * minibatch Adam or SGD, every layer at its own rate learningRate x its parametrization's
 * multiplier, and measures the mean squared error on the test set before and after.
 * Deterministic for a seed; leaves no tensors behind.
 */
export function trainParametrized(options: ParametrizedTrainOptions): ParametrizedHistory {
  const o = checkRun('trainParametrized', options, { width: required(checkPositiveInt), learningRate: required(checkPositive), steps: required(checkPositiveInt) });
  return train(o, o.width as number, o.learningRate as number, o.steps as number, true);
}

/** One training run from checked options; `full` adds the initial test loss and the final weights (a sweep needs neither). */
export function train(o: RunChecked, width: number, learningRate: number, steps: number, full: boolean): ParametrizedHistory {
  const run = new Run(o, width, learningRate);
  try {
    const history: ParametrizedHistory = {
      parametrization: run.p, loss: [], initialTestLoss: full ? run.evaluate(o.task.test) : NaN, testLoss: null, divergedAt: null, params: run.params,
    };
    for (let t = 0; t < steps; t++) {
      const loss = run.step();
      history.loss.push(loss);
      if (!Number.isFinite(loss)) {
        history.divergedAt = t;
        break;
      }
    }
    if (history.divergedAt === null) {
      const test = run.evaluate(o.task.test);
      if (Number.isFinite(test)) history.testLoss = test;
      else history.divergedAt = steps;
    }
    if (full) readMLP(run.net, history.params);
    return history;
  } finally {
    run.dispose();
  }
}

/** At least two widths, whole, none repeated. */
export function checkWidths(name: string, v: unknown): number[] {
  if (!Array.isArray(v) || v.length < 2) throw new Error(`${name} must list at least two widths, got ${describe(v)}`);
  v.forEach((w, i) => checkPositiveInt(`${name}[${i}]`, w));
  if (new Set(v).size !== v.length) throw new Error(`${name} must not repeat a width, got ${describe(v)}`);
  return v;
}
