/**
 * Chapter 8's coordinate check: how far each layer's outputs move in the first steps of
 * training, for a list of widths (parametrized.ts trains the networks).
 */
import * as tf from '@tensorflow/tfjs';
import { checkPositive, checkPositiveInt, required, withDefault } from '../core/checks';
import { Seed } from '../core/random';
import { logLogSlope } from '../core/stats';
import { ParametrizationName, ParametrizedOptimizer } from '../net/parametrization';
import { ParametrizedRunOptions, Run, checkRun, checkWidths, relu } from './parametrized';

export interface CoordinateCheckOptions extends ParametrizedRunOptions {
  widths: number[];
  learningRate: number;
  /** Steps to take (default 3). */
  steps?: number;
  /**
   * The inputs whose outputs are watched: the first this many test inputs (default 64), or
   * 'firstBatch', the examples the first step learns from.
   */
  probe?: number | 'firstBatch';
}

export interface CoordinateLayer {
  /** 1 .. L; layer L is the network's output. */
  layer: number;
  role: 'input' | 'hidden' | 'readout';
  /** size[t][w]: mean |z_l| over the probe's examples and units, after t steps (t = 0: at init), at widths[w]. */
  size: number[][];
  /** inputSize[t][w]: mean |h_{l-1}| of the layer's input (the probe itself for l = 1, relu(z_{l-1}) above), after t steps. */
  inputSize: number[][];
  /** active[t][w]: the fraction of the probe's z_l that are > 0 (the units a ReLU lets through), after t steps. */
  active: number[][];
  /** delta[t - 1][w]: mean |z_l(t) - z_l(0)| after t steps. */
  delta: number[][];
  /** logLogSlope(widths, delta after the last step): 1 if the change grows in proportion to the width, 0 if not; null if a change was 0. */
  slope: number | null;
}

export interface CoordinateCheck {
  parametrization: ParametrizationName;
  seed: Seed;
  optimizer: ParametrizedOptimizer;
  learningRate: number;
  widths: number[];
  steps: number;
  layers: CoordinateLayer[];
  /** The minibatch losses, losses[w][t]. */
  losses: number[][];
}

/**
 * The coordinate check of the mup package, on the change of each layer: for each width,
 * train `steps` steps and measure, on a fixed probe batch, mean |z_l(t) - z_l(0)| for every
 * layer's product z_l = h_{l-1} W_l (and the output). A parametrization whose updates are
 * right for every width gives curves flat in the width (slope 0).
 */
export function coordinateCheck(options: CoordinateCheckOptions): CoordinateCheck {
  const o = checkRun('coordinateCheck', options, {
    widths: required(checkWidths), learningRate: required(checkPositive), steps: withDefault(checkPositiveInt, 3),
    probe: withDefault<number | 'firstBatch'>((name, v) => (v === 'firstBatch' ? v : checkPositiveInt(name, v)), 64),
  });
  const widths = o.widths as number[];
  const steps = o.steps as number;
  const test = o.task.test;
  const fromTest = o.probe !== 'firstBatch';
  if (fromTest && (o.probe as number) > test.count) throw new Error(`probe must be at most the number of test examples (${test.count}), got ${o.probe}`);
  const testProbe = fromTest ? tf.tensor2d(test.x.subarray(0, (o.probe as number) * test.features), [o.probe as number, test.features]) : null;
  const L = o.hiddenLayers + 1;
  const size = Array.from({ length: L }, () => Array.from({ length: steps + 1 }, () => [] as number[]));
  const inputSize = Array.from({ length: L }, () => Array.from({ length: steps + 1 }, () => [] as number[]));
  const active = Array.from({ length: L }, () => Array.from({ length: steps + 1 }, () => [] as number[]));
  const delta = Array.from({ length: L }, () => Array.from({ length: steps }, () => [] as number[]));
  const losses: number[][] = [];
  let roles: CoordinateLayer['role'][] = [];
  try {
    for (const n of widths) {
      const run = new Run(o, n, o.learningRate as number);
      roles = run.p.layers.map((layer) => layer.role);
      const first = run.nextBatch();
      const probe = testProbe ?? run.trainInputs(first);
      const start = tf.tidy(() => run.layerOutputs(probe));
      try {
        const read = (t: number) => tf.tidy(() => {
          const now = t === 0 ? start : run.layerOutputs(probe);
          const input = (l: number) => (l === 0 ? probe : relu(now[l - 1]));
          const stats = now.flatMap((z, l) => [
            tf.mean(tf.abs(z)), tf.mean(tf.abs(tf.sub(z, start[l]))), tf.mean(tf.abs(input(l))), tf.mean(tf.cast(tf.greater(z, 0), 'float32')),
          ]);
          return tf.stack(stats).dataSync();
        });
        const record = (t: number) => {
          const v = read(t);
          for (let l = 0; l < L; l++) {
            size[l][t].push(v[4 * l]);
            inputSize[l][t].push(v[4 * l + 2]);
            active[l][t].push(v[4 * l + 3]);
            if (t > 0) delta[l][t - 1].push(v[4 * l + 1]);
          }
        };
        record(0);
        const lossRow: number[] = [];
        for (let t = 1; t <= steps; t++) {
          const loss = run.step(t === 1 ? first : undefined);
          lossRow.push(loss);
          if (!Number.isFinite(loss)) throw new Error(`coordinateCheck: the width-${n} network diverged at step ${t - 1} (loss ${loss}); lower learningRate`);
          record(t);
        }
        losses.push(lossRow);
      } finally {
        tf.dispose(start);
        if (probe !== testProbe) probe.dispose();
        run.dispose();
      }
    }
  } finally {
    testProbe?.dispose();
  }
  const layers = size.map((s, l) => {
    const last = delta[l][steps - 1];
    return { layer: l + 1, role: roles[l], size: s, inputSize: inputSize[l], active: active[l], delta: delta[l], slope: last.every((d) => d > 0 && Number.isFinite(d)) ? logLogSlope(widths, last) : null };
  });
  return { parametrization: o.parametrization, seed: o.seed, optimizer: o.optimizer, learningRate: o.learningRate as number, widths, steps, layers, losses };
}
