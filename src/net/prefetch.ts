/**
 * Kernels drawn ahead of time on the machine's second core.
 *
 * A deep network's kernels come from one seeded generator each (sampleInit with the
 * layer's seed), and drawing them is serial JavaScript: for 50 layers of 512 x 512 it is
 * about a quarter of a forward pass. TensorFlow.js's wasm backend multiplies on one
 * thread, so the other core is idle. A KernelSource hands the kernels out in order
 * while a worker thread draws the next few into shared memory: the caller multiplies
 * layer l while layer l + 1 is drawn. The values are the ones sampleInit gives, bit for
 * bit (the worker runs the same code with the same seeds), so nothing printed changes.
 *
 * The caller blocks (Atomics.wait) only when it gets ahead of the worker, so the API
 * stays synchronous. Where worker threads or SharedArrayBuffer are missing (a live page
 * opened from disk, src/platform/), or with INIT_COURSE_PREFETCH=0 in the environment, the
 * kernels are drawn inline instead.
 */
import { transpose } from '../core/linalg';
import { Seed } from '../core/random';
import { InitSpec, checkSampleInit, sampleInit } from '../init/initspec';
import { platform } from '../platform';
import type { KernelThread } from '../platform';

export interface KernelJob {
  spec: InitSpec;
  rows: number;
  cols: number;
  seed: Seed;
  /** Also hand out the transpose, cols x rows. */
  transposed?: boolean;
}

/**
 * A kernel handed out by a KernelSource. From the worker, these are views into shared
 * memory that the worker reuses: valid until the next call of next() or close(). Make the
 * tensor (or a copy) before then.
 */
export interface Kernel {
  /** rows x cols, row-major. */
  kernel: Float32Array;
  /** cols x rows, row-major (when the job asks for it). */
  transposed?: Float32Array;
}

export interface KernelSource {
  /** The next kernel, in the order of the jobs (valid until the next call); throws after the last one. */
  next(): Kernel;
  /** Stops the worker's part of the job early (safe to call twice, or after the last kernel). */
  close(): void;
  /** 'worker' when a second thread draws the kernels, 'inline' otherwise. */
  readonly mode: 'worker' | 'inline';
}

/** Environment variable that turns the worker off (INIT_COURSE_PREFETCH=0), e.g. to compare. */
export const PREFETCH_ENV = 'INIT_COURSE_PREFETCH';

/** Slots in the shared buffer, each for one kernel and its transpose: the one the caller
 * holds and up to SLOTS - 1 drawn ahead. */
const SLOTS = 3;
/** Below this many values in all, starting the job costs more than it saves. */
const MIN_VALUES = 1 << 18;
/** How long the caller waits for one kernel before it gives up on the worker. */
const WAIT_MS = 120_000;
const MESSAGE_BYTES = 4096;

// Control words, Int32 indices into the shared buffer.
const PRODUCED = 0;
const CONSUMED = 1;
const STATUS = 2;
const MESSAGE_LENGTH = 3;
const CONTROL_WORDS = 4;
export const STATUS_RUNNING = 0;
export const STATUS_FAILED = 1;
export const STATUS_CLOSED = 2;

/** The message a worker gets: the jobs and the buffer to fill. Internal. */
export interface WorkerRequest {
  jobs: KernelJob[];
  buffer: SharedArrayBuffer;
  slotFloats: number;
}

/** Byte offsets of the parts of the shared buffer. Internal, used by the worker too. */
export function layout(slotFloats: number) {
  const message = CONTROL_WORDS * 4;
  const slots = message + MESSAGE_BYTES;
  return { message, slots, bytes: slots + SLOTS * slotFloats * 4 };
}

export const CONTROL = { PRODUCED, CONSUMED, STATUS, MESSAGE_LENGTH, SLOTS, MESSAGE_BYTES };

function inlineSource(jobs: KernelJob[]): KernelSource {
  let next = 0;
  return {
    mode: 'inline',
    next() {
      if (next >= jobs.length) throw new Error(`kernelSource: all ${jobs.length} kernels were already taken`);
      const { spec, rows, cols, seed, transposed } = jobs[next++];
      const kernel = sampleInit(spec, [rows, cols], seed);
      return transposed ? { kernel, transposed: transpose(kernel, rows, cols) } : { kernel };
    },
    close() {},
  };
}

