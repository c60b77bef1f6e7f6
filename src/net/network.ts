/**
 * A deep fully connected network as the engine runs it, from a function's options: the
 * widths, how each kernel is drawn (or the kernels themselves), the input batch and the
 * seed. Every view of the engine (signalPropagation, layerSamples, ...) declares these
 * options with NETWORK_OPTIONS and turns them into a NetworkPlan with planNetwork.
 */
import {
  checkFinite, checkNonNegative, checkPositive, checkPositiveInt, describe, oneOf, optional, passThrough, required, withDefault,
} from '../core/checks';
import { DEFAULT_SEED, Seed, checkSeed } from '../core/random';
import { InitSpec, checkInitSpecs } from '../init/initspec';
import { ACTIVATION_NAMES, Activation } from './activations';
import { NormName, Residual, ResidualOptions, STRUCTURE_OPTIONS, Structure, blockLayout, checkStructure, withOutputInit } from './blocks';

export interface NetworkOptions {
  /** L, the number of layers (each a matrix product, then the activation). */
  depth?: number;
  /** Units per layer: one number for every layer, or a list n_1..n_L (then depth may be left out). */
  width?: number | number[];
  /** How each kernel is drawn: one InitSpec for every layer, or one per layer. */
  init?: InitSpec | InitSpec[];
  /**
   * Kernels given outright instead of depth, width, inputWidth and init: one matrix per
   * layer, n_{l-1} rows (one per input unit) by n_l columns, as in z = x W.
   */
  weights?: number[][][];
  /** Examples in the input batch. */
  batch: number;
  /** The non-linearity after every layer, the last one included. */
  activation: Activation;
  /** The same seed gives the same input, kernels, output gradient and so the same numbers. */
  seed?: Seed;
  /** n_0, the input's width (default: the first layer's width). */
  inputWidth?: number;
  /** The std of the seeded normal input's entries (default 1). */
  inputStd?: number;
  /**
   * The input batch outright, batch x n_0 values row-major (instead of the seeded normal
   * one): a Float32Array, or one row per example.
   */
  input?: Float32Array | number[][];
  /** Biases b_l ~ N(0, biasStd^2), one per unit, seeded per layer (default: no biases). */
  biasStd?: number;
  /**
   * Normalization, as at initialization (blocks.ts): 'batch' or 'layer'. In a plain network
   * between every layer's product and its activation; in a residual one where
   * residual.normPosition says.
   */
  norm?: NormName;
  /**
   * Group the layers into residual blocks x_k = x_{k-1} + alpha F_k (blocks.ts): depth counts
   * layers, so there are depth / branchDepth blocks, and every block ends at the input's width.
   */
  residual?: ResidualOptions;
  /**
   * The gradient sent back from the output, batch x n_L values row-major (instead of the
   * seeded normal one), as `input` is given: the identity (with batch = n_L) makes each
   * row's gradient a row of the network's Jacobian (chapter 6).
   */
  outputGradient?: Float32Array | number[][];
}

/** The options every view of the engine takes, declared (see core/checks.ts's checkOptions). */
export const NETWORK_OPTIONS = {
  depth: passThrough<number>(),
  width: passThrough<number | number[]>(),
  init: passThrough<InitSpec | InitSpec[]>(),
  weights: passThrough<number[][][]>(),
  inputWidth: passThrough<number>(),
  input: passThrough<Float32Array | number[][]>(),
  batch: required(checkPositiveInt),
  activation: oneOf(ACTIVATION_NAMES),
  seed: withDefault<Seed>(checkSeed, DEFAULT_SEED),
  inputStd: passThrough<number>(),
  biasStd: optional(checkNonNegative),
  ...STRUCTURE_OPTIONS,
  outputGradient: passThrough<Float32Array | number[][]>(),
};

type CheckedNetworkOptions = {
  depth?: number; width?: number | number[]; init?: InitSpec | InitSpec[]; weights?: number[][][];
  inputWidth?: number; input?: Float32Array | number[][]; batch: number; activation: Activation; seed: Seed;
  inputStd?: number; biasStd?: number; norm?: NormName; residual?: Residual; outputGradient?: Float32Array | number[][];
};

/** Everything the engine needs to build and run a network. */
export interface NetworkPlan {
  /** n_0 (the input) to n_L. */
  widths: number[];
  batch: number;
  activation: Activation;
  seed: Seed;
  /** Per layer, how its kernel is drawn; or, for given weights, the kernels themselves. */
  specs?: InitSpec[];
  given?: Float32Array[];
  /** The input batch (batch x n_0), when given; otherwise drawn with std inputStd. */
  input?: Float32Array;
  inputStd: number;
  /** 0 or undefined: no biases. */
  biasStd?: number;
  /** Normalization and residual blocks (none: a plain network). */
  structure: Structure;
  /** The layers (0-based) of each block: [[0], [1], ...] in a plain network. */
  blocks: number[][];
  /** The output gradient (batch x n_L), when given; otherwise drawn as a standard normal. */
  outputGradient?: Float32Array;
}

