// Executes every notebook (through the course's kernel, scripts/live/node-kernel.mjs) and builds
// the HTML tutorials.
//
//   node scripts/build-site.mjs [--out site] [--only 02] [--jobs 2] [--render-only]
//
// --render-only skips the execution and renders the pages again from the executed
// notebooks already in OUT/notebooks (after a change to the page template or its assets).
//
// Writes OUT/index.html, OUT/NN-name.html per chapter, OUT/references.html (every source the
// chapters cite), OUT/jupyterlab.html (the README on running the notebooks), OUT/notebooks/*.ipynb
// (the executed copies), OUT/source/*.ipynb (the notebooks as committed, without outputs),
// OUT/assets/ (with the search index, assets/search-index.js) and OUT/assets/live/ (the pages'
// live mode, scripts/live/, loaded only when a reader turns it on). The notebooks run on the wasm
// backend (SITE_BACKEND). A failing cell stops the build with the notebook's name, the cell's
// number and the error text. Needs `npm run build` (dist/) first; `npm start` does both.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { escapeHtml, notebookInfo, page, renderChapter, renderMarkdown } from './render.mjs';
import { chapterReferences, jupyterlabBody, markReferences, outlineHtml, referencesBody, searchIndexScript, toolsHtml } from './site-parts.mjs';
import { VENV_PYTHON, jupyterEnv, requireVenv } from './python-env.mjs';
import { SWITCH_TAG, buildLive } from './live/build.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const COURSE_TITLE = 'Initializing neural networks: a hands-on course';

function parseArgs(argv) {
  const args = { out: join(root, 'site'), only: null, jobs: Math.max(1, cpus().length), renderOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (key === '--out') args.out = resolve(value), i++;
    else if (key === '--only') args.only = value, i++;
    else if (key === '--jobs') args.jobs = Number(value), i++;
    else if (key === '--render-only') args.renderOnly = true;
    else throw new Error(`unknown argument ${key}; use --out DIR, --only PREFIX, --jobs N, --render-only`);
  }
  if (!Number.isInteger(args.jobs) || args.jobs < 1) throw new Error(`--jobs must be a whole number >= 1`);
  return args;
}

export function chapterFiles(only) {
  return readdirSync(join(root, 'notebooks'))
    .filter((f) => /^\d\d-.+\.ipynb$/.test(f) && (!only || f.startsWith(only)))
    .sort();
}

// The site's numbers come from wasm, the backend every reader's browser has, so that a page's
// numbers can be reproduced anywhere (src/backend/backends.ts reads TFJS_BACKEND).
export const SITE_BACKEND = 'wasm';

/**
 * Executes notebooks/FILE into OUT_DIR/notebooks/FILE on a TensorFlow.js backend, in a fresh
 * Node process, through the course's kernel (scripts/live/node-kernel.mjs: tslab's cell
 * semantics, without tslab's type-checking compiler, which takes most of a chapter's time).
 */
export function executeNotebook(file, outDir, backend = SITE_BACKEND) {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [join(root, 'scripts/live/node-kernel.mjs'), join(root, 'notebooks', file), join(outDir, 'notebooks', file)],
      { env: { ...process.env, TFJS_BACKEND: backend }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolvePromise({ file, ok: code === 0, stdout, stderr }));
  });
}

/**
 * Executes notebooks/FILE into OUT_DIR/notebooks/FILE with the tslab kernel, as JupyterLab's
 * Run All does (scripts/execute_notebook.py, with .venv/'s Jupyter): what the benchmark times.
 */
export function executeNotebookInTslab(file, outDir, backend = SITE_BACKEND) {
  return new Promise((resolvePromise) => {
    const child = spawn(VENV_PYTHON, [join(root, 'scripts/execute_notebook.py'), join(root, 'notebooks', file), join(outDir, 'notebooks', file)],
      { env: jupyterEnv({ TFJS_BACKEND: backend }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolvePromise({ file, ok: code === 0, stdout, stderr }));
  });
}

async function pool(items, jobs, fn) {
  const results = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  }));
  return results;
}

