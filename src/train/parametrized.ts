/**
 * Chapter 8's trainer: ReLU MLPs of any width on the teacher task, through a
 * parametrization (net/parametrization.ts) with Adam or SGD, and the two measurements built
 * on it: the coordinate check (how far each layer's outputs move in the first steps, for a
 * list of widths) and the learning-rate sweep (the test loss for every width and rate).
 * Each keeps only its loss and its loop; the network is the course's MLP.
 */
import * as tf from '@tensorflow/tfjs';
import {
  Checked, Schema, checkFunction, checkOptions, checkPositive, checkPositiveInt, describe, oneOf, optional, passThrough, required, withDefault,
} from '../core/checks';
import { DEFAULT_SEED, Seed, checkSeed, makeRng, permutation } from '../core/random';
import { logLogSlope } from '../core/stats';
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

type RunChecked = Checked<typeof RUN_OPTIONS> & { task: TeacherTask };

function checkExamples(name: string, d: unknown): RegressionExamples {
  const e = d as RegressionExamples;
  if (e === null || typeof e !== 'object' || !(e.x instanceof Float32Array) || !(e.y instanceof Float32Array)
    || !(e.count >= 1) || e.x.length !== e.count * e.features || e.y.length !== e.count * e.outputs) {
    throw new Error(`${name} must be regression examples { x: Float32Array (count x features), y: Float32Array (count x outputs), count, features, outputs }`);
  }
  return e;
}

