// npm run bench's section for the live pages: each chapter's Run all in Chromium, served and
// from disk, next to the same cells in Node's wasm (scripts/live/bench.mjs says how, and why CPU time too). Needs a
// built site with its live runtime: site/ (npm start), or LIVE_BENCH_SITE.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DIAGNOSIS_FLAGS, benchLive } from '../live/bench.mjs';

export default async function liveSection({ root, liveRuns = 1, sections = [] }) {
  const site = process.env.LIVE_BENCH_SITE ?? join(root, 'site');
  const title = "Live pages: each chapter's Run all in Chromium (wasm, served by npm run serve and from disk) and the same cells in Node (wasm, the same kernel, as the site's build runs them)";
  const columns = [
    { key: 'served', label: 'Chromium, served' },
    { key: 'disk', label: 'Chromium, from disk' },
    { key: 'node', label: 'Node' },
    { key: 'nodeInline', label: 'Node, kernels drawn inline' },
    { key: 'ratio', label: 'served / Node: wall, CPU' },
    { key: 'diskRatio', label: 'from disk / Node (/ Node inline)' },
    { key: 'lab', label: 'served / JupyterLab\'s Run All on wasm (tslab)' },
    { key: 'noInlining', label: `from disk with ${DIAGNOSIS_FLAGS.join(' ')} (diagnosis)` },
    { key: 'noInliningRatio', label: 'that / Node inline' },
  ];
  if (!existsSync(join(site, 'assets/live'))) {
    return { title, note: `(not run: ${site} has no live pages; npm start builds them)`, columns, rows: [] };
  }
  const chapters = await benchLive(site, { runs: liveRuns });
  // The chapters' Run All in tslab on wasm, from this run's chapter section (when it ran).
  const labWasm = Object.fromEntries((sections.find((s) => s.title.startsWith("Each chapter's Run All"))?.rows ?? [])
    .filter((r) => r.cells.wasm).map((r) => [r.name, r.cells.wasm.median]));
  const t = (x) => {
    const all = x.all ?? [x.seconds];
    const spread = all.length > 1 ? `, runs ${[...all].sort((a, b) => a - b).map((s) => s.toFixed(1)).join(', ')}` : '';
    return { median: x.seconds, min: Math.min(...all), runs: all.length, text: `${x.seconds.toFixed(1)} s (CPU ${x.cpuSeconds.toFixed(1)} s${spread})` };
  };
  const x = (a, b) => `${(a / b).toFixed(2)}x`;
  const rows = Object.entries(chapters).map(([name, c]) => ({
    name,
    cells: {
      served: t(c.served),
      disk: t(c.disk),
      node: t(c.node),
      nodeInline: t(c.nodeInline),
      ratio: { text: `${x(c.served.seconds, c.node.seconds)}, ${x(c.served.cpuSeconds, c.node.cpuSeconds)}` },
      diskRatio: { text: `${x(c.disk.seconds, c.node.seconds)} (${x(c.disk.seconds, c.nodeInline.seconds)})` },
      ...(labWasm[name] ? { lab: { text: x(c.served.seconds, labWasm[name]) } } : {}),
      noInlining: t(c.noInlining),
      noInliningRatio: { text: x(c.noInlining.seconds, c.nodeInline.seconds) },
    },
  }));
  return {
    title,
    note: `${liveRuns > 1 ? `Served and Node: the median of ${liveRuns} runs, taken in turn (the ratios are of the medians); the other columns: one run` : 'One run each'}, in turn per chapter; CPU time counts every thread (the kernel-drawing threads, Chromium\'s processes). `
      + 'Served, a page is cross-origin isolated and its kernel draws the weights ahead on a second thread, as Node\'s does; from disk it cannot share memory with one, and draws them inline, so its fair match is Node\'s inline column. '
      + 'The JupyterLab ratio holds the served run against the chapter section\'s wasm column (tslab, which type-checks every cell). '
      + `The diagnosis column is Chromium from disk with ${DIAGNOSIS_FLAGS.join(' ')}: V8's inlining of WebAssembly calls, which Node 20's V8 does not do, slows tfjs's large wasm matrix products; the column shows how much of a chapter's time that is (scripts/live/bench.mjs).`,
    columns,
    rows,
  };
}
