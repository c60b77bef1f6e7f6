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

/**
 * [counts (bins), below, above, nan] of every entry over the edges (bins + 1 of them), by the
 * rule of core/histogram.ts. The edges must be of equal width up to float32 rounding, as
 * binEdges and deviceEdges make them: a value's bin is then found by one division and settled
 * by comparing it with that bin's two edges, with ops every backend has (tfjs-node has no
 * searchSorted), and the counts are the same on every backend.
 */
export function countsVector(values: tf.Tensor, edges: tf.Tensor1D, bins: number): tf.Tensor1D {
  return tf.tidy(() => {
    const v = values.reshape([-1]);
    const nan = tf.isNaN(v);
    const lo = edges.slice([0], [1]);
    const hi = edges.slice([bins], [1]);
    // Bucket = the number of edges <= v: 0 below the first edge, k + 1 for bin k
    // (edges[k] <= v < edges[k+1]), bins + 1 above the last edge, bins + 2 for NaN.
    // First a guess k from the position of v in units of the bin width, within one bin of the
    // truth: float32 rounds the position by a few units in the last place, far less than a bin,
    // and each edge by one unit of itself. The halves keep hi - lo finite for edges near
    // float32's largest value. NaN is guessed as lo, and infinities land on the end bins.
    const x = tf.where(nan, lo.broadcastTo(v.shape), v);
    const half = (t: tf.Tensor) => tf.mul(t, 0.5);
    const perUnit = tf.div(bins, tf.sub(half(hi), half(lo)));
    const guess = tf.clipByValue(tf.floor(tf.mul(tf.sub(half(x), half(lo)), perUnit)), 0, bins - 1).toInt();
    const one = tf.scalar(1, 'int32');
    // Then one comparison with each edge of bin k settles it (and sends values beyond the
    // end edges to the buckets outside).
    const below = tf.less(x, tf.gather(edges, guess)).toInt();
    const atOrAbove = tf.greaterEqual(x, tf.gather(edges, tf.add(guess, one))).toInt();
    let bucket = tf.add(tf.sub(tf.add(guess, one), below), atOrAbove);
    const fill = (value: number) => tf.fill(bucket.shape, value, 'int32');
    // The last bin holds its upper edge (as numpy's does).
    bucket = tf.where(tf.equal(v, hi), fill(bins), bucket);
    bucket = tf.where(nan, fill(bins + 2), bucket);
    // Every bucket index is in range: the wasm bincount complains about negative ones.
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
