// The notebooks as a reader runs them: the Jupyter Notebook server (Debian's
// jupyter-notebook) on 127.0.0.1 with a token, each chapter opened in headless
// Chromium and run with Cell > Run All, then every plot checked and every output
// searched for errors. The notebooks are copied first, so an autosave can never
// write outputs into the sources.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { CHROMIUM_ARGS } from './chromium.mjs';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const work = join(root, 'test-output/jupyter');
const shots = join(root, 'test-output/screenshots');
const chapters = readdirSync(join(root, 'notebooks')).filter((f) => /^\d\d-.+\.ipynb$/.test(f)).sort();
const token = randomBytes(16).toString('hex');

const freePort = () => new Promise((res, rej) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  s.on('error', rej);
});

let server;
let browser;
let base;
before(async () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'notebooks'), { recursive: true });
  mkdirSync(shots, { recursive: true });
  for (const f of chapters) cpSync(join(root, 'notebooks', f), join(work, 'notebooks', f));
  symlinkSync(join(root, 'dist'), join(work, 'dist'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn('/usr/bin/python3', ['-m', 'notebook', '--no-browser', '--ip=127.0.0.1', `--port=${port}`,
    `--NotebookApp.token=${token}`, `--notebook-dir=${work}`, '--NotebookApp.open_browser=False', ...(process.getuid?.() === 0 ? ['--allow-root'] : [])], {
    env: { ...process.env, JUPYTER_PATH: join(root, '.jupyter/share/jupyter'), JUPYTER_CONFIG_DIR: join(work, '.config'),
      JUPYTER_RUNTIME_DIR: join(work, '.runtime'), JUPYTER_DATA_DIR: join(work, '.data') },
    stdio: ['ignore', 'ignore', 'pipe'], detached: true,
  });
  let log = '';
  server.stderr.on('data', (d) => (log += d));
  const deadline = Date.now() + 60000;
  for (;;) {
    try {
      if ((await fetch(`${base}/api/status?token=${token}`)).ok) break;
    } catch {}
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`the Jupyter server did not start:\n${log}`);
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

for (const file of chapters) {
  test(`${file} runs in Jupyter Notebook with Run All: plots render, no cell shows an error`, { timeout: 10 * 60 * 1000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(`${base}/notebooks/notebooks/${file}?token=${token}`);
    await page.waitForFunction(() => window.Jupyter?.notebook?.kernel?.is_connected?.(), null, { timeout: 120000 });
    await page.click('#celllink');
    await page.click('#run_all_cells');
    // Run All queues every cell and marks it "In [*]" until it has run (tslab leaves the
    // count empty, so a finished cell reads "In [ ]"); the run is over when no cell is marked.
    await page.waitForFunction(() => document.querySelectorAll('.code_cell .input_prompt').length > 0 &&
      [...document.querySelectorAll('.code_cell .input_prompt')].some((p) => p.innerText.includes('*')), null, { timeout: 60000 });
    await page.waitForFunction(() => ![...document.querySelectorAll('.code_cell .input_prompt')].some((p) => p.innerText.includes('*')) &&
      document.querySelector('#kernel_indicator_icon.kernel_idle_icon'), null, { timeout: 9 * 60 * 1000, polling: 500 });
    const plots = await page.locator('.course-plot').count();
    assert.ok(plots > 0, 'the chapter has plots');
    await page.waitForFunction((n) => document.querySelectorAll('.course-plot .main-svg').length >= n, plots, { timeout: 60000 });
    const errors = await page.$$eval('.output_error, .output_stderr', (els) => els.map((e) => e.innerText.slice(0, 500)));
    assert.deepEqual(errors, [], 'cells with errors');
    await page.locator('.course-plot').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, `jupyter-${file.replace(/\.ipynb$/, '')}.png`) });
    assert.deepEqual(problems, []);
    // Leave without saving, and shut the kernel down.
    await page.evaluate(() => { window.Jupyter.notebook.set_dirty(false); return window.Jupyter.notebook.kernel.kill(); });
    await page.close();
  });
}
