// The project's Python environment, .venv/: it sees none of the system's packages, its
// Jupyter is the one pinned in requirements.txt, the kernel it finds is the course's, and
// the test extras (Keras on PyTorch) work. And nothing in the project runs another Python
// or Jupyter than .venv/'s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TSLAB_BIN, VENV, VENV_PYTHON, jupyterEnv, requireVenv, venvBin } from '../scripts/python-env.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function python(code, extraEnv = {}) {
  requireVenv('The Python environment tests');
  const r = spawnSync(VENV_PYTHON, ['-c', code], { env: jupyterEnv(extraEnv), encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test(".venv/ does not see the system's or the user's packages", () => {
  assert.match(readFileSync(join(VENV, 'pyvenv.cfg'), 'utf8'), /^include-system-site-packages = false$/m);
  const info = python(`
import json, sys, site
print(json.dumps({"prefix": sys.prefix, "path": sys.path, "user_site": site.ENABLE_USER_SITE}))`);
  assert.equal(info.prefix, VENV);
  assert.equal(info.user_site, false);
  const packageDirs = info.path.filter((p) => /(site|dist)-packages/.test(p));
  assert.deepEqual(packageDirs.filter((p) => !p.startsWith(VENV + '/')), [], 'folders of packages outside .venv/ on sys.path');
  assert.ok(packageDirs.length > 0);
});

test("every Jupyter module comes from .venv/, and the tslab kernel Jupyter finds is the course's", () => {
  const info = python(`
import json, importlib
mods = ["jupyterlab", "jupyter_server", "nbclient", "nbconvert", "nbformat", "ipykernel", "IPython", "jupyter_client", "jupyter_core", "zmq", "tornado", "traitlets"]
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_core.paths import jupyter_path
spec = KernelSpecManager().get_kernel_spec("tslab")
print(json.dumps({"files": {m: importlib.import_module(m).__file__ for m in mods}, "kernel_dir": spec.resource_dir, "argv": spec.argv,
                  "data": jupyter_path()}))`);
  for (const [mod, file] of Object.entries(info.files)) assert.ok(file.startsWith(VENV + '/'), `${mod} is loaded from ${file}`);
  assert.equal(info.kernel_dir, join(VENV, 'share/jupyter/kernels/tslab'));
  assert.equal(info.argv[0], TSLAB_BIN);
  assert.equal(info.data[0], join(VENV, 'share/jupyter'), "Jupyter looks in .venv/ first (for kernels, templates, extensions)");
});

// name==version lines of a requirements file (comments and -r lines left out).
const pins = (file) => readFileSync(join(root, file), 'utf8').split('\n')
  .map((l) => l.replace(/#.*/, '').trim()).filter((l) => l && !l.startsWith('-'))
  .map((l) => { const [name, version] = l.split('=='); return { name, version }; });

test('.venv/ has exactly the versions requirements.txt and requirements-test.txt pin', () => {
  const wanted = [...pins('requirements.txt'), ...pins('requirements-test.txt')];
  assert.ok(wanted.some((p) => p.name === 'jupyterlab' && p.version.startsWith('4.')), 'JupyterLab 4');
  assert.ok(wanted.every((p) => p.version), 'every requirement is pinned with ==');
  const installed = python(`
import json, importlib.metadata as m
print(json.dumps({n: m.version(n) for n in ${JSON.stringify(wanted.map((p) => p.name))}}))`);
  // A local build label (torch's +cpu) is the same release.
  const mismatched = wanted.filter((p) => installed[p.name].replace(/\+.*$/, '') !== p.version).map((p) => `${p.name}: ${installed[p.name]}, pinned ${p.version}`);
  assert.deepEqual(mismatched, []);
});

test('the test extras: Keras 3 runs on PyTorch (KERAS_BACKEND=torch), on the CPU', { timeout: 120000 }, () => {
  const info = python(`
import json, keras, torch
x = keras.ops.matmul(keras.ops.ones((2, 3)), keras.ops.ones((3, 4)))
k = keras.initializers.HeNormal(seed=1)((256, 256))
print(json.dumps({"backend": keras.backend.backend(), "keras": keras.__version__, "torch": torch.__version__,
                  "sum": float(keras.ops.sum(x)), "type": type(x).__module__, "var": float(keras.ops.var(k)), "cuda": torch.cuda.is_available()}))`,
  { KERAS_BACKEND: 'torch' });
  assert.equal(info.backend, 'torch');
  assert.equal(info.keras, '3.15.1');
  assert.match(info.torch, /^2\.13\.0/);
  assert.equal(info.sum, 24);
  assert.match(info.type, /^torch/, 'the result is a torch tensor');
  assert.ok(Math.abs(info.var - 2 / 256) < 0.1 * (2 / 256), `He normal's variance is near 2 / fan-in (${info.var})`);
  assert.equal(info.cuda, false);
});

test("nothing in the project runs the system's Python or Jupyter", () => {
  const files = [
    ...readdirSync(join(root, 'scripts')).filter((f) => /\.(mjs|py|sh)$/.test(f)).map((f) => `scripts/${f}`),
    ...readdirSync(join(root, 'test')).filter((f) => f.endsWith('.mjs') && f !== 'python-env.test.mjs').map((f) => `test/${f}`),
    'package.json', '.ci/run',
  ];
  const offenders = files.filter((f) => /\/usr\/(local\/)?bin\/(python|jupyter)|JUPYTER_PATH:/.test(readFileSync(join(root, f), 'utf8')));
  assert.deepEqual(offenders, []);
  const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.deepEqual(Object.entries(scripts).filter(([, s]) => /\b(python3?|jupyter|pip3?)\b/.test(s)), [], 'npm scripts that call Python or Jupyter directly');
  assert.ok(venvBin('jupyter').startsWith(VENV));
});
