/**
 * Which TensorFlow.js backend runs what.
 *
 * Two backends serve the course in Node. wasm (TensorFlow.js's WebAssembly backend, one
 * thread in Node) costs about 5 microseconds per op; tfjs-node's TensorFlow runs its kernels
 * on every core, so large products are six to eight times faster on it, but each op costs it
 * about twice as much to dispatch. Small networks trained step by step are therefore faster
 * on wasm, and the large passes of the engine on TensorFlow (`npm run bench` measures both,
 * side by side). So, unless TFJS_BACKEND names one backend for everything:
 *
 * - wasm is the main backend, on which every op runs by default;
 * - when tfjs-node loads, a pass of at least LARGE_PASS multiply-adds in all runs on
 *   TensorFlow (`onBackendFor`): the engine's passes (runNetwork, lsuv); and so does a deep
 *   trainer (trainDeepClassifier) whose steps' largest product reaches LARGE_TRAINING_STEP
 *   (TensorFlow runs with oneDNN off, which makes its small products cheap). Their tensors
 *   move to TensorFlow when they start and their numbers come back as JavaScript numbers.
 *   The chapters' own passes and trainers are all below these sizes, so they run on wasm
 *   and never load TensorFlow; a reader who makes an experiment larger gets TensorFlow.
 *
 * TFJS_BACKEND=node|wasm|cpu puts everything on that backend (the site is built with wasm,
 * the backend every reader's browser has, so that its numbers can be reproduced anywhere);
 * TFJS_BACKEND=auto (or unset) is the measured choice above.
 */
import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as path from 'path';
import { describe } from '../core/checks';
import { pin, runOnBackend, switchToInitialized } from './switch';
import { registerWasmKernels } from './wasm-kernels';

