/**
 * What a network is built of beyond chapters 2-4's plain layers: normalization layers
 * (batch norm, layer norm) and residual blocks. The engine's forward pass (engine.ts) and
 * the trainers' MLP (mlp.ts) both build their networks from blockForward, so a residual or
 * normalized network is the same thing in a measurement and in training. Chapter 7 uses it.
 *
 * Normalization (Ioffe & Szegedy 2015; Ba et al. 2016), as at initialization, where the
 * learned scale and shift are 1 and 0:
 *
 *   batch norm:  u = (z - mean over the batch) / sqrt(var over the batch + eps), per unit;
 *   layer norm:  u = (z - mean over the units) / sqrt(var over the units + eps), per example.
 *
 * A plain network with normalization puts it between each layer's product and its
 * activation: x_l = f(norm(x_{l-1} W_l + b_l)).
 *
 * A residual network groups its layers into blocks of `branchDepth` layers, each a branch
 * F_k added to the stream x (He et al. 2016):
 *
 *   one layer:   F(h) = h W + b;          two layers:  F(h) = f(h W_1 + b_1) W_2 + b_2;
 *   no norm:     x_k = x_{k-1} + alpha F_k(x_{k-1});
 *   pre-norm:    x_k = x_{k-1} + alpha F_k(norm(x_{k-1}))      (GPT-2, pre-activation ResNets);
 *   post-norm:   x_k = norm(x_{k-1} + alpha F_k(x_{k-1}))      (the original Transformer; the original
 *                ResNet normalizes inside its branches, with a ReLU after the sum).
 *
 * A branch's last layer is linear: its output is what is added to the stream.
 */
import * as tf from '@tensorflow/tfjs';
import {
  Checked, checkNonNegative, checkOptions, describe, oneOf, optional, withDefault,
} from '../core/checks';
import { InitSpec, checkInitSpec } from '../init/initspec';

export const NORM_NAMES = ['batch', 'layer'] as const;
export type NormName = (typeof NORM_NAMES)[number];

/** Where a residual block normalizes: its branch's input ('pre') or the sum ('post'). */
export const NORM_POSITIONS = ['pre', 'post'] as const;
export type NormPosition = (typeof NORM_POSITIONS)[number];

/** The eps added to the variance before the square root (PyTorch's default for both norms). */
export const NORM_EPSILON = 1e-5;

export interface ResidualOptions {
  /** Layers per branch: 1 (F(h) = h W) or 2 (F(h) = f(h W_1) W_2, the default). */
  branchDepth?: 1 | 2;
  /** alpha, the factor on every branch's output: x_k = x_{k-1} + alpha F_k (default 1). */
  scale?: number;
  /** With norm: 'pre' (the default) normalizes the branch's input, 'post' the sum. */
  normPosition?: NormPosition;
  /**
   * How each branch's last kernel is drawn, instead of `init` (e.g. 'zeros' for a branch
   * that starts at zero, as in Fixup).
   */
  outputInit?: InitSpec;
}

const checkBranchDepth = (name: string, v: unknown): 1 | 2 => {
  if (v !== 1 && v !== 2) throw new Error(`${name} must be 1 or 2 (layers per residual branch), got ${describe(v)}`);
  return v;
};

const RESIDUAL_OPTIONS = {
  branchDepth: withDefault(checkBranchDepth, 2 as 1 | 2),
  scale: withDefault(checkNonNegative, 1),
  normPosition: optional(oneOf(NORM_POSITIONS)),
  outputInit: optional(checkInitSpec),
};

export type Residual = Checked<typeof RESIDUAL_OPTIONS>;

/** A network's structure beyond its layers: its normalization and its residual blocks. */
export interface Structure {
  norm?: NormName;
  residual?: Residual;
}

/** The residual options, each check naming its option `residual.<key>` in its errors. */
const checkResidual = (name: string, v: unknown): Residual => {
  const prefixed = Object.fromEntries(
    Object.entries(RESIDUAL_OPTIONS).map(([key, check]) => [key, (_: string, value: unknown) => check(`${name}.${key}`, value)]),
  ) as unknown as typeof RESIDUAL_OPTIONS;
  return checkOptions(name, v, prefixed);
};

/** The declared options `norm` and `residual` (see core/checks.ts's checkOptions). */
export const STRUCTURE_OPTIONS = {
  norm: optional(oneOf(NORM_NAMES)),
  residual: optional(checkResidual),
};

/** A structure from checked options; throws for a normPosition without a norm. */
export function checkStructure(o: { norm?: NormName; residual?: Residual }): Structure {
  if (!o.residual) return o.norm ? { norm: o.norm } : {};
  if (o.residual.normPosition !== undefined && !o.norm) {
    throw new Error(`residual.normPosition needs a normalization: give norm (${NORM_NAMES.join(' or ')}) too, or leave normPosition out`);
  }
  const residual = { ...o.residual, normPosition: o.norm ? o.residual.normPosition ?? 'pre' : undefined };
  return o.norm ? { norm: o.norm, residual } : { residual };
}

