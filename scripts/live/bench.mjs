// The live pages' benchmark (a section of `npm run bench`, scripts/bench/live.mjs): every
// chapter's Run all in headless Chromium (wasm, the network cut off), served as `npm run serve`
// serves it and opened from disk, next to the same cells run by the same kernel in Node on wasm
// (scripts/live/node-kernel.mjs), in turn, chapter by chapter, so that a slow spell of the
// machine falls on all alike. Served, the page is cross-origin isolated and its kernel draws
// kernels ahead on a second thread, as Node's does; from disk it draws them inline.
//
// Wall-clock time is what the budget names (Chromium at most 1.5 times Node), but on a
// shared machine it is noisy, and Node's kernel has a second thread (net/prefetch.ts draws
// kernels ahead) that a loaded machine may or may not give it. So each run also reports its
// CPU time: Node's process (every thread), and Chromium's processes (browser, GPU process and
// the page's renderer, whose Web Worker runs the cells). Node runs twice: as the course runs
// (kernels drawn ahead) and with INIT_COURSE_PREFETCH=0 (inline, as the page draws them).
//
// Chromium runs once more with one flag of its JavaScript engine, V8, for diagnosis:
// --no-wasm-inlining. Chromium's V8 inlines WebAssembly calls where Node 20's does not, and on
// tfjs's wasm binary that slows its large matrix products: in the page's worker, 10 products
// of 1024 x 512 by 512 x 512 took 1.4 times Node's time, and Node's time with the flag
// (Chromium 156 on the reference machine). A reader's browser has no such flag; the column
// shows how much of a chapter's gap that compiler choice is.
//
// Chromium served and Node, the pair the budget compares, run --live-runs times (in turn), and
// their medians count; the other three run once.
//
//   node scripts/live/bench.mjs [SITE] [--only NN] [--runs N]      (SITE: a built site, default site/)
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { CHROMIUM_ARGS } from '../../test/chromium.mjs';
import { serve } from '../serve.mjs';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../..', import.meta.url));
const MINUTE = 60_000;
const TICKS = 100; // USER_HZ, the unit of /proc/PID/stat's times on Linux

/** CPU seconds (user + system) of every process descended from this one (Chromium's, here). */
function descendantsCpuSeconds() {
  const parent = new Map();
  const ticks = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name is in brackets and may hold spaces: the fields start after its ')'.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(pid), Number(f[1]));
      ticks.set(Number(pid), Number(f[11]) + Number(f[12]));
    } catch {
      // The process ended while we read.
    }
  }
  let total = 0;
  for (const [pid, t] of ticks) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === process.pid) {
        total += t;
        break;
      }
    }
  }
  return total / TICKS;
}

/**
 * { seconds, cpuSeconds } from Run all to the last cell's end, in a fresh page opened from
 * `siteRoot` (the site's folder as a file: URL, or the address it is served at); throws if a
 * cell failed, or if the kernel's second thread is not where it should be.
 */
async function chromiumRunAll(browser, siteRoot, html) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  // A chapter page draws its charts as it loads: on a busy machine, longer than Playwright's 30 s.
  page.setDefaultTimeout(5 * MINUTE);
  await page.route('**/*', (route) => {
    const url = route.request().url();
    return url.startsWith(siteRoot) || url.startsWith('blob:') ? route.continue() : route.abort();
  });
  try {
    await page.goto(`${siteRoot}${html}`, { waitUntil: 'load' });
    await page.click('.live-switch');
    await page.waitForFunction(() => document.querySelector('.live-bar')?.dataset.kernel === 'idle', null, { timeout: 5 * MINUTE });
    const status = await page.locator('.live-status').innerText();
    const served = siteRoot.startsWith('http');
    if (served !== /a second thread draws the weights ahead/.test(status)) throw new Error(`${html} ${served ? 'served' : 'from disk'}: ${status}`);
    const cpu0 = descendantsCpuSeconds();
    const started = Date.now();
    await page.click('text=Run all');
    await page.waitForFunction(
      () => document.querySelector('.live-bar')?.dataset.kernel === 'idle'
        && ![...document.querySelectorAll('.live-cell')].some((c) => ['queued', 'running'].includes(c.dataset.state)),
      null, { timeout: 30 * MINUTE, polling: 100 },
    );
    const seconds = (Date.now() - started) / 1000;
    const cpuSeconds = descendantsCpuSeconds() - cpu0;
    const failed = await page.$$eval('.live-cell', (cs) => cs.filter((c) => c.dataset.state !== 'ok').length);
    if (failed) throw new Error(`${html}: ${failed} cell(s) did not end well in Chromium`);
    return { seconds, cpuSeconds };
  } finally {
    await page.close();
  }
}

