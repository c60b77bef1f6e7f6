// npm run bench's section for the live pages: each chapter's Run all in Chromium, next to the
// same cells in Node's wasm (scripts/live/bench.mjs says how, and why CPU time too). Needs a
// built site with its live runtime: site/ (npm start), or LIVE_BENCH_SITE.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchLive } from '../live/bench.mjs';

export default async function liveSection({ root }) {
  const site = process.env.LIVE_BENCH_SITE ?? join(root, 'site');
  const title = "Live pages: each chapter's Run all in Chromium (wasm, from disk) and the same cells in Node (wasm, the same kernel)";
  const columns = [
    { key: 'chromium', label: 'Chromium' },
    { key: 'node', label: 'Node' },
    { key: 'nodeInline', label: 'Node, kernels drawn inline' },
    { key: 'ratio', label: 'Chromium / Node: wall, CPU' },
  ];
  if (!existsSync(join(site, 'assets/live'))) {
    return { title, note: `(not run: ${site} has no live pages; npm start builds them)`, columns, rows: [] };
  }
  const chapters = await benchLive(site);
  const t = (x) => ({ median: x.seconds, min: x.seconds, runs: 1, text: `${x.seconds.toFixed(1)} s (CPU ${x.cpuSeconds.toFixed(1)} s)` });
  const rows = Object.entries(chapters).map(([name, c]) => ({
    name,
    cells: {
      chromium: t(c.chromium),
      node: t(c.node),
      nodeInline: t(c.nodeInline),
      ratio: { text: `${(c.chromium.seconds / c.node.seconds).toFixed(2)}x, ${(c.chromium.cpuSeconds / c.node.cpuSeconds).toFixed(2)}x` },
    },
  }));
  return { title, note: 'One run each, in turn per chapter; CPU time counts every thread (Node\'s kernel-drawing thread, Chromium\'s processes).', columns, rows };
}
