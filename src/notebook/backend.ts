import * as tf from '@tensorflow/tfjs';
import { describe } from '../core/checks';
import { registerWasmKernels } from './wasm-kernels';

/** Values of the TFJS_BACKEND environment variable, fastest first. */
export const BACKEND_NAMES = ['node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_NAMES)[number];
export const BACKEND_ENV = 'TFJS_BACKEND';

// tfjs registers the node backend under the name "tensorflow".
const TF_NAME: Record<BackendChoice, string> = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };

let active: Promise<string> | undefined;

function tryRequire(id: string): boolean {
  try {
    require(id);
    return true;
  } catch {
    return false;
  }
}

async function activate(choice: BackendChoice): Promise<boolean> {
  if (choice === 'node' && !tryRequire('@tensorflow/tfjs-node')) return false;
  if (choice === 'wasm' && !tryRequire('@tensorflow/tfjs-backend-wasm')) return false;
  // wasm lacks the filter gradient of a convolution (tfjs#8474): without it no CNN trains there.
  if (choice === 'wasm') registerWasmKernels();
  try {
    return (await tf.setBackend(TF_NAME[choice])) && tf.getBackend() === TF_NAME[choice];
  } catch {
    return false;
  }
}

/**
 * Picks the TensorFlow.js backend once per process: tfjs-node when it loads (it is an
 * optional dependency, since its install downloads libtensorflow), otherwise wasm,
 * otherwise the pure-JS cpu backend. TFJS_BACKEND=node|wasm|cpu forces one and fails
 * loudly when it cannot be had. Returns tf.getBackend().
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
    active = (async () => {
      const order = requested ? [requested as BackendChoice] : [...BACKEND_NAMES];
      for (const choice of order) {
        if (await activate(choice)) return tf.getBackend();
      }
      throw new Error(`${BACKEND_ENV}=${requested}: that TensorFlow.js backend could not be loaded`);
    })();
  }
  return active;
}
