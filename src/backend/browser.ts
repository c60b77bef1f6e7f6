/**
 * Which TensorFlow.js backend runs what, in a browser: the live pages' kernel (a Web Worker,
 * src/live/kernel/). The browser bundle (scripts/live/build.mjs) takes this module in place of
 * ./backends (Node's), so both export the same names and the rest of src/ is the same code.
 *
 * There is one backend for everything: the one the page's menu asked for. 'auto' is wasm,
 * the backend the site's pages were executed on (SITE_BACKEND), so that a live run prints the
 * page's own numbers; there is no tfjs-node in a browser to take the large passes. webgl and
 * webgpu (where the browser has it) are faster, and their numbers differ in the last digits.
 * The kernel says which backends it loaded, and which was asked for, with configureBackends
 * before the chapter's first cell runs.
 */
import * as tf from '@tensorflow/tfjs';
import { describe } from '../core/checks';
import { runOnBackend } from './switch';
import { registerWasmKernels } from './wasm-kernels';

/** The backends a page can ask for ('auto' is wasm). */
export const BACKEND_NAMES = ['auto', 'wasm', 'webgl', 'webgpu', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_NAMES)[number];
/** Where a reader asks for a backend, for error messages. */
export const BACKEND_ENV = "The page's backend";

/** As in Node's module; in a browser no pass moves to another backend by its size. */
export const LARGE_PASS = 2 ** 33;
/** As in Node's module, where a trainer's steps from this size on run on TensorFlow. */
export const LARGE_TRAINING_STEP = 2 ** 24;

/** The backends in use: `main` runs every op, `large` the large passes (the same one here). */
export interface Backends {
  choice: BackendChoice;
  main: string;
  large: string;
  tensorflow?: string;
}

let requestedByPage: string | undefined;
/** Backends whose code the kernel loaded (cpu is part of TensorFlow.js itself). */
let available: readonly string[] = ['cpu'];

/** The kernel's hook: the backend the page asked for and the backends it loaded. */
export function configureBackends(options: { requested: string; loaded: readonly string[] }): void {
  requestedByPage = options.requested;
  available = [...options.loaded, 'cpu'];
}

let active: Promise<Backends> | undefined;
let chosen: Backends | undefined;

async function load(name: string): Promise<boolean> {
  if (!available.includes(name)) return false;
  // The same kernels as in Node (the convolution filter gradient wasm lacks, and its fast path
  // for transposed products), so that a live page computes what the built page printed.
  if (name === 'wasm') registerWasmKernels();
  try {
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/**
 * Picks the backend once per kernel and makes it current: the one the page asked for
 * ('auto' is wasm), failing loudly when it cannot start. Returns tf.getBackend().
 */
export function initBackend(requested: string | undefined = requestedByPage): Promise<string> {
  if (requested !== undefined && requested !== '' && !(BACKEND_NAMES as readonly string[]).includes(requested)) {
    return Promise.reject(new Error(`${BACKEND_ENV} must be one of ${BACKEND_NAMES.join(', ')}, got ${describe(requested)}`));
  }
  if (!active) {
    tf.env().set('PROD', true);
    const choice = (requested || 'auto') as BackendChoice;
    const name = choice === 'auto' ? 'wasm' : choice;
    active = (async (): Promise<Backends> => {
      if (!(await load(name))) throw new Error(`TensorFlow.js could not start its ${name} backend in this browser`);
      return { choice, main: name, large: name };
    })();
    active.then((b) => (chosen = b), () => undefined);
  }
  return active.then((b) => b.main);
}

/** The backends in use, once initBackend has run (undefined before). */
export function backends(): Backends | undefined {
  return chosen;
}

/** What a chapter's first output says of the backend: its name. */
export function backendSummary(b: Backends | undefined = chosen): string {
  return b ? b.main : tf.getBackend();
}

/** Runs fn with `name` as the current backend (initialized already), then the previous one again. */
export function withBackend<T>(name: string, fn: () => T): T {
  return runOnBackend(name, fn);
}

/** In a browser every pass runs on the one backend, whatever its size. */
export function onBackendFor<T>(multiplyAdds: number, fn: () => T, threshold = LARGE_PASS): T {
  void multiplyAdds;
  void threshold;
  return fn();
}
