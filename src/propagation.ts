/**
 * How a signal's size changes on its way through a deep fully connected network, forward
 * (the activations) and backward (the gradients), measured layer by layer.
 */
import * as tf from '@tensorflow/tfjs';
import { ACTIVATIONS, Activation, activationFn } from './activations';
import { checkFinite, checkKeys, checkOneOf, checkPositive, checkPositiveInt, describe } from './errors';
import { INITIALIZER_NAMES, InitSpec } from './initializers';
import { KernelJob, kernelSource, transpose } from './prefetch';
import { DEFAULT_SEED, Seed, checkSeed } from './random';

/** Sample statistics of every entry of a [batch, width] tensor. meanSquare = variance + mean^2. */
export interface Moments {
  mean: number;
  variance: number;
  meanSquare: number;
}

/** Layer l (1-based) on the way forward: z_l = x_{l-1} W_l, x_l = f(z_l). */
export interface ForwardLayer {
  layer: number;
  /** n_l, the layer's number of units. */
  width: number;
  /** Statistics of z_l, the input to the non-linearity. */
  preActivation: Moments;
  /** Statistics of x_l = f(z_l), the input to the next layer. */
  output: Moments;
}

/** Layer l (1-based) on the way back. */
export interface BackwardLayer {
  layer: number;
  /** Statistics of dLoss/dz_l, the gradient with respect to the layer's pre-activations. */
  preActivation: Moments;
  /** Statistics of dLoss/dW_l (only with `weightGradients: true`). */
  weights?: Moments;
}

export interface Propagation {
  /** n_0 (the input) to n_L. */
  widths: number[];
  activation: Activation;
  /** Statistics of the input batch x_0. */
  input: Moments;
  /** forward[l - 1] is layer l, for l = 1..L. */
  forward: ForwardLayer[];
  /** backward[l - 1] is layer l, for l = 1..L; empty with `backward: false`. */
  backward: BackwardLayer[];
}

export interface PropagationOptions {
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
  /** The std of the input's entries (default 1). */
  inputStd?: number;
  /** Also report the statistics of each kernel's gradient (one more matrix product per layer). */
  weightGradients?: boolean;
  /**
   * false: the forward pass only (half the matrix products); `backward` comes back empty.
   * Default true.
   */
  backward?: boolean;
}

const OPTION_KEYS = ['depth', 'width', 'init', 'weights', 'batch', 'activation', 'seed', 'inputWidth', 'inputStd', 'weightGradients', 'backward'];

/** The network's widths n_0..n_L and, per layer, either the kernel given or how to draw it. */
interface Network {
  widths: number[];
  given?: Float32Array[];
  specs?: InitSpec[];
}

function checkInitName(name: string, value: unknown): void {
  checkOneOf(name, value, INITIALIZER_NAMES);
}

/** One InitSpec per layer from `init` (one spec or a list of `depth`); throws naming init. Internal. */
export function checkInitSpecs(init: unknown, depth: number): InitSpec[] {
  const one = (spec: unknown, name: string): InitSpec => {
    if (typeof spec === 'number') checkFinite(name, spec);
    else if (typeof spec === 'string') checkInitName(name, spec);
    else if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) checkInitName(`${name}.name`, (spec as { name?: unknown }).name);
    else {
      throw new Error(
        `${name} must be an initializer name (${INITIALIZER_NAMES.join(', ')}), an object { name, ...options }, or a standard deviation; got ${describe(spec)}`,
      );
    }
    return spec as InitSpec;
  };
  if (Array.isArray(init)) {
    if (init.length !== depth) throw new Error(`init must be one spec or one per layer (depth = ${depth}), got a list of ${init.length}`);
    return init.map((s, l) => one(s, `init[${l}]`));
  }
  if (init === undefined) throw new Error('init is required (unless weights are given): an initializer name, { name, ...options }, or a standard deviation');
  const spec = one(init, 'init');
  return Array.from({ length: depth }, () => spec);
}

function networkFromWeights(weights: unknown, options: PropagationOptions): Network {
  for (const key of ['depth', 'width', 'init', 'inputWidth'] as const) {
    if (options[key] !== undefined) throw new Error(`weights replaces depth, width, inputWidth and init: give weights or those, not both (got ${key} too)`);
  }
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
  return { widths, given: kernels };
}

function networkFromInit(options: PropagationOptions, seed: Seed): Network {
  const { width } = options;
  let depth: number;
  let layerWidths: number[];
  if (Array.isArray(width)) {
    if (width.length === 0) throw new Error('width must be a whole number >= 1 or a non-empty list of them, got []');
    width.forEach((w, i) => checkPositiveInt(`width[${i}]`, w));
    depth = options.depth === undefined ? width.length : checkPositiveInt('depth', options.depth);
    if (depth !== width.length) throw new Error(`width lists ${width.length} layers but depth is ${depth}`);
    layerWidths = [...width];
  } else {
    depth = checkPositiveInt('depth', options.depth);
    layerWidths = Array.from({ length: depth }, () => checkPositiveInt('width', width));
  }
  const inputWidth = options.inputWidth === undefined ? layerWidths[0] : checkPositiveInt('inputWidth', options.inputWidth);
  const widths = [inputWidth, ...layerWidths];
  return { widths, specs: checkInitSpecs(options.init, depth) };
}