function checkRun<E extends Schema>(what: string, options: unknown, extra: E): Checked<typeof RUN_OPTIONS & E> & { task: TeacherTask } {
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

const relu = activationFn('relu');

/** One network in training: its variables, optimizer and minibatch order. */
class Run {
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

  forward(x: tf.Tensor): tf.Tensor {
    return mlpForward(this.net, x, relu, { outputMultiplier: this.p.outputMultiplier, fastGradient: true });
  }

  /**
   * z_1 .. z_{L-1} (each layer's product, before the ReLU) and the output, for inputs x, in
   * one pass: the same products as forward (whose values are tf.matMul's), kept layer by layer.
   */
  layerOutputs(x: tf.Tensor): tf.Tensor[] {
    const { weights } = this.net;
    const alpha = this.p.outputMultiplier;
    const out: tf.Tensor[] = [];
    let h = x;
    weights.forEach((w, l) => {
      const z = tf.matMul(h, w);
      if (l < weights.length - 1) {
        out.push(z);
        h = relu(z);
      } else out.push(alpha !== 1 ? tf.mul(z, alpha) : z);
    });
    return out;
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
function train(o: RunChecked, width: number, learningRate: number, steps: number, full: boolean): ParametrizedHistory {
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

export interface CoordinateCheckOptions extends ParametrizedRunOptions {
  widths: number[];
  learningRate: number;
  /** Steps to take (default 3). */
  steps?: number;
  /**
   * The inputs whose outputs are watched: the first this many test inputs (default 64), or
   * 'firstBatch', the examples the first step learns from.
   */
  probe?: number | 'firstBatch';
}

export interface CoordinateLayer {
  /** 1 .. L; layer L is the network's output. */
  layer: number;
  role: 'input' | 'hidden' | 'readout';
  /** size[t][w]: mean |z_l| over the probe's examples and units, after t steps (t = 0: at init), at widths[w]. */
  size: number[][];
  /** inputSize[t][w]: mean |h_{l-1}| of the layer's input (the probe itself for l = 1, relu(z_{l-1}) above), after t steps. */
  inputSize: number[][];
  /** active[t][w]: the fraction of the probe's z_l that are > 0 (the units a ReLU lets through), after t steps. */
  active: number[][];
  /** delta[t - 1][w]: mean |z_l(t) - z_l(0)| after t steps. */
  delta: number[][];
  /** logLogSlope(widths, delta after the last step): 1 if the change grows in proportion to the width, 0 if not; null if a change was 0. */
  slope: number | null;
}

export interface CoordinateCheck {
  parametrization: ParametrizationName;
  seed: Seed;
  optimizer: ParametrizedOptimizer;
  learningRate: number;
  widths: number[];
  steps: number;
  layers: CoordinateLayer[];
  /** The minibatch losses, losses[w][t]. */
  losses: number[][];
}

/**
 * The coordinate check of the mup package, on the change of each layer: for each width,
 * train `steps` steps and measure, on a fixed probe batch, mean |z_l(t) - z_l(0)| for every
 * layer's product z_l = h_{l-1} W_l (and the output). A parametrization whose updates are
 * right for every width gives curves flat in the width (slope 0).
 */
export function coordinateCheck(options: CoordinateCheckOptions): CoordinateCheck {
  const o = checkRun('coordinateCheck', options, {
    widths: required(checkWidths), learningRate: required(checkPositive), steps: withDefault(checkPositiveInt, 3),
    probe: withDefault<number | 'firstBatch'>((name, v) => (v === 'firstBatch' ? v : checkPositiveInt(name, v)), 64),
  });
  const widths = o.widths as number[];
  const steps = o.steps as number;
  const test = o.task.test;
  const fromTest = o.probe !== 'firstBatch';
  if (fromTest && (o.probe as number) > test.count) throw new Error(`probe must be at most the number of test examples (${test.count}), got ${o.probe}`);
  const testProbe = fromTest ? tf.tensor2d(test.x.subarray(0, (o.probe as number) * test.features), [o.probe as number, test.features]) : null;
  const L = o.hiddenLayers + 1;
  const size = Array.from({ length: L }, () => Array.from({ length: steps + 1 }, () => [] as number[]));
  const inputSize = Array.from({ length: L }, () => Array.from({ length: steps + 1 }, () => [] as number[]));
  const active = Array.from({ length: L }, () => Array.from({ length: steps + 1 }, () => [] as number[]));
  const delta = Array.from({ length: L }, () => Array.from({ length: steps }, () => [] as number[]));
  const losses: number[][] = [];
  let roles: CoordinateLayer['role'][] = [];
  try {
    for (const n of widths) {
      const run = new Run(o, n, o.learningRate as number);
      roles = run.p.layers.map((layer) => layer.role);
      const first = run.nextBatch();
      const probe = testProbe ?? run.trainInputs(first);
      const start = tf.tidy(() => run.layerOutputs(probe));
      try {
        const read = (t: number) => tf.tidy(() => {
          const now = t === 0 ? start : run.layerOutputs(probe);
          const input = (l: number) => (l === 0 ? probe : relu(now[l - 1]));
          const stats = now.flatMap((z, l) => [
            tf.mean(tf.abs(z)), tf.mean(tf.abs(tf.sub(z, start[l]))), tf.mean(tf.abs(input(l))), tf.mean(tf.cast(tf.greater(z, 0), 'float32')),
          ]);
          return tf.stack(stats).dataSync();
        });
        const record = (t: number) => {
          const v = read(t);
          for (let l = 0; l < L; l++) {
            size[l][t].push(v[4 * l]);
            inputSize[l][t].push(v[4 * l + 2]);
            active[l][t].push(v[4 * l + 3]);
            if (t > 0) delta[l][t - 1].push(v[4 * l + 1]);
          }
        };
        record(0);
        const lossRow: number[] = [];
        for (let t = 1; t <= steps; t++) {
          const loss = run.step(t === 1 ? first : undefined);
          lossRow.push(loss);
          if (!Number.isFinite(loss)) throw new Error(`coordinateCheck: the width-${n} network diverged at step ${t - 1} (loss ${loss}); lower learningRate`);
          record(t);
        }
        losses.push(lossRow);
      } finally {
        tf.dispose(start);
        if (probe !== testProbe) probe.dispose();
        run.dispose();
      }
    }
  } finally {
    testProbe?.dispose();
  }
  const layers = size.map((s, l) => {
    const last = delta[l][steps - 1];
    return { layer: l + 1, role: roles[l], size: s, inputSize: inputSize[l], active: active[l], delta: delta[l], slope: last.every((d) => d > 0 && Number.isFinite(d)) ? logLogSlope(widths, last) : null };
  });
  return { parametrization: o.parametrization, seed: o.seed, optimizer: o.optimizer, learningRate: o.learningRate as number, widths, steps, layers, losses };
}

function checkWidths(name: string, v: unknown): number[] {
  if (!Array.isArray(v) || v.length < 2) throw new Error(`${name} must list at least two widths, got ${describe(v)}`);
  v.forEach((w, i) => checkPositiveInt(`${name}[${i}]`, w));
  if (new Set(v).size !== v.length) throw new Error(`${name} must not repeat a width, got ${describe(v)}`);
  return v;
}

function checkRates(name: string, v: unknown): number[] {
  if (!Array.isArray(v) || v.length === 0) throw new Error(`${name} must list at least one learning rate, got ${describe(v)}`);
  v.forEach((r, i) => checkPositive(`${name}[${i}]`, r));
  for (let i = 1; i < v.length; i++) if (!(v[i] > v[i - 1])) throw new Error(`${name} must be increasing, got ${describe(v)}`);
  return v;
}

export interface LearningRateSweepOptions extends ParametrizedRunOptions {
  widths: number[];
  /** Increasing. */
  learningRates: number[];
  steps: number;
  /** Called after every run with (runs done, runs in all), for a progress bar. */
  onRun?: (done: number, total: number) => void;
}

export interface SweepRow {
  parametrization: ParametrizationName;
  optimizer: ParametrizedOptimizer;
  width: number;
  seed: Seed;
  learningRates: number[];
  /** The test loss after training at each rate; null where the run diverged. */
  testLoss: (number | null)[];
  /** The rate on the grid with the lowest test loss. */
  best: { index: number; learningRate: number; testLoss: number } | null;
  /**
   * log2 of the optimum between grid points: the vertex of the parabola through ln(test loss)
   * at the best rate and its two neighbours, against log2(rate); null when the best is at an
   * end of the grid or a neighbour diverged.
   */
  optimumLog2: number | null;
}

/** The vertex of the parabola through three points (x_i, y_i), or null if they are on a line or it opens downwards. */
export function parabolaVertex(x: number[], y: number[]): number | null {
  const [x0, x1, x2] = x;
  const [y0, y1, y2] = y;
  const d1 = (y1 - y0) / (x1 - x0);
  const d2 = (y2 - y1) / (x2 - x1);
  const a = (d2 - d1) / (x2 - x0);
  if (!(a > 0)) return null;
  return (x0 + x1) / 2 - d1 / (2 * a);
}

/**
 * Trains one network per (width, learning rate) from the same seed for `steps` steps and
 * returns, per width, the test loss at every rate, the best rate on the grid and the
 * interpolated optimum. One row per width, in the order of widths, so sweeps split over
 * several cells concatenate.
 */
export function learningRateSweep(options: LearningRateSweepOptions): SweepRow[] {
  const o = checkRun('learningRateSweep', options, {
    widths: required((name, v) => (Array.isArray(v) && v.length === 1 ? [checkPositiveInt(`${name}[0]`, v[0])] : checkWidths(name, v))),
    learningRates: required(checkRates),
    steps: required(checkPositiveInt),
    onRun: optional((name, v) => checkFunction<(done: number, total: number) => void>(name, v, '(done, total) => void')),
  });
  const widths = o.widths as number[];
  const rates = o.learningRates as number[];
  const onRun = o.onRun as ((done: number, total: number) => void) | undefined;
  const total = widths.length * rates.length;
  let done = 0;
  return widths.map((width) => {
    const testLoss = rates.map((learningRate) => {
      const h = train(o, width, learningRate, o.steps as number, false);
      onRun?.(++done, total);
      return h.testLoss;
    });
    let best: SweepRow['best'] = null;
    testLoss.forEach((v, index) => {
      if (v !== null && (best === null || v < best.testLoss)) best = { index, learningRate: rates[index], testLoss: v };
    });
    let optimumLog2: number | null = null;
    const b = best as SweepRow['best'];
    if (b && b.index > 0 && b.index < rates.length - 1) {
      const near = [b.index - 1, b.index, b.index + 1];
      const ys = near.map((i) => testLoss[i]);
      if (ys.every((v) => v !== null)) optimumLog2 = parabolaVertex(near.map((i) => Math.log2(rates[i])), (ys as number[]).map(Math.log));
    }
    return { parametrization: o.parametrization, optimizer: o.optimizer, width, seed: o.seed, learningRates: [...rates], testLoss, best, optimumLog2 };
  });
}
