// The project's own Python environment, .venv/: the Jupyter that every Jupyter command of
// the project uses (nbclient for the site, JupyterLab, nbconvert), with the tslab kernel
// registered inside it. Made and repaired by scripts/setup.mjs; the system's Python
// packages play no part (the venv does not see them, and the environment the commands get
// drops what would add others).
//
// Uses no npm package: it runs before they are installed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const VENV = join(ROOT, '.venv');
export const VENV_PYTHON = join(VENV, 'bin/python');
export const venvBin = (name, venv = VENV) => join(venv, 'bin', name);
export const KERNEL_NAME = 'tslab';
export const kernelJsonPath = (venv = VENV) => join(venv, 'share/jupyter/kernels', KERNEL_NAME, 'kernel.json');
export const TSLAB_BIN = join(ROOT, 'node_modules/.bin/tslab');
// The oldest Python the pinned packages install on (IPython 9 needs 3.11).
export const MIN_PYTHON = [3, 11];

// The environment for a command run with the venv's Python or Jupyter: the venv first on
// PATH, and nothing that would bring in packages, kernels or a Python from elsewhere.
export function jupyterEnv(extra = {}, venv = VENV) {
  const env = { ...process.env };
  for (const k of ['PYTHONPATH', 'PYTHONHOME', 'PYTHONSTARTUP', 'PYTHONUSERBASE', 'PYTHONEXECUTABLE', 'JUPYTER_PATH', 'VIRTUAL_ENV', 'CONDA_PREFIX']) delete env[k];
  return {
    ...env,
    PATH: `${join(venv, 'bin')}:${env.PATH ?? ''}`,
    PYTHONNOUSERSITE: '1',
    JUPYTER_PREFER_ENV_PATH: '1',
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
    ...extra,
  };
}

// Throws, naming what to do, when the venv is not there (set-up has not run).
export function requireVenv(what) {
  if (!existsSync(VENV_PYTHON) || !existsSync(kernelJsonPath())) {
    throw new Error(`${what} needs the project's Jupyter in .venv/ with the tslab kernel: run \`npm start\` (or \`node scripts/setup.mjs\`) first`);
  }
}

// ---- Deciding what the set-up must do (pure functions, unit-tested in test/setup.test.mjs) ----

export const sha256 = (text) => createHash('sha256').update(text).digest('hex');

// The stamp of a requirements file: written into the venv only after pip installed it in
// full, so an install that failed or was killed leaves no stamp, and the next run repeats it.
// Before pip starts, set-up leaves a marker (installingPath) that it removes with the stamp's
// writing: a marker still there means an install that stopped half-way.
// It names the venv's folder too: a venv moved with its project must be made again (its
// scripts start with the old path).
export function stampFor(requirementsText, venv) {
  return { requirements: sha256(requirementsText), venv };
}

// state: { exists, python: null | { ok, version, systemSite, pip, error } (what the venv's
//          python says, or null when .venv/bin/python is missing), stamp: parsed stamp or null,
//          installing: whether the marker of an unfinished install is there }
// wanted: the stamp an up-to-date install would have.
// Returns { create, install, repair, why }: create = (re)make the venv from nothing (removing
// what is there), install = run pip on the requirements, repair = reinstall every package,
// since an install that stopped half-way may have left one whose files are incomplete.
export function decideVenv(state, wanted) {
  if (!state.exists) return { create: true, install: true, why: 'there is no .venv/ yet' };
  if (!state.python) return { create: true, install: true, why: '.venv/ has no bin/python (a set-up that stopped half-way?); making it again' };
  if (!state.python.ok) return { create: true, install: true, why: `.venv/bin/python does not run (${state.python.error}); making .venv/ again` };
  if (state.python.systemSite) return { create: true, install: true, why: ".venv/ sees the system's site-packages; making it again without them" };
  if (!state.python.pip) return { create: true, install: true, why: '.venv/ has no pip (a set-up that stopped half-way?); making it again' };
  if (state.stamp && state.stamp.venv !== wanted.venv) return { create: true, install: true, why: `.venv/ was made at ${state.stamp.venv}; making it again here` };
  if (state.installing) return { create: false, install: true, repair: true, why: 'the last install into .venv/ did not finish; installing every package again' };
  if (!state.stamp) return { create: false, install: true, why: 'not installed in .venv/ yet' };
  if (state.stamp.requirements !== wanted.requirements) return { create: false, install: true, why: 'the requirements changed since the last install' };
  return { create: false, install: false, why: 'up to date' };
}

