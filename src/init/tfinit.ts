import * as tf from '@tensorflow/tfjs';
import { describe } from '../core/checks';
import { InitOptions, InitializerName, weightDistribution } from './formulas';
import { sampleWeights } from './samplers';
import { DEFAULT_SEED, Seed } from '../core/random';

/** A TensorFlow.js initializer: what tf.layers takes as kernelInitializer, biasInitializer, ... */
export type TfInitializer = ReturnType<typeof tf.initializers.zeros>;

// tfjs does not export its Initializer base class, and tf.layers accepts an initializer
// object only if it is an instance of it (getInitializer tests `instanceof Initializer`).
// Every built-in initializer's class derives from it directly, so Zeros's parent is it.
const InitializerBase = Object.getPrototypeOf(tf.initializers.zeros().constructor) as (new () => TfInitializer) &
  Pick<typeof tf.serialization.Serializable, 'fromConfig'>;

// Any shape serves to check a name and its options: no check depends on the fans.
const CHECK_SHAPE = [2, 3];

// Unseeded instances take the next seed of this sequence at construction: two of them
// differ, and a notebook run from the top makes the same ones (Keras likewise fixes an
// unseeded initializer's seed when it is created, from its global generator).
let unseededCount = 0;

type Config = { name: InitializerName } & InitOptions;

class KerasFaithfulInitializer extends InitializerBase {
  /** The name tfjs's serialization knows this class by (model.toJSON, save and load). */
  static className = 'KerasFaithfulInitializer';
  readonly initializer: InitializerName;
  readonly seed: Seed;
  private readonly options: Omit<InitOptions, 'seed'>;
  private calls = 0;

  constructor(config: Config) {
    super();
    if (config === null || typeof config !== 'object') {
      throw new Error(`a KerasFaithfulInitializer config must be an object { name, ...options }, got ${describe(config)}`);
    }
    const { name, seed, ...options } = config;
    weightDistribution(name, CHECK_SHAPE, { ...options, seed });
    this.initializer = name;
    this.options = options;
    this.seed = seed ?? `${DEFAULT_SEED}/unseeded/${++unseededCount}`;
  }

  /** Call k (from 0) samples with seed `seed` for k = 0, then `${seed}/${k}`. */
  apply(shape: (number | null)[], dtype?: tf.DataType): tf.Tensor {
    if (dtype !== undefined && dtype !== 'float32') {
      throw new Error(`${this.initializer}: tfInitializer makes float32 weights, not ${describe(dtype)}`);
    }
    const seed = this.calls === 0 ? this.seed : `${this.seed}/${this.calls}`;
    const values = sampleWeights(this.initializer, shape as number[], { ...this.options, seed });
    this.calls++;
    return tf.tensor(values, shape as number[], 'float32');
  }

  getConfig(): tf.serialization.ConfigDict {
    return { name: this.initializer, ...this.options, seed: this.seed };
  }

  /** Rebuilds an instance from getConfig() (tf.models.modelFromJSON adds customObjects). */
  static fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { customObjects, ...rest } = config;
    return new cls(rest);
  }
}
tf.serialization.registerClass(KerasFaithfulInitializer);

/**
 * A TensorFlow.js initializer (for tf.layers' kernelInitializer, biasInitializer,
 * recurrentInitializer) that samples exactly as sampleWeights(name, shape, options) does:
 * Keras's formulas, fans from the weight's shape (computeFans), normal forms truncated at
 * 2 std and rescaled by 1/TRUNCATION_STD, every option honoured (0 included). Bad names or
 * options throw here, when the initializer is made, with sampleWeights's messages.
 *
 * Seeding. The first apply() of an instance equals sampleWeights(name, shape, {...options, seed});
 * call k >= 1 uses seed `${seed}/${k}`. So one instance shared by several layers gives each
 * its own kernel (a seeded tfjs initializer gives them all the same one), and a new instance
 * with the same seed replays the same sequence. Without a seed, each instance takes a new
 * seed from a fixed sequence when it is made, so unseeded instances differ from each other
 * and a notebook run from the top reproduces them.
 */
export function tfInitializer(name: InitializerName, options: InitOptions = {}): TfInitializer {
  if (options === null || typeof options !== 'object') {
    throw new Error(`options must be an object, got ${describe(options)}`);
  }
  return new KerasFaithfulInitializer({ ...options, name });
}
