// The set-up's decisions (scripts/python-env.mjs), and its repair of a venv whose install
// was killed half-way or failed, with real pip on a small requirements file in a scratch
// venv (not the project's .venv/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  baseProblem, decideVenv, inspectVenv, installingPath, jupyterEnv, pipIndexes, pipRetryArgs, probeIndex, readStamp, stampFor,
} from '../scripts/python-env.mjs';
import { SetupError, basePython, ensureRequirements } from '../scripts/setup.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = join(root, 'test-output/setup');

test('decideVenv: what set-up does for each state of .venv/', () => {
  const wanted = stampFor('jupyterlab==4.6.4\n', '/p/.venv');
  const good = { ok: true, version: '3.11.7', systemSite: false, pip: true };
  const cases = [
    [{ exists: false, python: null, stamp: null }, { create: true, install: true }, /no \.venv/],
    [{ exists: true, python: null, stamp: null }, { create: true, install: true }, /no bin\/python/],
    [{ exists: true, python: { ok: false, error: 'No such file' }, stamp: wanted }, { create: true, install: true }, /does not run \(No such file\)/],
    [{ exists: true, python: { ...good, systemSite: true }, stamp: wanted }, { create: true, install: true }, /system's site-packages/],
    [{ exists: true, python: { ...good, pip: false }, stamp: null }, { create: true, install: true }, /no pip/],
    [{ exists: true, python: good, stamp: stampFor('jupyterlab==4.6.4\n', '/old/.venv') }, { create: true, install: true }, /made at \/old\/\.venv/],
    [{ exists: true, python: good, stamp: null }, { create: false, install: true }, /not installed in \.venv\/ yet/],
    [{ exists: true, python: good, stamp: null, installing: true }, { create: false, install: true }, /did not finish/],
    [{ exists: true, python: good, stamp: wanted, installing: true }, { create: false, install: true }, /did not finish/],
    [{ exists: true, python: good, stamp: stampFor('jupyterlab==4.6.3\n', '/p/.venv') }, { create: false, install: true }, /requirements changed/],
    [{ exists: true, python: good, stamp: wanted }, { create: false, install: false }, /up to date/],
  ];
  for (const [state, expected, why] of cases) {
    const d = decideVenv(state, wanted);
    assert.deepEqual({ create: d.create, install: d.install }, expected, JSON.stringify(state));
    assert.equal(d.repair ?? false, Boolean(state.installing) && !d.create, `only an install that stopped half-way is redone in full: ${JSON.stringify(state)}`);
    assert.match(d.why, why);
  }
});

test('baseProblem: a Python that can make the venv, one without venv (Debian), one too old, none', () => {
  assert.equal(baseProblem('/opt/py/bin/python3\n3.11.2\nvenv ok\n', 0), null);
  assert.deepEqual(baseProblem('/opt/py/bin/python3\n3.11.2\nno venv: No module named \'ensurepip\'\n', 0),
    { kind: 'no-venv', executable: '/opt/py/bin/python3', version: '3.11.2', debianPackage: 'python3.11-venv', detail: "no venv: No module named 'ensurepip'" });
  assert.equal(baseProblem('/opt/py/bin/python3\n3.12.3\nno venv: x\n', 0).debianPackage, 'python3.12-venv');
  assert.deepEqual(baseProblem('/opt/py/bin/python3\n3.9.2\nvenv ok\n', 0), { kind: 'too-old', executable: '/opt/py/bin/python3', version: '3.9.2' });
  assert.equal(baseProblem('spawnSync python3 ENOENT', null).kind, 'no-python');
  assert.equal(baseProblem('', 127).kind, 'no-python');
});

test('pipIndexes: reads the indexes pip install uses from `pip config list`', () => {
  assert.deepEqual(pipIndexes(''), { index: 'https://pypi.org/simple', extra: [] });
  const here = ":env:.find-links='/opt/wheels'\nglobal.extra-index-url='file:///opt/pypi/simple file:///opt/pypi-more/simple'\nglobal.find-links='/opt/wheels'\n";
  assert.deepEqual(pipIndexes(here), { index: 'https://pypi.org/simple', extra: ['file:///opt/pypi/simple', 'file:///opt/pypi-more/simple'] });
  assert.deepEqual(pipIndexes("global.index-url='https://a.example/simple'\ninstall.index-url='https://b.example/simple'\n").index, 'https://b.example/simple');
  assert.deepEqual(pipIndexes("install.index-url='https://b.example/simple'\n:env:.index-url='https://c.example/simple'\n").index, 'https://c.example/simple');
  assert.deepEqual(pipIndexes(":env:.no-index='1'\n"), { index: null, extra: [] });
});

test('pipRetryArgs: --retries 0 only when one of the indexes does not answer', () => {
  assert.deepEqual(pipRetryArgs([]), []);
  assert.deepEqual(pipRetryArgs([{ url: 'https://pypi.org/simple', reachable: true }]), []);
  assert.deepEqual(pipRetryArgs([{ url: 'https://pypi.org/simple', reachable: false }, { url: 'file:///x', reachable: true }]), ['--retries', '0']);
});

test('probeIndex: an index that answers, one that refuses, and a local one', async () => {
  const server = createServer((req, res) => res.writeHead(req.url === '/simple/pip/' ? 200 : 404).end()).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address();
  try {
    assert.equal((await probeIndex(`http://127.0.0.1:${port}/simple`)).reachable, true);
    assert.equal((await probeIndex(`http://127.0.0.1:${port}/other/`)).reachable, true, 'any HTTP answer counts');
  } finally {
    server.close();
  }
  const started = Date.now();
  const refused = await probeIndex(`http://127.0.0.1:${port}/simple`, 3000);
  assert.equal(refused.reachable, false);
  assert.ok(Date.now() - started < 3500, 'the probe gives up within its timeout');
  assert.equal((await probeIndex('file:///opt/pypi/simple')).reachable, true);
});

test('basePython: a Python without venv is named, with the package that brings it', () => {
  mkdirSync(scratch, { recursive: true });
  const fake = join(scratch, 'python-without-venv');
  writeFileSync(fake, '#!/bin/sh\necho /opt/fake/bin/python3.11; echo 3.11.2; echo "no venv: No module named \'ensurepip\'"\n');
  chmodSync(fake, 0o755);
  const saved = process.env.COURSE_PYTHON;
  process.env.COURSE_PYTHON = fake;
  try {
    assert.throws(() => basePython(), (e) => e instanceof SetupError && /cannot make a virtual environment/.test(e.message) &&
      /sudo apt-get install python3\.11-venv/.test(e.message));
    process.env.COURSE_PYTHON = join(scratch, 'no-such-python');
    assert.throws(() => basePython(), (e) => e instanceof SetupError && /does not run as a Python/.test(e.message));
  } finally {
    if (saved === undefined) delete process.env.COURSE_PYTHON;
    else process.env.COURSE_PYTHON = saved;
  }
});

// Runs ensureRequirements in a child process (so that it can be killed), on a scratch venv.
function ensureInChild(venv, file, text, stampName = 'scratch') {
  const code = `import { ensureRequirements } from ${JSON.stringify(join(root, 'scripts/setup.mjs'))};
await ensureRequirements({ venv: ${JSON.stringify(venv)}, file: ${JSON.stringify(file)}, text: ${JSON.stringify(text)}, stampName: ${JSON.stringify(stampName)}, label: 'scratch' })
  .catch((e) => { console.error(e.message); process.exit(1); });`;
  return spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}
/** A child's stdout and stderr together as it runs, and a promise of its exit code. */
function watch(child) {
  const run = { output: '', exit: new Promise((r) => child.once('close', r)) };
  child.stdout.on('data', (d) => (run.output += d));
  child.stderr.on('data', (d) => (run.output += d));
  return run;
}
const importable = (venv, modules) => spawnSync(join(venv, 'bin/python'), ['-c', `import ${modules}`], { env: jupyterEnv({}, venv) }).status === 0;

test('a pip install killed half-way is noticed and done again; a failed one names the file and leaves no stamp', { timeout: 5 * 60 * 1000 }, async (t) => {
  const dir = join(scratch, 'killed');
  const venv = join(dir, '.venv');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const req = join(dir, 'requirements.txt');
  const text = 'six==1.17.0\nPygments==2.21.0\nMarkupSafe==3.0.3\nJinja2==3.1.6\n';
  writeFileSync(req, text);

  // 1. Kill the set-up while pip is writing the packages into the venv.
  const child = ensureInChild(venv, req, text);
  const killed = watch(child);
  const site = join(venv, 'lib');
  const deadline = Date.now() + 120000;
  const writing = () => existsSync(site) && readdirSync(site).some((py) => existsSync(join(site, py, 'site-packages/pygments')) ||
    existsSync(join(site, py, 'site-packages/six.py')));
  while (!writing()) {
    assert.ok(Date.now() < deadline && child.exitCode === null, `pip never started writing packages:\n${killed.output}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  process.kill(-child.pid, 'SIGKILL');
  await killed.exit;
  assert.equal(readStamp(venv, 'scratch'), null, 'a killed install leaves no stamp');
  const d = decideVenv(inspectVenv(venv, 'scratch'), stampFor(text, venv));
  assert.equal(d.install, true, `the next run installs again (${d.why})`);
  assert.ok(d.repair, 'and reinstalls every package (one may be half-written)');
  t.diagnostic(`killed while pip wrote the packages; the next run: ${d.why}`);

  // 2. The next run repairs it.
  const again = watch(ensureInChild(venv, req, text));
  assert.equal(await again.exit, 0, again.output);
  const log = again.output;
  assert.match(log, /installing every package again|making it again|no \.venv/);
  t.diagnostic(log.trim().split('\n').join(' / '));
  assert.deepEqual(readStamp(venv, 'scratch'), stampFor(text, venv));
  assert.ok(!existsSync(installingPath(venv, 'scratch')), 'the marker of an unfinished install is gone');
  assert.ok(importable(venv, 'six, pygments, markupsafe, jinja2'), 'every package imports after the repair');
  assert.equal(spawnSync(join(venv, 'bin/python'), ['-m', 'pip', 'check'], { env: jupyterEnv({}, venv) }).status, 0, 'pip check');

  // 3. A second set (as the test extras are) installs into the working venv as a first
  // install, not a repair.
  const extra = join(dir, 'requirements-extra.txt');
  writeFileSync(extra, 'six==1.17.0\n');
  const second = watch(ensureInChild(venv, extra, 'six==1.17.0\n', 'extra'));
  assert.equal(await second.exit, 0, second.output);
  assert.match(second.output, /not installed in \.venv\/ yet/);

  // 4. A requirement pip cannot get: a clear error, no stamp, and the next run tries again.
  const bad = 'six==1.17.0\nno-such-package-for-the-course==0.0.1\n';
  writeFileSync(req, bad);
  const failing = watch(ensureInChild(venv, req, bad));
  assert.equal(await failing.exit, 1, failing.output);
  const err = failing.output;
  assert.match(err, /pip could not install .*requirements\.txt/);
  assert.match(err, /no-such-package-for-the-course/, "pip's own error names the package");
  assert.equal(readStamp(venv, 'scratch'), null);
  assert.equal(decideVenv(inspectVenv(venv, 'scratch'), stampFor(bad, venv)).install, true);
});