/** Turns a view's checked options into the network it runs; throws naming the option at fault. */
export function planNetwork(o: CheckedNetworkOptions): NetworkPlan {
  const structure = checkStructure(o);
  const base = { batch: o.batch, activation: o.activation, seed: o.seed, biasStd: o.biasStd || undefined, structure };
  if (o.input !== undefined && o.inputStd !== undefined) throw new Error('input replaces inputStd: give the input batch or its std, not both');
  const inputStd = o.inputStd === undefined ? 1 : checkPositive('inputStd', o.inputStd);
  let widths: number[];
  let kernels: Pick<NetworkPlan, 'specs' | 'given'>;
  if (o.weights !== undefined) {
    for (const key of ['depth', 'width', 'init', 'inputWidth'] as const) {
      if (o[key] !== undefined) throw new Error(`weights replaces depth, width, inputWidth and init: give weights or those, not both (got ${key} too)`);
    }
    if (o.residual?.outputInit !== undefined) throw new Error('residual.outputInit draws a kernel, but weights are given: give the branches\' last kernels in weights instead');
    const given = matrices(o.weights);
    widths = given.widths;
    kernels = { given: given.kernels };
  } else {
    const layers = layerWidths(o.width, o.depth);
    const inputWidth = o.inputWidth === undefined ? layers[0] : checkPositiveInt('inputWidth', o.inputWidth);
    widths = [inputWidth, ...layers];
    kernels = { specs: checkInitSpecs(o.init, layers.length) };
  }
  const blocks = blockLayout(widths, 0, widths.length - 1, structure.residual, o.weights === undefined ? 'width' : 'weights');
  if (kernels.specs) kernels.specs = withOutputInit(kernels.specs, blocks, structure.residual);
  const input = o.input === undefined ? undefined : inputBatch(o.input, o.batch, widths[0]);
    const outputGradient = o.outputGradient === undefined ? undefined : inputBatch(o.outputGradient, o.batch, widths[widths.length - 1], 'outputGradient', 'n_L');
  return { ...base, widths, ...kernels, input, inputStd, blocks, ...(outputGradient ? { outputGradient } : {}) };
}

/** n_1..n_L from `width` (one number, or a list) and `depth`. */
function layerWidths(width: unknown, depth: unknown): number[] {
  if (Array.isArray(width)) {
    if (width.length === 0) throw new Error('width must be a whole number >= 1 or a non-empty list of them, got []');
    width.forEach((w, i) => checkPositiveInt(`width[${i}]`, w));
    if (depth !== undefined && checkPositiveInt('depth', depth) !== width.length) {
      throw new Error(`width lists ${width.length} layers but depth is ${depth}`);
    }
    return [...width];
  }
  const d = checkPositiveInt('depth', depth);
  return Array.from({ length: d }, () => checkPositiveInt('width', width));
}

/** Given kernels: a list of matrices whose sizes chain, as float32 arrays, with the widths they imply. */
function matrices(weights: unknown): { widths: number[]; kernels: Float32Array[] } {
  if (!Array.isArray(weights) || weights.length === 0) {
    throw new Error(`weights must be a non-empty list of matrices (one per layer), got ${describe(weights)}`);
  }
  const widths: number[] = [];
  const kernels = weights.map((m, l) => {
    const name = `weights[${l}]`;
    if (!Array.isArray(m) || m.length === 0 || !Array.isArray(m[0]) || m[0].length === 0) {
      throw new Error(`${name} must be a matrix: a non-empty list of non-empty rows of numbers`);
    }
    const rows = m.length;
    const cols = (m[0] as unknown[]).length;
    if (l === 0) widths.push(rows);
    else if (rows !== widths[l]) {
      throw new Error(`${name} has ${rows} rows but the layer before it has ${widths[l]} units: each matrix needs one row per input unit`);
    }
    widths.push(cols);
    const out = new Float32Array(rows * cols);
    m.forEach((row: unknown, i: number) => {
      if (!Array.isArray(row) || row.length !== cols) throw new Error(`${name}[${i}] must be a row of ${cols} numbers, like ${name}[0]`);
      row.forEach((v, j) => (out[i * cols + j] = checkFinite(`${name}[${i}][${j}]`, v)));
    });
    return out;
  });
  return { widths, kernels };
}

/** A given input batch (or output gradient) as batch x n_0 (n_L) float32 values. */
function inputBatch(input: unknown, batch: number, width: number, name = 'input', n = 'n_0'): Float32Array {
  const expected = `batch x ${n} = ${batch} x ${width} values (a Float32Array, or ${batch} rows of ${width} numbers)`;
  let values: Float32Array;
  if (input instanceof Float32Array) values = input;
  else if (Array.isArray(input) && input.length === batch && input.every((r) => Array.isArray(r) && r.length === width)) {
    values = Float32Array.from((input as number[][]).flat());
  } else throw new Error(`${name} must hold ${expected}; got ${describe(input)}`);
  if (values.length !== batch * width) throw new Error(`${name} must hold ${expected}; got ${values.length} values`);
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new Error(`${name} must hold finite numbers; value ${i} is ${v}`);
  });
  return values;
}
