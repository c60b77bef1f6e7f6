/**
 * Drawing kernels: the formulas of formulas.ts sampled with the course's seeded
 * generators, so that the same seed gives the same weights on every machine.
 */
import { householderQ } from '../core/linalg';
import { DEFAULT_SEED, Rng, fillNormal, fillUniform, makeRng } from '../core/random';
import { sizeOf } from './fans';
import { InitOptions, InitializerName, TRUNCATION_CUT, TRUNCATION_STD, weightDistribution } from './formulas';

/**
 * Samples a kernel of `shape` (row-major, like a tf.Tensor) from the named initializer,
 * with the project's own seeded generator: the same seed gives the same values.
 * See weightDistribution for the formulas. Every chapter draws its weights with it.
 */
export function sampleWeights(name: InitializerName, shape: readonly number[], options: InitOptions = {}): Float32Array {
  return sampleWeightsInto(name, shape, options);
}

/** sampleWeights, drawn into `out` when given (its length must be the shape's size): the kernel worker fills shared memory. */
export function sampleWeightsInto(name: InitializerName, shape: readonly number[], options: InitOptions = {}, out?: Float32Array): Float32Array {
  const dist = weightDistribution(name, shape, options);
  const size = sizeOf(shape);
  if (out === undefined) out = new Float32Array(size);
  else if (out.length !== size) throw new Error(`out has ${out.length} values but shape [${shape.join(', ')}] needs ${size}`);
  const rng = makeRng(options.seed ?? DEFAULT_SEED);
  switch (dist.distribution) {
    case 'constant':
      return out.fill(dist.mean);
    case 'uniform':
      return fillUniform(out, rng, dist.min!, dist.max!);
    case 'normal':
      return fillNormal(out, rng, Infinity, dist.std, dist.mean);
    case 'truncatedNormal':
      return fillNormal(out, rng, TRUNCATION_CUT, dist.std / TRUNCATION_STD, dist.mean);
    case 'orthogonal':
      return orthogonal(shape, rng, options.gain ?? 1, out);
  }
}

/**
 * Keras's Orthogonal: flatten to rows x cols (cols = last dimension), draw a Gaussian
 * matrix, take Q of its QR decomposition with the signs of R's diagonal folded in (so Q
 * is uniformly distributed over orthogonal matrices). Rows are orthonormal when
 * rows < cols, columns otherwise.
 */
function orthogonal(shape: readonly number[], rng: Rng, gain: number, out: Float32Array): Float32Array {
  const cols = shape[shape.length - 1];
  const rows = out.length / cols;
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  const g = new Float32Array(m * n);
  fillNormal(g, rng);
  const q = householderQ(Float64Array.from(g), m, n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const v = gain * q[i * n + j];
      if (tall) out[i * cols + j] = v;
      else out[j * cols + i] = v;
    }
  }
  return out;
}
