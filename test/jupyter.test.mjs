// The notebooks as a reader runs them: the project's JupyterLab 4 (from .venv/) on
// 127.0.0.1 with a token, each chapter opened in headless Chromium and run through the
// menu, Run > Run All Cells, then every plot checked and every output searched for errors,
// and the notebook saved with File > Save Notebook. Then the export a JupyterLab user
// makes of it, `jupyter nbconvert --to html`, is opened with the network cut off: its plots
// must render (its math is typeset by MathJax from a CDN, so offline it shows as TeX).
// The notebooks are copied first, so no save can ever write outputs into the sources.
// The kernel runs on wasm, as the site's build does, so that what tslab printed can be held
// against the site's pages: the site runs the cells through the course's own kernel
// (scripts/live/node-kernel.mjs), and must print what tslab prints.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { CHROMIUM_ARGS } from './chromium.mjs';
import { jupyterEnv, requireVenv, venvBin } from '../scripts/python-env.mjs';
import { SITE_BACKEND } from '../scripts/build-site.mjs';
import { builtSite } from './built-site.mjs';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const work = join(root, 'test-output/jupyter');
const exports = join(work, 'html');
const shots = join(root, 'test-output/screenshots');
const chapters = readdirSync(join(root, 'notebooks')).filter((f) => /^\d\d-.+\.ipynb$/.test(f)).sort();
const token = randomBytes(16).toString('hex');
const STDERR = '[data-mime-type="application/vnd.jupyter.stderr"]';
// JupyterLab's debugger panel throws this (in the console only, once per executed cell)
// for a kernel without a debugger, such as tslab; nothing of it reaches the page.
const LAB_DEBUGGER_NOISE = /^page error: No active debugger session$/;

// Jupyter's own folders for this run, so that nothing of the user's (settings, workspaces,
// config) plays a part; the kernel comes from .venv/.
const env = jupyterEnv({
  JUPYTER_CONFIG_DIR: join(work, '.config'), JUPYTER_DATA_DIR: join(work, '.data'), JUPYTER_RUNTIME_DIR: join(work, '.runtime'),
  JUPYTERLAB_SETTINGS_DIR: join(work, '.settings'), JUPYTERLAB_WORKSPACES_DIR: join(work, '.workspaces'),
  TFJS_BACKEND: SITE_BACKEND,
});

const freePort = () => new Promise((res, rej) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  s.on('error', rej);
});

