// Executes every notebook, builds the HTML tutorials into test-output/site, and opens
// each page in headless Chromium with the network cut off, as a reader offline would.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { chapterFiles } from '../scripts/build-site.mjs';
import { builtSite } from './built-site.mjs';
import { authorText, isProseCell, typedNumbers } from '../scripts/notebook.mjs';
import { CHROMIUM_ARGS } from './chromium.mjs';
import { sitePages, siteFeatureTests } from './site-features.mjs';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'test-output/site');
const shots = join(root, 'test-output/screenshots');

let site;
let browser;
before(async () => {
  // The site shared with test/live.test.mjs (test/built-site.mjs): executed again only when
  // what execution reads has changed, rendered again when the scripts have; COURSE_SITE_REUSE=1
  // renders the pages from the notebooks executed by the last run whatever changed.
  site = await builtSite();
  mkdirSync(shots, { recursive: true });
  const { chromium } = require('playwright-core');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, { timeout: 30 * 60 * 1000 });
after(() => browser?.close());

test('every chapter was executed and is on the site', () => {
  assert.deepEqual(site.chapters.map((c) => c.file), chapterFiles());
});

for (const file of chapterFiles()) {
  test(`${file}: no cell wrote an error or to stderr`, () => {
    const nb = JSON.parse(readFileSync(join(out, 'notebooks', file), 'utf8'));
    nb.cells.forEach((cell, i) => {
      for (const o of cell.outputs ?? []) {
        const what = `cell ${i + 1}: ${o.output_type} ${[].concat(o.text ?? o.evalue ?? '').join('').slice(0, 300)}`;
        assert.notEqual(o.output_type, 'error', what);
        assert.ok(!(o.output_type === 'stream' && o.name === 'stderr'), what);
      }
    });
  });
}

for (const file of chapterFiles()) {
  test(`${file}: the site's numbers come from wasm, and its first output says so`, () => {
    const nb = JSON.parse(readFileSync(join(out, 'notebooks', file), 'utf8'));
    const first = nb.cells.flatMap((c) => c.outputs ?? []).find((o) => o.output_type === 'stream');
    assert.match([].concat(first?.text ?? '').join(''), /^TensorFlow\.js [\d.]+, backend: wasm\n/);
  });
}

// Numbers the prose quotes from elsewhere, not computed by the chapter: a library's version,
// values a paper or an issue printed, which the chapter sets beside its own.
const QUOTED = {
  '03-xavier-derivation.ipynb': ['4.22'], // TensorFlow.js 4.22, whose glorotNormal the chapter measures
  '06-edge-of-chaos.ipynb': ['1.5976', '0.088834', '0.782648', '0.7877'], // pytorch#24991's tanh gain; Klambauer et al.'s Jacobian and its norm
  '08-width-and-mup.ipynb': ['0.9', '0.999'], // Adam's default beta_1 and beta_2 (Kingma & Ba)
};

for (const file of chapterFiles()) {
  test(`${file}: every number in the prose is computed by this run`, () => {
    const nb = JSON.parse(readFileSync(join(out, 'notebooks', file), 'utf8'));
    // Every chapter states its results in prose cells, which quote computed numbers; what is
    // left in its markdown may name settings and quoted sources, never a result (typedNumbers).
    assert.ok(nb.cells.some(isProseCell), `${file} has no prose cell: its results must be stated by K.md cells`);
    const typed = typedNumbers(nb, QUOTED[file] ?? []).map(({ cell, number, why }) => `cell ${cell}: ${number} (${why})`);
    assert.deepEqual(typed, [], 'numbers in the prose that this run did not compute (stale, or typed by hand)');
  });
}

async function openPage(html) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.setDefaultTimeout(120000); // a shared machine can be slow
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(pathToFileURL(out).href)) return route.continue();
    problems.push(`request outside the site: ${url}`);
    return route.abort();
  });
  await page.goto(pathToFileURL(join(out, html)).href, { waitUntil: 'load' });
  return { page, problems };
}

