// Builds the live runtime of the site's pages into OUT/assets/live/ (scripts/build-site.mjs
// calls it after the pages are written):
//
//   switch.js            the "Run this page" switch, the only file a chapter page loads itself
//   live.css, page.js    the live page: editors, outputs, the bar (src/live/page/)
//   kernel.js            the kernel's Web Worker: TensorFlow.js, the wasm backend, the course
//                        library built for the browser (src/platform/browser.ts and
//                        src/backend/browser.ts in place of Node's), the cell transform (src/live/kernel/),
//                        and the bundle of the thread it starts to draw kernels ahead on a
//                        cross-origin isolated page (src/live/kernel/thread.ts)
//   wasm-simd.js         tfjs-backend-wasm-simd.wasm, base64
//   webgpu.js            the WebGPU backend, loaded only when a reader picks it
//   data/circles.js      data/circles.json
//   data/mnist.js        the MNIST images of the `mnist` package, loaded when a cell needs them
//   notebooks/NN-name.js each chapter's cells (the sources the editors start from)
//
// Every file is a script that puts its content on `window.courseLive`: a page opened from
// disk may load scripts next to it, but not fetch them (src/live/page/global.ts).
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { isProseCell } from '../notebook.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC = join(root, 'src');
export const LIVE_DIR = 'assets/live';

/**
 * Where Node and a browser differ, the library's modules import Node's module ('../platform',
 * '../backend/backends'); the browser bundles take the browser's (src/platform/browser.ts,
 * src/backend/browser.ts), which export the same names.
 */
const BROWSER_MODULES = { platform: 'platform/browser.ts', 'backend/backends': 'backend/browser.ts' };
const browserPlatform = {
  name: 'browser-platform',
  setup(build) {
    build.onResolve({ filter: /(^|\/)(platform|backend\/backends)$/ }, (args) => {
      const target = join(args.resolveDir, args.path);
      for (const [from, to] of Object.entries(BROWSER_MODULES)) if (target === join(SRC, from)) return { path: join(SRC, to) };
      return undefined;
    });
  },
};

/** The webgpu backend's bundle uses the kernel's TensorFlow.js (self.tf), not a copy. */
const kernelTf = {
  name: 'kernel-tf',
  setup(build) {
    build.onResolve({ filter: /^@tensorflow\/tfjs-core$/ }, () => ({ path: 'tfjs-core', namespace: 'kernel-tf' }));
    build.onLoad({ filter: /.*/, namespace: 'kernel-tf' }, () => ({ contents: 'module.exports = self.tf;', loader: 'js' }));
  },
};

const COMMON = {
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
  define: { 'process.env.NODE_ENV': '"production"' },
  // tslab's zeromq, which notebook/kernel-sends.ts patches where it finds it (in a try): in a
  // browser the require throws and the patch is skipped.
  external: ['zeromq'],
};

async function bundle(options) {
  const result = await esbuild.build({ ...COMMON, ...options });
  return result.outputFiles[0].text;
}

const registry = '(self.courseLive = self.courseLive || { data: {}, notebooks: {} })';
/** A script that puts `value` (JavaScript source) at courseLive.PATH. */
const assign = (path, value) => `${registry}${path} = ${value};\n`;
/** A bundle as a function, whose source the page hands to a worker (no escaping, nothing to parse twice on the page). */
const asFunction = (code) => `function () {\n${code}\n}`;

