/**
 * A live page's second thread (assets/live/kernel.js starts it from its own Web Worker): draws
 * kernels ahead into memory it shares with the kernel, as Node's worker thread does
 * (net/kernel-worker.ts). Shared memory needs a cross-origin isolated page, so this runs only
 * where the site is served with COOP and COEP headers (npm run serve sends them); a page
 * opened from disk draws its kernels inline.
 */
import { drawKernels } from '../../net/draw-kernels';
import type { WorkerRequest } from '../../net/prefetch';

declare const self: {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: WorkerRequest }) => void): void;
};

self.addEventListener('message', (event) => drawKernels(event.data));
// The kernel waits for this before any cell runs: a thread still starting might wait on the
// kernel's event loop, which a cell blocked in Atomics.wait never returns to.
self.postMessage('ready');
