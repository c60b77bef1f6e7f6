/**
 * The loop behind kernelSource's second thread (prefetch.ts): draws each job's kernels in
 * order into the shared buffer's slots, at most SLOTS ahead of the caller. Node's thread runs
 * it from net/kernel-worker.ts, a live page's from src/live/kernel/thread.ts.
 */
import { transpose } from '../core/linalg';
import { sampleInit } from '../init/initspec';
import { CONTROL, STATUS_FAILED, STATUS_RUNNING, WorkerRequest, layout } from './prefetch';

const { PRODUCED, CONSUMED, STATUS, MESSAGE_LENGTH, SLOTS, MESSAGE_BYTES } = CONTROL;
/** A caller that takes no kernel for this long has gone away without closing: drop the job. */
const ABANDON_MS = 120_000;

/** Draws a request's kernels into its buffer; on an error, writes the message there. Exported for tests. */
export function drawKernels({ jobs, buffer, slotFloats }: WorkerRequest): void {
  const control = new Int32Array(buffer, 0, 4);
  const { message, slots } = layout(slotFloats);
  try {
    for (let l = 0; l < jobs.length; l++) {
      // Wait for a free slot: the caller has released kernel l - SLOTS (it does so when it
      // asks for the kernel after it).
      const started = Date.now();
      for (;;) {
        if (Atomics.load(control, STATUS) !== STATUS_RUNNING) return;
        const consumed = Atomics.load(control, CONSUMED);
        if (l - consumed < SLOTS) break;
        if (Date.now() - started > ABANDON_MS) return;
        Atomics.wait(control, CONSUMED, consumed, 1000);
      }
      const { spec, rows, cols, seed, transposed } = jobs[l];
      const n = rows * cols;
      const at = slots + (l % SLOTS) * slotFloats * 4;
      const kernel = sampleInit(spec, [rows, cols], seed, new Float32Array(buffer, at, n));
      if (transposed) transpose(kernel, rows, cols, new Float32Array(buffer, at + n * 4, n));
      Atomics.store(control, PRODUCED, l + 1);
      Atomics.notify(control, PRODUCED);
    }
  } catch (e) {
    const text = new TextEncoder().encode(e instanceof Error ? e.message : String(e)).slice(0, MESSAGE_BYTES);
    new Uint8Array(buffer, message, MESSAGE_BYTES).set(text);
    Atomics.store(control, MESSAGE_LENGTH, text.length);
    Atomics.compareExchange(control, STATUS, STATUS_RUNNING, STATUS_FAILED);
    Atomics.notify(control, PRODUCED);
  }
}