/** Values of the TFJS_BACKEND environment variable. */
export const BACKEND_NAMES = ['auto', 'node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_NAMES)[number];
export const BACKEND_ENV = 'TFJS_BACKEND';

/**
 * The work of a pass, in multiply-adds of the matrix products it makes (net/engine.ts,
 * passMultiplyAdds: forward, backward, kernel gradients), from which it runs on TensorFlow
 * rather than wasm: 2^33, about 8.6 billion, a batch of 1024 forward through 32 layers of
 * 512. TensorFlow's products are faster, but loading it costs about half a second, once per
 * process, and each op costs it more to dispatch. 2^33 is about where one pass saves what
 * the load costs. Measured on a 2-core machine, each pass on both backends with TensorFlow
 * loaded (scripts/bench.mjs, "crossover" rows, 2026-12-07): the chapters' largest passes,
 * 2^31.2 and 2^31.9 (50 layers of 256 with a batch of 256, 40 of 512 with 128, kernel
 * gradients included), saved 0.04 and 0.11 s, being largely bound by drawing their kernels;
 * one of 2^32.9 (10 x 512, batch 1024) saved 0.46 s, about the load, and 2^33.2 to 2^34.9
 * saved 0.62 to 1.8 s. With the former threshold, a largest product of 2^24, chapters 2, 3,
 * 4 and 7 loaded TensorFlow: over six
 * paired runs their Run All took 1.04, 0.93, 1.00 and 0.97 times wasm's, chapter 2 losing
 * the load and chapter 3 gaining from its histograms. Now no chapter loads it, so none is
 * slower by default than on wasm alone, and none faster.
 */
export const LARGE_PASS = 2 ** 33;

/**
 * For a trainer (trainDeepClassifier), whose whole training runs on one backend: the
 * largest matrix product of one step, from which it runs on TensorFlow: 2^24.
 * A step is many small ops (normalization, the optimizer's updates) around its products, so
 * TensorFlow needs larger products to win on a trainer than on a pass. Measured on this
 * course's trainers, whose steps are 1.5 to 6 Mi (wall-clock, wasm against TensorFlow with
 * oneDNN off): chapter 4's epoch of 30 layers x 64 at batch 128 (6 Mi) 0.211 against 0.206 s
 * (npm run bench); chapter 7's batch-norm and pre-norm trainers (64 x 784 x 64, 3 Mi) 2.5
 * against 3.8 to 4.5 s a cell (two rounds, A/B); at 2^20, the former threshold, chapter 7's
 * Run All took 16% longer by default than on wasm alone. So no trainer of the course moves.
 */
export const LARGE_TRAINING_STEP = 2 ** 24;

// tfjs registers the node backend under the name "tensorflow".
const TF_NAME = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' } as const;
type Single = keyof typeof TF_NAME;

/** The backends in use: `main` runs every op by default, `large` the large passes. */
export interface Backends {
  choice: BackendChoice;
  main: string;
  large: string;
  /** The TensorFlow behind tfjs-node ("2.21.0"), when it is in use. */
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

/**
 * Loads tfjs-node, which registers TensorFlow as the "tensorflow" backend and makes it the
 * current one (at once: its backend needs no asynchronous start).
 */
function requireTfjsNode(): boolean {
  // TensorFlow writes log lines to the process's stderr as it loads (oneDNN's notice, the
  // CPU's features). They never reach a cell's output (tslab relays what JavaScript writes,
  // not what native code writes to the file descriptor; test/other-backends.test.mjs checks
  // every chapter's outputs), but they would fill a terminal: level 3 silences the CPU's,
  // and oneDNN's (which ignores the level) is not written with oneDNN off, below.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '3';
  // oneDNN's kernels (TensorFlow's default on x86) cost about 0.2 ms per call to set up: a
  // small matrix product took 196 us with them and 17 us without. Measured A/B in one run
  // (CPU seconds, TFJS_BACKEND=node): chapter 7's trainer 1.05 s with them off against 1.45 s
  // on (wasm 1.41), chapter 6's 0.64 against 0.71 (wasm 0.71), chapter 1's 0.90 against 1.12
  // (wasm 0.30). Large products are as fast without them. So they are off, unless the
  // environment says otherwise; TensorFlow reads this as it loads, and then writes no log line.
  // (With them off chapter 1 once died in tslab: that was zeromq's EBUSY, which
  // notebook/kernel-sends.ts now prevents, not TensorFlow.)
  process.env.TF_ENABLE_ONEDNN_OPTS ??= '0';
  return tryRequire('@tensorflow/tfjs-node');
}

/** Loads and initializes one backend and makes it the current one. */
async function load(choice: Single): Promise<boolean> {
  if (choice === 'node' && !requireTfjsNode()) return false;
  if (choice === 'wasm' && !tryRequire('@tensorflow/tfjs-backend-wasm')) return false;
  // wasm lacks the filter gradient of a convolution (tfjs#8474): without it no CNN trains there.
  if (choice === 'wasm') registerWasmKernels();
  try {
    return (await tf.setBackend(TF_NAME[choice])) && tf.getBackend() === TF_NAME[choice];
  } catch {
    return false;
  }
}

/** The TensorFlow version of the loaded tfjs-node binding ("2.21.0"). */
function loadedTensorflow(): string | undefined {
  const backend = tf.findBackend('tensorflow') as unknown as { binding?: { TF_Version?: string } } | null;
  return backend?.binding?.TF_Version;
}

/**
 * Where tfjs-node is installed with its binding built, the TensorFlow it was built against,
 * without loading it (that costs most of a second, which a chapter with no large pass does
 * not pay): read from the name of the library its deps/ links to (libtensorflow.so.2.9.1 as
 * tfjs-node downloads it; the folder tensorflow-2.21.0 where the course's set-up built it).
 * '' when the version cannot be told; undefined when there is no tfjs-node to load.
 */
function installedTensorflow(): string | undefined {
  try {
    const dir = path.dirname(require.resolve('@tensorflow/tfjs-node/package.json'));
    const lib = path.join(dir, 'lib');
    if (!fs.readdirSync(lib).some((d) => fs.existsSync(path.join(lib, d, 'tfjs_binding.node')))) return undefined;
    const real = fs.realpathSync(path.join(dir, 'deps/lib/libtensorflow.so'));
    return /\.so\.(\d+\.\d+\.\d+)$/.exec(real)?.[1] ?? /tensorflow-(\d+\.\d+\.\d+)\//.exec(real)?.[1] ?? '';
  } catch {
    return undefined;
  }
}

/**
 * Picks the TensorFlow.js backends once per process (see the top of this file) and makes
 * the main one current. TFJS_BACKEND=node|wasm|cpu forces one for everything and fails
 * loudly when it cannot be had; auto (or unset) is wasm, with tfjs-node for the large passes
 * where it is installed (loaded at the first large pass), and tfjs-node alone, or the pure-JS
 * cpu backend, when wasm does not load. Returns tf.getBackend(), the main backend's name.
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
        return { choice, main: name, large: name, tensorflow: choice === 'node' ? loadedTensorflow() : undefined };
      }
      const tensorflow = installedTensorflow();
      if (await load('wasm')) return { choice, main: 'wasm', large: tensorflow === undefined ? 'wasm' : 'tensorflow', tensorflow };
      for (const single of ['node', 'cpu'] as const) {
        if (await load(single)) return { choice, main: TF_NAME[single], large: TF_NAME[single], tensorflow: single === 'node' ? loadedTensorflow() : undefined };
      }
      throw new Error('no TensorFlow.js backend could be loaded (tried wasm, tfjs-node and cpu)');
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
  const name = (n: string) => (n === 'tensorflow' ? `tensorflow (tfjs-node${b.tensorflow ? `, TensorFlow ${b.tensorflow}` : ''})` : n);
  if (b.main === b.large) return name(b.main);
  return `${name(b.main)}, with ${name(b.large)} for the passes of ${LARGE_PASS.toLocaleString('en-US')} or more multiply-adds`;
}

/**
 * Runs fn with `name` as the current backend for everything, its large passes included, and
 * then the previous one again (a chapter can run a trainer on TensorFlow to compare; the
 * benchmark times each backend). Both must be initialized (initBackend does that), which
 * makes the switch immediate: fn runs at once, and the tensors it uses move to that backend
 * as it uses them. fn must not be async: the backend is restored when it returns.
 */
export function withBackend<T>(name: string, fn: () => T): T {
  return runOnBackend(name, fn, switchTo);
}

function switchTo(name: string): void {
  // tfjs-node, where the course would use it for large passes, is loaded on first use.
  if (!tf.engine().registry[name] && chosen?.large === name && name !== chosen.main) loadLarge(chosen);
  switchToInitialized(name);
}

/**
 * Runs fn on the backend for a pass of `multiplyAdds` multiply-adds: the large one from
 * `threshold` on (LARGE_PASS for a pass's whole work, LARGE_TRAINING_STEP for the largest
 * product of a trainer's step), else the current one. Before initBackend, with one backend for everything, or inside withBackend,
 * fn just runs.
 */
export function onBackendFor<T>(multiplyAdds: number, fn: () => T, threshold = LARGE_PASS): T {
  const b = chosen;
  if (!b || pin.on || b.large === b.main || multiplyAdds < threshold || tf.getBackend() !== b.main) return fn();
  if (!tf.engine().registry[b.large] && !loadLarge(b)) return fn();
  return withBackend(b.large, fn);
}

/** tfjs-node, loaded at the first large pass; if it does not load, the large passes stay on the main backend, and a warning says so. */
function loadLarge(b: Backends): boolean {
  const main = tf.getBackend();
  const ok = requireTfjsNode() && !!tf.engine().registry[b.large];
  switchTo(main);
  if (ok) {
    b.tensorflow = loadedTensorflow() ?? b.tensorflow;
    return true;
  }
  console.warn(`tfjs-node is installed but did not load: the large passes run on ${main} too (node scripts/setup.mjs --tfjs-node rebuilds it)`);
  b.large = main;
  return false;
}
