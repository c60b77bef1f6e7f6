// npm run bench's section for the live pages: each chapter's Run all in Chromium, next to the
// same cells in Node's wasm (scripts/live/bench.mjs says how, and why CPU time too). Needs a
// built site with its live runtime: site/ (npm start), or LIVE_BENCH_SITE.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DIAGNOSIS_FLAGS, benchLive } from '../live/bench.mjs';

export default async function liveSection({ root, sections = [] }) {
  const site = process.env.LIVE_BENCH_SITE ?? join(root, 'site');
  const title = "Live pages: each chapter's Run all in Chromium (wasm, from disk) and the same cells in Node (wasm, the same kernel, as the site's build runs them)";
  const columns = [
    { key: 'chromium', label: 'Chromium' },
    { key: 'node', label: 'Node' },
    { key: 'nodeInline', label: 'Node, kernels drawn inline' },
    { key: 'ratio', label: 'Chromium / Node: wall, CPU' },
    { key: 'lab', label: 'Chromium / JupyterLab\'s Run All on wasm (tslab)' },
    { key: 'noInlining', label: `Chromium with ${DIAGNOSIS_FLAGS.join(' ')} (diagnosis)` },
    { key: 'noInliningRatio', label: 'that / Node' },
  ];
  if (!existsSync(join(site, 'assets/live'))) {
    return { title, note: `(not run: ${site} has no live pages; npm start builds them)`, columns, rows: [] };
  }
  const chapters = await benchLive(site);
  // The chapters' Run All in tslab on wasm, from this run's chapter section (when it ran).
  const labWasm = Object.fromEntries((sections.find((s) => s.title.startsWith("Each chapter's Run All"))?.rows ?? [])
    .filter((r) => r.cells.wasm).map((r) => [r.name, r.cells.wasm.median]));
  const t = (x) => ({ median: x.seconds, min: x.seconds, runs: 1, text: `${x.seconds.toFixed(1)} s (CPU ${x.cpuSeconds.toFixed(1)} s)` });
  const rows = Object.entries(chapters).map(([name, c]) => ({
    name,
    cells: {
      chromium: t(c.chromium),
      node: t(c.node),
      nodeInline: t(c.nodeInline),
      ratio: { text: `${(c.chromium.seconds / c.node.seconds).toFixed(2)}x, ${(c.chromium.cpuSeconds / c.node.cpuSeconds).toFixed(2)}x` },
      ...(labWasm[name] ? { lab: { text: `${(c.chromium.seconds / labWasm[name]).toFixed(2)}x` } } : {}),
      noInlining: t(c.noInlining),
      noInliningRatio: { text: `${(c.noInlining.seconds / c.node.seconds).toFixed(2)}x` },
    },
  }));
  return {
    title,
    note: 'One run each, in turn per chapter; CPU time counts every thread (Node\'s kernel-drawing thread, Chromium\'s processes). '
      + 'The JupyterLab ratio holds Chromium against the chapter section\'s wasm column (tslab, which type-checks every cell). '
      + `The diagnosis column is Chromium with ${DIAGNOSIS_FLAGS.join(' ')}: V8's inlining of WebAssembly calls, which Node 20's V8 does not do, slows tfjs's large wasm matrix products; the column shows how much of a chapter's time that is (scripts/live/bench.mjs).`,
    columns,
    rows,
  };
}
