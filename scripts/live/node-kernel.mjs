// Runs a notebook's code cells through the course's own kernel (src/live/kernel/, the live
// pages' kernel: tslab's cell semantics, Jupyter's messages) in Node, one cell after another,
// as Run All does.
//
//   node scripts/live/node-kernel.mjs NOTEBOOK.ipynb
//       Runs every cell, throws the outputs away, and prints { seconds, cpuSeconds, cells,
//       errors } as JSON: what a live page computes, without the page. The benchmark
//       (scripts/live/bench.mjs) holds a page's Run all in Chromium against this.
//   node scripts/live/node-kernel.mjs NOTEBOOK.ipynb EXECUTED.ipynb
//       Writes the executed notebook, its outputs as nbclient records them (one output per
//       stream message, a display replaced by its updates, the execution counts), and prints one
//       line: the time and the slowest cells. A failing cell stops the run: exit status 1, with
//       the notebook's name, the cell's number, its source and the error. The site is built so
//       (scripts/build-site.mjs), in a second of the time tslab takes: tslab type-checks every
//       cell with the TypeScript compiler, this kernel only strips the types (the JupyterLab
//       test runs every chapter in tslab, and compares its outputs with these).
//
// Needs dist/ (npm run build). TFJS_BACKEND picks the backend (wasm when unset).
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The string fields that nbformat stores as lists of lines (its split_lines). */
function splitLines(text) {
  const lines = text.split('\n');
  return lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l)).filter((l) => l !== '');
}

function splitOutput(output) {
  const o = { ...output };
  if (typeof o.text === 'string') o.text = splitLines(o.text);
  if (o.data) {
    o.data = Object.fromEntries(Object.entries(o.data).map(([mime, value]) =>
      [mime, typeof value === 'string' && !mime.endsWith('json') ? splitLines(value) : value]));
  }
  return o;
}

/** JSON with sorted keys and one-space indents, as nbformat writes a notebook. */
function sortedJson(value) {
  const sort = (v) => (Array.isArray(v) ? v.map(sort)
    : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])])) : v);
  return `${JSON.stringify(sort(value), null, 1)}\n`;
}

/**
 * Runs notebook `file`'s code cells in order through the kernel, on TFJS_BACKEND (wasm when
 * unset). With `outputs`, records each cell's outputs and stops at the first failing cell.
 * Returns { seconds, cpuSeconds, cells, errors, timings: [{ cell, seconds, cpu }], notebook,
 * failed: { cell, source, text } | null, tensorflow }; `cell` counts every cell from 1, as
 * Jupyter shows; tensorflow says whether the run loaded tfjs-node's TensorFlow (a pass large
 * enough for it, or TFJS_BACKEND=node).
 */
