// Installs what the course needs on a fresh machine, and nothing twice.
//   node scripts/setup.mjs              npm packages; .venv/: the project's Python environment with
//                                       Jupyter (requirements.txt) and the tslab kernel registered in it
//   node scripts/setup.mjs --tfjs-node  the same, plus tfjs-node, the TensorFlow backend, built here
//                                       when its own install could not download it
//                                       (scripts/tfjs-node.mjs); `npm run lab` uses this
//   node scripts/setup.mjs --test       all of that, plus the test extras (requirements-test.txt)
//                                       in .venv/ and Chromium for the browser tests
// The venv is made with the `python3` on PATH (or COURSE_PYTHON=/path/to/python3), 3.11 or newer.
// Every step checks its own result: an install that failed or was stopped half-way is done
// again on the next run (pip's installs are marked done by a stamp in .venv/ only once pip
// has finished, and one that began and did not finish is redone in full; see
// scripts/python-env.mjs); tfjs-node counts as done only once it loads and computes, and
// its cache of TensorFlow's libraries only once it is complete (see scripts/tfjs-node.mjs).
// Uses no npm package itself: it runs before they are installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  ROOT, VENV, KERNEL_NAME, TSLAB_BIN, MIN_PYTHON, PROBE_BASE_PYTHON, baseProblem, decideVenv, inspectVenv,
  installingPath, jupyterEnv, kernelJsonPath, pipIndexes, pipRetryArgs, probeIndex, stampFor, stampPath, venvBin,
} from './python-env.mjs';
import { ensureTfjsNode } from './tfjs-node.mjs';

const say = (msg) => console.log(`[setup] ${msg}`);
const rel = (p) => relative(ROOT, p) || '.';

export class SetupError extends Error {}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...options });
  return { ok: r.status === 0, status: r.status ?? r.signal ?? r.error?.code, stdout: r.stdout?.toString() ?? '', stderr: r.stderr?.toString() ?? '' };
}

