/**
 * Data-dependent initialization: LSUV, layer-sequential unit variance (Mishkin & Matas
 * 2015, "All you need is a good init"). Chapter 7 uses it.
 *
 * LSUV changes the network as it goes, layer by layer, so it is not one pass of the engine:
 * it draws the engine's kernels, biases and input with the engine's seeds (SEEDS in mlp.ts)
 * and keeps each layer's output on the device for the next. The network it ends with is
 * the same draw with every kernel scaled, so `init` (one spec per layer, the gain times
 * the scale) hands it back to the engine: signalPropagation({ ...options, init }) measures it.
 */
import * as tf from '@tensorflow/tfjs';
import { onBackendFor } from '../backend/backends';
import { Checked, checkOptions, checkPositiveInt, checkPositive, describe, withDefault } from '../core/checks';
import { InitSpec, sampleInit } from '../init/initspec';
import { activationFn } from './activations';
import { passMultiplyAdds } from './engine';
import { SEEDS } from './mlp';
import { NETWORK_OPTIONS, NetworkOptions, NetworkPlan, planNetwork } from './network';

export interface LsuvOptions extends Omit<NetworkOptions, 'weights' | 'norm' | 'residual'> {
  /** Stop rescaling a layer once |Var(z_l) - 1| < tolerance (the paper's Tol_var, default 0.1). */
  tolerance?: number;
  /** At most this many rescalings per layer (the paper's T_max, default 10). */
  maxIterations?: number;
}

export interface LsuvResult {
  /** n_0 (the input) to n_L. */
  widths: number[];
  /** scales[l - 1]: the factor LSUV applied to layer l's kernel, the product of its rescalings. */
  scales: number[];
  /** iterations[l - 1]: how many rescalings layer l took (0 if it was already within tolerance). */
  iterations: number[];
  /** before[l - 1]: Var(z_l) of the network as drawn, before LSUV changed anything. */
  before: number[];
  /** after[l - 1]: Var(z_l) once LSUV is done (within tolerance, unless maxIterations ran out). */
  after: number[];
  /** The init that draws LSUV's network: each layer's spec with its gain (or std) times its scale. */
  init: InitSpec[];
}

// LSUV starts from a drawn network: given weights, normalization and residual blocks are not for it.
const { weights: _w, norm: _n, residual: _r, init: _i, ...PLAIN_OPTIONS } = NETWORK_OPTIONS;
const LSUV_OPTIONS = {
  ...PLAIN_OPTIONS,
  init: withDefault<InitSpec | InitSpec[]>((_name, v) => v as InitSpec | InitSpec[], 'orthogonal'),
  tolerance: withDefault(checkPositive, 0.1),
  maxIterations: withDefault(checkPositiveInt, 10),
};

/** The names whose kernels scale with their `gain` option (formulas.ts). */
const GAINED = ['uniform', 'leCunNormal', 'leCunUniform', 'glorotNormal', 'glorotUniform', 'heNormal', 'heUniform', 'orthogonal'];

/** spec with its kernel scaled by s: a std times s, or a gain times s. */
function scaled(spec: InitSpec, s: number, l: number): InitSpec {
  if (typeof spec === 'number') return spec * s;
  const name = typeof spec === 'string' ? spec : spec.name;
  if (!GAINED.includes(name)) {
    throw new Error(`lsuv rescales each kernel through its gain, so init must be a standard deviation or one of ${GAINED.join(', ')}; layer ${l + 1}'s init is ${describe(name)}`);
  }
  const gain = typeof spec === 'string' ? 1 : spec.gain ?? 1;
  return { ...(typeof spec === 'string' ? { name } : spec), gain: gain * s } as InitSpec;
}

/**
 * LSUV (Mishkin & Matas 2015, Algorithm 1) on a plain network of the engine: draw the
 * kernels from `init` (orthonormal by default, as the paper does), then from the first
 * layer to the last, measure the variance of the layer's output on the batch,
 * v = Var(z_l) with z_l = x_{l-1} W_l (+ b_l), and rescale W_l <- W_l / sqrt(v) until
 * |v - 1| < tolerance, at most maxIterations times. Without biases z_l is linear in W_l,
 * so one rescaling lands on v = 1 up to rounding; with biases it takes a few.
 * Deterministic for a seed; leaves no tensors behind. Runs where the engine's passes of
 * its size run (backend/backends.ts).
 */
export function lsuv(options: LsuvOptions): LsuvResult {
  const o = checkOptions('lsuv', options, LSUV_OPTIONS);
  const plan = planNetwork(o);
  // Two products a layer: the rescaled network's and the network as drawn.
  return onBackendFor(2 * passMultiplyAdds(plan, { output: { moments: true } }), () => lsuvPass(o, plan));
}

function lsuvPass(o: Checked<typeof LSUV_OPTIONS>, plan: NetworkPlan): LsuvResult {
  const { widths, batch, seed } = plan;
  const specs = plan.specs!;
  specs.forEach((spec, l) => scaled(spec, 1, l));
  const act = activationFn(plan.activation);
  const variance = (t: tf.Tensor) => tf.tidy(() => tf.moments(t).variance.dataSync()[0]);
  const scales: number[] = [];
  const iterations: number[] = [];
  const before: number[] = [];
  const after: number[] = [];
  const x0 = tf.tensor2d(plan.input ?? sampleInit(plan.inputStd, [batch, widths[0]], SEEDS.input(seed)), [batch, widths[0]]);
  let h: tf.Tensor = x0; // the input of the next layer in LSUV's network
  let drawn: tf.Tensor = x0; // ... and in the network as drawn
  try {
    for (let l = 0; l < specs.length; l++) {
      const [hNext, drawnNext] = tf.tidy(() => {
        const W = tf.tensor2d(sampleInit(specs[l], [widths[l], widths[l + 1]], SEEDS.kernel(seed, l)), [widths[l], widths[l + 1]]);
        const b = plan.biasStd ? tf.tensor2d(sampleInit(plan.biasStd, [1, widths[l + 1]], SEEDS.bias(seed, l)), [1, widths[l + 1]]) : null;
        const withBias = (m: tf.Tensor) => (b ? tf.add(m, b) : m);
        const zDrawn = withBias(tf.matMul(drawn, W));
        before.push(variance(zDrawn));
        // z is linear in the kernel: scaling W_l by s scales the product, so each rescaling
        // only recomputes z = s (x W_l) + b.
        const product = tf.matMul(h, W);
        let s = 1;
        let z = withBias(product);
        let v = variance(z);
        let k = 0;
        while (Math.abs(v - 1) >= o.tolerance && k < o.maxIterations) {
          if (!(v > 0) || !Number.isFinite(v)) {
            throw new Error(`lsuv: layer ${l + 1}'s output has variance ${v} on this batch, which no rescaling can bring to 1 (is its input all zeros?)`);
          }
          s /= Math.sqrt(v);
          z = withBias(tf.mul(product, s));
          v = variance(z);
          k++;
        }
        scales.push(s);
        iterations.push(k);
        after.push(v);
        return [act(z), act(zDrawn)];
      });
      if (h !== x0) h.dispose();
      if (drawn !== x0) drawn.dispose();
      [h, drawn] = [hNext, drawnNext];
    }
  } finally {
    tf.dispose([x0, h, drawn]);
  }
  return { widths, scales, iterations, before, after, init: specs.map((spec, l) => scaled(spec, scales[l], l)) };
}