// The page tests go two pages at a time: Chromium draws each page on one core.
describe('every chapter page, two at a time', { concurrency: 2 }, () => {
  for (const file of chapterFiles()) {
    const html = file.replace(/\.ipynb$/, '.html');
    test(`${html}: every plot rendered, math typeset, no errors, nothing fetched from outside`, async () => {
      const { page, problems } = await openPage(html);
      const plots = await page.locator('.course-plot').count();
      assert.ok(plots > 0, 'the chapter has plots');
      await page.waitForFunction((n) => document.querySelectorAll('.course-plot .main-svg').length >= n, plots, { timeout: 60000 });
      const unrendered = await page.$$eval('.course-plot', (els) => els.filter((e) => !e.querySelector('svg.main-svg')).map((e) => e.id));
      assert.deepEqual(unrendered, [], 'plots without an SVG');
      const rawMath = await page.$$eval('section.md', (els) => els.map((e) => e.innerText).filter((t) => /\$[^$\s][^$]*\$|\\\(/.test(t)));
      assert.deepEqual(rawMath, [], 'math left untypeset');
      // What a reader sees carries no text meant for the chapter's authors.
      assert.equal(authorText(await page.evaluate(() => document.body.innerText)), null, 'text meant for authors on the page');
      await page.screenshot({ path: join(shots, html.replace(/\.html$/, '.png')), fullPage: true });
      assert.deepEqual(problems, []);
      await page.close();
    });
  }
});

const MB = 1024 * 1024;
const folderSize = (dir) => readdirSync(dir, { withFileTypes: true })
  .reduce((sum, e) => sum + (e.isDirectory() ? folderSize(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);

// The site: pages and assets, the executed notebooks (each carries plotly.js for JupyterLab, 1.5 MB),
// the source notebooks and the search index (loaded only when a reader searches); the live
// runtime (assets/live/) apart, which loads only when a reader turns a page's live mode on.
// A page's math is rendered at build time, so that it reads from disk without a script: KaTeX's
// markup is about 2 kB per formula, 40% of chapter 6 (504 formulas, 1.01 MB in all after its
// teaching pass), hence 1.25 MB a page.
const PAGE_BUDGET = 1.25 * MB;
test('size budgets: a chapter page at most 1.25 MB without the shared assets, the site at most 8 MB plus 2.5 MB a chapter, and its live runtime at most 8 MB more', () => {
  for (const file of chapterFiles()) {
    const html = file.replace(/\.ipynb$/, '.html');
    const size = statSync(join(out, html)).size;
    assert.ok(size <= PAGE_BUDGET, `${html} is ${(size / MB).toFixed(2)} MB`);
  }
  const live = folderSize(join(out, 'assets/live'));
  const total = folderSize(out) - live;
  // Each chapter adds its page and its executed notebook, which carries plotly.js (1.5 MB) so
  // that it opens in JupyterLab with its charts: about 2.5 MB a chapter, on 8 MB of the rest.
  const budget = 8 * MB + 2.5 * MB * chapterFiles().length;
  assert.ok(total <= budget, `the site is ${(total / MB).toFixed(1)} MB without its live runtime, over ${(budget / MB).toFixed(1)} MB for ${chapterFiles().length} chapters`);
  assert.ok(live <= 8 * MB, `the live runtime is ${(live / MB).toFixed(1)} MB`);
});

// Every page: the index, the chapters, the references and the JupyterLab how-to (listed from the
// built site's folder, read before the build only for the test names).
const PAGES = ['index.html', ...chapterFiles().map((f) => f.replace(/\.ipynb$/, '.html')), 'references.html', 'jupyterlab.html'];
test('the site has exactly the pages these tests open', () => {
  assert.deepEqual(sitePages(out).sort(), [...PAGES].sort());
});

describe('every page on a phone, two at a time', { concurrency: 2 }, () => {
  for (const html of PAGES) {
    test(`${html} fits a phone's width: nothing but code and wide outputs scrolls sideways`, async () => {
      const page = await browser.newPage({ viewport: { width: 390, height: 800 }, deviceScaleFactor: 1 });
      page.setDefaultTimeout(120000); // a shared machine can be slow (30 s timed out loading a chapter)
      await page.goto(pathToFileURL(join(out, html)).href, { waitUntil: 'load' });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      // What sticks out: elements past the right edge that no sideways scroller holds (charts' SVG aside).
      const culprits = overflow <= 0 ? [] : await page.evaluate(() => {
        const scrolled = (e) => {
          for (let a = e; a; a = a.parentElement) if (['auto', 'scroll'].includes(getComputedStyle(a).overflowX)) return true;
          return false;
        };
        return [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('svg') && !scrolled(e))
          .slice(0, 3).map((e) => `<${e.tagName.toLowerCase()}> ${(e.textContent ?? '').trim().slice(0, 60)}`);
      });
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen: ${culprits.join('; ')}`);
      // Plotly never wraps a title; plotHtml does, so every chart's title stays inside its chart.
      await page.waitForFunction(() => [...document.querySelectorAll('.course-plot')].every((e) => e.querySelector('.main-svg')));
      const cut = await page.$$eval('.course-plot', (els) => els.flatMap((e) => {
        const t = e.querySelector('.gtitle');
        if (!t) return [];
        const r = t.getBoundingClientRect();
        const box = e.getBoundingClientRect();
        return r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 ? [`"${t.textContent.slice(0, 60)}" (${Math.round(r.width)} px in ${Math.round(box.width)})`] : [];
      }));
      assert.deepEqual(cut, [], 'chart titles cut off at the edge of their chart');
      await page.screenshot({ path: join(shots, `phone-${html.replace(/\.html$/, '.png')}`) });
      await page.close();
    });
  }
});

test('index.html lists every chapter in order, with working links', async () => {
  const { page, problems } = await openPage('index.html');
  const links = await page.$$eval('ol.toc > li > a', (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(links, chapterFiles().map((f) => f.replace(/\.ipynb$/, '.html')));
  // The summaries are rendered markdown: no link, emphasis or code syntax is left as text.
  const summaries = await page.$$eval('ol.toc > li > p', (ps) => ps.map((p) => p.innerText));
  assert.equal(summaries.length, links.length, 'one summary per chapter');
  for (const s of summaries) assert.doesNotMatch(s, /\]\(|\*\*|`|\$/, `raw markdown in a summary: ${s.slice(0, 80)}`);
  const inner = await page.$$eval('ol.toc > li > p a', (as) => as.map((a) => a.getAttribute('href')));
  for (const href of inner) assert.ok(existsSync(join(out, href)), `a summary links to ${href}, which is not on the site`);
  await page.screenshot({ path: join(shots, 'index.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

siteFeatureTests({ out, shots, browser: () => browser });