let server;
let browser;
let base;
let serverLog = '';
before(async () => {
  requireVenv('The JupyterLab tests');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'notebooks'), { recursive: true });
  mkdirSync(exports, { recursive: true });
  mkdirSync(shots, { recursive: true });
  for (const f of chapters) cpSync(join(root, 'notebooks', f), join(work, 'notebooks', f));
  symlinkSync(join(root, 'dist'), join(work, 'dist'));
  // A reader who answered "no" to JupyterLab's offer of news (its toast would cover the page).
  mkdirSync(join(work, '.settings/@jupyterlab/apputils-extension'), { recursive: true });
  writeFileSync(join(work, '.settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings'), JSON.stringify({ fetchNews: 'false', checkForUpdates: false }));
  // Every cell in the page: by default JupyterLab attaches cells to the page only as they come
  // into view and skips the rendering of those out of view, so the page cannot say which cells
  // have run or whether their plots drew. What runs, and how, is the same in every mode.
  mkdirSync(join(work, '.settings/@jupyterlab/notebook-extension'), { recursive: true });
  writeFileSync(join(work, '.settings/@jupyterlab/notebook-extension/tracker.jupyterlab-settings'), JSON.stringify({ windowingMode: 'none' }));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(venvBin('jupyter-lab'), ['--no-browser', '--ServerApp.ip=127.0.0.1', `--ServerApp.port=${port}`, '--ServerApp.port_retries=0',
    `--IdentityProvider.token=${token}`, `--ServerApp.root_dir=${work}`, '--LabApp.news_url=None',
    '--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate', ...(process.getuid?.() === 0 ? ['--allow-root'] : [])],
  { cwd: work, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  server.stderr.on('data', (d) => (serverLog += d));
  const deadline = Date.now() + 60000;
  for (;;) {
    try {
      if ((await fetch(`${base}/api/status?token=${token}`)).ok) break;
    } catch {}
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`JupyterLab did not start:\n${serverLog}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  const { chromium } = require('playwright-core');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, { timeout: 120000 });

after(async () => {
  await browser?.close();
  // The server and its kernels go, whatever happened.
  if (server && server.exitCode === null) {
    try { process.kill(-server.pid, 'SIGTERM'); } catch {}
    await new Promise((r) => setTimeout(r, 1000));
    try { process.kill(-server.pid, 'SIGKILL'); } catch {}
  }
});

const api = (path, method = 'GET') => fetch(`${base}${path}${path.includes('?') ? '&' : '?'}token=${token}`, { method });

// Opens a menu of JupyterLab's menu bar and clicks one of its items, by their labels.
async function menu(page, name, item) {
  await page.getByRole('menuitem', { name, exact: true }).click();
  await page.locator('.lm-Menu-item', { has: page.locator('.lm-Menu-itemLabel', { hasText: new RegExp(`^${item}$`) }) }).click();
}

// The course's plots in a saved notebook's outputs (each is a div of class course-plot).
const plotsIn = (nb) => nb.cells.flatMap((c) => c.outputs ?? [])
  .map((o) => [].concat(o.data?.['text/html'] ?? []).join(''))
  .reduce((n, html) => n + (html.match(/class="course-plot"/g) ?? []).length, 0);

// The ids of the plots that have not drawn their SVG within a minute (none, normally).
async function unrenderedPlots(page) {
  await page.waitForFunction(() => [...document.querySelectorAll('.course-plot')].every((p) => p.querySelector('.main-svg')), null, { timeout: 60000 })
    .catch(() => {});
  return page.$$eval('.course-plot', (els) => els.filter((e) => !e.querySelector('.main-svg')).map((e) => e.id || '(no id)'));
}

const saved = new Map();

// Two chapters at a time, each in its own page and kernel: a kernel computes on one core, and
// the machine has two.
describe('the chapters in JupyterLab, two at a time', { concurrency: 2 }, () => {
  for (const file of chapters) {
    const name = file.replace(/\.ipynb$/, '');
    test(`${file} runs in JupyterLab with Run > Run All Cells: plots render, no cell shows an error`, { timeout: 10 * 60 * 1000 }, async () => {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems = [];
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      try {
        await page.goto(`${base}/lab/tree/notebooks/${file}?token=${token}&reset`);
        // The notebook's own kernel (tslab, "TypeScript") has started and is connected.
        await page.waitForFunction(() => document.querySelector('.jp-NotebookPanel .jp-KernelName')?.innerText.trim() === 'TypeScript' &&
          document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator')?.dataset.status === 'idle', null, { timeout: 120000 })
          .catch(async (e) => {
            await page.screenshot({ path: join(shots, `jupyterlab-${name}-no-kernel.png`) });
            throw new Error(`the TypeScript kernel did not start (screenshot jupyterlab-${name}-no-kernel.png): ${e.message}`);
          });
        await menu(page, 'Run', 'Run All Cells');
        // Run All queues every cell and marks it [*] until it has run; the run is over when every
        // code cell of the notebook shows its execution count and the kernel is idle. (Read as
        // textContent: the innerText of a cell whose rendering the browser skips is empty, and a
        // wait on it once ended with cells out of view still running.)
        const prompts = '.jp-Notebook .jp-CodeCell .jp-InputPrompt';
        // (A cell whose source is hidden, such as a prose cell, shows no prompt.)
        const codeCells = JSON.parse(readFileSync(join(work, 'notebooks', file), 'utf8')).cells
          .filter((c) => c.cell_type === 'code' && !c.metadata?.jupyter?.source_hidden).length;
        await page.waitForFunction((sel) => [...document.querySelectorAll(sel)].some((p) => p.textContent.includes('*')), prompts, { timeout: 60000 });
        // (A cell that fails stops Run All: then the run is over too, and the check below names it.)
        await page.waitForFunction(([sel, n, stderr]) => ![...document.querySelectorAll(sel)].some((p) => p.textContent.includes('*')) &&
          document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator')?.dataset.status === 'idle' &&
          ([...document.querySelectorAll(sel)].filter((p) => /\[\d+\]/.test(p.textContent)).length === n || document.querySelector(stderr)),
        [prompts, codeCells, `.jp-OutputArea-output${STDERR}`], { timeout: 9 * 60 * 1000, polling: 500 });
        const errors = await page.$$eval(`.jp-OutputArea-output${STDERR}`, (els) => els.map((e) => e.textContent.slice(0, 500)));
        assert.deepEqual(errors, [], 'outputs with an error or stderr');
        const plots = await page.locator('.course-plot').count();
        assert.ok(plots > 0, 'the chapter has plots');
        assert.deepEqual(await unrenderedPlots(page), [], 'plots without an SVG');
        // The first plot in the middle of the window (twice: cells above it may change height
        // as they are drawn).
        for (let i = 0; i < 2; i++) {
          await page.locator('.course-plot').first().evaluate((e) => e.scrollIntoView({ block: 'center' }));
          await page.waitForTimeout(700);
        }
        await page.screenshot({ path: join(shots, `jupyterlab-${name}.png`) });

        await menu(page, 'File', 'Save Notebook');
        const path = join(work, 'notebooks', file);
        // The saved notebook, once it has outputs (the file may be read while the server still
        // writes it: then it is not JSON yet).
        const readSaved = () => {
          try {
            return JSON.parse(readFileSync(path, 'utf8'));
          } catch {
            return undefined;
          }
        };
        let nb;
        const deadline = Date.now() + 30000;
        while (!(nb = readSaved())?.cells.some((c) => c.outputs?.length)) {
          assert.ok(Date.now() < deadline, 'File > Save Notebook wrote the outputs');
          await new Promise((r) => setTimeout(r, 300));
        }
        assert.deepEqual(nb.cells.filter((c) => c.cell_type === 'code' && c.execution_count == null).map((c) => [].concat(c.source).join('').slice(0, 80)), [],
          'code cells the saved notebook has not run');
        assert.equal(plotsIn(nb), plots, 'every plot of the saved notebook was on the page');
        saved.set(file, { path, plots });
        assert.deepEqual(problems.filter((p) => !LAB_DEBUGGER_NOISE.test(p)), [], 'errors on the page');
      } finally {
        // This chapter's kernel goes (the other chapter's runs on).
        for (const s of await (await api('/api/sessions')).json()) {
          if (s.path === `notebooks/${file}`) await api(`/api/sessions/${s.id}`, 'DELETE');
        }
        await page.close();
      }
    });
  }
});

/**
 * A notebook's outputs, cell by cell, as a reader sees them: a cell's consecutive stream
 * outputs of one name joined (JupyterLab joins them, nbclient keeps them apart), every
 * format's text joined, and the plots' element ids, which count the displays a run made
 * (a live chart's redraws depend on time), left out.
 */
// The site, built once (two tests at a time must not build it twice at once).
let sitePromise;
const theSite = () => (sitePromise ??= builtSite());

const shownOutputs = (nb) => nb.cells.filter((c) => c.cell_type === 'code').map((c) => {
  const shown = [];
  for (const o of c.outputs) {
    const last = shown[shown.length - 1];
    if (o.output_type === 'stream' && last?.output_type === 'stream' && last.name === o.name) last.text += [].concat(o.text).join('');
    else if (o.output_type === 'stream') shown.push({ output_type: 'stream', name: o.name, text: [].concat(o.text).join('') });
    else {
      shown.push({
        output_type: o.output_type,
        ...Object.fromEntries(Object.entries(o.data ?? {}).map(([mime, v]) => [mime, typeof v === 'object' && !Array.isArray(v) ? v
          : [].concat(v).join('').replace(/\bplot-([0-9a-f]+)-\d+/g, 'plot-$1-N')])),
        ...(o.output_type === 'error' ? { ename: o.ename, evalue: o.evalue } : {}),
      });
    }
  }
  return shown;
});

// Two chapters at a time: an export is mostly nbconvert's start and one page drawn in Chromium.
describe('what JupyterLab saved, and its HTML export, two chapters at a time', { concurrency: 2 }, () => {
  for (const file of chapters) {
    const name = file.replace(/\.ipynb$/, '');

    test(`${file}: what tslab printed in JupyterLab is what the site's page shows (both on ${SITE_BACKEND})`, { timeout: 10 * 60 * 1000 }, async () => {
      const run = saved.get(file);
      assert.ok(run, 'the chapter was run and saved in JupyterLab (the test above)');
      const site = await theSite();
      const lab = shownOutputs(JSON.parse(readFileSync(run.path, 'utf8')));
      const built = shownOutputs(JSON.parse(readFileSync(join(site.out, 'notebooks', file), 'utf8')));
      assert.equal(built.length, lab.length, 'code cells');
      for (const [i, outputs] of lab.entries()) assert.deepEqual(built[i], outputs, `code cell ${i + 1} of ${file}`);
    });

    test(`${file}: its HTML export (jupyter nbconvert --to html) renders every plot with the network cut off`, { timeout: 3 * 60 * 1000 }, async (t) => {
      const run = saved.get(file);
      assert.ok(run, 'the chapter was run and saved in JupyterLab (the test above)');
      // Not spawnSync: the other chapter's test runs on meanwhile.
      const r = await new Promise((resolve) => {
        const child = spawn(venvBin('jupyter'), ['nbconvert', '--to', 'html', '--output-dir', exports, run.path], { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 120000 });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (status) => resolve({ status, stderr }));
      });
      assert.equal(r.status, 0, r.stderr);
      const html = join(exports, `${name}.html`);
      assert.ok(existsSync(html), `nbconvert wrote ${html}`);
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const problems = [];
      const outside = [];
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file://')) return route.continue();
        outside.push(url);
        return route.abort();
      });
      try {
        await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
        assert.equal(await page.locator('.course-plot').count(), run.plots, 'the export has every plot');
        assert.deepEqual(await unrenderedPlots(page), [], 'plots without an SVG');
        const errors = await page.$$eval(STDERR, (els) => els.map((e) => e.textContent.slice(0, 500)));
        assert.deepEqual(errors, [], 'outputs with an error or stderr');
        await page.locator('.course-plot').first().scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(shots, `nbconvert-${name}.png`) });
        // What it asked of the network: MathJax (and RequireJS, which nbconvert's page loads
        // for widgets) from a CDN, nothing the plots need.
        t.diagnostic(`cut off: ${outside.join(', ') || 'nothing'}`);
        assert.ok(outside.every((u) => /mathjax|require(\.min)?\.js/i.test(u)), `requests beyond MathJax and RequireJS:\n${outside.join('\n')}`);
        assert.deepEqual(problems, [], 'errors on the page');
      } finally {
        await page.close();
      }
    });
  }
});