/** MNIST packed for the site: the 256 distinct pixel values, and one index per pixel, gzipped. */
export function packMnist() {
  const dir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const digits = Array.from({ length: 10 }, (_, d) => Float32Array.from(JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')).data));
  const values = new Set();
  for (const d of digits) for (const v of d) values.add(v);
  if (values.size > 256) throw new Error(`the MNIST pixels take ${values.size} values, more than a byte indexes`);
  const palette = Float32Array.from([...values].sort((a, b) => a - b));
  const index = new Map([...palette].map((v, i) => [v, i]));
  const total = digits.reduce((s, d) => s + d.length, 0);
  const pixels = new Uint8Array(total);
  let at = 0;
  for (const d of digits) for (const v of d) pixels[at++] = index.get(v);
  return {
    // Float32 values printed by JavaScript read back as the same float32 (Float32Array.from).
    palette: [...palette],
    counts: digits.map((d) => d.length / 784),
    gzip: gzipSync(pixels, { level: 9 }),
  };
}

/** The cells of an executed notebook, as the live page needs them. */
function notebookCells(file, nb) {
  return {
    file,
    cells: nb.cells.map((c) => ({
      type: c.cell_type,
      source: [].concat(c.source ?? '').join(''),
      // A prose cell (a K.md paragraph, its code hidden) stays prose on the live page.
      hidden: isProseCell(c) || Boolean(c.metadata?.jupyter?.source_hidden),
    })),
  };
}

const folderSize = (dir) => readdirSync(dir, { withFileTypes: true })
  .reduce((sum, e) => sum + (e.isDirectory() ? folderSize(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);

/**
 * Writes OUT/assets/live/ for the chapters given ({ file, nb } each, nb the executed
 * notebook). Returns the sizes in bytes: `firstLoad` (what turning live mode on loads, MNIST
 * aside) and `total` (the folder).
 */
export async function buildLive(out, chapters) {
  const dir = join(out, LIVE_DIR);
  mkdirSync(join(dir, 'data'), { recursive: true });
  mkdirSync(join(dir, 'notebooks'), { recursive: true });
  const write = (name, text) => writeFileSync(join(dir, name), text);

  // The kernel carries its second thread's bundle as a string, to start it from a Blob URL.
  const thread = await bundle({ entryPoints: [join(SRC, 'live/kernel/thread.ts')], plugins: [browserPlatform] });
  const [kernel, page, webgpu] = await Promise.all([
    bundle({ entryPoints: [join(SRC, 'live/kernel/worker.ts')], plugins: [browserPlatform], define: { ...COMMON.define, KERNEL_THREAD_SOURCE: JSON.stringify(thread) } }),
    bundle({ entryPoints: [join(SRC, 'live/page/main.ts')], plugins: [browserPlatform] }),
    bundle({ stdin: { contents: "import '@tensorflow/tfjs-backend-webgpu';", resolveDir: root }, plugins: [kernelTf] }),
  ]);
  write('kernel.js', assign('.kernel', asFunction(kernel)));
  write('webgpu.js', assign('.webgpu', asFunction(webgpu)));
  write('page.js', page);
  write('live.css', readFileSync(join(SRC, 'live/page/live.css'), 'utf8'));
  const wasm = readFileSync(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist/tfjs-backend-wasm-simd.wasm'));
  write('wasm-simd.js', assign('.wasmSimd', JSON.stringify(wasm.toString('base64'))));
  write('data/circles.js', assign('.data.circles', JSON.stringify(JSON.parse(readFileSync(join(root, 'data/circles.json'), 'utf8')))));
  const mnist = packMnist();
  write('data/mnist.js', assign('.data.mnist', JSON.stringify({ ...mnist, gzip: mnist.gzip.toString('base64') })));
  for (const { file, nb } of chapters) {
    const name = file.replace(/\.ipynb$/, '');
    write(`notebooks/${name}.js`, assign(`.notebooks[${JSON.stringify(name)}]`, JSON.stringify(notebookCells(file, nb)).replace(/<\/script/gi, '<\\/script')));
  }

  const size = (f) => statSync(join(dir, f)).size;
  const notebooks = chapters.map(({ file }) => size(`notebooks/${file.replace(/\.ipynb$/, '')}.js`));
  const firstLoad = ['page.js', 'kernel.js', 'wasm-simd.js', 'live.css', 'data/circles.js'].reduce((s, f) => s + size(f), 0) + Math.max(0, ...notebooks);
  write('switch.js', await bundle({
    entryPoints: [join(SRC, 'live/page/switch.ts')],
    define: { ...COMMON.define, LIVE_SIZE_MB: JSON.stringify((firstLoad / 1e6).toFixed(1)) },
  }));
  return { firstLoad, mnist: size('data/mnist.js'), total: folderSize(dir) };
}

/** The script tag a chapter page carries. */
export const SWITCH_TAG = `<script src="${LIVE_DIR}/switch.js" defer></script>`;

if (import.meta.url === `file://${process.argv[1]}`) {
  // node scripts/live/build.mjs [SITE]: rebuilds the runtime of a built site (default site/).
  const out = process.argv[2] ?? join(root, 'site');
  const nbDir = join(out, 'notebooks');
  if (!existsSync(nbDir)) throw new Error(`${nbDir} is missing: build the site first (npm start)`);
  const chapters = readdirSync(nbDir).filter((f) => /^\d\d-.+\.ipynb$/.test(f)).sort()
    .map((file) => ({ file, nb: JSON.parse(readFileSync(join(nbDir, file), 'utf8')) }));
  const sizes = await buildLive(out, chapters);
  console.log(`live runtime: ${(sizes.firstLoad / 1e6).toFixed(2)} MB on first switch-on, MNIST ${(sizes.mnist / 1e6).toFixed(2)} MB when needed, ${(sizes.total / 1e6).toFixed(2)} MB in all`);
}
