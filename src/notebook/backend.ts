import * as tf from '@tensorflow/tfjs';
import { describe } from '../core/checks';
import { platform } from '../platform';

/** Values of the TFJS_BACKEND environment variable, fastest first (Node's; a live page offers wasm, webgl, webgpu). */
export const BACKEND_NAMES = platform.backends.names;
export const BACKEND_ENV = platform.backends.setting;

let active: Promise<string> | undefined;

async function activate(choice: string): Promise<boolean> {
  if (!platform.backends.load(choice)) return false;
  const name = platform.backends.tfName(choice);
  try {
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/**
 * Picks the TensorFlow.js backend once per process: tfjs-node when it loads (it is an
 * optional dependency, since its install downloads libtensorflow), otherwise wasm,
 * otherwise the pure-JS cpu backend. TFJS_BACKEND=node|wasm|cpu forces one and fails
 * loudly when it cannot be had. Returns tf.getBackend(). (On a live page, the page's
 * backend menu asks for one instead: src/platform/browser.ts.)
 */
export function initBackend(requested: string | undefined = platform.backends.requested()): Promise<string> {
  if (requested !== undefined && requested !== '' && !BACKEND_NAMES.includes(requested)) {
    return Promise.reject(
      new Error(`${BACKEND_ENV} must be one of ${BACKEND_NAMES.join(', ')} (or unset), got ${describe(requested)}`),
    );
  }
  if (!active) {
    // Production mode silences tfjs's "install the node backend" banner in every output.
    tf.env().set('PROD', true);
    active = (async () => {
      const order = requested ? [requested] : [...BACKEND_NAMES];
      for (const choice of order) {
        if (await activate(choice)) return tf.getBackend();
      }
      throw new Error(`${BACKEND_ENV}=${requested}: that TensorFlow.js backend could not be loaded`);
    })();
  }
  return active;
}