function momentsOf(values: Float32Array): Moments {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i] - mean) ** 2;
  const variance = ss / values.length;
  return { mean, variance, meanSquare: variance + mean * mean };
}

const moments = (mean: number, variance: number): Moments => ({ mean, variance, meanSquare: variance + mean * mean });

/**
 * Pushes a seeded standard normal batch x_0 (batch x n_0, times inputStd) through L fully
 * connected layers without biases,
 *
 *   z_l = x_{l-1} W_l,   x_l = f(z_l),   l = 1..L,
 *
 * then sends a seeded standard normal gradient g (batch x n_L) back from the output, as
 * for the loss sum(x_L * g), and returns per layer the mean and variance of z_l and x_l
 * (forward) and of dLoss/dz_l (backward, by TensorFlow.js autodiff).
 *
 * For kernels with zero-mean entries of variance sigma_l^2 the sizes change by
 *
 *   forward:   Var(z_l)       = n_{l-1} sigma_l^2     E[x_{l-1}^2]         (fan-in)
 *   backward:  Var(dL/dz_l)   = n_{l+1} sigma_{l+1}^2 Var(dL/dz_{l+1}) E[f'(z_l)^2]   (fan-out)
 *
 * so a linear network (f(z) = z, f' = 1) of constant width n multiplies the variance by
 * sigma^2 n per layer, both ways: it grows when sigma > 1/sqrt(n) and shrinks when
 * sigma < 1/sqrt(n).
 *
 * Seeds: layer l's kernel is sampleInit(init, [n_{l-1}, n_l], `${seed}/${l - 1}`), as in
 * initMLP; x_0 is sampleInit(inputStd, [batch, n_0], `${seed}/input`) and g is
 * sampleInit(1, [batch, n_L], `${seed}/output-gradient`). A worker thread draws them a few
 * layers ahead of the matrix products (prefetch.ts), with the same values.
 *
 * With `backward: false` only the forward pass runs (half the matrix products, no g).
 */
