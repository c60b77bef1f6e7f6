/**
 * Chapter 8's task: regression onto a fixed random ReLU network, the "teacher". A student
 * of any width can be trained on it, the data cost nothing to make, and its loss has a
 * floor of 0 (no noise) and a clear scale: targets of variance 1, so predicting their mean
 * scores 1.
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
  /** The teacher's raw outputs were (y_raw - mean) / std with these, from the training set, per output. */
  targetMean: number[];
  targetStd: number[];
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
 * seed `${seed}/teacher`; y = (teacher(x) - mean) / std per output, the mean and std
 * taken over the training inputs, so the training targets have mean 0 and variance 1.
 * Training and test inputs are drawn with seeds `${seed}/x/train` and `${seed}/x/test`.
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
  const targetMean: number[] = [];
  const targetStd: number[] = [];
  for (let k = 0; k < o.outputs; k++) {
    let s = 0;
    for (let i = 0; i < o.train; i++) s += raw[0][i * o.outputs + k];
    const mean = s / o.train;
    let ss = 0;
    for (let i = 0; i < o.train; i++) ss += (raw[0][i * o.outputs + k] - mean) ** 2;
    const std = Math.sqrt(ss / o.train);
    if (!(std > 0)) throw new Error('teacherTask: the teacher\'s outputs are constant on the training inputs (every ReLU unit off); use another seed or more training examples');
    targetMean.push(mean);
    targetStd.push(std);
  }
  const standardize = (y: Float32Array) => y.map((v, i) => (v - targetMean[i % o.outputs]) / targetStd[i % o.outputs]);
  const examples = (x: Float32Array, y: Float32Array, count: number): RegressionExamples => ({ x, y: standardize(y), count, features: o.inputs, outputs: o.outputs });
  return { train: examples(xTrain, raw[0], o.train), test: examples(xTest, raw[1], o.test), teacher, targetMean, targetStd };
}
