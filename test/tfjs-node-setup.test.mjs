// Set-up's tfjs-node (scripts/tfjs-node.mjs): what it asks of the machine, its cache of
// TensorFlow's libraries, and a build that fails, which must leave nothing half-built and say
// why. The build that succeeds is the set-up's own, which `npm test` runs first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  TF_VERSION, bindingIncludes, cacheRoot, ensureTensorflowLibraries, ensureTfjsNode, missingForBuild, probeTfjsNode, tensorflowDir, tfjsNodeDir,
} from '../scripts/tfjs-node.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = join(root, 'test-output/tfjs-node-setup');
const script = (path, body) => {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
};

test('missingForBuild names what the build lacks, with the package that brings it', () => {
  assert.match(missingForBuild({ platform: 'darwin', arch: 'arm64' }).join(), /Linux x86-64 machine \(this is darwin-arm64/);
  const noCompiler = missingForBuild({ env: { ...process.env, CXX: '/no/such/g++' } });
  assert.ok(noCompiler.some((m) => /C\+\+ compiler \(\/no\/such\/g\+\+; on Debian\/Ubuntu: sudo apt-get install g\+\+\)/.test(m)), noCompiler.join('; '));
});

test('the cache of TensorFlow\'s libraries is outside the project, where INIT_COURSE_CACHE or XDG_CACHE_HOME put it', () => {
  assert.equal(cacheRoot({ INIT_COURSE_CACHE: '/x/y' }), '/x/y');
  assert.equal(cacheRoot({ XDG_CACHE_HOME: '/c' }), '/c/kernel-init-course');
  assert.equal(tensorflowDir({ XDG_CACHE_HOME: '/c' }), `/c/kernel-init-course/tensorflow-${TF_VERSION}`);
  assert.ok(!cacheRoot().startsWith(root), `${cacheRoot()} is not in the project`);
});

test("the headers the build needs are followed from the binding's own #include lines", { skip: !existsSync(join(tfjsNodeDir(), 'binding')) && 'tfjs-node is not in node_modules/' }, () => {
  const seeds = bindingIncludes();
  for (const h of ['tensorflow/c/c_api.h', 'tensorflow/c/eager/c_api.h']) assert.ok(seeds.includes(h), `${h} in ${seeds}`);
  const tf = tensorflowDir();
  if (existsSync(tf)) {
    // Everything the binding includes is in the cache.
    for (const h of seeds) assert.ok(existsSync(join(tf, 'include', h)), h);
  }
});

test('a cache that pip cannot fill says which package it needs, removes what a stopped run left and makes no cache that looks whole', async () => {
  const cache = join(scratch, 'cache');
  rmSync(cache, { recursive: true, force: true });
  mkdirSync(join(cache, '.partial-999999999-stopped/lib'), { recursive: true }); // a run whose process is gone
  mkdirSync(join(cache, `.partial-${process.pid}-working`), { recursive: true }); // a run at work (this process)
  const fakePython = script(join(scratch, 'python-without-the-wheel'), 'echo "ERROR: No matching distribution found for tensorflow-cpu" >&2; exit 1');
  const said = [];
  await assert.rejects(
    ensureTensorflowLibraries({ say: (m) => said.push(m), venvPython: fakePython, env: { ...process.env, INIT_COURSE_CACHE: cache } }),
    (e) => /tensorflow-cpu==2\.21\.0 from pip's indexes/.test(e.message) && /No matching distribution/.test(e.message),
  );
  assert.deepEqual(readdirSync(cache).sort(), [`.partial-${process.pid}-working`], 'the stopped run is cleaned up, the live one kept, nothing else made');
});

test('a machine whose tfjs-node loads is left as it is', { skip: !probeTfjsNode().ok && 'tfjs-node does not load here' }, async () => {
  const said = [];
  const r = await ensureTfjsNode({ say: (m) => said.push(m) });
  assert.equal(r.ok, true);
  assert.deepEqual(said, [], 'nothing is built or fetched');
  if (r.builtHere) assert.equal(r.tensorflow, TF_VERSION, 'built here against the wheel\'s TensorFlow');
});

// A scratch project holding a copy of tfjs-node as npm installs it (no build, no deps/), whose
// own dependencies resolve from this project's node_modules (a parent folder).
function scratchProject() {
  const project = join(scratch, 'project');
  rmSync(project, { recursive: true, force: true });
  const dir = tfjsNodeDir(project);
  mkdirSync(dir, { recursive: true });
  cpSync(tfjsNodeDir(), dir, { recursive: true, filter: (src) => !/\/(deps|build|lib)$|build-course\.log$/.test(src) });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, optionalDependencies: { '@tensorflow/tfjs-node': '4.22.0' } }));
  return { project, dir };
}

test('a build that fails leaves tfjs-node as npm installed it and says why', {
  timeout: 5 * 60 * 1000,
  skip: (!existsSync(join(tfjsNodeDir(), 'binding')) && 'tfjs-node is not in node_modules/') ||
    (!existsSync(join(tensorflowDir(), 'lib')) && 'no cache of TensorFlow\'s libraries (set-up did not build tfjs-node here)'),
}, async (t) => {
  const { project, dir } = scratchProject();
  assert.equal(probeTfjsNode(project).ok, false, 'the copy has no binding yet');
  // A compiler that answers --version and then fails, as a broken toolchain would.
  const cxx = script(join(scratch, 'broken-g++'), 'case "$1" in --version) echo "broken g++ 0.0";; *) echo "broken-g++: cannot compile" >&2; exit 1;; esac');
  const said = [];
  const r = await ensureTfjsNode({ root: project, say: (m) => said.push(m), env: { ...process.env, CXX: cxx, CXX_target: cxx } });
  assert.equal(r.ok, false);
  t.diagnostic(r.error);
  assert.match(r.error, /npm rebuild @tensorflow\/tfjs-node failed/);
  assert.match(r.error, /broken-g\+\+: cannot compile/, 'the log shows the compiler\'s error');
  assert.match(said.join('\n'), /building it against TensorFlow 2\.21\.0/);
  for (const f of ['deps', 'build', 'lib']) assert.ok(!existsSync(join(dir, f)), `${f}/ was removed`);
  assert.ok(existsSync(join(dir, 'binding')), 'the package itself stays');
});
