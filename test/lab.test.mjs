// npm run lab's server (scripts/lab.mjs): it prints an address that works, serves the
// chapters from notebooks/ with the course's kernel from .venv/, and stops on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TSLAB_BIN, VENV, requireVenv } from '../scripts/python-env.mjs';
import { labArgs, labUrl } from '../scripts/lab.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const chapters = ['01-zero-init-symmetry.ipynb'];

test('labArgs: the chapters folder, a token, no browser without a display, user options last', () => {
  const args = labArgs(['--ServerApp.port=9999'], { token: 'T', isRoot: true, hasDisplay: false });
  assert.deepEqual(args, [`--ServerApp.root_dir=${join(root, 'notebooks')}`, '--IdentityProvider.token=T', '--no-browser', '--allow-root', '--ServerApp.port=9999']);
  assert.ok(!labArgs([], { token: 'T', isRoot: false, hasDisplay: true }).some((a) => /browser|allow-root/.test(a)));
  assert.ok(!labArgs(['--IdentityProvider.token=mine'], { token: 'T', isRoot: false, hasDisplay: true }).includes('--IdentityProvider.token=T'));
});

test("labUrl: Jupyter's address, with the token it hides put back", () => {
  const log = `[I ServerApp] Jupyter Server 2.21.1 is running at:
[I ServerApp] http://localhost:8888/lab?token=...
[I ServerApp]     http://127.0.0.1:8888/lab?token=...`;
  assert.equal(labUrl(log, 'abc'), 'http://127.0.0.1:8888/lab?token=abc');
  assert.equal(labUrl('[I ServerApp] http://localhost:8888/lab?token=given', 'abc'), 'http://localhost:8888/lab?token=given');
  assert.equal(labUrl('[I ServerApp] http://0.0.0.0:8888/lab', 'abc'), 'http://0.0.0.0:8888/lab');
  assert.equal(labUrl('nothing yet', 'abc'), null);
});

const freePort = () => new Promise((res, rej) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  s.on('error', rej);
});

test('npm run lab prints an address that opens JupyterLab on notebooks/ with the TypeScript kernel, and stops on SIGTERM', { timeout: 120000 }, async () => {
  requireVenv('npm run lab');
  const work = join(root, 'test-output/lab');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const port = await freePort();
  const env = { ...process.env, JUPYTER_CONFIG_DIR: join(work, '.config'), JUPYTER_DATA_DIR: join(work, '.data'), JUPYTER_RUNTIME_DIR: join(work, '.runtime'),
    JUPYTERLAB_SETTINGS_DIR: join(work, '.settings'), JUPYTERLAB_WORKSPACES_DIR: join(work, '.workspaces') };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  const child = spawn(process.execPath, [join(root, 'scripts/lab.mjs'), '--ServerApp.ip=127.0.0.1', `--ServerApp.port=${port}`, '--ServerApp.port_retries=0'],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  try {
    const deadline = Date.now() + 60000;
    let url;
    while (!(url = /^\s+(http:\/\/\S+)$/m.exec(out)?.[1])) {
      assert.ok(Date.now() < deadline && child.exitCode === null, `no address printed:\n${out}\n${err}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.match(url, new RegExp(`^http://127\\.0\\.0\\.1:${port}/lab\\?token=[0-9a-f]{48}$`));
    const token = new URL(url).searchParams.get('token');
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /JupyterLab/);
    const api = async (path) => (await fetch(`http://127.0.0.1:${port}${path}?token=${token}`)).json();
    const names = (await api('/api/contents')).content.map((c) => c.name);
    for (const ch of chapters) assert.ok(names.includes(ch), `${ch} in the file browser`);
    const { kernelspecs } = await api('/api/kernelspecs');
    assert.equal(kernelspecs.tslab?.spec.display_name, 'TypeScript');
    assert.equal(kernelspecs.tslab.spec.argv[0], TSLAB_BIN);
    const server = await api('/api/status');
    assert.ok(server.started, 'the server reports its status');
    assert.match(err, new RegExp(`JupyterLab extension loaded from ${VENV.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`), "the JupyterLab of .venv/");
  } finally {
    child.kill('SIGTERM');
  }
  const code = await new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('close', r)));
  assert.equal(code, 0, `npm run lab stops cleanly on SIGTERM:\n${err.slice(-2000)}`);
  await assert.rejects(fetch(`http://127.0.0.1:${port}/api/status`), 'the server is gone');
});
