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
import { Structure, blockForward, blockLayout, normalize } from './blocks';

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
 * `${seed}/input` and `${seed}/output-gradient`, its biases `${seed}/bias/${l}`. The rule
 * counts layers, not blocks: in a residual network (blocks.ts) a branch's two kernels are
 * layers l and l + 1, so a residual network and a plain one of the same widths share their draws.
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
 * Options of the forward pass; leaving them out gives the plain network. `norm` and
 * `residual` (blocks.ts, chapter 7) give it normalization layers and residual blocks.
 */
export interface MLPForwardOptions extends Structure {
  /**
   * alpha, a constant that multiplies the last layer's product: alpha h_{L-1} W_L + b_L
   * (muP's output multiplier, chapter 8; net/parametrization.ts). Default 1.
   */
  outputMultiplier?: number;
  /**
   * Backpropagate each product h W with explicit transposes of the thin operands,
   * dW = (h^T) dz and dh = (W (dz^T))^T: the same sums as tf.matMul's own gradient up to
   * float rounding, and some four times faster on the wasm backend, which multiplies by a
   * transposed operand slowly (engine.ts writes its backward pass the same way). Default false.
   */
  fastGradient?: boolean;
  /**
   * Collects every layer's product as the pass makes it, z_l = h_{l-1} W_l + b_l in order
   * (the last one with its output multiplier): the pre-activations a measurement watches
   * (chapter 8's coordinate check), from the one forward pass. They are the pass's own
   * tensors: dispose of them with it (inside the same tf.tidy).
   */
  products?: tf.Tensor[];
}

const transposedGradMatMul = tf.customGrad((...args) => {
  const [h, w, save] = args as unknown as [tf.Tensor2D, tf.Tensor2D, (t: tf.Tensor[]) => void];
  save([h, w]);
  return {
    value: tf.matMul(h, w),
    gradFunc: (dz: tf.Tensor, saved: tf.Tensor[]) => {
      const [hs, ws] = saved as tf.Tensor2D[];
      return [tf.transpose(tf.matMul(ws, tf.transpose(dz))), tf.matMul(tf.transpose(hs), dz as tf.Tensor2D)];
    },
  };
});

/**
 * The residual blocks of a network of layer widths `sizes` (blocks.ts): the hidden layers
 * between the first layer (the stem, from the input to the stream) and the last (the
 * readout); throws unless they fit. [] without residual.
 */
export function mlpBlocks(sizes: readonly number[], structure: Structure): number[][] {
  if (!structure.residual) return [];
  const layers = sizes.length - 1;
  if (layers < 3) throw new Error(`a residual network needs a first layer, at least one block and a last layer: sizes must list at least 4 widths, got ${sizes.length}`);
  return blockLayout(sizes, 1, layers - 2, structure.residual, 'sizes');
}

/**
 * The forward pass: h_0 = x, h_l = f(h_{l-1} W_l + b_l) for the hidden layers, and the
 * last layer's h_{L-1} W_L + b_L without f (the logits, or a linear network's output).
 *
 * With a structure (blocks.ts, chapter 7): `norm` alone puts the normalization between each
 * hidden layer's product and f, h_l = f(norm(h_{l-1} W_l + b_l)), using the statistics of
 * the batch it is given; `residual` makes the first layer a stem, h_1 = f(x W_1 + b_1),
 * the hidden layers after it residual blocks on that stream (mlpBlocks), and the last
 * layer a readout of the stream, normalized first in a pre-norm network (as GPT-2's final
 * layer norm).
 */
export function mlpForward(net: MLPVariables, x: tf.Tensor, act: (t: tf.Tensor) => tf.Tensor, options: MLPForwardOptions = {}): tf.Tensor {
  const layers = net.weights.length;
  const alpha = options.outputMultiplier ?? 1;
  const matMul = options.fastGradient ? (a: tf.Tensor, b: tf.Tensor) => transposedGradMatMul(a, b) : tf.matMul;
  const product = (l: number, h: tf.Tensor) => {
    const raw = matMul(h, net.weights[l]);
    const m = l === layers - 1 && alpha !== 1 ? tf.mul(raw, alpha) : raw;
    const z = net.biases ? tf.add(m, net.biases[l]) : m;
    options.products?.push(z);
    return z;
  };
  const structure: Structure = { norm: options.norm, residual: options.residual };
  let h = x;
  if (!structure.residual) {
    for (let l = 0; l < layers - 1; l++) h = blockForward(h, [l], structure, act, product);
  } else {
    const sizes = [net.weights[0].shape[0] as number, ...net.weights.map((w) => w.shape[1] as number)];
    h = blockForward(h, [0], {}, act, product);
    for (const block of mlpBlocks(sizes, structure)) h = blockForward(h, block, structure, act, product);
    if (structure.norm && structure.residual.normPosition === 'pre') h = normalize(h, structure.norm);
  }
  return product(layers - 1, h);
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