// What a base Python (the one that makes the venv) lacks, from the output of
// PROBE_BASE_PYTHON run with it; null when it can make the venv.
export const PROBE_BASE_PYTHON = `
import sys
print(sys.executable)
print("%d.%d.%d" % sys.version_info[:3])
try:
    import venv, ensurepip
    print("venv ok")
except Exception as e:
    print("no venv: %s" % e)
`;
export function baseProblem(output, status) {
  const [executable = '', version = '', venvLine = ''] = output.trim().split('\n').map((s) => s.trim());
  if (status !== 0 || !/^\d+\.\d+\.\d+$/.test(version)) return { kind: 'no-python', detail: output.trim() };
  const [major, minor] = version.split('.').map(Number);
  if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
    return { kind: 'too-old', executable, version };
  }
  if (venvLine !== 'venv ok') return { kind: 'no-venv', executable, version, debianPackage: `python${major}.${minor}-venv`, detail: venvLine };
  return null;
}

// pip's index URLs, from `pip config list` (env variables first, then the install section,
// then the global one, as pip reads them for `pip install`). null for the index when pip
// is told to use none.
export function pipIndexes(configList) {
  const values = {};
  for (const line of configList.split('\n')) {
    const m = /^([^=]+)=(['"]?)(.*)\2$/.exec(line.trim());
    if (m) values[m[1]] = m[3];
  }
  const pick = (key) => values[`:env:.${key}`] ?? values[`install.${key}`] ?? values[`global.${key}`];
  const noIndex = pick('no-index');
  if (noIndex && /^(1|true|yes|on)$/i.test(noIndex)) return { index: null, extra: [] };
  const index = pick('index-url') ?? 'https://pypi.org/simple';
  const extra = (pick('extra-index-url') ?? '').split(/\s+/).filter(Boolean);
  return { index, extra };
}

// The pip options for an install, given which of pip's network indexes answered a probe:
// when one did not, pip gives up on it at once (--retries 0) and takes the packages from the
// indexes that answer and from its find-links, instead of retrying every lookup for ~15 s.
// When all answer, pip is left as configured.
export function pipRetryArgs(probes) {
  return probes.some((p) => !p.reachable) ? ['--retries', '0'] : [];
}

// ---- Looking at the machine ----

// Whether an http(s) index answers within timeoutMs (any HTTP answer counts: pip could reach
// it). Node does not use pip's proxy settings, so behind a proxy this can say "no" for an
// index pip reaches: pip then still asks it, once, without retries.
export async function probeIndex(url, timeoutMs = 3000) {
  if (!/^https?:/i.test(url)) return { url, reachable: true };
  try {
    const r = await fetch(url.replace(/\/?$/, '/pip/'), { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    return { url, reachable: true, status: r.status };
  } catch (e) {
    return { url, reachable: false, error: e.cause?.code ?? e.name ?? String(e) };
  }
}

// What the venv's python says of itself; null when there is no .venv/bin/python.
export function inspectVenv(venv = VENV, stampName = 'requirements') {
  const python = join(venv, 'bin/python');
  const state = { exists: existsSync(venv), python: null, stamp: readStamp(venv, stampName), installing: existsSync(installingPath(venv, stampName)) };
  if (!existsSync(python)) return state;
  // systemSite: a folder of packages on sys.path that is not the venv's own (the system's
  // site-packages or dist-packages, or the user's).
  const r = spawnSync(python, ['-c', 'import sys, site; print("%d.%d.%d" % sys.version_info[:3]); print(site.ENABLE_USER_SITE or any(p.endswith(("site-packages", "dist-packages")) and not p.startswith(sys.prefix + "/") for p in sys.path)); import importlib.util as u; print(u.find_spec("pip") is not None)'],
    { encoding: 'utf8', env: jupyterEnv({}, venv), timeout: 60000 });
  if (r.status !== 0) {
    state.python = { ok: false, error: (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').pop() };
    return state;
  }
  const [version, systemSite, pip] = r.stdout.trim().split('\n');
  const cfg = existsSync(join(venv, 'pyvenv.cfg')) ? readFileSync(join(venv, 'pyvenv.cfg'), 'utf8') : '';
  state.python = { ok: true, version, systemSite: systemSite === 'True' || /include-system-site-packages\s*=\s*true/i.test(cfg), pip: pip === 'True' };
  return state;
}

export const stampPath = (venv, name) => join(venv, `.installed-${name}.json`);
export const installingPath = (venv, name) => join(venv, `.installing-${name}`);
export function readStamp(venv, name) {
  try {
    return JSON.parse(readFileSync(stampPath(venv, name), 'utf8'));
  } catch {
    return null;
  }
}