/** highlight.js's a11y themes (contrast of at least 4.5 for every token), the dark one under [data-theme="dark"] on screens. */
function codeThemes() {
  const css = (name) => readFileSync(require.resolve(`highlight.js/styles/${name}.min.css`), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}/g, '') // Internet Explorer's high-contrast mode
    .replace(/pre code\.hljs\{[^}]*\}code\.hljs\{[^}]*\}/, '');
  const scoped = (rules, scope) => rules.replace(/(^|\})([^{}]+)\{/g, (_, close, selectors) =>
    `${close}${selectors.split(',').map((sel) => `${scope} ${sel.trim()}`).join(',')}{`);
  // On paper, code is in the light colours whatever the screen's theme.
  return `${css('a11y-light')}\n@media screen {\n${scoped(css('a11y-dark'), '[data-theme="dark"]')}\n}\n`;
}

function copyAssets(out) {
  const assets = join(out, 'assets');
  mkdirSync(join(assets, 'katex/fonts'), { recursive: true });
  copyFileSync(require.resolve('plotly.js-cartesian-dist-min/plotly-cartesian.min.js'), join(assets, 'plotly.min.js'));
  const katexDist = dirname(require.resolve('katex/dist/katex.min.css'));
  copyFileSync(join(katexDist, 'katex.min.css'), join(assets, 'katex/katex.min.css'));
  // Browsers take the first font format they support; every current one supports woff2.
  for (const f of readdirSync(join(katexDist, 'fonts')).filter((f) => f.endsWith('.woff2'))) {
    copyFileSync(join(katexDist, 'fonts', f), join(assets, 'katex/fonts', f));
  }
  // The course's style, then the code colours, which it tunes (so they come after it).
  const course = readFileSync(join(root, 'scripts/assets/course.css'), 'utf8').split('/* code colours */');
  writeFileSync(join(assets, 'course.css'), course[0] + codeThemes() + (course[1] ?? ''));
  copyFileSync(join(root, 'scripts/assets/site.js'), join(assets, 'site.js'));
  copyFileSync(join(root, 'scripts/assets/search.js'), join(assets, 'search.js'));
  // MiniSearch's browser build (its package exports only its modules; the UMD file sits beside them).
  copyFileSync(join(dirname(require.resolve('minisearch')), '../umd/index.js'), join(assets, 'minisearch.js'));
}

function nav(chapters, i) {
  const prev = chapters[i - 1];
  const next = chapters[i + 1];
  return `<nav class="chapters" aria-label="Previous and next chapter">
  <span>${prev ? `<a rel="prev" href="${prev.html}">&larr; ${escapeHtml(prev.title)}</a>` : ''}</span>
  <a href="index.html">Contents</a>
  <span>${next ? `<a rel="next" href="${next.html}">${escapeHtml(next.title)} &rarr;</a>` : ''}</span>
</nav>`;
}

async function executeAll(args) {
  const files = chapterFiles(args.only);
  if (!files.length) throw new Error(`no notebook in notebooks/ matches ${args.only ?? 'NN-name.ipynb'}`);
  if (!args.only) rmSync(args.out, { recursive: true, force: true });
  mkdirSync(join(args.out, 'notebooks'), { recursive: true });
  console.log(`Executing ${files.length} notebook(s), ${args.jobs} at a time...`);
  // The later chapters run the larger experiments (chapters 6-8 take 35-50 s each, chapters 1-3
  // 10-20 s), so they start first: the short ones then fill the gaps and both workers finish
  // close together, instead of one running the last long chapter alone.
  const results = await pool([...files].reverse(), args.jobs, async (file) => {
    const r = await executeNotebook(file, args.out);
    process.stdout.write(r.ok ? r.stdout : '');
    return r;
  });
  const failed = results.filter((r) => !r.ok);
  for (const r of failed) console.error(`\nFAILED ${r.file}\n${r.stderr.trim()}\n`);
  if (failed.length) {
    throw new Error(`${failed.length} notebook(s) failed: ${failed.map((r) => r.file).join(', ')}`);
  }
}

