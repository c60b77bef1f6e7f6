import * as tf from '@tensorflow/tfjs';

/**
 * Switching between backends that are already initialized, the part of `withBackend` that
 * Node's backends.ts and the browser's browser.ts share.
 */

/** Makes an initialized backend the current one, at once (for one, setBackend awaits nothing). */
export function switchToInitialized(name: string): void {
  if (!tf.engine().registry[name]) throw new Error(`the ${name} backend is not initialized: call initBackend() first (backends() says which are in use)`);
  void tf.setBackend(name);
  if (tf.getBackend() !== name) throw new Error(`could not switch to the ${name} backend`);
}

/** Whether a runOnBackend call is under way: what runs inside it stays on its backend. */
export const pin = { on: false };

/** Runs fn on `name`, then switches back to the backend that was current; fn must not be async. */
export function runOnBackend<T>(name: string, fn: () => T, switchTo: (name: string) => void = switchToInitialized): T {
  const previous = tf.getBackend();
  const wasPinned = pin.on;
  if (name !== previous) switchTo(name);
  pin.on = true;
  try {
    return fn();
  } finally {
    pin.on = wasPinned;
    if (name !== previous) switchTo(previous);
  }
}
