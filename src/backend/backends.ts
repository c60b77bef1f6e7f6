/**
 * Which TensorFlow.js backend runs what.
 *
 * Two backends serve the course in Node. wasm (TensorFlow.js's WebAssembly backend, one
 * thread in Node) costs a few microseconds per op; tfjs-node's TensorFlow runs oneDNN's
 * kernels on every core, so large products are about five times faster on it, but each op
 * costs it some ten times more to dispatch. Small networks trained step by step are
 * therefore faster on wasm, and the large passes of the engine on TensorFlow (`npm run bench`
 * measures both, side by side). So, unless TFJS_BACKEND names one backend for everything:
 *
 * - wasm is the main backend, on which every op runs by default;
 * - when tfjs-node loads, a pass whose matrix products have at least LARGE_PRODUCT
 *   multiply-adds runs on TensorFlow (`onBackendFor`): the engine's passes (runNetwork)
 *   and the trainers whose steps are that large. Its tensors move to TensorFlow when it
 *   starts and its numbers come back as JavaScript numbers.
 *
 * TFJS_BACKEND=node|wasm|cpu puts everything on that backend (the site is built with wasm,
 * the backend every reader's browser has, so that its numbers can be reproduced anywhere);
 * TFJS_BACKEND=auto (or unset) is the measured choice above.
 */
import * as tf from '@tensorflow/tfjs';
import { describe } from '../core/checks';

