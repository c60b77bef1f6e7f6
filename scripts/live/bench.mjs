// The live pages' benchmark, which scripts/bench.mjs runs after its notebook build: every
// chapter's Run all in headless Chromium (from disk, wasm, the network cut off), next to
// the same cells run by the same kernel in Node on wasm (scripts/live/node-kernel.mjs), in
// turn, chapter by chapter, so that a slow spell of the machine falls on both alike.
//
//   node scripts/live/bench.mjs [SITE]      (SITE: a built site, default site/)
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { CHROMIUM_ARGS } from '../../test/chromium.mjs';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../..', import.meta.url));
const MINUTE = 60_000;

/** Seconds from Run all to the last cell's end, in a fresh page; throws if a cell failed. */
async function chromiumRunAll(browser, site, html) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const siteRoot = `${pathToFileURL(site).href}/`;
  await page.route('**/*', (route) => {
    const url = route.request().url();
    return url.startsWith(siteRoot) || url.startsWith('blob:') ? route.continue() : route.abort();
  });
  try {
    await page.goto(`${siteRoot}${html}`, { waitUntil: 'load' });
    await page.click('.live-switch');
    await page.waitForFunction(() => document.querySelector('.live-bar')?.dataset.kernel === 'idle', null, { timeout: 5 * MINUTE });
    const started = Date.now();
    await page.click('text=Run all');
    await page.waitForFunction(
      () => document.querySelector('.live-bar')?.dataset.kernel === 'idle'
        && ![...document.querySelectorAll('.live-cell')].some((c) => ['queued', 'running'].includes(c.dataset.state)),
      null, { timeout: 30 * MINUTE, polling: 100 },
    );
    const seconds = (Date.now() - started) / 1000;
    const failed = await page.$$eval('.live-cell', (cs) => cs.filter((c) => c.dataset.state !== 'ok').length);
    if (failed) throw new Error(`${html}: ${failed} cell(s) did not end well in Chromium`);
    return seconds;
  } finally {
    await page.close();
  }
}

function nodeRunAll(file) {
  const r = spawnSync(process.execPath, [join(root, 'scripts/live/node-kernel.mjs'), file], { encoding: 'utf8', env: { ...process.env, TFJS_BACKEND: 'wasm' } });
  if (r.status !== 0) throw new Error(`node-kernel.mjs ${file} failed:\n${r.stderr}`);
  const result = JSON.parse(r.stdout.trim().split('\n').at(-1));
  if (result.errors.length) throw new Error(`${file}: ${result.errors.join('; ')}`);
  return result.seconds;
}

/**
 * { 'NN-name.ipynb': { chromium, node, ratio } } for every chapter of the built site `site`
 * (seconds; ratio = chromium / node).
 */
export async function benchLive(site, log = console.log) {
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const chapters = {};
  try {
    for (const file of readdirSync(join(site, 'notebooks')).filter((f) => /^\d\d-.+\.ipynb$/.test(f)).sort()) {
      const node = nodeRunAll(join(site, 'notebooks', file));
      const web = await chromiumRunAll(browser, site, file.replace(/\.ipynb$/, '.html'));
      chapters[file] = { chromium: web, node, ratio: web / node };
      log(`  ${file.padEnd(82)} ${web.toFixed(1).padStart(8)} s in Chromium, ${node.toFixed(1)} s in Node (${(web / node).toFixed(2)}x)`);
    }
  } finally {
    await browser.close();
  }
  return chapters;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const site = process.argv[2] ?? join(root, 'site');
  console.log(`Run all of every chapter's live page, in Chromium and in Node (wasm, the same kernel), ${site}:`);
  await benchLive(site);
}
