/**
 * The course's multilayer perceptron, the one every network is made of: its parameters
 * as plain arrays, the seed rule that gives every layer its own kernel, the forward pass
 * on tensors, and the way parameters go into TensorFlow.js variables and come back.
 * The trainers (train/) keep only their loss and their loop; the network engine
 * (engine.ts) draws the same kernels with the same seeds.
 */
import * as tf from '@tensorflow/tfjs';
import { checkNonNegative, checkPositiveInt, describe } from '../core/checks';
import { DEFAULT_SEED, Seed, checkSeed } from '../core/random';
import { InitSpec, checkInitSpecs, sampleInit } from '../init/initspec';

/** A fully connected network's parameters as plain arrays (no tensors to dispose). */
export interface MLPParams {
  /** Layer widths, input first: [2, 10, 5, 1] has two hidden layers. */
  sizes: number[];
  /** weights[l] is sizes[l] x sizes[l+1], row-major: column j is unit j's incoming weights. */
  weights: Float32Array[];
  biases: Float32Array[];
}

/**
 * The seeds of a network seeded `seed`: layer l's kernel (l from 0) is drawn with
 * `${seed}/${l}`, so layers differ and every function that builds the network from the
 * same seed builds the same one; the engine's input batch and output gradient use
 * `${seed}/input` and `${seed}/output-gradient`, its biases `${seed}/bias/${l}`.
 */
export const SEEDS = {
  kernel: (seed: Seed, l: number) => `${seed}/${l}`,
  bias: (seed: Seed, l: number) => `${seed}/bias/${l}`,
  input: (seed: Seed) => `${seed}/input`,
  outputGradient: (seed: Seed) => `${seed}/output-gradient`,
};

/** Throws unless `sizes` lists at least two widths (input first, output last). */
export function checkSizes(sizes: unknown, output = 'output'): number[] {
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new Error(`sizes must list at least two layer widths (input and ${output}), got ${describe(sizes)}`);
  }
  sizes.forEach((s, i) => checkPositiveInt(`sizes[${i}]`, s));
  return sizes;
}

/**
 * Draws a network's kernels from `init` (one InitSpec for every layer, or one per layer);
 * layer l's kernel is sampleInit(init, [sizes[l], sizes[l+1]], SEEDS.kernel(seed, l)). The
 * biases are zero, or with `biasStd` > 0 normal with that std, drawn as the engine draws
 * them (sampleInit(biasStd, [1, sizes[l+1]], SEEDS.bias(seed, l)); chapter 6).
 */
export function initMLP(sizes: number[], init: InitSpec | InitSpec[], seed: Seed = DEFAULT_SEED, biasStd = 0): MLPParams {
  checkSizes(sizes);
  checkSeed('seed', seed);
  checkNonNegative('biasStd', biasStd);
  const specs = checkInitSpecs(init, sizes.length - 1);
  const weights = specs.map((spec, l) => sampleInit(spec, [sizes[l], sizes[l + 1]], SEEDS.kernel(seed, l)));
  const biases = specs.map((_, l) => (biasStd > 0 ? sampleInit(biasStd, [1, sizes[l + 1]], SEEDS.bias(seed, l)) : new Float32Array(sizes[l + 1])));
  return { sizes: [...sizes], weights, biases };
}

/** A network's parameters as TensorFlow.js variables, for training. */
export interface MLPVariables {
  weights: tf.Variable[];
  /** null for a network without biases. */
  biases: tf.Variable[] | null;
}

/** The parameters as variables (with the biases, unless `biases: false`). Dispose them with disposeMLP. */
export function mlpVariables(params: MLPParams, { biases = true } = {}): MLPVariables {
  const variable = (values: Float32Array, shape: number[]) => tf.tidy(() => tf.variable(tf.tensor(values, shape)));
  return {
    weights: params.weights.map((w, l) => variable(w, [params.sizes[l], params.sizes[l + 1]])),
    biases: biases ? params.biases.map((b) => variable(b, [b.length])) : null,
  };
}

/** Every variable, kernels and biases, in one list (for an optimizer). */
export function mlpVariableList(net: MLPVariables): tf.Variable[] {
  return [...net.weights, ...(net.biases ?? [])];
}

/**
 * The forward pass: h_0 = x, h_l = f(h_{l-1} W_l + b_l) for the hidden layers, and the
 * last layer's h_{L-1} W_L + b_L without f (the logits, or a linear network's output).
 */
export function mlpForward(net: MLPVariables, x: tf.Tensor, act: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
  const layers = net.weights.length;
  let h = x;
  for (let l = 0; l < layers; l++) {
    const product = tf.matMul(h, net.weights[l]);
    const z = net.biases ? tf.add(product, net.biases[l]) : product;
    h = l < layers - 1 ? act(z) : z;
  }
  return h;
}

/** Copies the variables' current values into `params` (in place). */
export function readMLP(net: MLPVariables, params: MLPParams): MLPParams {
  net.weights.forEach((w, l) => (params.weights[l] = w.dataSync() as Float32Array));
  net.biases?.forEach((b, l) => (params.biases[l] = b.dataSync() as Float32Array));
  return params;
}

export function disposeMLP(net: MLPVariables): void {
  tf.dispose(mlpVariableList(net));
}