/** Values of the TFJS_BACKEND environment variable. */
export const BACKEND_NAMES = ['auto', 'node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_NAMES)[number];
export const BACKEND_ENV = 'TFJS_BACKEND';

/**
 * The size of a matrix product, in multiply-adds (rows x inner x columns), from which a
 * pass runs on TensorFlow rather than wasm: 2^24, about 16.8 million, a batch of 256
 * through a 256 x 256 layer. Measured (scripts/bench.mjs, "crossover" rows): below about
 * 8 million a layer's product, bias and activation cost less on wasm, whose dispatch is
 * cheaper; above about 30 million TensorFlow is three times faster and more.
 */
export const LARGE_PRODUCT = 2 ** 24;

// tfjs registers the node backend under the name "tensorflow".
const TF_NAME = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' } as const;
type Single = keyof typeof TF_NAME;

/** The backends in use: `main` runs every op by default, `large` the large passes. */
export interface Backends {
  choice: BackendChoice;
  main: string;
  large: string;
  /** The TensorFlow behind tfjs-node, when it is loaded ("2.21.0"). */
  tensorflow?: string;
}

let active: Promise<Backends> | undefined;
let chosen: Backends | undefined;

function tryRequire(id: string): boolean {
  try {
    require(id);
    return true;
  } catch {
    return false;
  }
}

/** Loads and initializes one backend (without making it the current one for good). */
async function load(choice: Single): Promise<boolean> {
  if (choice === 'node') {
    // TensorFlow writes log lines to the process's stderr as it loads (oneDNN's notice, the
    // CPU's features). They never reach a cell's output (tslab relays what JavaScript writes,
    // not what native code writes to the file descriptor; test/backends.test.mjs checks every
    // chapter's outputs), but they would fill a terminal: level 3 silences all but oneDNN's
    // notice, which TensorFlow writes before its logging reads the level.
    process.env.TF_CPP_MIN_LOG_LEVEL ??= '3';
    if (!tryRequire('@tensorflow/tfjs-node')) return false;
  }
  if (choice === 'wasm' && !tryRequire('@tensorflow/tfjs-backend-wasm')) return false;
  try {
    return (await tf.setBackend(TF_NAME[choice])) && tf.getBackend() === TF_NAME[choice];
  } catch {
    return false;
  }
}

function tensorflowVersion(): string | undefined {
  const backend = tf.findBackend('tensorflow') as unknown as { binding?: { TF_Version?: string } } | null;
  return backend?.binding?.TF_Version;
}

/**
 * Picks the TensorFlow.js backends once per process (see the top of this file) and makes
 * the main one current. TFJS_BACKEND=node|wasm|cpu forces one for everything and fails
 * loudly when it cannot be had; auto (or unset) is wasm, with tfjs-node for the large passes
 * when it loads (and tfjs-node alone, or the pure-JS cpu backend, when wasm does not load).
 * Returns tf.getBackend(), the main backend's name.
 */
export function initBackend(requested: string | undefined = process.env[BACKEND_ENV]): Promise<string> {
  if (requested !== undefined && requested !== '' && !(BACKEND_NAMES as readonly string[]).includes(requested)) {
    return Promise.reject(
      new Error(`${BACKEND_ENV} must be one of ${BACKEND_NAMES.join(', ')} (or unset), got ${describe(requested)}`),
    );
  }
  if (!active) {
    // Production mode silences tfjs's "install the node backend" banner in every output.
    tf.env().set('PROD', true);
    const choice = (requested || 'auto') as BackendChoice;
    active = (async (): Promise<Backends> => {
      if (choice !== 'auto') {
        if (!(await load(choice))) throw new Error(`${BACKEND_ENV}=${choice}: that TensorFlow.js backend could not be loaded`);
        const name = TF_NAME[choice];
        return { choice, main: name, large: name, tensorflow: choice === 'node' ? tensorflowVersion() : undefined };
      }
      const node = await load('node');
      const main = (await load('wasm')) ? 'wasm' : node ? 'tensorflow' : (await load('cpu')) ? 'cpu' : undefined;
      if (!main) throw new Error('no TensorFlow.js backend could be loaded (tried tfjs-node, wasm and cpu)');
      await tf.setBackend(main);
      return { choice, main, large: node ? 'tensorflow' : main, tensorflow: node ? tensorflowVersion() : undefined };
    })();
    active.then((b) => (chosen = b), () => undefined);
  }
  return active.then((b) => b.main);
}

/** The backends in use, once initBackend has run (undefined before). */
export function backends(): Backends | undefined {
  return chosen;
}

/** What a chapter's first output says of the backends: "wasm", or "wasm, with ... for the large passes". */
export function backendSummary(b: Backends | undefined = chosen): string {
  if (!b) return tf.getBackend();
  const tensorflow = `tensorflow (tfjs-node, TensorFlow ${b.tensorflow ?? 'of unknown version'})`;
  const name = (n: string) => (n === 'tensorflow' ? tensorflow : n);
  if (b.main === b.large) return name(b.main);
  return `${name(b.main)}, with ${name(b.large)} for the passes whose matrix products have ${LARGE_PRODUCT.toLocaleString('en-US')} or more multiply-adds`;
}

/**
 * Runs fn with `name` as the current backend, and then the previous one again. Both must be
 * initialized (initBackend does that), which makes the switch immediate: fn runs at once, and
 * the tensors it uses move to that backend as it uses them.
 */
export function withBackend<T>(name: string, fn: () => T): T {
  const previous = tf.getBackend();
  if (name === previous) return fn();
  switchTo(name);
  try {
    return fn();
  } finally {
    switchTo(previous);
  }
}

function switchTo(name: string): void {
  if (!tf.engine().registry[name]) throw new Error(`the ${name} backend is not initialized: call initBackend() first`);
  // For an initialized backend setBackend switches before it returns (it awaits nothing).
  void tf.setBackend(name);
  if (tf.getBackend() !== name) throw new Error(`could not switch to the ${name} backend`);
}

/**
 * Runs fn on the backend for a pass whose largest matrix product has `multiplyAdds`
 * multiply-adds (rows x inner x columns): the large one from LARGE_PRODUCT on, else the
 * current one. Before initBackend, or with one backend for everything, fn just runs.
 */
export function onBackendFor<T>(multiplyAdds: number, fn: () => T): T {
  const b = chosen;
  if (!b || b.large === b.main || multiplyAdds < LARGE_PRODUCT || tf.getBackend() !== b.main) return fn();
  return withBackend(b.large, fn);
}
