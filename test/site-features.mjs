// The site's reader features, tested in headless Chromium from disk with the network cut off:
// search, the chapter outline, downloads, the references page, dark mode, keyboard use,
// print, and axe-core's accessibility checks on every page in both themes. site.test.mjs
// builds the site and calls siteFeatureTests with its browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { chapterFiles } from '../scripts/build-site.mjs';
import { VENV_PYTHON } from '../scripts/python-env.mjs';

const require = createRequire(import.meta.url);
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 800 };
const htmlOf = (file) => file.replace(/\.ipynb$/, '.html');

/** Every page of the built site: the index first, then the others. */
export const sitePages = (out) => {
  const pages = readdirSync(out).filter((f) => f.endsWith('.html')).sort();
  return ['index.html', ...pages.filter((p) => p !== 'index.html')];
};

export function siteFeatureTests(env) {
  const { out, shots } = env;
  const url = (html) => {
    const [file, hash] = html.split('#');
    return pathToFileURL(join(out, file)).href + (hash ? `#${hash}` : '');
  };
  // A shared machine can be slow: waits are long, failures still say what was waited for.
  const WAIT = 120000;
  async function newContext(options) {
    const ctx = await env.browser().newContext(options);
    ctx.setDefaultTimeout(WAIT);
    ctx.setDefaultNavigationTimeout(WAIT);
    return ctx;
  }

  /** A page in a fresh context, offline: anything outside the site is refused and reported. */
  async function open(html, { viewport = DESKTOP, colorScheme = 'light', context = null, charts = true } = {}) {
    const ctx = context ?? await newContext({ viewport, colorScheme, acceptDownloads: true });
    const page = await ctx.newPage();
    const problems = [];
    const requests = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
    await page.route('**/*', (route) => {
      const u = route.request().url();
      requests.push(u);
      if (u.startsWith(pathToFileURL(out).href)) return route.continue();
      problems.push(`request outside the site: ${u}`);
      return route.abort();
    });
    await page.goto(url(html), { waitUntil: 'load' });
    if (charts) await chartsDrawn(page);
    return { page, problems, requests, close: () => (context ? page.close() : ctx.close()) };
  }
  const chartsDrawn = (page) => page.waitForFunction(() => [...document.querySelectorAll('.course-plot')].every((e) => e.querySelector('.main-svg')), null, { timeout: WAIT });

  // --- Search ------------------------------------------------------------------------------

  async function searchFor(page, query) {
    await page.fill('#search-input', query);
    await page.waitForFunction((q) => {
      const panel = document.getElementById('search-results');
      return !panel.hidden && panel.querySelector('.count') && document.getElementById('search-input').value === q;
    }, query);
    return page.$$eval('#search-results li a', (as) => as.map((a) => ({
      href: a.getAttribute('href'),
      chapter: a.querySelector('.r-chapter')?.textContent ?? '',
      section: a.querySelector('.r-section')?.textContent ?? '',
      snippet: a.querySelector('.snippet')?.innerHTML ?? '',
    })));
  }

  // Queries and the chapter (by file) whose section the first result must be.
  const FINDS = [
    ['LSUV', '07-normalization-and-residuals'],
    ['He initialization', '04-he-for-relu'],
    ['edge of chaos', '06-edge-of-chaos'],
  ];

  test('search: "LSUV", "He initialization" and "edge of chaos" find their chapters, from disk, offline; nothing of search loads before it is used', async () => {
    const { page, problems, requests, close } = await open('index.html');
    assert.ok(!requests.some((u) => /search|minisearch/.test(u)), 'search files loaded before the reader searched');
    for (const [query, chapter] of FINDS) {
      const results = await searchFor(page, query);
      assert.ok(results.length > 0, `no result for ${query}`);
      const [first] = results;
      assert.ok(first.href.startsWith(`${chapter}.html#`), `"${query}": first result ${first.href}, expected ${chapter}`);
      assert.ok(first.chapter.length > 0, 'a result names its chapter');
      assert.match(first.snippet, /<mark>/, `"${query}": the snippet marks what matched: ${first.snippet}`);
      // The section it links to is on that page.
      const id = decodeURIComponent(first.href.split('#')[1]);
      const html = readFileSync(join(out, `${chapter}.html`), 'utf8');
      assert.ok(html.includes(`id="${id}"`), `${first.href}: no such section`);
    }
    await page.screenshot({ path: join(shots, 'search-desktop-light.png') });
    assert.deepEqual(problems, []);
    await close();
  });

  test('search: math (as TeX or as typed) and code are searchable as text; a result opens its section by keyboard', async () => {
    const { page, problems, close } = await open('index.html', { viewport: PHONE, colorScheme: 'dark' });
    for (const [query, chapter] of [['\\chi_1', '06-edge-of-chaos'], ['χ₁ per layer', '06-edge-of-chaos'], ['tfInitializer', '05-initializers-in-tfjs'], ['studentTQuantile', '08-width-and-mup']]) {
      const results = await searchFor(page, query);
      assert.ok(results.some((r) => r.href.startsWith(`${chapter}.html#`)), `"${query}" does not find ${chapter}: ${results.map((r) => r.href).slice(0, 5).join(', ')}`);
    }
    await searchFor(page, 'LSUV');
    await page.screenshot({ path: join(shots, 'search-phone-dark.png') });
    // "/" focuses the box; Down then Enter opens the first result.
    await page.click('main');
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search-input');
    await page.keyboard.press('ArrowDown');
    const target = await page.evaluate(() => document.activeElement.getAttribute('href'));
    assert.ok(target.startsWith(`${FINDS[0][1]}.html#`), `focused result ${target}`);
    await Promise.all([page.waitForURL(`**/${target}`), page.keyboard.press('Enter')]);
    await chartsDrawn(page);
    const top = await page.evaluate((id) => document.getElementById(id).getBoundingClientRect().top, decodeURIComponent(target.split('#')[1]));
    assert.ok(top >= -2 && top < 100, `the section is at the top of the window (${top} px)`);
    assert.deepEqual(problems, []);
    await close();
  });

  // --- Outline and anchors ---------------------------------------------------------------------

  const OUTLINED = htmlOf(chapterFiles().at(-1));

  test('outline: every section and every chapter is listed, and the current section follows scrolling', async () => {
    const { page, problems, close } = await open(OUTLINED);
    const listed = await page.$$eval('nav.outline ol.sections a', (as) => as.map((a) => a.getAttribute('href').slice(1)));
    const headings = await page.$$eval('article h2[id], article h3[id]', (hs) => hs.map((h) => h.id));
    assert.deepEqual(listed, headings, 'the outline lists the sections of the page, in order');
    const chapters = await page.$$eval('nav.outline .chapter-list > li > a', (as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(chapters, chapterFiles().map(htmlOf), 'the outline links every chapter');
    assert.ok(await page.locator('nav.outline').isVisible(), 'a side panel on a wide screen');
    const active = () => page.evaluate(() => document.querySelector('nav.outline a.active')?.getAttribute('href')?.slice(1) ?? null);
    for (const id of [headings[0], headings[Math.floor(headings.length / 2)], headings.at(-2)]) {
      await page.evaluate((h) => document.getElementById(h).scrollIntoView(), id);
      await page.waitForFunction((h) => document.querySelector('nav.outline a.active')?.getAttribute('href') === `#${h}`, id, { timeout: 5000 }).catch(() => {});
      assert.equal(await active(), id, `scrolled to ${id}`);
      const inPanel = await page.evaluate(() => {
        const a = document.querySelector('nav.outline a.active');
        const nav = document.querySelector('nav.outline').getBoundingClientRect();
        const r = a.getBoundingClientRect();
        return r.top >= nav.top && r.bottom <= nav.bottom;
      });
      assert.ok(inPanel, `the current section (${id}) is in view in the panel`);
    }
    await page.screenshot({ path: join(shots, 'outline-desktop-light.png') });
    assert.deepEqual(problems, []);
    await close();
  });

  test('anchors: a link to a section opens the page at it; on a phone the outline is a menu', async () => {
    const ids = [...readFileSync(join(out, OUTLINED), 'utf8').matchAll(/<h2 id="([^"]+)"/g)].map((m) => m[1]);
    const id = ids[Math.floor(ids.length / 2)];
    const { page, problems, close } = await open(`${OUTLINED}#${id}`, { viewport: PHONE });
    const top = await page.evaluate((h) => document.getElementById(h).getBoundingClientRect().top, id);
    assert.ok(top >= -2 && top < 60, `${id} is at the top (${top} px)`);
    assert.ok(!(await page.locator('nav.outline').isVisible()), 'on a phone the outline is closed');
    await page.click('header.site button.menu');
    assert.ok(await page.locator('nav.outline').isVisible(), 'the menu opens');
    assert.equal(await page.getAttribute('header.site button.menu', 'aria-expanded'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), `#${id}`, 'the menu opens at the current section');
    await page.screenshot({ path: join(shots, 'outline-phone-light.png') });
    const last = ids.at(-1);
    await page.click(`nav.outline a[href="#${last}"]`);
    await page.waitForFunction(() => !document.body.classList.contains('menu-open'));
    await page.waitForFunction((h) => Math.abs(document.getElementById(h).getBoundingClientRect().top) < 60, last);
    assert.ok(!(await page.locator('nav.outline').isVisible()), 'choosing a section closes the menu');
    // Escape closes it too, and gives the focus back to the button.
    await page.click('header.site button.menu');
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'menu');
    assert.deepEqual(problems, []);
    await close();
  });

  // --- Downloads ---------------------------------------------------------------------------------

  test('downloads: every chapter offers its source notebook (no outputs) and the executed one, both valid notebooks', async () => {
    const files = [];
    for (const file of chapterFiles()) {
      const html = readFileSync(join(out, htmlOf(file)), 'utf8');
      const links = [...html.matchAll(/<a href="([^"]+\.ipynb)" download="([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(links, [`source/${file}`, `notebooks/${file}`], `${file}: download links`);
      assert.match(html, /<a href="jupyterlab\.html">Open in JupyterLab<\/a>/);
      const source = JSON.parse(readFileSync(join(out, links[0]), 'utf8'));
      const executed = JSON.parse(readFileSync(join(out, links[1]), 'utf8'));
      assert.ok(source.cells.every((c) => !c.outputs?.length), `${file}: the source has no outputs`);
      assert.ok(executed.cells.some((c) => c.outputs?.length), `${file}: the executed copy has outputs`);
      const src = (nb) => nb.cells.map((c) => [].concat(c.source).join(''));
      assert.deepEqual(src(executed), src(source), `${file}: the same cells`);
      files.push(...links.map((l) => join(out, l)));
    }
    // nbformat (Jupyter's own validator, in .venv) checks them against the notebook schema.
    const r = spawnSync(VENV_PYTHON, ['-c', 'import sys, nbformat\nfor f in sys.argv[1:]: nbformat.validate(nbformat.read(f, as_version=4))\nprint(len(sys.argv) - 1)', ...files], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(Number(r.stdout.trim()), files.length);
    // A click downloads the file under the notebook's name. (Not from disk: Chromium ignores
    // `download` on a file:// page's links and shows the file, which Ctrl+S saves. So this runs
    // over HTTP, from a server on the loopback address that serves the site folder.)
    const server = createServer((req, res) => {
      const path = join(out, decodeURIComponent(new URL(req.url, 'http://x').pathname));
      if (!path.startsWith(out) || !existsSync(path)) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': path.endsWith('.html') ? 'text/html' : path.endsWith('.js') ? 'text/javascript' : path.endsWith('.css') ? 'text/css' : 'application/octet-stream' });
      res.end(readFileSync(path));
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const ctx = await newContext({ acceptDownloads: true });
    const page = await ctx.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/${htmlOf(chapterFiles()[0])}`, { waitUntil: 'domcontentloaded' });
    for (const [link, name] of [['source/', chapterFiles()[0]], ['notebooks/', chapterFiles()[0].replace(/\.ipynb$/, '.executed.ipynb')]]) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`.page-tools a[href^="${link}"]`)]);
      assert.equal(download.suggestedFilename(), name);
      const saved = JSON.parse(readFileSync(await download.path(), 'utf8'));
      assert.equal(saved.nbformat, 4);
    }
    await ctx.close();
    await new Promise((resolve) => server.close(resolve));
    const guide = readFileSync(join(out, 'jupyterlab.html'), 'utf8');
    assert.match(guide, /npm run lab/, 'Open in JupyterLab leads to the README\'s how-to');
  });

  // --- References ----------------------------------------------------------------------------

  test('references: every link back from the references page lands on a chapter that cites that source', async () => {
    const { page, problems, close } = await open('references.html');
    const entries = await page.$$eval('ol.reference-list > li', (lis) => lis.map((li) => ({
      sources: [...li.querySelectorAll(':scope > p a')].map((a) => a.href),
      back: [...li.querySelectorAll('.cited a')].map((a) => a.getAttribute('href')),
    })));
    assert.ok(entries.length > 0);
    for (const e of entries) assert.ok(e.sources.length && e.back.length, 'each source has its address and the chapters that cite it');
    // Each chapter, scripts off (its DOM is all that is read): the items the references page points at.
    const ctx = await newContext({ javaScriptEnabled: false });
    const cited = {};
    for (const file of chapterFiles()) {
      const p = await ctx.newPage();
      await p.route('**/*', (route) => (route.request().url().startsWith(pathToFileURL(out).href) ? route.continue() : route.abort()));
      await p.goto(url(htmlOf(file)), { waitUntil: 'domcontentloaded' });
      cited[htmlOf(file)] = await p.$$eval('li[id^="ref-"]', (lis) => Object.fromEntries(lis.map((li) => {
        // The item must sit in the chapter's References section: the last heading before it.
        const before = [...document.querySelectorAll('article h1, article h2, article h3')]
          .filter((h) => h.compareDocumentPosition(li) & Node.DOCUMENT_POSITION_FOLLOWING).at(-1);
        return [li.id, { links: [...li.querySelectorAll('a')].map((a) => a.href), inReferences: /^references/.test(before?.id ?? '') }];
      })));
      await p.close();
    }
    await ctx.close();
    for (const e of entries) {
      for (const href of e.back) {
        const [html, id] = href.split('#');
        const item = cited[html]?.[id];
        assert.ok(item, `${href}: no such reference on the chapter`);
        assert.ok(item.inReferences, `${href} is not in the chapter's References`);
        assert.ok(item.links.some((l) => e.sources.includes(l)), `${href} does not cite ${e.sources[0]}`);
      }
    }
    // Every reference of every chapter is gathered, with a link back to that chapter.
    for (const [html, refs] of Object.entries(cited)) {
      for (const [id, item] of Object.entries(refs)) {
        const entry = entries.find((e) => item.links.some((l) => e.sources.includes(l)));
        assert.ok(entry, `${html}#${id} is not on the references page`);
        assert.ok(entry.back.some((b) => b.startsWith(`${html}#`)), `${html}#${id}: its entry has no link back to ${html}`);
      }
    }
    // A click on a link back goes there.
    const back = entries[0].back[0];
    await Promise.all([page.waitForURL(`**/${back}`), page.click(`.cited a[href="${back}"]`)]);
    assert.ok(await page.evaluate((id) => document.getElementById(id).matches(':target'), back.split('#')[1]));
    assert.deepEqual(problems, []);
    await close();
  });

  // --- Dark mode -------------------------------------------------------------------------------

  test('dark mode follows the system, the toggle is remembered, and charts (also ones added later), code and math follow', async () => {
    const { K } = await import('./lib.mjs');
    const ctx = await newContext({ viewport: DESKTOP, colorScheme: 'dark' });
    const chapter = htmlOf(chapterFiles()[0]);
    const { page, problems } = await open(chapter, { context: ctx });
    const state = () => page.evaluate(() => {
      const plot = document.querySelector('.course-plot');
      const key = document.querySelector('.hljs-keyword');
      const math = document.querySelector('.katex');
      return {
        theme: document.documentElement.dataset.theme,
        bg: getComputedStyle(document.body).backgroundColor,
        text: getComputedStyle(document.body).color,
        chartBg: plot._fullLayout.paper_bgcolor,
        chartText: plot._fullLayout.font.color,
        charts: [...document.querySelectorAll('.course-plot')].map((p) => p._fullLayout.paper_bgcolor),
        keyword: getComputedStyle(key).color,
        math: math ? getComputedStyle(math).color : null,
        pressed: document.querySelector('header.site button.theme').getAttribute('aria-pressed'),
      };
    });
    const rgb = (c) => c.replace(/\s/g, '').replace(/^rgba?\((\d+),(\d+),(\d+).*$/, '$1,$2,$3');
    const hexRgb = (c) => (c.startsWith('#') ? [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)).join(',') : rgb(c));
    const dark = await state();
    assert.equal(dark.theme, 'dark', 'a dark system gives the dark theme');
    assert.equal(dark.pressed, 'true');
    assert.equal(hexRgb(dark.chartBg), rgb(dark.bg), 'charts are drawn on the page\'s dark background');
    assert.equal(hexRgb(dark.chartText), rgb(dark.text), 'chart text is the page\'s text colour');
    assert.ok(dark.charts.every((c) => c === dark.chartBg), 'every chart is dark');
    assert.equal(dark.math, dark.text, 'math is in the text colour');
    // A chart made after the page loaded (as live mode makes them) is dark too, and follows the toggle.
    const html = K.plotHtml(K.figure([{ x: [1, 2, 3], y: [1, 4, 9], name: 'later', line: { color: '#000' } }], { title: 'Added later' }));
    await page.evaluate((h) => {
      const box = document.createElement('div');
      box.id = 'later';
      box.innerHTML = h;
      document.querySelector('main').appendChild(box);
      for (const old of box.querySelectorAll('script')) {
        const s = document.createElement('script');
        s.textContent = old.textContent;
        old.replaceWith(s);
      }
    }, html);
    await page.waitForFunction(() => document.querySelector('#later .main-svg'));
    const later = () => page.evaluate(() => {
      const p = document.querySelector('#later .course-plot');
      return { bg: p._fullLayout.paper_bgcolor, line: p._fullData[0].line.color };
    });
    const laterDark = await later();
    assert.equal(laterDark.bg, dark.chartBg, 'a chart added later is dark');
    assert.notEqual(laterDark.line.toLowerCase(), '#000000', 'its black line is drawn light on the dark background');
    await page.click('header.site button.theme');
    await page.waitForFunction(() => document.querySelector('.course-plot')._fullLayout.paper_bgcolor !== '#16181c');
    const light = await state();
    assert.equal(light.theme, 'light');
    assert.equal(light.pressed, 'false');
    assert.notEqual(light.chartBg, dark.chartBg, 'the charts are redrawn light');
    assert.notEqual(light.keyword, dark.keyword, 'code colours follow');
    assert.equal(light.math, light.text, 'math follows the text');
    assert.equal((await later()).bg, light.chartBg, 'the later chart follows the toggle');
    assert.equal((await later()).line.toLowerCase(), '#000', 'and gets its own colours back');
    // Remembered: another page, in the same browser, opens light although the system is dark.
    const other = await open('index.html', { context: ctx });
    assert.equal(await other.page.evaluate(() => document.documentElement.dataset.theme), 'light');
    await other.page.click('header.site button.theme');
    await page.reload();
    await chartsDrawn(page);
    assert.equal((await state()).theme, 'dark', 'the choice made on another page holds here');
    assert.deepEqual([...problems, ...other.problems], []);
    await ctx.close();
  });

  // --- Keyboard ----------------------------------------------------------------------------------

  test('keyboard: the skip link comes first, every focused control shows its focus, a chart\'s slider moves with the arrow keys, wide code scrolls', async () => {
    const slider = chapterFiles().map(htmlOf).find((h) => readFileSync(join(out, h), 'utf8').includes('"sliders":'));
    assert.ok(slider, 'a chapter with a slider chart');
    const { page, problems, close } = await open(slider);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
    assert.ok(await page.locator('a.skip').isVisible(), 'the skip link shows when focused');
    const seen = [];
    for (let i = 0; i < 14; i++) {
      const f = await page.evaluate(() => {
        const e = document.activeElement;
        const s = getComputedStyle(e);
        const box = e.closest('.course-chart');
        const shown = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 ? 'outline'
          : box && getComputedStyle(box).outlineStyle !== 'none' ? 'chart outline' : 'none';
        return { what: `${e.tagName.toLowerCase()}${e.className ? '.' + e.className : ''} ${(e.getAttribute('href') ?? e.textContent ?? '').slice(0, 40)}`, shown };
      });
      seen.push(f);
      assert.notEqual(f.shown, 'none', `no visible focus on ${f.what}`);
      await page.keyboard.press('Tab');
    }
    // The slider: its range input takes the keys and moves the chart.
    const input = page.locator('.chart-keys input').first();
    await input.focus();
    const active = () => input.evaluate((i) => i.closest('.course-chart').querySelector('.course-plot').layout.sliders[0].active);
    const before = await active();
    await page.keyboard.press(before > 0 ? 'ArrowLeft' : 'ArrowRight');
    await page.waitForFunction((b) => document.querySelector('.chart-keys input').closest('.course-chart').querySelector('.course-plot').layout.sliders[0].active !== b, before);
    assert.equal(Math.abs((await active()) - before), 1, 'one step');
    const focusRing = await input.evaluate((i) => getComputedStyle(i.closest('.course-chart')).outlineStyle);
    assert.notEqual(focusRing, 'none', 'the chart shows that its slider has the focus');
    await page.screenshot({ path: join(shots, 'keyboard-slider.png') });
    const unreachable = await page.$$eval('main pre', (ps) => ps.filter((p) => p.scrollWidth > p.clientWidth + 1 && p.tabIndex < 0).length);
    assert.equal(unreachable, 0, 'code that scrolls sideways takes the focus');
    assert.deepEqual(problems, []);
    await close();
  });

  // --- Print ---------------------------------------------------------------------------------------

  test('print: a chapter prints without navigation, with its charts whole and no code line cut', async () => {
    const chapter = htmlOf(chapterFiles()[0]);
    const ctx = await newContext({ viewport: DESKTOP, colorScheme: 'dark' });
    const { page, problems } = await open(chapter, { context: ctx });
    await page.emulateMedia({ media: 'print' });
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    const hidden = await page.$$eval('header.site, nav.outline, nav.chapters, .page-tools', (els) => els.filter((e) => getComputedStyle(e).display !== 'none').map((e) => e.className || e.tagName));
    assert.deepEqual(hidden, [], 'no navigation on paper');
    const cut = await page.$$eval('main pre', (ps) => ps.filter((p) => p.scrollWidth > p.clientWidth + 1).length);
    assert.equal(cut, 0, 'code wraps instead of running off the page');
    const chartBg = await page.evaluate(() => document.querySelector('.course-plot')._fullLayout.paper_bgcolor);
    assert.equal(chartBg, '#fff', 'charts print light');
    const pdf = join(out, '..', 'print');
    mkdirSync(pdf, { recursive: true });
    const bytes = await page.pdf({ path: join(pdf, chapter.replace(/\.html$/, '.pdf')), format: 'A4', printBackground: true });
    assert.ok(bytes.length > 10000, 'a PDF');
    assert.equal(await page.$$eval('details.fold:not([open])', (d) => d.length), 0, 'folded outputs print unfolded');
    assert.deepEqual(problems, []);
    await ctx.close();
  });

  // --- Accessibility: axe-core on every page, both themes ----------------------------------------

  const AXE = require.resolve('axe-core/axe.min.js');
  test('accessibility: axe-core finds no serious or critical violation on any page, light or dark (with screenshots at desktop and phone widths)', async () => {
    const found = [];
    const shoot = async (page, theme, html) => {
      const name = html.replace(/\.html$/, '.png');
      await page.screenshot({ path: join(shots, `${theme}-${name}`) });
      await page.setViewportSize(PHONE);
      await page.screenshot({ path: join(shots, `phone-${theme}-${name}`) });
      await page.setViewportSize(DESKTOP);
    };
    // The dark theme changes colours only (the CSS's custom properties, the charts' colours and
    // the toggle's label), so in it axe runs the rules that colours and that label can break.
    const DARK_RULES = ['color-contrast', 'link-in-text-block', 'button-name'];
    const check = async (page, theme, html) => {
      // preload: false, since axe would fetch the stylesheets, which a page from disk may not.
      const options = { resultTypes: ['violations'], preload: false, ...(theme === 'dark' ? { runOnly: { type: 'rule', values: DARK_RULES } } : {}) };
      const result = await page.evaluate((o) => window.axe.run(document, o), options);
      for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
        found.push(`${html} (${theme}): ${v.impact} ${v.id} (${v.help}) on ${v.nodes.length} element(s), e.g. ${v.nodes[0].target.join(' ')}: ${v.nodes[0].failureSummary.split('\n').slice(0, 2).join(' ')}`);
      }
    };
    // One load per page: light, then the toggle, then dark (the charts redrawn, not reloaded).
    const run = async (html) => {
      const { page, problems, close } = await open(html);
      await page.addScriptTag({ path: AXE });
      await check(page, 'light', html);
      await shoot(page, 'light', html);
      await page.click('header.site button.theme');
      // Every chart redrawn dark (a chart left light is reported below, with the page).
      await page.waitForFunction(() => [...document.querySelectorAll('.course-plot')].every((p) => p._fullLayout?.paper_bgcolor !== '#fff'), null, { timeout: 60000 }).catch(() => {});
      const stayed = await page.$$eval('.course-plot', (ps) => ps.filter((p) => p._fullLayout?.paper_bgcolor === '#fff').map((p) => p.id));
      if (stayed.length) found.push(`${html}: ${stayed.length} chart(s) stayed light in the dark theme, e.g. ${stayed[0]}`);
      await check(page, 'dark', html);
      await shoot(page, 'dark', html);
      found.push(...problems.map((p) => `${html}: ${p}`));
      await close();
    };
    // Two pages at a time: one core runs axe while the other draws the next page.
    const pages = sitePages(out);
    let next = 0;
    await Promise.all([0, 1].map(async () => {
      while (next < pages.length) await run(pages[next++]);
    }));
    assert.deepEqual(found, []);
  });
}

