/**
 * Node's thread behind kernelSource (prefetch.ts): runs drawKernels (draw-kernels.ts) on
 * every request its parent posts.
 */
import { parentPort } from 'node:worker_threads';
import { drawKernels } from './draw-kernels';

export { drawKernels };

// In the main thread (a test requiring this file) there is no parent port, and nothing to listen to.
parentPort?.on('message', drawKernels);
