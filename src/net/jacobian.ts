/**
 * The singular values of a deep network's Jacobian, through their trace moments (there is
 * no SVD in TensorFlow.js): the Jacobian view of the network engine (engine.ts), for
 * chapter 6's dynamical isometry. theory/isometry.ts predicts them.
 */
import { checkOptions, passThrough } from '../core/checks';
import { sampleInit } from '../init/initspec';
import { runNetwork } from './engine';
import { SEEDS } from './mlp';
import { NETWORK_OPTIONS, NetworkOptions, planNetwork } from './network';

export interface JacobianLayer {
  /** l: the Jacobian is that of the output x_L with respect to layer l's input x_{l-1}. */
  layer: number;
  /** L - l + 1, the number of layers it spans. */
  layers: number;
  /** m_1 = tr(J J^T) / n_L: the mean of the squared singular values. */
  meanSquare: number;
  /** m_2 = tr((J J^T)^2) / n_L: their mean square (their variance is m_2 - m_1^2). */
  secondMoment: number;
}

export interface JacobianMoments {
  widths: number[];
  /** layers[l - 1] is the Jacobian from layer l's input to the output. */
  layers: JacobianLayer[];
}

export type JacobianOptions = Omit<NetworkOptions, 'batch' | 'input' | 'outputGradient'>;

const { batch: _batch, input: _input, outputGradient: _gradient, ...NETWORK } = NETWORK_OPTIONS;
const JACOBIAN_OPTIONS = { ...NETWORK, batch: passThrough<undefined>() };

/**
 * For one seeded input x_0 (`${seed}/input`, std inputStd), the Jacobians
 * J_l = d x_L / d x_{l-1} (n_L x n_{l-1}), l = 1..L, of the network's last L - l + 1
 * layers, through their trace moments m_1 = tr(J J^T) / n_L and m_2 = tr((J J^T)^2) / n_L.
 *
 * How: the batch is n_L copies of x_0 and the gradient sent back from the output is the
 * identity, so row k of dLoss/dx_{l-1} is d(x_L)_k / d x_{l-1}: the batch's gradient is
 * J_l itself, and the engine takes its Gram matrix's moments on the device. One forward
 * and one backward pass give every l.
 */
export function jacobianMoments(options: JacobianOptions): JacobianMoments {
  const o = checkOptions('jacobianMoments', options, JACOBIAN_OPTIONS);
  if (o.batch !== undefined) throw new Error('jacobianMoments makes its own batch (n_L copies of one input): leave batch out');
  const shape = planNetwork({ ...o, batch: 1 });
  const widths = shape.widths;
  const [n0, nL] = [widths[0], widths[widths.length - 1]];
  const x0 = sampleInit(shape.inputStd, [1, n0], SEEDS.input(o.seed));
  const input = new Float32Array(nL * n0);
  for (let k = 0; k < nL; k++) input.set(x0, k * n0);
  const identity = new Float32Array(nL * nL);
  for (let k = 0; k < nL; k++) identity[k * nL + k] = 1;
  const { inputStd: _std, ...rest } = o;
  const plan = planNetwork({ ...rest, batch: nL, input, outputGradient: identity });
  const run = runNetwork(plan, { inputGradient: { gram: true } });
  const L = widths.length - 1;
  const layers = run.layers.map(({ layer, inputGradient }): JacobianLayer => ({
    layer, layers: L - layer + 1, meanSquare: inputGradient!.gram!.meanSquare, secondMoment: inputGradient!.gram!.secondMoment,
  }));
  return { widths, layers };
}
