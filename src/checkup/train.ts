/**
 * Training a tf.LayersModel as chapter 9 compares its mistakes and fixes: minibatch steps of
 * a TensorFlow.js optimizer on the cross-entropy from the logits (loss.ts), recording the
 * loss at every step, the test loss and accuracy, and each kernel's update-to-weight ratio
 * ‖W_{t+1} - W_t‖ / ‖W_t‖ over the first steps: the quantity makemore part 3 plots, whose
 * rule of thumb is about 1e-3 for every layer.
 */
import * as tf from '@tensorflow/tfjs';
import { checkFunction, checkNonNegative, checkOptions, checkPositive, checkPositiveInt, describe, oneOf, optional, required, withDefault } from '../core/checks';
import { DEFAULT_SEED, Seed, checkSeed, makeRng, permutation } from '../core/random';
import { Examples } from '../data/examples';
import { readModel } from './graph';
import { classesOf, crossEntropy, logitsFrom, logitsSources } from './loss';
import { REPORT_OPTIMIZERS, ReportOptimizer, disposeOptimizer, makeOptimizer } from './report';

export interface TrainModelOptions {
  train: Examples;
  /** Evaluated (loss and accuracy) before training and every `evalEvery` steps and at the end. */
  test?: Examples;
  evalEvery?: number;
  steps: number;
  batchSize: number;
  /** sgd (default), momentum (0.9), adam or rmsprop, with TensorFlow.js's defaults. */
  optimizer?: ReportOptimizer;
  learningRate: number;
  /** Seeds the order of the examples (a new permutation each pass, `${seed}/shuffle`). */
  seed?: Seed;
  /** Record each kernel's update-to-weight ratio at each of the first this many steps (default 0: none). */
  updateSteps?: number;
  /** Called after every step with the history so far (a live plot, a progress bar); it must not change it. */
  onStep?: (history: ModelHistory) => void;
}

export interface ModelHistory {
  /** The minibatch loss at each step, before that step's update. */
  loss: number[];
  /** The steps at which the test set was evaluated (0: before training). */
  testStep: number[];
  testLoss: number[];
  testAccuracy: number[];
  /** Per kernel layer, ‖ΔW‖ / ‖W‖ at each of the first updateSteps steps. */
  updateRatio: { layer: string; values: number[] }[];
}

function checkData(name: string, data: unknown, size: number, classes: number): Examples {
  const d = data as Examples;
  if (d === null || typeof d !== 'object' || !(d.x instanceof Float32Array || d.x instanceof Float64Array) || !(d.y instanceof Int32Array)) {
    throw new Error(`${name} must be Examples { x, y, count, features } (as K.loadMnist gives), got ${describe(data)}`);
  }
  if (d.features !== size || d.x.length !== d.count * size || d.y.length !== d.count) {
    throw new Error(`${name} must hold ${size} features per example (the model's input size); it has ${d.features} features, ${d.x.length} values and ${d.y.length} labels for ${d.count} examples`);
  }
  d.y.forEach((c, i) => {
    if (!(c >= 0 && c < classes)) throw new Error(`${name}.y[${i}] is ${c}; the model has ${classes} classes`);
  });
  return d;
}

/**
 * Lets the event loop run. In a notebook every display update is a message on the kernel's
 * ZeroMQ socket, and zeromq.js defers one send in every 512 in a row to the event loop; the
 * sends after it wait for the loop (src/notebook/kernel-sends.ts queues them, so the kernel
 * survives). A training loop that never yields would therefore freeze its live chart partway
 * until the cell ends; yielding after each step (a few microseconds) keeps it live. (Browsers
 * and workers without setImmediate take a timer.)
 */
