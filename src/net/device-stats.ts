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
