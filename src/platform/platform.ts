/**
 * Where the course library meets the platform it runs on. The library runs in two places:
 * in Node (tslab's kernel in JupyterLab, the site build, the tests) and in a browser (the
 * live pages' kernel, a Web Worker). Three things differ here, each behind one small
 * interface below, with one implementation per platform (node.ts and browser.ts); the
 * fourth, the TensorFlow.js backends, is src/backend/ (backends.ts for Node, browser.ts for a
 * browser, with the same exports). The rest of src/ is the same code on both. Modules import `platform` from './index', which is Node's; the
 * browser bundle (scripts/live/build.mjs) resolves './index' to './browser' instead.
 */

/** One output in several formats, keyed by MIME type ('text/html', 'text/plain', ...). */
export type MimeBundle = Record<string, string>;

/** An output that is shown once and then replaced in place (Jupyter's update_display_data). */
export interface UpdatableDisplay {
  /** Shows `data`, replacing what this display showed before. */
  show(data: MimeBundle): void;
}

/** The notebook front end that shows a cell's rich outputs. */
export interface Frontend {
  /** True inside a kernel that is running a cell (outside one there is nowhere to show output). */
  inKernel(): boolean;
  /** Shows a display_data output. */
  display(data: MimeBundle, metadata?: Record<string, unknown>): void;
  /** A display that can be replaced in place, for live charts and progress bars. */
  newDisplay(): UpdatableDisplay;
  /**
   * Whether a chapter's first cell must put plotly.js on the page (JupyterLab's pages have
   * none), or finds it there (the site's pages, live or not, load it).
   */
  readonly needsPlotly: boolean;
}

/** A second thread that runs net/kernel-worker's drawKernels on every message posted to it. */
export interface KernelThread {
  postMessage(message: unknown): void;
}

/** The data sets the course ships. */
export interface DataFiles {
  /** A data set of data/ (data/NAME.json), parsed. */
  dataset(name: string): unknown;
  /** The `mnist` package's images of digit d, 784 pixel values in [0, 1] each, one after another. */
  mnistDigit(d: number): Float32Array;
}

export interface Platform {
  readonly name: 'node' | 'browser';
  /** An environment variable (Node), or undefined where there are none. */
  env(name: string): string | undefined;
  readonly frontend: Frontend;
  /**
   * Starts the thread that draws kernels ahead (net/prefetch.ts), or returns null where
   * there is none (its callers then draw inline: the same values, bit for bit). `onExit`
   * is called if the thread dies.
   */
  startKernelThread(onExit: () => void): KernelThread | null;
  readonly data: DataFiles;
  /** The text of a file of an npm package (plotly.js for JupyterLab's pages). */
  packageFile(id: string): string;
}
