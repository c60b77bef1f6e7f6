/**
 * The residual stream of a residual network at initialization, block by block: how big
 * it is and how much of the input it still carries. A view of the network engine
 * (engine.ts), like signalPropagation; chapter 7 uses it.
 */
import { checkOptions } from '../core/checks';
import { Moments } from '../core/stats';
import { runNetwork } from './engine';
import { NETWORK_OPTIONS, NetworkOptions, planNetwork } from './network';

/** Block k (1-based) of a residual network: x_k = x_{k-1} + alpha F_k, normalized where the options say. */
export interface StreamBlock {
  block: number;
  /** Statistics of x_k, the stream after the block. */
  stream: Moments;
  /** Statistics of F_k, the branch's output before the factor alpha (its last layer's product). */
  branch: Moments;
  /**
   * E[x_k x_0] / E[x_0^2] over every entry: how much of the input the stream carries, the
   * least-squares coefficient of x_0 in x_k (1 while the shortcut passes it on unchanged).
   */
  inputShare: number;
}

export interface ResidualStream {
  /** Statistics of the input batch x_0, the stream before the first block. */
  input: Moments;
  /** blocks[k - 1] is block k. */
  blocks: StreamBlock[];
}

/**
 * Runs a residual network's forward pass (the `residual` option is required: depth counts
 * layers, depth / branchDepth blocks) on a seeded batch and returns per block the moments
 * of the stream x_k and of the branch output F_k, and the input's share of the stream.
 *
 * For branches whose outputs have variance v_k and are uncorrelated with the stream (as
 * zero-mean random kernels make them at initialization):
 *
 *   no norm:    Var(x_k) = Var(x_{k-1}) (1 + alpha^2 v_k)       (v_k relative to the branch's input)
 *   pre-norm:   Var(x_k) = Var(x_{k-1}) + alpha^2 v_k = Var(x_0) + alpha^2 (v_1 + ... + v_k)
 *   post-norm:  Var(x_k) = 1, and the input's share is prod_j (1 + alpha^2 v_j)^(-1/2).
 */
export function residualStream(options: NetworkOptions): ResidualStream {
  const o = checkOptions('residualStream', options, NETWORK_OPTIONS);
  if (o.residual === undefined) throw new Error('residualStream needs the residual option: { branchDepth, scale, normPosition, outputInit } (each optional), e.g. residual: {}');
  const plan = planNetwork(o);
  const run = runNetwork(plan, {
    preActivation: { moments: true },
    stream: { moments: true },
    streamTimesInput: { moments: true },
  });
  const blocks = plan.blocks.map((layers, k): StreamBlock => {
    const last = run.layers[layers[layers.length - 1]];
    return {
      block: k + 1,
      stream: last.stream!.moments!,
      branch: last.preActivation!.moments!,
      inputShare: last.streamTimesInput!.moments!.mean / run.input.meanSquare,
    };
  });
  return { input: run.input, blocks };
}