/**
 * The blocks over layers first..first + count - 1 (0-based): one layer each in a plain
 * network, branchDepth layers each in a residual one. Throws unless the widths fit:
 * a residual block must end at its input's width, so that the stream can be added.
 */
export function blockLayout(widths: readonly number[], first: number, count: number, residual: Residual | undefined, what = 'width'): number[][] {
  const d = residual ? residual.branchDepth : 1;
  if (count % d !== 0) {
    throw new Error(`a residual network with branchDepth ${d} needs a multiple of ${d} layers in its blocks, got ${count}`);
  }
  const blocks: number[][] = [];
  for (let start = first; start < first + count; start += d) {
    const layers = Array.from({ length: d }, (_, j) => start + j);
    if (residual && widths[start + d] !== widths[start]) {
      throw new Error(
        `residual block ${blocks.length + 1} (layers ${start + 1}-${start + d}) takes the stream of width ${widths[start]} but its ${what} ends at ${widths[start + d]}: a branch must end at the stream's width`,
      );
    }
    blocks.push(layers);
  }
  return blocks;
}

/** `specs` with each block's last layer drawn from residual.outputInit, when it is given. */
export function withOutputInit(specs: InitSpec[], blocks: number[][], residual: Residual | undefined): InitSpec[] {
  if (!residual || residual.outputInit === undefined) return specs;
  const out = [...specs];
  for (const layers of blocks) out[layers[layers.length - 1]] = residual.outputInit;
  return out;
}

/**
 * norm(t) over `axis` with its backward pass in closed form. With d = t - mean(t),
 * r = 1 / sqrt(mean(d^2) + eps) and u = d r, the gradient of a loss L is
 *
 *   dL/dt = r (g - mean(g) - u mean(g u)),   g = dL/du, means over the same axis,
 *
 * exactly, eps included: seven ops, where the chain rule through mean, square, add and rsqrt
 * takes about three times as many. Each op costs as much to dispatch as these small layers
 * take to compute, so chapter 7's normalized networks train in about 60% of the time
 * (the values are the same; the gradients differ from the chain rule's in the last bits).
 */
const normalizeAlong = (axis: 0 | 1) =>
  tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [t, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const d = tf.sub(t, tf.mean(t, axis, true));
    const r = tf.rsqrt(tf.add(tf.mean(tf.square(d), axis, true), NORM_EPSILON));
    const u = tf.mul(d, r);
    save([u, r]);
    return {
      value: u,
      gradFunc: (g: tf.Tensor, [u, r]: tf.Tensor[]) =>
        tf.mul(r, tf.sub(tf.sub(g, tf.mean(g, axis, true)), tf.mul(u, tf.mean(tf.mul(g, u), axis, true)))),
    };
  });
const NORMALIZE = { batch: normalizeAlong(0), layer: normalizeAlong(1) };

/** norm(t) as at initialization (scale 1, shift 0): over the batch (axis 0) or the units (axis 1). */
export function normalize(t: tf.Tensor, kind: NormName): tf.Tensor {
  return NORMALIZE[kind](t) as tf.Tensor;
}

/**
 * One block forward on tensors (see the top of this file): `product(l, h)` is layer l's
 * h W_l + b_l, `onLayer(l, z, x)` sees each layer's product z and output x (for a branch's
 * last layer x = z). Returns the block's output: the next layer's input, or the stream.
 * Makes tensors without disposing them: call it inside tf.tidy or a gradient.
 */
export function blockForward(
  input: tf.Tensor, layers: readonly number[], structure: Structure, act: (t: tf.Tensor) => tf.Tensor,
  product: (l: number, h: tf.Tensor) => tf.Tensor, onLayer?: (l: number, z: tf.Tensor, x: tf.Tensor) => void,
): tf.Tensor {
  const { norm, residual } = structure;
  if (!residual) {
    const l = layers[0];
    const z = product(l, input);
    const x = act(norm ? normalize(z, norm) : z);
    onLayer?.(l, z, x);
    return x;
  }
  let h = norm && residual.normPosition === 'pre' ? normalize(input, norm) : input;
  layers.forEach((l, j) => {
    const z = product(l, h);
    h = j < layers.length - 1 ? act(z) : z;
    onLayer?.(l, z, h);
  });
  const sum = tf.add(input, residual.scale === 1 ? h : tf.mul(h, residual.scale));
  return norm && residual.normPosition === 'post' ? normalize(sum, norm) : sum;
}