// One worker for the whole process, started on first use and never keeping it alive.
let worker: KernelThread | null = null;
let workerBroken = false;
/** The job the worker is on. One at a time: a new job closes the one before. */
let activeClose: (() => void) | null = null;

function getWorker(): KernelThread | null {
  if (worker !== null || workerBroken) return worker;
  // A worker that dies is not restarted: later jobs are drawn inline, and a job that was
  // waiting on it reports the failure (see next()).
  worker = platform.startKernelThread(() => ((workerBroken = true), (worker = null)));
  if (worker === null) workerBroken = true;
  return worker;
}

function prefetchWanted(): boolean {
  const v = platform.env(PREFETCH_ENV);
  if (v === undefined || v === '' || v === '1') return true;
  if (v === '0') return false;
  throw new Error(`${PREFETCH_ENV} must be 0 (draw kernels inline) or 1 (draw them ahead on a worker thread), got ${JSON.stringify(v)}`);
}

/**
 * The kernels of `jobs`, in order: sampleInit(spec, [rows, cols], seed) for each, and its
 * transpose for the jobs that ask. Drawn ahead on a worker thread when that pays. Every
 * job is checked here first, so a bad spec throws sampleInit's error before anything runs.
 */
export function kernelSource(jobs: KernelJob[]): KernelSource {
  // Checked here, inline too: a caller may be inside tf.grads, where an error thrown
  // half-way leaves TensorFlow.js's gradient tape behind.
  jobs.forEach(({ spec, rows, cols, seed }) => checkSampleInit(spec, [rows, cols], seed));
  const total = jobs.reduce((s, j) => s + j.rows * j.cols, 0);
  if (!prefetchWanted() || typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined' || total < MIN_VALUES || jobs.length < 2) {
    return inlineSource(jobs);
  }
  const w = getWorker();
  if (w === null) return inlineSource(jobs);

  const slotFloats = Math.max(...jobs.map((j) => j.rows * j.cols * (j.transposed ? 2 : 1)));
  const { message, slots, bytes } = layout(slotFloats);
  const buffer = new SharedArrayBuffer(bytes);
  const control = new Int32Array(buffer, 0, CONTROL_WORDS);
  const request: WorkerRequest = { jobs, buffer, slotFloats };
  // A source left unclosed (a caller that stopped reading) would hold the worker until it
  // gave up waiting; a synchronous caller cannot be reading two, so the old one ends here.
  activeClose?.();
  w.postMessage(request);

  let next = 0;
  const failure = (): Error => {
    const n = Atomics.load(control, MESSAGE_LENGTH);
    const text = new TextDecoder().decode(new Uint8Array(buffer, message, MESSAGE_BYTES).slice(0, n));
    return new Error(text || 'the kernel worker failed');
  };
  const close = () => {
    Atomics.compareExchange(control, STATUS, STATUS_RUNNING, STATUS_CLOSED);
    Atomics.notify(control, CONSUMED);
    if (activeClose === close) activeClose = null;
  };
  activeClose = close;
  return {
    mode: 'worker',
    next() {
      if (next >= jobs.length) throw new Error(`kernelSource: all ${jobs.length} kernels were already taken`);
      // The kernel handed out last time is released now: its slot may be drawn into.
      Atomics.store(control, CONSUMED, next);
      Atomics.notify(control, CONSUMED);
      const started = Date.now();
      for (;;) {
        const produced = Atomics.load(control, PRODUCED);
        if (produced > next) break;
        const status = Atomics.load(control, STATUS);
        if (status === STATUS_FAILED) throw failure();
        if (status === STATUS_CLOSED) throw new Error('kernelSource: this source was closed (or replaced by a newer one) before all its kernels were taken');
        if (Date.now() - started > WAIT_MS) {
          close();
          throw new Error(`the kernel worker drew no kernel for ${WAIT_MS / 1000} s; set ${PREFETCH_ENV}=0 to draw kernels inline`);
        }
        Atomics.wait(control, PRODUCED, produced, 1000);
      }
      const { rows, cols, transposed } = jobs[next];
      const n = rows * cols;
      const at = slots + (next % SLOTS) * slotFloats * 4;
      // Views, not copies: a fresh 1 MB array costs more (page faults) than drawing into it.
      const kernel = new Float32Array(buffer, at, n);
      next++;
      return transposed ? { kernel, transposed: new Float32Array(buffer, at + n * 4, n) } : { kernel };
    },
    close,
  };
}
