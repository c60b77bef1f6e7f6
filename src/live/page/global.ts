/**
 * What the live page's scripts share through `window.courseLive`. A page opened from disk
 * cannot fetch its own files, but it can load scripts: every file of the live runtime is a
 * script that puts its content here (scripts/live/build.mjs writes them).
 */

/** A chapter's cells, as the live page needs them (assets/live/notebooks/NN-name.js). */
export interface LiveNotebook {
  file: string;
  cells: { type: 'code' | 'markdown' | 'raw'; source: string; hidden: boolean }[];
}

/** MNIST as shipped: palette indices, gzip-compressed, base64. */
export interface ShippedMnist {
  palette: number[];
  counts: number[];
  gzip: string;
}

export interface LiveSwitchOptions {
  /** The folder of the live runtime (assets/live/), as a URL. */
  base: string;
  /** The bar the switch sits in. */
  bar: HTMLElement;
  button: HTMLButtonElement;
  notebook: LiveNotebook;
}

export interface LivePageHandle {
  /** Shows (true) or hides (false) the live page; hiding stops a running cell. */
  setOn(on: boolean): void;
}

export interface CourseLive {
  /** kernel.js: the kernel's bundle, as a function for a worker to call. */
  kernel?: () => void;
  /** wasm-simd.js: tfjs-backend-wasm-simd.wasm, base64. */
  wasmSimd?: string;
  /** webgpu.js: the webgpu backend's bundle. */
  webgpu?: () => void;
  data: { circles?: unknown; mnist?: ShippedMnist };
  notebooks: Record<string, LiveNotebook>;
  /** page.js: starts the live page. */
  start?: (options: LiveSwitchOptions) => LivePageHandle;
}

export function courseLive(): CourseLive {
  const w = window as unknown as { courseLive?: CourseLive };
  w.courseLive ??= { data: {}, notebooks: {} };
  return w.courseLive;
}

/** Loads a script of the runtime (resolves when it has run). */
export function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(s);
  });
}
