/**
 * A classifier's batch, logits and loss, for any tf.LayersModel that readModel accepts
 * (chapter 9). The loss is always the cross-entropy computed from the logits, as Keras
 * computes it for a softmax output, never from probabilities clipped at 1e-7 as
 * TensorFlow.js's categoricalCrossentropy does: an output layer drawn too large (the first
 * mistake of chapter 9) gives losses of tens of nats, which a clip would cap at 16.1.
 */
import * as tf from '@tensorflow/tfjs';
import { describe } from '../core/checks';
import { Examples } from '../data/examples';
import { ModelGraph } from './graph';

/** A batch: inputs and class labels. `x` is a tensor [batch, ...input shape], or Examples whose rows have the input's size. */
export interface Batch {
  x: tf.Tensor | Float32Array | Float64Array;
  /** Class labels 0..classes-1 (a binary classifier: 0 or 1), or a one-hot tensor [batch, classes]. */
  y: ArrayLike<number> | tf.Tensor;
  /** With x a flat array (as in Examples): the number of examples. */
  count?: number;
}

/** The classes a graph's output tells apart: its units, or 2 for one sigmoid unit (or one logit). */
export const classesOf = (graph: ModelGraph) => (graph.units === 1 ? 2 : graph.units);

/**
 * The batch as tensors: x shaped [count, ...graph.inputShape] (a new tensor the caller
 * disposes when `owned`), and the labels as integers. Throws, naming what is wrong, on a
 * shape that does not fit the model or labels that are not its classes.
 */
export function checkBatch(graph: ModelGraph, batch: Batch | Examples): { x: tf.Tensor; labels: Int32Array; owned: boolean } {
  if (batch === null || typeof batch !== 'object' || !('x' in batch) || !('y' in batch)) {
    throw new Error(`batch must be { x, y }: x a tensor [batch, ${graph.inputShape.join(', ')}] (or Examples), y the class labels; got ${describe(batch)}`);
  }
  const want = `[batch, ${graph.inputShape.join(', ')}]`;
  const size = graph.inputShape.reduce((a, b) => a * b, 1);
  let x: tf.Tensor;
  let owned = false;
  if (batch.x instanceof tf.Tensor) {
    x = batch.x;
    const ok = x.rank === graph.inputShape.length + 1 && graph.inputShape.every((d, i) => !(d > 0) || x.shape[i + 1] === d);
    if (!ok) throw new Error(`batch.x has shape [${x.shape.join(', ')}]; the model takes ${want}`);
  } else if (batch.x instanceof Float32Array || batch.x instanceof Float64Array) {
    const count = (batch as { count?: unknown }).count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
      throw new Error(`batch.x is a flat array, so batch.count must give the number of examples (a whole number >= 1), got ${describe(count)}`);
    }
    if (batch.x.length !== count * size) {
      throw new Error(`batch.x holds ${batch.x.length} values for ${count} examples; the model takes ${want}, ${size} values per example`);
    }
    x = tf.tensor(batch.x instanceof Float32Array ? batch.x : Float32Array.from(batch.x), [count, ...graph.inputShape]);
    owned = true;
  } else {
    throw new Error(`batch.x must be a tf.Tensor ${want} or a Float32Array of examples, got ${describe(batch.x)}`);
  }
  const count = x.shape[0];
  const classes = classesOf(graph);
  let labels: Int32Array;
  try {
    if (batch.y instanceof tf.Tensor) {
      const y = batch.y;
      if (y.rank === 2 && y.shape[0] === count && y.shape[1] === graph.units && graph.units > 1) {
        labels = tf.tidy(() => tf.argMax(y, 1).dataSync() as Int32Array).slice();
      } else if (y.rank === 1 || (y.rank === 2 && y.shape[1] === 1)) {
        labels = Int32Array.from(y.dataSync(), (v) => (Number.isInteger(v) ? v : NaN));
      } else {
        throw new Error(`batch.y has shape [${y.shape.join(', ')}]; give the labels ([${count}]) or one-hot rows ([${count}, ${graph.units}])`);
      }
    } else if (batch.y && typeof (batch.y as ArrayLike<number>).length === 'number') {
      const y = batch.y as ArrayLike<number>;
      labels = new Int32Array(y.length);
      for (let i = 0; i < y.length; i++) {
        if (!Number.isInteger(y[i])) throw new Error(`batch.y[${i}] must be a class label (a whole number), got ${describe(y[i])}`);
        labels[i] = y[i];
      }
    } else {
      throw new Error(`batch.y must be the class labels (an array or a tensor), got ${describe(batch.y)}`);
    }
    if (labels.length !== count) throw new Error(`batch.y has ${labels.length} labels for ${count} examples`);
    if (count < 2) throw new Error('the batch must hold at least 2 examples (a std needs two)');
    labels.forEach((c, i) => {
      if (!(c >= 0 && c < classes)) throw new Error(`batch.y[${i}] is ${describe(c)}; the model's output has ${classes} classes, 0 to ${classes - 1}`);
    });
  } catch (e) {
    if (owned) x.dispose();
    throw e;
  }
  return { x, labels, owned };
}

