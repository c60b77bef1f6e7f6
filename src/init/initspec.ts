/**
 * InitSpec, the course's short way to say how a layer's kernel is drawn: an initializer
 * name, a name with its options, or a number (the std of a zero-mean normal). Networks
 * take one per layer and give each layer its own seed.
 */
import { checkNonNegative, checkOneOf, describe } from '../core/checks';
import { Seed } from '../core/random';
import { INITIALIZER_NAMES, InitOptions, InitializerName, WeightDistribution, weightDistribution } from './formulas';
import { sampleWeightsInto } from './samplers';

/**
 * How a layer's kernel is chosen: an initializer name, a name with its options
 * (`{ name: 'heNormal', gain: 2 }`), or a number, the std of a zero-mean normal.
 */
export type InitSpec = InitializerName | number | ({ name: InitializerName } & Omit<InitOptions, 'seed'>);

// Any shape serves to check a name and its options: no check depends on the fans.
const CHECK_SHAPE = [2, 3];

/** The initializer and options an InitSpec stands for, with the caller's seed; throws naming `name`. */
function resolve(name: string, spec: unknown, seed: Seed): [InitializerName, InitOptions] {
  if (typeof spec === 'number') {
    return ['randomNormal', { stddev: checkNonNegative(`${name} (a standard deviation)`, spec), seed }];
  }
  if (typeof spec === 'string') return [checkOneOf(name, spec, INITIALIZER_NAMES), { seed }];
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new Error(
      `${name} must be an initializer name (${INITIALIZER_NAMES.join(', ')}), an object { name, ...options }, or a standard deviation; got ${describe(spec)}`,
    );
  }
  const { name: initializer, ...options } = spec as { name: unknown } & InitOptions;
  checkOneOf(`${name}.name`, initializer, INITIALIZER_NAMES);
  if (options.seed !== undefined) {
    throw new Error(`${name} must not carry its own seed: pass seed to the function that builds the network, which gives each layer its own`);
  }
  return [initializer as InitializerName, { ...options, seed }];
}

/** Throws unless `spec` is a valid InitSpec (its options included), naming it `name`. */
export function checkInitSpec(name: string, spec: unknown): InitSpec {
  const [initializer, options] = resolve(name, spec, 0);
  weightDistribution(initializer, CHECK_SHAPE, options);
  return spec as InitSpec;
}

/** One InitSpec per layer from `init` (one spec for all, or a list of `depth`); throws naming init. */
export function checkInitSpecs(init: unknown, depth: number, what = 'init'): InitSpec[] {
  if (init === undefined) throw new Error(`${what} is required: an initializer name, { name, ...options }, or a standard deviation`);
  if (Array.isArray(init)) {
    if (init.length !== depth) throw new Error(`${what} must be one spec or one per layer (depth = ${depth}), got a list of ${init.length}`);
    return init.map((spec, l) => checkInitSpec(`${what}[${l}]`, spec));
  }
  const spec = checkInitSpec(what, init);
  return Array.from({ length: depth }, () => spec);
}

/** What an InitSpec promises for a kernel of `shape` (its distribution and moments), without drawing; throws naming `name`. */
export function initDistribution(spec: InitSpec, shape: readonly number[], name = 'init'): WeightDistribution {
  const [initializer, options] = resolve(name, spec, 0);
  return weightDistribution(initializer, shape, options);
}

/** Samples a kernel from an InitSpec; the seed comes from the caller (one per layer). Into `out` when given. */
export function sampleInit(spec: InitSpec, shape: readonly number[], seed: Seed, out?: Float32Array): Float32Array {
  const [name, options] = resolve('init', spec, seed);
  return sampleWeightsInto(name, shape, options, out);
}

/**
 * Throws the error sampleInit(spec, shape, seed) would throw, without drawing anything:
 * for checking a network's kernels before they are drawn elsewhere (net/prefetch.ts).
 */
export function checkSampleInit(spec: InitSpec, shape: readonly number[], seed: Seed): void {
  const [name, options] = resolve('init', spec, seed);
  weightDistribution(name, shape, options);
}

/** A short label for an InitSpec, for legends and tables. */
export function initLabel(spec: InitSpec): string {
  if (typeof spec === 'number') return `N(0, ${spec}^2)`;
  if (typeof spec === 'string') return spec;
  const { name, ...options } = spec;
  const args = Object.entries(options).map(([k, v]) => `${k}: ${v}`).join(', ');
  return args ? `${name} (${args})` : name;
}
