// The compiled helper library, as the notebooks see it.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
export const K = require('../dist/index.js');
export const tf = require('@tensorflow/tfjs');
await K.initBackend();

/** Runs fn and asserts that it left no tensor behind. */
export async function noLeak(fn) {
  const before = tf.memory().numTensors;
  const result = await fn();
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`tensor leak: ${before} tensors before, ${after} after`);
  return result;
}
