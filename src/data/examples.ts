/**
 * Labelled examples, the one shape every data set of the course comes in and every
 * classifier trainer takes.
 */
import * as tf from '@tensorflow/tfjs';
import { describe } from '../core/checks';

export interface Examples {
  /**
   * count x features values, row-major: example i is x[i * features .. (i + 1) * features - 1]
   * (ready for tf.tensor2d(x, [count, features])). MNIST's pixels are float32; the circles'
   * coordinates, stored with six decimals, are kept as float64.
   */
  x: Float32Array | Float64Array;
  /** Class labels 0..classes-1. */
  y: Int32Array;
  count: number;
  features: number;
}

/** Examples from rows of features and their labels. */
export function examplesFrom(rows: number[][], labels: number[]): Examples {
  const features = rows[0]?.length ?? 0;
  return { x: Float64Array.from(rows.flat()), y: Int32Array.from(labels), count: rows.length, features };
}

/** The examples' feature vectors, one row each (for plotting). */
export function rows(data: Examples): number[][] {
  return Array.from({ length: data.count }, (_, i) => Array.from(data.x.subarray(i * data.features, (i + 1) * data.features)));
}

/**
 * Throws unless `data` holds examples of `features` features with labels 0..classes-1,
 * naming it `name` and saying what is wrong.
 */
export function checkExamples(name: string, data: unknown, features: number, classes: number): Examples {
  const d = data as Examples;
  const shape = `{ x: Float32Array or Float64Array (count x ${features}, row-major), y: Int32Array of labels, count, features }`;
  if (d === null || typeof d !== 'object' || !(d.x instanceof Float32Array || d.x instanceof Float64Array) || !(d.y instanceof Int32Array)) {
    throw new Error(`${name} must be examples ${shape}, got ${describe(data)}`);
  }
  if (d.features !== features) throw new Error(`${name} must have ${features} features per example (the first size), got ${describe(d.features)}`);
  if (!(d.count >= 1) || d.y.length !== d.count || d.x.length !== d.count * features) {
    throw new Error(`${name} must hold count = ${describe(d.count)} labels and count x ${features} values; got ${d.y.length} labels and ${d.x.length} values`);
  }
  d.y.forEach((label, i) => {
    if (!(label >= 0 && label < classes)) {
      throw new Error(`${name}.y must hold class labels from 0 to ${classes - 1}; ${name}.y[${i}] is ${label}`);
    }
  });
  return d;
}

/** The examples' features as a count x features float32 tensor (the caller disposes it). */
export function featureTensor(data: Examples): tf.Tensor2D {
  const x = data.x instanceof Float32Array ? data.x : Float32Array.from(data.x);
  return tf.tensor2d(x, [data.count, data.features]);
}