const yieldToEventLoop = () => new Promise<void>((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

/**
 * Trains `model` (in place: its weights change) for `steps` minibatch steps and resolves to the
 * history. The model must be one initReport accepts (a classifier; its loss is the
 * cross-entropy from its logits). Stops at the first step whose loss is not finite. It yields to
 * the event loop after every step, so that a live chart updated from onStep reaches the page.
 */
export async function trainModel(model: tf.LayersModel, options: TrainModelOptions): Promise<ModelHistory> {
  const graph = readModel(model);
  const size = graph.inputShape.reduce((a, b) => a * b, 1);
  const classes = classesOf(graph);
  const o = checkOptions('trainModel', options, {
    train: required((name, v) => checkData(name, v, size, classes)),
    test: optional((name, v) => checkData(name, v, size, classes)),
    evalEvery: optional(checkPositiveInt),
    steps: required(checkPositiveInt),
    batchSize: required(checkPositiveInt),
    optimizer: withDefault(oneOf(REPORT_OPTIMIZERS), 'sgd' as ReportOptimizer),
    learningRate: required(checkPositive),
    seed: withDefault<Seed>(checkSeed, DEFAULT_SEED),
    updateSteps: withDefault((name, v) => Math.round(checkNonNegative(name, v)), 0),
    onStep: optional((name, v) => checkFunction<(h: ModelHistory) => void>(name, v, '(history) => void')),
  });
  if (o.batchSize > o.train.count) throw new Error(`batchSize (${o.batchSize}) is larger than the training set (${o.train.count} examples)`);

  const sources = logitsSources(graph);
  const probe = graph.logitsFrom === 'output' ? model : tf.model({ inputs: model.inputs, outputs: sources });
  const logitsOf = (x: tf.Tensor) => {
    const out = probe.apply(x, { training: true }) as tf.Tensor;
    return graph.logitsFrom === 'output' ? (out as tf.Tensor2D) : logitsFrom(graph, new Map([[sources[0], out]]));
  };
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const kernels = graph.kernels.map((k) => k.kernel);
  const optimizer = makeOptimizer(o.optimizer, o.learningRate);
  const toTensor = (d: Examples, from: number, idx?: Int32Array, n = d.count) => {
    const x = new Float32Array(n * size);
    const y = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const i = idx ? idx[from + k] : from + k;
      x.set(d.x.subarray(i * size, (i + 1) * size), k * size);
      y[k] = d.y[i];
    }
    return { x: tf.tensor(x, [n, ...graph.inputShape]), y: tf.tensor1d(y, 'int32') };
  };
  const history: ModelHistory = {
    loss: [], testStep: [], testLoss: [], testAccuracy: [],
    updateRatio: graph.kernels.map((k) => ({ layer: k.name, values: [] })),
  };
  const testSet = o.test ? toTensor(o.test, 0) : null;
  const evaluate = (step: number) => {
    if (!testSet) return;
    const [loss, acc] = tf.tidy(() => {
      const z = logitsOf(testSet.x);
      const predicted = z.shape[1] === 1 ? tf.cast(tf.greater(z.reshape([-1]), 0), 'int32') : tf.argMax(z, 1);
      return [crossEntropy(z, testSet.y).dataSync()[0], tf.mean(tf.cast(tf.equal(predicted, testSet.y), 'float32')).dataSync()[0]];
    });
    history.testStep.push(step);
    history.testLoss.push(loss);
    history.testAccuracy.push(acc);
  };
  const rng = makeRng(`${o.seed}/shuffle`);
  let order = permutation(o.train.count, rng);
  let at = 0;
  try {
    evaluate(0);
    for (let step = 1; step <= o.steps; step++) {
      if (at + o.batchSize > o.train.count) {
        order = permutation(o.train.count, rng);
        at = 0;
      }
      const { x, y } = toTensor(o.train, at, order, o.batchSize);
      at += o.batchSize;
      const record = step <= o.updateSteps;
      const before = record ? kernels.map((k) => tf.clone(k)) : [];
      try {
        const loss = optimizer.minimize(() => crossEntropy(logitsOf(x), y as tf.Tensor1D), true, vars) as tf.Scalar;
        history.loss.push(loss.dataSync()[0]);
        loss.dispose();
        if (record) {
          const ratios = tf.tidy(() => tf.stack(kernels.map((k, i) => tf.div(tf.norm(tf.sub(k, before[i])), tf.norm(before[i])))).dataSync());
          ratios.forEach((r, i) => history.updateRatio[i].values.push(r));
        }
      } finally {
        x.dispose();
        y.dispose();
        before.forEach((t) => t.dispose());
      }
      if (o.evalEvery && step % o.evalEvery === 0 && step !== o.steps) evaluate(step);
      if (step === o.steps) evaluate(step);
      o.onStep?.(history);
      await yieldToEventLoop();
      if (!Number.isFinite(history.loss[history.loss.length - 1])) break;
    }
  } finally {
    disposeOptimizer(optimizer);
    testSet?.x.dispose();
    testSet?.y.dispose();
  }
  return history;
}