export async function runNotebook(file, { outputs = false } = {}) {
  process.env.TFJS_BACKEND ||= 'wasm';
  const { platform } = require('../../dist/platform/index.js');
  const { Kernel } = require('../../dist/live/kernel/kernel.js');
  const { message } = require('../../dist/live/kernel/messages.js');
  const tf = require('@tensorflow/tfjs');
  const K = require('../../dist/index.js');
  // The library's rich outputs go to the kernel (platform/node.ts sends them to tslab's).
  let sink = null;
  let displays = 0;
  Object.assign(platform.frontend, {
    inKernel: () => sink !== null,
    display: (data, metadata) => sink.display(data, metadata ?? {}),
    newDisplay: () => {
      const id = `course-${process.pid}-${++displays}`;
      let first = true;
      return { show: (data) => { sink.update(id, data, first); first = false; } };
    },
  });
  const nb = JSON.parse(readFileSync(file, 'utf8'));
  const errors = [];
  /** The outputs of the running cell; where each display id's outputs are, in every cell. */
  let current = null;
  const byDisplay = new Map();
  const record = (m) => {
    const type = m.header.msg_type;
    const c = m.content;
    if (type === 'error') errors.push(`${c.ename}: ${c.evalue}`);
    if (!outputs || current === null) return;
    const id = c.transient?.display_id;
    if (type === 'update_display_data') {
      for (const o of byDisplay.get(id) ?? []) Object.assign(o, { data: c.data, metadata: c.metadata });
      return;
    }
    let o;
    if (type === 'stream') o = { output_type: 'stream', name: c.name, text: c.text };
    else if (type === 'display_data') o = { output_type: 'display_data', data: c.data, metadata: c.metadata };
    else if (type === 'execute_result') o = { output_type: 'execute_result', data: c.data, metadata: c.metadata, execution_count: c.execution_count };
    else if (type === 'error') o = { output_type: 'error', ename: c.ename, evalue: c.evalue, traceback: c.traceback };
    else return;
    current.push(o);
    if (id !== undefined) byDisplay.set(id, [...(byDisplay.get(id) ?? []), o]);
  };
  let reply = null;
  const kernel = new Kernel({
    modules: { '@tensorflow/tfjs': tf, '../dist/index': K, '../dist/index.js': K, '../dist': K },
    send: (m) => (m.header.msg_type === 'execute_reply' ? (reply = m.content) : record(m)),
    setOutputSink: (s) => (sink = s),
  });
  const timings = [];
  let failed = null;
  const started = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  try {
    for (const [index, cell] of nb.cells.entries()) {
      if (cell.cell_type !== 'code') continue;
      const code = [].concat(cell.source).join('');
      const cellOutputs = [];
      current = cellOutputs;
      const t0 = process.hrtime.bigint();
      const c0 = process.cpuUsage();
      await kernel.handle(message('shell', 'execute_request', { code }));
      const { user, system } = process.cpuUsage(c0);
      timings.push({ cell: index + 1, seconds: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (user + system) / 1e6 });
      if (outputs) {
        cell.outputs = cellOutputs;
        cell.execution_count = reply.execution_count;
        if (reply.status !== 'ok') {
          const text = cellOutputs.map((o) => (o.output_type === 'error' ? o.traceback.join('\n') : o.output_type === 'stream' && o.name === 'stderr' ? o.text : ''))
            .filter(Boolean).join('\n');
          failed = { cell: index + 1, source: code, text };
          break;
        }
      }
    }
  } finally {
    current = null;
    kernel.release();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // Every thread of the process: the kernel's, and the one that draws kernels ahead.
  const { user, system } = process.cpuUsage(cpu0);
  if (outputs) {
    for (const cell of nb.cells) {
      if (cell.cell_type === 'code') cell.outputs = (cell.outputs ?? []).map(splitOutput);
    }
  }
  const tensorflow = !!tf.engine().registry.tensorflow;
  return { seconds, cpuSeconds: (user + system) / 1e6, cells: timings.length, errors, timings, notebook: nb, failed, tensorflow };
}

/** The build log's line for a run: its time, and its slowest cells. */
export function timingLine(name, { timings }) {
  const total = timings.reduce((s, t) => s + t.seconds, 0);
  const cpu = timings.reduce((s, t) => s + t.cpu, 0);
  const slowest = [...timings].sort((a, b) => b.seconds - a.seconds).slice(0, 3);
  return `${name}: ${total.toFixed(1)} s in ${timings.length} cells (${cpu.toFixed(1)} s of the kernel's CPU); slowest: `
    + slowest.map((t) => `cell ${t.cell} ${t.seconds.toFixed(1)} s`).join(', ');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, executed] = process.argv.slice(2);
  if (!executed) {
    const { seconds, cpuSeconds, cells, errors, tensorflow } = await runNotebook(file);
    process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds, cells, errors, tensorflow })}\n`);
    process.exit(0);
  }
  const result = await runNotebook(file, { outputs: true });
  const name = basename(file);
  if (result.failed) {
    const { cell, source, text } = result.failed;
    process.stderr.write(`\n${name}: cell ${cell} failed:\n\n${source}\n\n--- error ---\n${text || '(the kernel gave no error text)'}\n`);
    process.exit(1);
  }
  writeFileSync(executed, sortedJson(result.notebook));
  process.stdout.write(`${timingLine(name, result)}\n`);
  // Timers a cell left behind (none should be) do not keep the build waiting.
  process.exit(0);
}
