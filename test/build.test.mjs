// The build's error path: a failing cell must stop it with the notebook, the cell and the error text
// (nbconvert alone reports tslab's failures as an empty "<Error>:").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromText } from '../scripts/notebook.mjs';
import { VENV_PYTHON, jupyterEnv } from '../scripts/python-env.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

test('a failing cell stops the run and names the notebook, the cell and the error', () => {
  const dir = join(root, 'test-output/failing');
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
  const r = spawnSync(VENV_PYTHON, [join(root, 'scripts/execute_notebook.py'), src, join(dir, 'out.ipynb')], {
    env: jupyterEnv(), encoding: 'utf8', timeout: 120000,
  });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /99-fails\.ipynb: cell 3 failed/);
  assert.match(r.stderr, /K\.sampleWeights\('heNormal', \[2, 0\]\)/, 'the failing source is shown');
  assert.match(r.stderr, /shape\[1\] must be a whole number >= 1, got 0/, 'the error text is shown');
});