export function signalPropagation(options: PropagationOptions): Propagation {
  if (options === null || typeof options !== 'object') throw new Error(`signalPropagation needs an options object, got ${describe(options)}`);
  checkKeys('signalPropagation', options, OPTION_KEYS);
  const activation = checkOneOf('activation', options.activation, ACTIVATIONS);
  const batch = checkPositiveInt('batch', options.batch);
  const seed = checkSeed(options.seed ?? DEFAULT_SEED);
  const inputStd = options.inputStd === undefined ? 1 : checkPositive('inputStd', options.inputStd);
  const withWeights = checkBoolean('weightGradients', options.weightGradients, false);
  const withBackward = checkBoolean('backward', options.backward, true);
  if (withWeights && !withBackward) throw new Error('weightGradients needs the backward pass: do not combine it with backward: false');
  const { widths, given, specs } = options.weights !== undefined ? networkFromWeights(options.weights, options) : networkFromInit(options, seed);
  const depth = widths.length - 1;

  // Everything random comes from sampleInit, so anyone can redraw it: x_0 and g are
  // zero-mean normals, layer l's kernel uses the seed `${seed}/${l - 1}` as in initMLP.
  // A worker thread draws them ahead while this thread multiplies (prefetch.ts).
  const jobs: KernelJob[] = [{ spec: inputStd, rows: batch, cols: widths[0], seed: `${seed}/input` }];
  if (withBackward) jobs.push({ spec: 1, rows: batch, cols: widths[depth], seed: `${seed}/output-gradient` });
  specs?.forEach((spec, l) => jobs.push({ spec, rows: widths[l], cols: widths[l + 1], seed: `${seed}/${l}`, transposed: withBackward }));
  const source = kernelSource(jobs);
  const act = activationFn(activation);

  const owned: tf.Tensor[] = [];
  const own = <T extends tf.Tensor>(t: T): T => (owned.push(t), t);
  // A kernel from the source is only valid until the next one is asked for. The wasm backend
  // copies an array into its own memory when a tensor is made; others may keep the array.
  const copies = tf.getBackend() !== 'wasm';
  const tensor = (values: Float32Array, rows: number, cols: number) => own(tf.keep(tf.tensor2d(copies ? values.slice() : values, [rows, cols])));
  try {
    const x0Values = source.next().kernel;
    const input = momentsOf(x0Values);
    const x0 = tensor(x0Values, batch, widths[0]);
    const g = withBackward ? tensor(source.next().kernel, batch, widths[depth]) : null;
    // Layer l's kernel as a tensor, and (for the way back) its transpose, made in JS: the
    // wasm backend multiplies by a transposed operand ten times slower.
    const kernel = (l: number): [tf.Tensor2D, tf.Tensor2D | null] => {
      const k = given ? { kernel: given[l], transposed: withBackward ? transpose(given[l], widths[l], widths[l + 1]) : undefined } : source.next();
      // Kept (by tensor()): on the way back they are made inside tf.grads's forward scope,
      // which ends before backprop.
      const W = tensor(k.kernel, widths[l], widths[l + 1]);
      return [W, k.transposed ? tensor(k.transposed, widths[l + 1], widths[l]) : null];
    };
    const stats = (z: tf.Tensor, x: tf.Tensor) =>
      tf.tidy(() => {
        const [mz, mx] = [tf.moments(z), tf.moments(x)];
        return tf.stack([mz.mean, mz.variance, mx.mean, mx.variance]);
      });

    let rows: tf.Tensor[];
    if (!withBackward) {
      // The forward pass alone: each layer's input is freed as soon as the next is made.
      rows = [];
      let h: tf.Tensor = x0;
      for (let l = 0; l < depth; l++) {
        const [W] = kernel(l);
        const [x, row] = tf.tidy(() => {
          const z = tf.matMul(h, W);
          const xl = act(z);
          return [xl, stats(z, xl)];
        });
        rows.push(own(row));
        if (h !== x0) h.dispose();
        W.dispose();
        h = x;
      }
      if (h !== x0) h.dispose();
    } else {
      const z: tf.Tensor[] = [];
      const x: tf.Tensor[] = [];
      const back: tf.Tensor[] = [];
      // Layer l's product z = h W_l with its backward rule written out, dh = dz W_l^T. The
      // dz it receives from autodiff is dLoss/dz_l: its statistics are taken right there.
      const dense = (l: number, W: tf.Tensor, Wt: tf.Tensor) =>
        tf.customGrad((...args) => {
          const h = args[0] as tf.Tensor;
          const gradFunc = (dz: tf.Tensor) => {
            back[l] = own(tf.keep(tf.tidy(() => {
              const parts = [tf.moments(dz)];
              // dLoss/dW_l = h^T dz, with h^T made explicitly for the same reason as W^T.
              if (withWeights) parts.push(tf.moments(tf.matMul(tf.transpose(h), dz)));
              return tf.stack(parts.flatMap((m) => [m.mean, m.variance]));
            })));
            return tf.matMul(dz, Wt);
          };
          return { value: tf.matMul(h, W), gradFunc };
        });
      const net = (input: tf.Tensor): tf.Tensor => {
        let h: tf.Tensor = input;
        for (let l = 0; l < depth; l++) {
          const [W, Wt] = kernel(l);
          const zl = dense(l, W, Wt!)(h);
          h = act(zl);
          // Kept past the forward pass, to take their statistics outside the gradient tape.
          z.push(own(tf.keep(zl)));
          x.push(h === zl ? zl : own(tf.keep(h)));
        }
        return h;
      };
      // The gradient arriving at the output is g, as for the loss sum(x_L * g).
      tf.grads(net)([x0], g!).forEach((t) => t.dispose());
      rows = z.map((zl, l) => {
        const row = tf.tidy(() => tf.concat([stats(zl, x[l]), back[l]]));
        // Free each layer's big tensors as soon as its statistics are taken.
        tf.dispose([zl, x[l]]);
        return own(row);
      });
    }
    const perLayer = withWeights ? 8 : withBackward ? 6 : 4;
    const v = own(tf.concat(rows)).dataSync();
    const forward: ForwardLayer[] = [];
    const backward: BackwardLayer[] = [];
    for (let l = 0; l < depth; l++) {
      const o = l * perLayer;
      forward.push({ layer: l + 1, width: widths[l + 1], preActivation: moments(v[o], v[o + 1]), output: moments(v[o + 2], v[o + 3]) });
      if (withBackward) {
        backward.push({ layer: l + 1, preActivation: moments(v[o + 4], v[o + 5]), ...(withWeights ? { weights: moments(v[o + 6], v[o + 7]) } : {}) });
      }
    }
    return { widths, activation, input, forward, backward };
  } finally {
    source.close();
    tf.dispose(owned);
  }
}

function checkBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new Error(`${name} must be true or false, got ${describe(value)}`);
  return value;
}

/**
 * The least-squares slope of ln(values[i]) against i: the average change of the log per
 * step, so exp(slope) is the factor per layer. For variances of a linear network with
 * Gaussian kernels of std sigma and width n it estimates ln(sigma^2 n).
 *
 *   slope = sum_i (i - mean(i)) (ln v_i - mean(ln v)) / sum_i (i - mean(i))^2
 */
export function logSlope(values: readonly number[]): number {
  if (!Array.isArray(values) || values.length < 2) throw new Error(`logSlope needs a list of at least two values, got ${describe(values)}`);
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) {
      throw new Error(`logSlope needs finite positive values; values[${i}] is ${describe(v)}`);
    }
  });
  const n = values.length;
  const ys = values.map(Math.log);
  const meanX = (n - 1) / 2;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, i) => {
    num += (i - meanX) * (y - meanY);
    den += (i - meanX) ** 2;
  });
  return num / den;
}
