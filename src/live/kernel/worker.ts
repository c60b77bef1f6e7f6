/**
 * The live page's kernel, in a Web Worker: TensorFlow.js, the course library built for the
 * browser (src/platform/browser.ts in place of Node's platform), and the Kernel.
 *
 * The page starts it with one `init` message carrying what a page opened from disk cannot
 * let the worker fetch: the wasm binary's bytes, the data sets, and the backend to use. The
 * worker answers `ready` (or `failed`), then takes Jupyter messages (`execute_request`, ...)
 * and posts Jupyter messages back.
 */
import * as tf from '@tensorflow/tfjs';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import * as K from '../../index';
import { BrowserSetup, PackedMnist, configurePlatform, setOutputSink } from '../../platform/browser';
import { configureBackends } from '../../backend/browser';
import { Kernel } from './kernel';
import type { Message } from './messages';

/** The page's first message. */
export interface InitMessage {
  type: 'init';
  /** wasm, webgl, webgpu or cpu. */
  backend: string;
  /** The bytes of tfjs-backend-wasm-simd.wasm. */
  wasmSimd: ArrayBuffer;
  /** Source of the webgpu backend's bundle, when the page asks for webgpu. */
  webgpu?: string;
  /** data/NAME.json, parsed. */
  datasets: Record<string, unknown>;
  /** MNIST, gzip-compressed palette indices (see scripts/live/build.mjs). */
  mnist: { palette: number[]; counts: number[]; gzip: ArrayBuffer } | null;
}

/** MNIST for a kernel that started without it (the page loads it when a cell first needs it). */
export interface DataMessage {
  type: 'data';
  mnist: NonNullable<InitMessage['mnist']>;
}

export interface ReadyMessage {
  type: 'ready';
  backend: string;
  tfjs: string;
  /** Whether a second thread draws kernels ahead (a cross-origin isolated page), or they are drawn inline. */
  kernelThread: boolean;
  /** How long the start took, in ms. */
  startMs: number;
}

export interface FailedMessage {
  type: 'failed';
  message: string;
}

/** The bundle of src/live/kernel/thread.ts (scripts/live/build.mjs puts it here). */
declare const KERNEL_THREAD_SOURCE: string;

declare const self: {
  crossOriginIsolated?: boolean;
  postMessage(message: unknown): void;
  addEventListener(type: string, listener: (event: { data?: unknown; reason?: unknown; error?: unknown; message?: string; preventDefault(): void }) => void): void;
  importScripts(...urls: string[]): void;
  tf?: unknown;
};

async function gunzip(bytes: ArrayBuffer): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function unpack(mnist: NonNullable<InitMessage['mnist']>): Promise<PackedMnist> {
  return { palette: Float32Array.from(mnist.palette), counts: mnist.counts, pixels: await gunzip(mnist.gzip) };
}

let setup: BrowserSetup | null = null;

/** How long a starting kernel thread may take to say it is ready before the kernel goes on without it. */
const THREAD_START_MS = 10_000;

/**
 * The second thread that draws kernels ahead (net/prefetch.ts), started and ready, where the
 * page is cross-origin isolated; null elsewhere (from disk: no SharedArrayBuffer), or if it
 * does not start. It is started here, and awaited, before any cell runs: a cell blocks this
 * thread (Atomics.wait) while it waits for a kernel, and a nested worker still starting then
 * might wait on this thread's event loop, which a blocked cell never returns to.
 */
async function startKernelThread(): Promise<Worker | null> {
  if (!self.crossOriginIsolated || typeof SharedArrayBuffer === 'undefined' || typeof Worker === 'undefined' || typeof KERNEL_THREAD_SOURCE !== 'string') return null;
  const url = URL.createObjectURL(new Blob([KERNEL_THREAD_SOURCE], { type: 'text/javascript' }));
  const thread = new Worker(url, { name: 'course-kernel-thread' });
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), THREAD_START_MS);
    thread.onmessage = (event) => {
      clearTimeout(timer);
      resolve(event.data === 'ready');
    };
    thread.onerror = (event) => {
      event.preventDefault();
      clearTimeout(timer);
      resolve(false);
    };
  });
  URL.revokeObjectURL(url);
  if (!ready) thread.terminate();
  return ready ? thread : null;
}

async function start(init: InitMessage): Promise<ReadyMessage> {
  const started = performance.now();
  // Node's wasm backend runs one thread; so does this one, for the same numbers.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const wasmUrl = URL.createObjectURL(new Blob([init.wasmSimd], { type: 'application/wasm' }));
  wasm.setWasmPaths({ 'tfjs-backend-wasm-simd.wasm': wasmUrl, 'tfjs-backend-wasm.wasm': wasmUrl, 'tfjs-backend-wasm-threaded-simd.wasm': wasmUrl });
  const loaded = ['wasm', 'webgl'];
  if (init.webgpu) {
    // The webgpu bundle registers its backend with this worker's TensorFlow.js (self.tf).
    self.tf = tf;
    self.importScripts(URL.createObjectURL(new Blob([init.webgpu], { type: 'text/javascript' })));
    loaded.push('webgpu');
  }
  configureBackends({ requested: init.backend, loaded });
  const [mnist, kernelThread] = await Promise.all([init.mnist ? unpack(init.mnist) : null, startKernelThread()]);
  setup = { datasets: init.datasets, mnist, kernelThread };
  configurePlatform(setup);
  // The chapter's first cell (K.setupChapter) picks the same backend; choosing it now makes
  // every cell use it, even when that cell is skipped.
  const backend = await K.initBackend().catch(() => {
    throw new Error(`TensorFlow.js could not start its ${init.backend} backend in this browser`);
  });
  return { type: 'ready', backend, tfjs: tf.version.tfjs, kernelThread: kernelThread !== null, startMs: performance.now() - started };
}

let kernel: Kernel | null = null;

self.addEventListener('message', (event) => {
  const data = event.data as InitMessage | DataMessage | Message<unknown>;
  if ('type' in data && data.type === 'data') {
    // Messages are handled in order: a cell sent after this finds the data unpacked, since
    // the kernel queues executions behind this promise.
    const unpacked = unpack(data.mnist).then((mnist) => {
      if (setup) configurePlatform((setup = { ...setup, mnist }));
    });
    pendingData = pendingData.then(() => unpacked);
    return;
  }
  if ('type' in data && data.type === 'init') {
    start(data).then(
      (ready) => {
        kernel = new Kernel({
          modules: {
            '@tensorflow/tfjs': tf,
            '@tensorflow/tfjs-core': tf,
            '@tensorflow/tfjs-backend-wasm': wasm,
            '../dist/index': K,
            '../dist/index.js': K,
            '../dist': K,
          },
          send: (msg) => self.postMessage(msg),
          setOutputSink,
        });
        self.postMessage(ready);
      },
      (e) => self.postMessage({ type: 'failed', message: e instanceof Error ? e.message : String(e) } satisfies FailedMessage),
    );
    return;
  }
  const msg = data as Message<unknown>;
  pendingData.then(() => kernel?.handle(msg));
});

/** Data still being unpacked: messages after it wait for it. */
let pendingData: Promise<void> = Promise.resolve();

self.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  kernel?.reportUncaught(event.reason);
});
self.addEventListener('error', (event) => {
  event.preventDefault();
  kernel?.reportUncaught(event.error ?? event.message);
});
