import { checkShape } from '../core/checks';

export interface Fans {
  fanIn: number;
  fanOut: number;
}

/**
 * Fan-in and fan-out of a kernel, with Keras's conventions (chapters 3 and 5).
 *
 * - `[n]` (a bias or 1-D kernel): fanIn = fanOut = n.
 * - `[in, out]` (a dense kernel): fanIn = in, fanOut = out.
 * - `[...spatial, inChannels, outChannels]` (a convolution kernel): every output
 *   unit sees `inChannels * prod(spatial)` inputs, so
 *   fanIn = inChannels * prod(spatial) and fanOut = outChannels * prod(spatial).
 */
export function computeFans(shape: readonly number[]): Fans {
  checkShape('shape', shape);
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const receptiveField = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return {
    fanIn: shape[shape.length - 2] * receptiveField,
    fanOut: shape[shape.length - 1] * receptiveField,
  };
}

/** The number of values in a tensor of `shape`. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