// Runs pip with its output streamed, less one warning: this machine's pip has a local extra
// index that lacks most projects, and pip says so for each one ("Location ... is ignored: it is
// neither a file nor a directory"), a hundred lines that say nothing about the install.
const PIP_NOISE = /^WARNING: Location '[^']*' is ignored: it is neither a file nor a directory\.$/;
function runPip(python, args, env) {
  return new Promise((resolve) => {
    const child = spawn(python, ['-m', 'pip', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const relay = (stream, out) => {
      let rest = '';
      stream.on('data', (d) => {
        const lines = (rest + d).split('\n');
        rest = lines.pop();
        for (const line of lines) if (!PIP_NOISE.test(line.trim())) out.write(line + '\n');
      });
      stream.on('end', () => rest && !PIP_NOISE.test(rest.trim()) && out.write(rest + '\n'));
    };
    relay(child.stdout, process.stdout);
    relay(child.stderr, process.stderr);
    child.on('error', (e) => resolve({ ok: false, status: e.code }));
    child.on('close', (code, signal) => resolve({ ok: code === 0, status: code ?? signal }));
  });
}

let aptUpdated = false;
function aptInstall(packages, why) {
  const isRoot = process.getuid?.() === 0;
  if (!existsSync('/usr/bin/apt-get') || !isRoot) {
    throw new SetupError(
      `${why} is missing. Install the Debian/Ubuntu package(s) ${packages.join(' ')} ` +
        `(sudo apt-get install ${packages.join(' ')}), or their equivalent for your system, then run this again.`,
    );
  }
  say(`installing ${packages.join(' ')} (${why}) with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    if (!run('apt-get', ['update', '-qq'], { env }).ok) throw new SetupError('apt-get update failed (see above)');
    aptUpdated = true;
  }
  const r = run('apt-get', ['install', '-y', '-qq', ...packages], { env });
  if (!r.ok) throw new SetupError(`apt-get install ${packages.join(' ')} failed (exit ${r.status}; see above)`);
}

// 1. npm packages (tfjs-node is optional: its install needs the internet and may fail).
async function ensureNpmPackages() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
  const missing = names.filter((n) => !existsSync(join(ROOT, 'node_modules', n, 'package.json')));
  if (!missing.length) return;
  say(`installing npm packages (missing: ${missing.join(', ')})`);
  const status = await new Promise((resolve) => {
    const child = spawn('npm', ['install', '--no-audit', '--no-fund'], { stdio: 'inherit', cwd: ROOT });
    child.on('error', (e) => resolve(e.code));
    child.on('close', (code, signal) => resolve(code ?? signal));
  });
  if (status !== 0) throw new SetupError(`npm install failed (exit ${status}; see above); run \`npm install\` to see why`);
}

// 2. The Python that makes the venv: `python3` on PATH (or COURSE_PYTHON), with venv and
// ensurepip. On Debian/Ubuntu those come in pythonX.Y-venv, which set-up installs as root.
export function basePython() {
  const cmd = process.env.COURSE_PYTHON || 'python3';
  let out;
  const probe = () => {
    const r = spawnSync(cmd, ['-c', PROBE_BASE_PYTHON], { encoding: 'utf8', env: jupyterEnv(), cwd: ROOT });
    out = (r.stdout ?? '') + (r.error ? String(r.error.message) : '');
    return baseProblem(out, r.status);
  };
  let problem = probe();
  if (problem?.kind === 'no-python') {
    if (process.env.COURSE_PYTHON) throw new SetupError(`COURSE_PYTHON=${cmd} does not run as a Python (${problem.detail || 'no output'})`);
    aptInstall(['python3', 'python3-venv'], `Python 3 (${MIN_PYTHON.join('.')} or newer, with its venv module), which runs the course's Jupyter`);
    problem = probe();
  }
  if (problem?.kind === 'no-venv') {
    const debian = existsSync('/usr/bin/dpkg') && spawnSync('dpkg', ['-S', problem.executable], { stdio: 'ignore' }).status === 0;
    if (!debian) {
      throw new SetupError(`${problem.executable} (Python ${problem.version}) cannot make a virtual environment (${problem.detail}). ` +
        `Install its venv module (on Debian/Ubuntu: sudo apt-get install ${problem.debianPackage}), or point COURSE_PYTHON at a Python ${MIN_PYTHON.join('.')}+ that has it, then run this again.`);
    }
    aptInstall([problem.debianPackage], `Python's venv module for ${problem.executable}`);
    problem = probe();
  }
  if (problem?.kind === 'too-old') {
    throw new SetupError(`${problem.executable} is Python ${problem.version}; the course's Jupyter needs Python ${MIN_PYTHON.join('.')} or newer. ` +
      `Install one (on Debian/Ubuntu: sudo apt-get install python3 python3-venv) and, if it is not the python3 on PATH, run with COURSE_PYTHON=/path/to/it.`);
  }
  if (problem) throw new SetupError(`${cmd} cannot make the course's virtual environment: ${problem.detail ?? problem.kind}`);
  const [executable, version] = out.trim().split('\n');
  return { executable, version };
}

// The indexes pip would ask over the network, probed so that an unreachable one costs no retries.
export async function pipArgsForThisMachine(python, venv) {
  const r = spawnSync(python, ['-m', 'pip', 'config', 'list'], { encoding: 'utf8', env: jupyterEnv({}, venv) });
  const { index, extra } = pipIndexes(r.stdout ?? '');
  const probes = await Promise.all([index, ...extra].filter(Boolean).map((u) => probeIndex(u)));
  const args = pipRetryArgs(probes);
  const dead = probes.filter((p) => !p.reachable).map((p) => `${p.url} (${p.error})`);
  return { args, note: dead.length ? `; pip's index ${dead.join(', ')} does not answer, so pip will not retry it (--retries 0)` : '' };
}

// 3. .venv/ with the packages of one requirements file; `text` is what its stamp hashes.
export async function ensureRequirements({ venv = VENV, file, text, stampName, label }) {
  const wanted = stampFor(text, venv);
  const decision = decideVenv(inspectVenv(venv, stampName), wanted);
  if (!decision.install) return false;
  say(`${label}: ${decision.why}`);
  if (decision.create) {
    const base = basePython();
    rmSync(venv, { recursive: true, force: true });
    say(`creating ${rel(venv)}/ with ${base.executable} (Python ${base.version})`);
    const r = run(base.executable, ['-m', 'venv', venv], { env: jupyterEnv({}, venv) });
    if (!r.ok) {
      rmSync(venv, { recursive: true, force: true });
      throw new SetupError(`${base.executable} -m venv .venv failed (exit ${r.status}; see above). On Debian/Ubuntu its venv module comes in python${base.version.split('.').slice(0, 2).join('.')}-venv (sudo apt-get install python${base.version.split('.').slice(0, 2).join('.')}-venv).`);
    }
  }
  rmSync(stampPath(venv, stampName), { force: true });
  writeFileSync(installingPath(venv, stampName), `pip install -r ${file} began ${new Date().toISOString()}\n`);
  const python = venvBin('python', venv);
  const pip = await pipArgsForThisMachine(python, venv);
  say(`installing ${rel(file)} into ${rel(venv)}/ with pip${pip.note}`);
  const started = Date.now();
  const r = await runPip(python, ['install', '--quiet', '--no-input', '--disable-pip-version-check', ...(decision.repair ? ['--force-reinstall'] : []),
    ...pip.args, '-r', file], jupyterEnv({}, venv));
  if (!r.ok) {
    throw new SetupError(`pip could not install ${rel(file)} into ${rel(venv)}/ (exit ${r.status}): its error above names the package it could not get. ` +
      `\`${rel(python)} -m pip config list\` shows where pip looks; once pip can get it, run this again, and the install is repeated (nothing is marked done).`);
  }
  writeFileSync(stampPath(venv, stampName), JSON.stringify(wanted) + '\n');
  rmSync(installingPath(venv, stampName), { force: true });
  say(`installed ${rel(file)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return true;
}

// 4. The tslab kernel, registered inside the venv (.venv/share/jupyter/kernels/tslab), which
// the venv's Jupyter finds first; tslab's install.py imports jupyter_client and IPython.
function ensureKernel() {
  const kernelJson = kernelJsonPath();
  try {
    if (JSON.parse(readFileSync(kernelJson, 'utf8')).argv[0] === TSLAB_BIN) return;
  } catch {}
  say(`registering the ${KERNEL_NAME} kernel in .venv/`);
  const r = run(process.execPath, [join(ROOT, 'node_modules/tslab/bin/tslab'), 'install', `--python=${venvBin('python')}`, `--binary=${TSLAB_BIN}`, `--prefix=${VENV}`],
    { stdio: 'pipe', env: jupyterEnv() });
  if (!r.ok || !existsSync(kernelJson)) {
    throw new SetupError(`tslab install failed (exit ${r.status}): ${(r.stderr + r.stdout).trim()}`);
  }
}

// 5. For the tests: Chromium opens the pages and drives JupyterLab (pip has no Chromium).
function ensureChromium() {
  if (!existsSync('/usr/bin/chromium')) aptInstall(['chromium'], 'Chromium (the browser tests open the pages and JupyterLab in it)');
}

function versions(names) {
  const code = `import importlib.metadata as m, sys\nprint("Python %d.%d.%d" % sys.version_info[:3])\nfor n in ${JSON.stringify(names)}: print(n, m.version(n))`;
  const r = spawnSync(venvBin('python'), ['-c', code], { encoding: 'utf8', env: jupyterEnv() });
  if (r.status !== 0) throw new SetupError(`.venv/ is incomplete: ${r.stderr.trim().split('\n').pop()}`);
  return r.stdout.trim().split('\n').join(', ');
}

// 6. tfjs-node, the second backend: optional. When it cannot be had, the course runs on wasm
// and set-up says why, but does not fail.
async function ensureSecondBackend() {
  const pip = await pipArgsForThisMachine(venvBin('python'), VENV);
  const r = await ensureTfjsNode({ say, pipArgs: pip.args });
  if (!r.ok) say(`tfjs-node is not available: ${r.error}\n[setup] The course runs on wasm (TensorFlow.js's WebAssembly backend) instead.`);
  return r.ok ? `tfjs-node (TensorFlow ${r.tensorflow}${r.builtHere ? ', built here' : ''}) and wasm` : 'wasm only (no tfjs-node)';
}

export async function setup({ forTests = false, tfjsNode = forTests } = {}) {
  const req = join(ROOT, 'requirements.txt');
  const reqText = readFileSync(req, 'utf8');
  // npm's packages and the venv's Jupyter do not depend on each other, so they install side by
  // side (on a fresh machine npm's 10 s run inside pip's 20). Both are waited for, so a failure
  // of one never leaves the other stopped half-way; the kernel's registration needs both.
  const [npm, jupyter] = await Promise.allSettled([
    ensureNpmPackages(),
    ensureRequirements({ file: req, text: reqText, stampName: 'requirements', label: 'Jupyter' }),
  ]);
  for (const r of [npm, jupyter]) if (r.status === 'rejected') throw r.reason;
  ensureKernel();
  const names = ['jupyterlab', 'nbclient', 'nbconvert', 'ipykernel'];
  // The test extras (pip) and tfjs-node's build (mostly the compiler) run side by side, and
  // both are waited for, as above.
  const testReq = join(ROOT, 'requirements-test.txt');
  const [extras, backends] = await Promise.allSettled([
    // It includes requirements.txt, so its stamp covers both.
    forTests && ensureRequirements({ file: testReq, text: readFileSync(testReq, 'utf8') + reqText, stampName: 'requirements-test', label: 'test extras' }),
    tfjsNode ? ensureSecondBackend() : null,
  ]);
  for (const r of [extras, backends]) if (r.status === 'rejected') throw r.reason;
  if (forTests) {
    ensureChromium();
    names.push('keras', 'torch');
  }
  say(`ready${forTests ? ' for the tests' : ''}: .venv/ has ${versions(names)}; kernel ${KERNEL_NAME}${backends.value ? `; backends: ${backends.value}` : ''}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const unknown = process.argv.slice(2).filter((a) => a !== '--test' && a !== '--tfjs-node');
  if (unknown.length) {
    console.error(`[setup] unknown argument ${unknown[0]}; use --test, --tfjs-node (or nothing)`);
    process.exit(2);
  }
  const forTests = process.argv.includes('--test');
  setup({ forTests, tfjsNode: forTests || process.argv.includes('--tfjs-node') }).catch((e) => {
    console.error(`\n[setup] ${e instanceof SetupError ? e.message : e.stack}`);
    process.exit(1);
  });
}