export async function buildSite(argv = process.argv.slice(2)) {
  const args = parseArgs(argv);
  if (!existsSync(join(root, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm start does)');
  const started = Date.now();
  if (args.renderOnly) {
    if (!existsSync(join(args.out, 'notebooks'))) throw new Error(`--render-only renders the executed notebooks in ${join(args.out, 'notebooks')}, and there are none: build without it first`);
  } else {
    await executeAll(args);
  }

  // Every chapter that has been executed (all of them, unless --only) is on the site.
  const executed = readdirSync(join(args.out, 'notebooks')).filter((f) => /^\d\d-.+\.ipynb$/.test(f)).sort();
  const chapters = executed.map((file) => {
    const nb = JSON.parse(readFileSync(join(args.out, 'notebooks', file), 'utf8'));
    const { html, sections } = renderChapter(nb, file);
    return { file, nb, html: basename(file, '.ipynb') + '.html', article: html, sections, references: chapterReferences(nb), ...notebookInfo(nb) };
  });
  copyAssets(args.out);
  // The notebooks as committed (sources, without outputs), for "Download notebook".
  mkdirSync(join(args.out, 'source'), { recursive: true });
  for (const ch of chapters) copyFileSync(join(root, 'notebooks', ch.file), join(args.out, 'source', ch.file));
  const site = (options) => page({ courseTitle: COURSE_TITLE, ...options });
  chapters.forEach((ch, i) => {
    const body = `<article>${markReferences(ch.article, ch.references)}</article>
<p class="source">This page was built by executing <a href="notebooks/${ch.file}">notebooks/${ch.file}</a> (the executed notebook).</p>`;
    // The live switch (scripts/live/): the page loads nothing more until a reader turns it on.
    const head = `<script src="assets/plotly.min.js"></script>\n${SWITCH_TAG}`;
    writeFileSync(join(args.out, ch.html), site({
      title: `${ch.title} · ${COURSE_TITLE}`, body, head, nav: nav(chapters, i), outline: outlineHtml(chapters, ch), tools: toolsHtml(ch),
    }));
  });
  writeFileSync(join(args.out, 'index.html'), indexPage(chapters));
  writeFileSync(join(args.out, 'references.html'), site({ title: `References · ${COURSE_TITLE}`, body: referencesBody(chapters) }));
  writeFileSync(join(args.out, 'jupyterlab.html'), site({ title: `Running the notebooks · ${COURSE_TITLE}`, body: jupyterlabBody(readFileSync(join(root, 'README.md'), 'utf8')) }));
  writeFileSync(join(args.out, 'assets/search-index.js'), searchIndexScript(chapters));
  await buildLive(args.out, chapters);
  console.log(`Built ${chapters.length} chapter page(s) in ${args.out} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return { out: args.out, chapters: chapters.map(({ file, html, title, summary }) => ({ file, html, title, summary })) };
}

function indexPage(chapters) {
  const items = chapters
    // A summary is the chapter's opening paragraph, so it is markdown (chapter 7's links to
    // chapters 3 and 4 are links here too).
    .map((c) => `<li><a href="${c.html}">${escapeHtml(c.title)}</a>${renderMarkdown(c.summary, `${c.file}'s summary`)}</li>`)
    .join('\n');
  const body = `<article class="index">
<h1>${escapeHtml(COURSE_TITLE)}</h1>
<p class="lead">How the starting values of a network's weights decide whether it learns at all, and how to choose them.
Every chapter is a TypeScript notebook that runs real experiments with TensorFlow.js and derives each rule from them:
why zeros fail, how signals explode or vanish in deep networks, where Xavier/Glorot and He initialization come from,
how to use (and check) the initializers of TensorFlow.js, what mean-field theory predicts before training, how
normalization layers and residual connections change the rules, how the scale must follow the width (muP), and how to check
the initialization of a model of your own. It is written for programmers who know what a layer and
a gradient are and want to understand, not memorise, the rules.</p>
<p class="lead">Every chapter page is also a notebook that runs here, in your browser: turn on <strong>Run this page</strong> at its top,
edit any cell and run it, offline and with nothing to install. It prints the numbers you read on the page.</p>
<ol class="toc">
${items}
</ol>
<p>Also: <a href="references.html">every reference of the course</a>, and <a href="jupyterlab.html">how to run the notebooks in JupyterLab</a>.</p>
</article>`;
  return page({ title: COURSE_TITLE, body, courseTitle: COURSE_TITLE });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildSite().catch((e) => {
    console.error(`\nbuild-site: ${e.message}`);
    process.exit(1);
  });
}
