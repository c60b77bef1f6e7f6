/**
 * Statistics of a tensor computed on the device, as one small float32 vector, so that a
 * whole network's statistics come back to JavaScript in one read: the moments, and
 * counts over fixed bins by the same rule as core/histogram.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { binEdges } from '../core/histogram';

/** Counts travel back in float32, exact up to 2^24. */
export const MAX_COUNTED_VALUES = 2 ** 24;

/** [mean, variance] of every entry. */
export function momentsVector(values: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(values);
    return tf.stack([mean, variance]) as tf.Tensor1D;
  });
}

/** Edges on the device: the given range's, or +-max|v| over all of `values` (1 if that is 0 or not finite). */
export function deviceEdges(bins: number, range: [number, number] | undefined, values: tf.Tensor[]): tf.Tensor1D {
  if (range) return tf.tensor1d(binEdges(bins, range));
  return tf.tidy(() => {
    const m = tf.max(tf.stack(values.map((v) => tf.max(tf.abs(v)))));
    const ok = tf.logicalAnd(tf.isFinite(m), tf.greater(m, 0));
    const scale = tf.where(ok, m, tf.scalar(1));
    const unit = tf.tensor1d(binEdges(bins, [-1, 1]));
    // +-1 times the scale are exact, so the largest |v| lands on an edge and inside.
    return tf.mul(unit, scale) as tf.Tensor1D;
  });
}

/** [counts (bins), below, above, nan] of every entry over the edges (bins + 1 of them). */
export function countsVector(values: tf.Tensor, edges: tf.Tensor1D, bins: number): tf.Tensor1D {
  return tf.tidy(() => {
    const v = values.reshape([-1]);
    // Bucket = the number of edges <= v: 0 below the first edge, k + 1 for bin k
    // (edges[k] <= v < edges[k+1]), bins + 1 above the last edge, bins + 2 for NaN.
    // Every bucket index is in range: the wasm bincount complains about negative ones.
    let bucket = tf.searchSorted(edges, v, 'right').reshape([-1]);
    const fill = (value: number) => tf.fill(bucket.shape, value, 'int32');
    bucket = tf.where(tf.equal(v, edges.slice([bins], [1])), fill(bins), bucket);
    bucket = tf.where(tf.isNaN(v), fill(bins + 2), bucket);
    const counts = tf.bincount(bucket as tf.Tensor1D, tf.tensor1d([], 'float32'), bins + 3);
    const inBins = counts.slice([1], [bins]);
    const outside = tf.concat([counts.slice([0], [1]), counts.slice([bins + 1], [2])]);
    return tf.concat([inBins, outside]) as tf.Tensor1D;
  });
}

/**
 * For a batch whose rows come in pairs (rows 2k and 2k + 1), 1 - c_k for each pair, c_k
 * the cosine of the angle between the two rows a, b (their correlation over the units, as
 * mean-field theory defines it, without centring). Computed as
 *   1 - c = (|a - b|^2 - (|a| - |b|)^2) / (2 |a| |b|),
 * which stays accurate in float32 when the rows are nearly equal (c close to 1), where
 * 1 - a.b / (|a| |b|) would lose every digit. NaN for a pair with a row of zeros.
 */
export function pairsVector(values: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const [rows, units] = values.shape as [number, number];
    const pairs = values.reshape([rows / 2, 2, units]);
    const [a, b] = tf.unstack(pairs, 1);
    const na = tf.sqrt(tf.sum(tf.square(a), 1));
    const nb = tf.sqrt(tf.sum(tf.square(b), 1));
    const apart = tf.sum(tf.square(tf.sub(a, b)), 1);
    return tf.div(tf.sub(apart, tf.square(tf.sub(na, nb))), tf.mul(2, tf.mul(na, nb))) as tf.Tensor1D;
  });
}

/**
 * The trace moments of a matrix M (rows x cols) through its Gram matrix G = M M^T:
 * [tr(G) / rows, tr(G^2) / rows], the mean and the mean square of G's eigenvalues (M's
 * squared singular values). tr(G^2) is the sum of G's squared entries (G is symmetric).
 */
export function gramVector(values: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const m = values as tf.Tensor2D;
    const rows = m.shape[0];
    // An explicit transpose: wasm multiplies by a transposed operand far more slowly.
    const g = tf.matMul(m, tf.transpose(m));
    return tf.div(tf.stack([tf.sum(tf.square(m)), tf.sum(tf.square(g))]), rows) as tf.Tensor1D;
  });
}
