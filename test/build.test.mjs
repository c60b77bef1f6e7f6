// The build's error path: a failing cell must stop a run with the notebook, the cell and the error
// text, in both runners: the site's (the course's kernel in Node, scripts/live/node-kernel.mjs)
// and tslab's (scripts/execute_notebook.py, which the benchmark and the tfjs-node runs use;
// nbconvert alone reports tslab's failures as an empty "<Error>:").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromText } from '../scripts/notebook.mjs';
import { VENV_PYTHON, jupyterEnv } from '../scripts/python-env.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

const RUNNERS = {
  'the course kernel': (src, out) => spawnSync(process.execPath, [join(root, 'scripts/live/node-kernel.mjs'), src, out], {
    env: { ...process.env, TFJS_BACKEND: 'wasm' }, encoding: 'utf8', timeout: 120000,
  }),
  tslab: (src, out) => spawnSync(VENV_PYTHON, [join(root, 'scripts/execute_notebook.py'), src, out], {
    env: jupyterEnv(), encoding: 'utf8', timeout: 120000,
  }),
};

for (const [runner, run] of Object.entries(RUNNERS)) test(`${runner}: a failing cell stops the run and names the notebook, the cell and the error`, () => {
  const dir = join(root, `test-output/failing-${runner.replace(/ /g, '-')}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'notebooks'), { recursive: true });
  symlinkSync(join(root, 'dist'), join(dir, 'dist'));
  const nb = fromText(`%% md
# A notebook that fails
%% code
import * as K from '../dist/index';
%% code
K.sampleWeights('heNormal', [2, 0]);
%% code
console.log('never reached');
`);
  const src = join(dir, 'notebooks/99-fails.ipynb');
  writeFileSync(src, JSON.stringify(nb));
  const r = run(src, join(dir, 'out.ipynb'));
  assert.equal(r.status, 1, r.stderr);
  assert.ok(!existsSync(join(dir, 'out.ipynb')), 'no executed notebook is written');
  assert.match(r.stderr, /99-fails\.ipynb: cell 3 failed/);
  assert.match(r.stderr, /K\.sampleWeights\('heNormal', \[2, 0\]\)/, 'the failing source is shown');
  assert.match(r.stderr, /shape\[1\] must be a whole number >= 1, got 0/, 'the error text is shown');
});

test('a prose cell writes its sentence with the computed numbers; the page shows the sentence, not its code', async () => {
  const { renderNotebook } = await import('../scripts/render.mjs');
  const { typedNumbers } = await import('../scripts/notebook.mjs');
  const dir = join(root, 'test-output/prose');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'notebooks'), { recursive: true });
  symlinkSync(join(root, 'dist'), join(dir, 'dist'));
  const nb = fromText(`%% md
# A notebook with prose
%% code
import * as K from '../dist/index';
const ratio = Math.SQRT2 / 3;
%% prose
K.md\`The ratio is \${K.fixed(ratio, 3)}, and $\\sqrt{2}/3 \\approx \${K.sig(ratio, 2)}$.\`
`);
  const src = join(dir, 'notebooks/99-prose.ipynb');
  writeFileSync(src, JSON.stringify(nb));
  const r = RUNNERS['the course kernel'](src, join(dir, 'out.ipynb'));
  assert.equal(r.status, 0, r.stderr);
  const done = JSON.parse(readFileSync(join(dir, 'out.ipynb'), 'utf8'));
  const [out] = done.cells[2].outputs;
  const sentence = `The ratio is ${(Math.SQRT2 / 3).toFixed(3)}, and $\\sqrt{2}/3 \\approx ${(Math.SQRT2 / 3).toPrecision(2)}$.`;
  assert.equal([].concat(out.data['text/markdown']).join(''), sentence);
  assert.deepEqual(out.metadata.course.quotes.map((q) => [q.value, q.text]), [[Math.SQRT2 / 3, '0.471'], [Math.SQRT2 / 3, '0.47']]);
  assert.deepEqual(typedNumbers(done), []);
  const html = renderNotebook(done, '99-prose.ipynb');
  assert.match(html, /<section class="md"[^>]*><p>The ratio is 0\.471, and <span class="katex">/);
  assert.doesNotMatch(html, /K\.md/, 'the code of a prose cell is not on the page');
});
