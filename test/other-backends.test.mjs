// The course on each backend by itself. The rest of `npm test` runs on the default choice
// (wasm, with tfjs-node for the large passes where it is present; the site is built on wasm).
// Where tfjs-node is present, this runs the unit tests again with TFJS_BACKEND=node and with
// TFJS_BACKEND=wasm, so that every op of every test runs on each backend, and executes every
// chapter with TFJS_BACKEND=node, as the site's build runs them (the course's kernel in Node,
// scripts/live/node-kernel.mjs): no error, nothing on stderr, no TensorFlow log line in any
// output nor on the process's own stderr (where TensorFlow writes them), and the first output
// says which backend printed it. Without tfjs-node it says so. (tslab runs every chapter in
// the JupyterLab test, on wasm, where its outputs are compared with the site's.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chapterFiles, executeNotebook } from '../scripts/build-site.mjs';
import { probeTfjsNode } from '../scripts/tfjs-node.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'test-output/notebooks-on-node');

// Test files that run no TensorFlow.js op of the course (set-up, pages, Jupyter, the kernel's
// sockets, the Python references of the JavaScript samplers), or that run the notebooks
// themselves. The page tests (live, site, site-parts) share one built site: two runs of them
// side by side would build it at once.
const NOT_UNIT = new Set(['build', 'jupyter', 'kernel-sends', 'lab', 'live', 'notebooks', 'other-backends', 'python-env', 'reference', 'setup', 'site', 'site-parts', 'tfjs-node-setup']);
const unitTestFiles = () => readdirSync(join(root, 'test'))
  .filter((f) => f.endsWith('.test.mjs') && !NOT_UNIT.has(f.replace(/\.test\.mjs$/, '')))
  .sort()
  .map((f) => join('test', f));

const tfjsNode = probeTfjsNode();
const skip = !tfjsNode.ok && `tfjs-node is not available here (${tfjsNode.error}); node scripts/setup.mjs --test builds it where it can`;

/** Runs node's test runner on files with TFJS_BACKEND=backend; resolves the failing tests' names and the output. */
function runUnitTests(files, backend) {
  return new Promise((resolve) => {
    // NODE_TEST_CONTEXT marks a process as a test file that the runner started; a child that
    // inherits it skips running files ("run() is being called recursively") and runs no test.
    const { NODE_TEST_CONTEXT, ...env } = process.env;
    const child = spawn(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=tap', ...files], { cwd: root, env: { ...env, TFJS_BACKEND: backend }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => {
      const failed = [...output.matchAll(/^( *)not ok \d+ - (.*)$/gm)].map((m) => `${m[1]}${m[2]}`);
      const counts = Object.fromEntries([...output.matchAll(/^# (pass|fail|tests) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
      resolve({ code, failed, counts, output });
    });
  });
}

// The two runs go side by side, each two files at a time: a file's tests mostly run small ops
// on one core, and loading TensorFlow takes each tfjs-node file about a second before its
// first test, so four processes fill the machine's two cores (106 s of files on tfjs-node and
// 40 s on wasm, one after the other, measured on the reference machine). The chapters follow.
let unitRuns;
const startUnitRuns = () => (unitRuns ??= Object.fromEntries(['node', 'wasm'].map((backend) => [backend, runUnitTests(unitTestFiles(), backend)])));

for (const backend of ['node', 'wasm']) {
  test(`the unit tests pass with TFJS_BACKEND=${backend}`, { skip, timeout: 40 * 60 * 1000 }, async (t) => {
    const r = await startUnitRuns()[backend];
    t.diagnostic(`${unitTestFiles().length} files, ${r.counts.tests} tests on ${backend}: ${r.counts.pass} passed, ${r.counts.fail} failed`);
    assert.ok(r.counts.tests > 0, `no test ran:\n${r.output.slice(-2000)}`);
    assert.deepEqual(r.failed, [], `failed on ${backend}:\n${r.output.split('\n').filter((l) => /not ok|error:|expected|actual/.test(l)).slice(0, 60).join('\n')}`);
    assert.equal(r.code, 0, r.output.slice(-2000));
  });
}

// TensorFlow's own log lines (absl's and its LOG(...)'s: "I0000 00:00:... port.cc:153] oneDNN ...").
const TF_LOG = /(^|\n)[IWEF]\d{4} [\d:.]+ +\d+ \S+:\d+\]|absl::InitializeLog|oneDNN custom operations|cpu_feature_guard/;

// Two chapters at a time: most of a chapter's time is small ops on one core.
describe('the chapters on tfjs-node, two at a time', { concurrency: 2 }, () => {
  for (const file of chapterFiles()) {
    test(`${file} runs on tfjs-node (TFJS_BACKEND=node): no error, no stderr, no TensorFlow log line`, { skip, timeout: 15 * 60 * 1000 }, async (t) => {
      mkdirSync(join(out, 'notebooks'), { recursive: true });
      rmSync(join(out, 'notebooks', file), { force: true });
      const r = await executeNotebook(file, out, 'node');
      assert.ok(r.ok, `${file} failed on tfjs-node:\n${r.stderr.trim()}`);
      assert.doesNotMatch(r.stderr, TF_LOG, 'a TensorFlow log line on the process\'s stderr');
      assert.equal(r.stderr.trim(), '', 'the run wrote to stderr');
      t.diagnostic(r.stdout.trim());
      const nb = JSON.parse(readFileSync(join(out, 'notebooks', file), 'utf8'));
      const outputs = nb.cells.flatMap((cell, i) => (cell.outputs ?? []).map((o) => ({ cell: i + 1, o })));
      for (const { cell, o } of outputs) {
        const text = [].concat(o.text ?? o.evalue ?? '', ...Object.values(o.data ?? {}).map((d) => [].concat(d).join(''))).join('');
        const what = `cell ${cell}: ${o.output_type} ${text.slice(0, 300)}`;
        assert.notEqual(o.output_type, 'error', what);
        assert.ok(!(o.output_type === 'stream' && o.name === 'stderr'), what);
        assert.doesNotMatch(text, TF_LOG, `a TensorFlow log line in ${what}`);
      }
      // The first output says which backend, and which TensorFlow, printed what follows.
      const first = [].concat(outputs[0].o.text ?? '').join('');
      assert.match(first, new RegExp(`backend: tensorflow \\(tfjs-node, TensorFlow ${tfjsNode.tensorflow.replace(/\./g, '\\.')}\\)\\n`));
    });
  }
});
