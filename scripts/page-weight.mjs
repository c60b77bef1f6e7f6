// What a reader's browser loads to show each page of a built site the first time: the page and
// every file it pulls in (styles, scripts, fonts), opened from disk in headless Chromium with the
// network cut off, after every chart has drawn. Files are counted once each, at their size on disk.
//
//   node scripts/page-weight.mjs [SITE] [BASELINE]
//
// SITE defaults to site/. With BASELINE (another built site, say one of main), each page's
// weight is set beside the baseline's and the growth in percent. Needs playwright-core
// (npm install) and Debian's chromium.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { CHROMIUM_ARGS } from '../test/chromium.mjs';

const require = createRequire(import.meta.url);

/** The pages of a site: index.html first, then the others in name order. */
export function sitePages(dir) {
  const pages = readdirSync(dir).filter((f) => f.endsWith('.html')).sort();
  return [...pages.filter((p) => p === 'index.html'), ...pages.filter((p) => p !== 'index.html')];
}

/** { page: { bytes, files: { relative path: bytes } } } for every page of `dir`, in one browser. */
export async function pageWeights(dir, pages = sitePages(dir), browser = null) {
  const { chromium } = require('playwright-core');
  const own = !browser;
  browser ??= await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const base = pathToFileURL(resolve(dir)).href + '/';
  const weights = {};
  try {
    for (const html of pages) {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      page.setDefaultTimeout(120000); // a loaded machine takes more than the default 30 s to draw a chapter
      const files = {};
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (!url.startsWith(base)) return route.abort();
        const path = decodeURIComponent(url.slice(base.length).split(/[?#]/)[0]);
        const file = join(dir, path);
        if (existsSync(file)) files[path] = statSync(file).size;
        return route.continue();
      });
      await page.goto(base + html, { waitUntil: 'load' });
      await page.waitForFunction(() => [...document.querySelectorAll('.course-plot')].every((e) => e.querySelector('.main-svg')), null, { timeout: 120000 });
      await page.evaluate(() => document.fonts.ready);
      weights[html] = { bytes: Object.values(files).reduce((a, b) => a + b, 0), files };
      await page.close();
    }
  } finally {
    if (own) await browser.close();
  }
  return weights;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = join(fileURLToPath(import.meta.url), '../..');
  const [site = join(root, 'site'), baseline] = process.argv.slice(2);
  const now = await pageWeights(site);
  const before = baseline ? await pageWeights(baseline, Object.keys(now).filter((p) => existsSync(join(baseline, p)))) : {};
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  for (const [html, { bytes }] of Object.entries(now)) {
    const b = before[html]?.bytes;
    console.log(`${html.padEnd(40)} ${kb(bytes).padStart(11)}${b ? `  (was ${kb(b)}, ${(100 * (bytes / b - 1)).toFixed(1)}%)` : ''}`);
  }
}
