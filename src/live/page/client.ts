/**
 * The page's side of the kernel: starts the worker (from a Blob URL of its source, which
 * works from disk and over HTTP alike), sends execute requests and hands each one's
 * messages to whoever asked. Interrupt and Restart end the worker; a new one starts with
 * nothing defined.
 */
import type { ExecuteReply, ExecuteRequest, Message } from '../kernel/messages';
import { message } from '../kernel/messages';
import type { FailedMessage, InitMessage, ReadyMessage } from '../kernel/worker';

export interface KernelAssets {
  /** The kernel bundle's source (assets/live/kernel.js). */
  kernelSource: string;
  /** tfjs-backend-wasm-simd.wasm. */
  wasmSimd: ArrayBuffer;
  /** The webgpu backend's bundle, loaded when asked for. */
  webgpuSource?: () => Promise<string>;
  datasets: Record<string, unknown>;
  /** MNIST, once the page has loaded it. */
  mnist: InitMessage['mnist'];
}

/** Why an execution ended without a reply. */
export class KernelStopped extends Error {
  constructor(readonly reason: 'interrupted' | 'restarted' | 'died', detail = '') {
    super(detail || `the kernel was ${reason}`);
  }
}

interface Pending {
  resolve(reply: ExecuteReply): void;
  reject(e: Error): void;
}

export class KernelClient {
  private worker: Worker | null = null;
  private url: string | null = null;
  private pending = new Map<string, Pending>();
  /** Each request's output handler, kept after its reply: a cell's timers may still print. */
  private listeners = new Map<string, (msg: Message<unknown>) => void>();
  private readonly session = `page-${Date.now().toString(36)}`;
  /** Called when the worker dies on its own (out of memory, say). */
  onDied: (detail: string) => void = () => {};

  constructor(private readonly assets: KernelAssets) {}

  /** Starts a fresh kernel with `backend`, ending any running one. */
  async start(backend: string): Promise<ReadyMessage> {
    this.stop('restarted');
    if (!this.url) {
      // The bundle is a function's source (see scripts/live/build.mjs): the worker calls it.
      this.url = URL.createObjectURL(new Blob([`(${this.assets.kernelSource})();`], { type: 'text/javascript' }));
    }
    const worker = new Worker(this.url, { name: 'course-kernel' });
    this.worker = worker;
    const init: InitMessage = {
      type: 'init',
      backend,
      wasmSimd: this.assets.wasmSimd.slice(0),
      webgpu: backend === 'webgpu' && this.assets.webgpuSource ? await this.assets.webgpuSource() : undefined,
      datasets: this.assets.datasets,
      mnist: this.assets.mnist ? { ...this.assets.mnist, gzip: this.assets.mnist.gzip.slice(0) } : null,
    };
    return new Promise((resolve, reject) => {
      worker.onmessage = (event: MessageEvent) => {
        const data = event.data as ReadyMessage | FailedMessage | Message<unknown>;
        if ('type' in data && data.type === 'ready') resolve(data);
        else if ('type' in data && data.type === 'failed') reject(new Error(data.message));
        else this.route(data as Message<unknown>);
      };
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        const detail = event.message || 'the kernel stopped';
        if (this.worker === worker) {
          this.stop('died', detail);
          this.onDied(detail);
        }
        reject(new Error(detail));
      };
      worker.postMessage(init, [init.wasmSimd, ...(init.mnist ? [init.mnist.gzip] : [])]);
    });
  }

  /** Gives a running kernel the MNIST images (and every kernel started later). */
  addMnist(mnist: NonNullable<InitMessage['mnist']>): void {
    this.assets.mnist = mnist;
    this.worker?.postMessage({ type: 'data', mnist: { ...mnist, gzip: mnist.gzip.slice(0) } });
  }

  /** Runs `code`; `onMessage` gets its iopub messages; resolves to its execute_reply. */
  execute(code: string, onMessage: (msg: Message<unknown>) => void): Promise<ExecuteReply> {
    if (!this.worker) return Promise.reject(new KernelStopped('restarted', 'no kernel is running'));
    const request = message<ExecuteRequest>('shell', 'execute_request', {
      code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false,
    }, undefined, this.session);
    return new Promise((resolve, reject) => {
      this.pending.set(request.header.msg_id, { resolve, reject });
      this.listeners.set(request.header.msg_id, onMessage);
      this.worker!.postMessage(request);
    });
  }

  /** Ends the worker: every execution still waiting is rejected with `reason`. */
  stop(reason: KernelStopped['reason'], detail = ''): void {
    this.worker?.terminate();
    this.worker = null;
    this.listeners.clear();
    for (const p of this.pending.values()) p.reject(new KernelStopped(reason, detail));
    this.pending.clear();
  }

  private route(msg: Message<unknown>): void {
    const id = msg.parent_header.msg_id;
    if (id === undefined) return;
    if (msg.channel === 'shell' && msg.header.msg_type === 'execute_reply') {
      this.pending.get(id)?.resolve(msg.content as ExecuteReply);
      this.pending.delete(id);
    } else {
      this.listeners.get(id)?.(msg);
    }
  }
}
