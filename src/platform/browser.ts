/**
 * The platform in a browser: the live page's kernel (src/live/kernel/, a Web Worker) shows
 * the outputs, kernels are drawn ahead on the kernel's own second thread where the page is
 * cross-origin isolated (served with COOP and COEP headers), inline where it is not (a page
 * opened from disk has no SharedArrayBuffer), and the data sets are the files the page
 * handed to the kernel.
 * The kernel configures this module before it runs a cell. The backends: src/backend/browser.ts.
 */
import { DataFiles, Frontend, MimeBundle, Platform } from './platform';

/** Where a running cell's outputs go: the kernel's current execution. */
export interface OutputSink {
  display(data: MimeBundle, metadata: Record<string, unknown>): void;
  /** Shows (first call) or replaces (later calls) the display `id`. */
  update(id: string, data: MimeBundle, first: boolean): void;
}

/** MNIST as the site ships it: every pixel an index into a palette of its 256 values. */
export interface PackedMnist {
  /** The distinct pixel values, as float32. */
  palette: Float32Array;
  /** Images per digit, in digit order. */
  counts: number[];
  /** Every digit's images, one after another, one palette index per pixel. */
  pixels: Uint8Array;
}

export interface BrowserSetup {
  /** data/NAME.json, parsed. */
  datasets: Record<string, unknown>;
  mnist: PackedMnist | null;
  /** The started thread that draws kernels (src/live/kernel/thread.ts), or null: inline. */
  kernelThread: Worker | null;
}

let sink: OutputSink | null = null;
let setup: BrowserSetup = { datasets: {}, mnist: null, kernelThread: null };
let displays = 0;

/** The kernel's hook: where outputs go from now on (null between cells that never ran). */
export function setOutputSink(s: OutputSink | null): void {
  sink = s;
}

/** The kernel's hook: the data. */
export function configurePlatform(s: BrowserSetup): void {
  setup = s;
}

function requireSink(): OutputSink {
  if (sink === null) throw new Error('Not ready: outputs are shown only while the page\'s kernel runs a cell');
  return sink;
}

const frontend: Frontend = {
  inKernel: () => sink !== null,
  display: (data, metadata = {}) => requireSink().display(data, metadata),
  newDisplay() {
    const id = `display-${++displays}`;
    let shown = false;
    return {
      show(data) {
        requireSink().update(id, data, !shown);
        shown = true;
      },
    };
  },
  // The site's pages load plotly.js themselves.
  needsPlotly: false,
};

const digits: Float32Array[] = [];

const data: DataFiles = {
  dataset(name) {
    if (!(name in setup.datasets)) throw new Error(`the data set ${JSON.stringify(name)} did not come with this page`);
    return setup.datasets[name];
  },
  mnistDigit(d) {
    const mnist = setup.mnist;
    if (mnist === null) throw new Error('the MNIST images did not come with this page');
    if (!digits[d]) {
      const start = mnist.counts.slice(0, d).reduce((a, b) => a + b, 0) * 784;
      const indices = mnist.pixels.subarray(start, start + mnist.counts[d] * 784);
      const out = new Float32Array(indices.length);
      for (let i = 0; i < indices.length; i++) out[i] = mnist.palette[indices[i]];
      digits[d] = out;
    }
    return digits[d];
  },
};

export const platform: Platform = {
  name: 'browser',
  env: () => undefined,
  frontend,
  startKernelThread(onExit) {
    const thread = setup.kernelThread;
    if (thread) thread.addEventListener('error', onExit);
    return thread;
  },
  data,
  packageFile(id) {
    throw new Error(`${id} cannot be read in the browser: the page loads what it needs itself`);
  },
};