/**
 * The logits of `graph`'s model for inputs x, from what a model call computed (`values`:
 * the tensors of the symbolic tensors the graph needs, see logitsSources). For a softmax or
 * sigmoid Dense output they are its input times its kernel plus its bias.
 */
export function logitsFrom(graph: ModelGraph, values: Map<tf.SymbolicTensor, tf.Tensor>): tf.Tensor2D {
  const [source] = logitsSources(graph);
  const v = values.get(source)!;
  if (graph.logitsFrom !== 'dense') return v as tf.Tensor2D;
  const dense = graph.last as tf.layers.Layer & { kernel: { read(): tf.Tensor }; bias?: { read(): tf.Tensor } | null };
  const z = tf.matMul(v as tf.Tensor2D, dense.kernel.read() as tf.Tensor2D);
  return (dense.bias ? tf.add(z, dense.bias.read()) : z) as tf.Tensor2D;
}

/** The symbolic tensors the logits are computed from. */
export function logitsSources(graph: ModelGraph): tf.SymbolicTensor[] {
  const last = graph.last;
  const t = graph.logitsFrom === 'output' ? last.output : last.input;
  return [Array.isArray(t) ? t[0] : t];
}

/**
 * The mean cross-entropy of logits z [batch, units] for integer labels, from the logits:
 * log-sum-exp(z) - z_y per example (softmax), or softplus(z) - y z (one unit, binary).
 */
export function crossEntropy(z: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    if (z.shape[1] === 1) {
      const y = tf.cast(labels, 'float32').reshape([-1, 1]);
      // softplus(z) - y z, written stably: max(z, 0) - y z + log(1 + exp(-|z|)).
      return tf.mean(tf.add(tf.sub(tf.relu(z), tf.mul(y, z)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))))) as tf.Scalar;
    }
    const picked = tf.sum(tf.mul(z, tf.oneHot(labels, z.shape[1])), 1);
    return tf.mean(tf.sub(tf.logSumExp(z, 1), picked)) as tf.Scalar;
  });
}

/**
 * The class frequencies of `labels` over `classes` classes, and their entropy in nats: the
 * loss of the best constant prediction (predicting the frequencies themselves), ln C for
 * balanced classes.
 */
export function priorOf(labels: ArrayLike<number>, classes: number): { prior: number[]; entropy: number } {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  const prior = counts.map((c) => c / labels.length);
  return { prior, entropy: entropyOf(prior) };
}

/** -sum p log p, in nats. */
export const entropyOf = (prior: readonly number[]) => -prior.reduce((s, p) => (p > 0 ? s + p * Math.log(p) : s), 0);

/**
 * The output bias that makes the model predict `prior` when its kernel is zero: log p_c for
 * a softmax (any constant may be added), log(p / (1 - p)) for one sigmoid unit. Karpathy's
 * "init well": with this bias the initial loss is the prior's entropy, not more.
 */
export function logPriorBias(prior: readonly number[], units: number): number[] {
  if (!Array.isArray(prior) || prior.length < 2 || prior.some((p) => !(p > 0 && p < 1))) {
    throw new Error(`prior must list at least 2 class frequencies, each > 0 and < 1, got ${describe(prior)}`);
  }
  const total = prior.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-6) throw new Error(`prior must add up to 1, adds up to ${total}`);
  if (units === 1) {
    if (prior.length !== 2) throw new Error(`one sigmoid unit tells 2 classes apart; prior lists ${prior.length}`);
    return [Math.log(prior[1] / prior[0])];
  }
  if (prior.length !== units) throw new Error(`prior lists ${prior.length} classes for ${units} output units`);
  const logs = prior.map(Math.log);
  const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
  return logs.map((l) => l - mean);
}
