/**
 * Chapter 8's task: regression onto a fixed random ReLU network, the "teacher". A student
 * of any width can be trained on it, the data cost nothing to make, and its loss has a
 * clear scale and a floor of 0: the targets are the teacher's outputs divided by one number,
 * so that their mean square is 1 (predicting 0 scores 1), and they are NOT centred. A ReLU
 * network without biases is positively homogeneous, f(a x) = a f(x) for a > 0, so it cannot
 * add a constant: centred targets would leave every bias-free student a floor above 0. Scaled
 * by one number, the targets are exactly the output of the teacher with its readout divided
 * by that number, which a bias-free student whose hidden layers are at least as wide as the
 * teacher's can hold (the teacher's weights, zeros elsewhere): `teacherFit` measures it.
 */
import * as tf from '@tensorflow/tfjs';
import { checkOptions, checkPositiveInt, required, withDefault } from '../core/checks';
import { DEFAULT_SEED, Seed, checkSeed } from '../core/random';
import { sampleInit } from '../init/initspec';
import { activationFn } from '../net/activations';
import { MLPParams, disposeMLP, initMLP, mlpForward, mlpVariables } from '../net/mlp';

/** Inputs with real-valued targets, row-major as Examples are (count x features, count x outputs). */
export interface RegressionExamples {
  x: Float32Array;
  y: Float32Array;
  count: number;
  features: number;
  outputs: number;
}

export interface TeacherTask {
  train: RegressionExamples;
  test: RegressionExamples;
  /** The teacher's parameters (no biases). */
  teacher: MLPParams;
  /** The targets are y_raw / targetScale, per output: the root mean square of the teacher's raw outputs on the training set. */
  targetScale: number[];
}

export interface TeacherTaskOptions {
  /** d, the input's width. */
  inputs: number;
  /** The teacher's hidden width. */
  teacherWidth: number;
  /** The teacher's hidden layers (default 2). */
  teacherDepth?: number;
  /** Targets per example (default 1). */
  outputs?: number;
  train: number;
  test: number;
  seed?: Seed;
}

const TEACHER_OPTIONS = {
  inputs: required(checkPositiveInt),
  teacherWidth: required(checkPositiveInt),
  teacherDepth: withDefault(checkPositiveInt, 2),
  outputs: withDefault(checkPositiveInt, 1),
  train: required(checkPositiveInt),
  test: required(checkPositiveInt),
  seed: withDefault<Seed>(checkSeed, DEFAULT_SEED),
};

/**
 * A seeded teacher-student regression task: x ~ N(0, I_d); the teacher is a ReLU MLP
 * [d, w, ..., w, outputs] without biases, kernels N(0, 2 / fan_in) (He's rule) drawn with
 * seed `${seed}/teacher`; y = teacher(x) / scale per output, the scale the root mean square
 * of the teacher's outputs over the training inputs, so the training targets have mean
 * square 1 (not centred: see the header). Training and test inputs are drawn with seeds
 * `${seed}/x/train` and `${seed}/x/test`.
 */
export function teacherTask(options: TeacherTaskOptions): TeacherTask {
  const o = checkOptions('teacherTask', options, TEACHER_OPTIONS);
  const sizes = [o.inputs, ...Array(o.teacherDepth).fill(o.teacherWidth), o.outputs];
  const teacher = initMLP(sizes, sizes.slice(0, -1).map((n) => Math.sqrt(2 / n)), `${o.seed}/teacher`);
  const draw = (count: number, split: string) => sampleInit(1, [count, o.inputs], `${o.seed}/x/${split}`);
  const [xTrain, xTest] = [draw(o.train, 'train'), draw(o.test, 'test')];
  const net = mlpVariables(teacher, { biases: false });
  const relu = activationFn('relu');
  let raw: Float32Array[];
  try {
    raw = [xTrain, xTest].map((x) => tf.tidy(() => mlpForward(net, tf.tensor2d(x, [x.length / o.inputs, o.inputs]), relu).dataSync() as Float32Array));
  } finally {
    disposeMLP(net);
  }
  const targetScale: number[] = [];
  for (let k = 0; k < o.outputs; k++) {
    let ss = 0;
    for (let i = 0; i < o.train; i++) ss += raw[0][i * o.outputs + k] ** 2;
    const scale = Math.sqrt(ss / o.train);
    if (!(scale > 0)) throw new Error('teacherTask: the teacher\'s outputs are 0 on every training input (every ReLU unit off); use another seed or more training examples');
    targetScale.push(scale);
  }
  const scaled = (y: Float32Array) => y.map((v, i) => v / targetScale[i % o.outputs]);
  const examples = (x: Float32Array, y: Float32Array, count: number): RegressionExamples => ({ x, y: scaled(y), count, features: o.inputs, outputs: o.outputs });
  return { train: examples(xTrain, raw[0], o.train), test: examples(xTest, raw[1], o.test), teacher, targetScale };
}

/** The mean squared error of the scaled teacher on the task's training and test sets. */
export interface TeacherFit {
  train: number;
  test: number;
}

/**
 * How well the task's targets can be fitted by a bias-free ReLU network as wide as the
 * teacher: the mean squared error of the teacher itself with its readout divided by
 * targetScale, in float32. Float32 rounding of targets of mean square 1 leaves ~1e-14; a
 * floor above 0 (targets a bias-free network cannot represent) would show here.
 */
export function teacherFit(task: TeacherTask): TeacherFit {
  if (!task || typeof task !== 'object' || !task.teacher || !Array.isArray(task.targetScale)) throw new Error('task must be a TeacherTask (from teacherTask)');
  const { teacher, targetScale } = task;
  const L = teacher.weights.length;
  const out = teacher.sizes[L];
  const readout = teacher.weights[L - 1].map((w, i) => w / targetScale[i % out]);
  const net = mlpVariables({ ...teacher, weights: [...teacher.weights.slice(0, -1), readout] }, { biases: false });
  const relu = activationFn('relu');
  const mse = (d: RegressionExamples) => tf.tidy(() => tf.mean(tf.squaredDifference(
    mlpForward(net, tf.tensor2d(d.x, [d.count, d.features]), relu), tf.tensor2d(d.y, [d.count, d.outputs]))).dataSync()[0]);
  try {
    return { train: mse(task.train), test: mse(task.test) };
  } finally {
    disposeMLP(net);
  }
}
