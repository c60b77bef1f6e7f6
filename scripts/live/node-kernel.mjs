// Runs a notebook's code cells through the live pages' kernel (src/live/kernel/) in Node,
// as a page's Run all runs them, with the outputs thrown away: what a live page computes,
// without the page. The benchmark (scripts/live/bench.mjs) holds a page's Run all in
// Chromium against this, on the same backend (wasm).
//
//   node scripts/live/node-kernel.mjs NOTEBOOK.ipynb      prints { seconds, cpuSeconds, cells, errors } as JSON
//
// Needs dist/ (npm run build). TFJS_BACKEND picks the backend (wasm when unset).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export async function runNotebook(file) {
  process.env.TFJS_BACKEND ||= 'wasm';
  const { platform } = require('../../dist/platform/index.js');
  const { Kernel } = require('../../dist/live/kernel/kernel.js');
  const { message } = require('../../dist/live/kernel/messages.js');
  const tf = require('@tensorflow/tfjs');
  const K = require('../../dist/index.js');
  // The kernel's outputs go nowhere; the library makes them as it does on a page.
  let sink = null;
  Object.assign(platform.frontend, {
    inKernel: () => sink !== null,
    display: (data, metadata) => sink.display(data, metadata ?? {}),
    newDisplay: () => {
      const id = `display-${Math.random()}`;
      let first = true;
      return { show: (data) => { sink.update(id, data, first); first = false; } };
    },
    needsPlotly: false,
  });
  const errors = [];
  const kernel = new Kernel({
    modules: { '@tensorflow/tfjs': tf, '../dist/index': K },
    send: (m) => m.header.msg_type === 'error' && errors.push(`${m.content.ename}: ${m.content.evalue}`),
    setOutputSink: (s) => (sink = s),
  });
  const nb = JSON.parse(readFileSync(file, 'utf8'));
  const cells = nb.cells.filter((c) => c.cell_type === 'code').map((c) => [].concat(c.source).join(''));
  const started = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (const code of cells) await kernel.handle(message('shell', 'execute_request', { code }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // Every thread of the process: the kernel's, and the one that draws kernels ahead.
  const { user, system } = process.cpuUsage(cpu0);
  kernel.release();
  return { seconds, cpuSeconds: (user + system) / 1e6, cells: cells.length, errors };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runNotebook(process.argv[2]);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