/** { seconds, cpuSeconds } of the cells in Node's wasm, through the same kernel. */
function nodeRunAll(file, env = {}) {
  const r = spawnSync(process.execPath, [join(root, 'scripts/live/node-kernel.mjs'), file], { encoding: 'utf8', env: { ...process.env, TFJS_BACKEND: 'wasm', ...env } });
  if (r.status !== 0) throw new Error(`node-kernel.mjs ${file} failed:\n${r.stderr}`);
  const result = JSON.parse(r.stdout.trim().split('\n').at(-1));
  if (result.errors.length) throw new Error(`${file}: ${result.errors.join('; ')}`);
  return { seconds: result.seconds, cpuSeconds: result.cpuSeconds };
}

/** The run of median seconds (its CPU seconds with it), with every run's seconds: the one in the middle, or the later of two. */
function medianRun(list) {
  const sorted = [...list].sort((a, b) => a.seconds - b.seconds);
  return { ...sorted[Math.floor(sorted.length / 2)], all: list.map((t) => t.seconds) };
}

export const DIAGNOSIS_FLAGS = ['--js-flags=--no-wasm-inlining'];

/**
 * { 'NN-name.ipynb': { served, disk, node, nodeInline, noInlining } } for every chapter of the
 * built site `site` (or those whose names start with one of `only`), each { seconds,
 * cpuSeconds }: Chromium's Run all served (scripts/serve.mjs) and from disk, Node's (kernels
 * drawn ahead, as the course runs), Node's with INIT_COURSE_PREFETCH=0, Chromium's from disk
 * with DIAGNOSIS_FLAGS. The five run in turn, chapter by chapter; Node's and the served page's
 * `runs` times each (their medians, with every run's seconds in `all`), the others once.
 */
export async function benchLive(site, { only = [], runs = 1, log = console.log } = {}) {
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs (--runs, --live-runs) must be a whole number of at least 1, got ${runs}`);
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const diagnosis = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...DIAGNOSIS_FLAGS] });
  const server = await serve({ dir: site, port: 0 });
  const disk = `${pathToFileURL(site).href}/`;
  const chapters = {};
  const f = (t) => `${t.seconds.toFixed(1)} s (CPU ${t.cpuSeconds.toFixed(1)} s)`;
  try {
    const files = readdirSync(join(site, 'notebooks')).filter((f) => /^\d\d-.+\.ipynb$/.test(f)).sort();
    for (const file of files.filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))) {
      const html = file.replace(/\.ipynb$/, '.html');
      // The budget's pair, Node and Chromium served, `runs` times in turn; the medians count.
      const pairs = [];
      for (let r = 0; r < runs; r++) pairs.push([nodeRunAll(join(site, 'notebooks', file)), await chromiumRunAll(browser, server.url, html)]);
      const node = medianRun(pairs.map(([n]) => n));
      const served = medianRun(pairs.map(([, c]) => c));
      const nodeInline = nodeRunAll(join(site, 'notebooks', file), { INIT_COURSE_PREFETCH: '0' });
      const fromDisk = await chromiumRunAll(browser, disk, html);
      const noInlining = await chromiumRunAll(diagnosis, disk, html);
      chapters[file] = { served, disk: fromDisk, node, nodeInline, noInlining };
      log(`  ${file}: Chromium served ${f(served)}, from disk ${f(fromDisk)}; Node ${f(node)}, kernels drawn inline ${f(nodeInline)}; `
        + `served / Node ${(served.seconds / node.seconds).toFixed(2)}x (CPU ${(served.cpuSeconds / node.cpuSeconds).toFixed(2)}x), `
        + `from disk / Node ${(fromDisk.seconds / node.seconds).toFixed(2)}x, / Node inline ${(fromDisk.seconds / nodeInline.seconds).toFixed(2)}x; `
        + `from disk with ${DIAGNOSIS_FLAGS.join(' ')} ${f(noInlining)}`);
    }
  } finally {
    await browser.close();
    await diagnosis.close();
    await server.close();
  }
  return chapters;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const only = [];
  for (let i = args.indexOf('--only'); i >= 0; i = args.indexOf('--only', i + 1)) only.push(args[i + 1]);
  const site = args.find((a, i) => !a.startsWith('--') && !['--only', '--runs'].includes(args[i - 1])) ?? join(root, 'site');
  const runs = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 1;
  console.log(`Run all of the live pages, in Chromium and in Node (wasm, the same kernel), ${site}:`);
  await benchLive(site, { only, runs });
}
