// Installs what the course needs on a fresh Debian/Ubuntu machine, and nothing twice.
//   node scripts/setup.mjs          npm packages, Jupyter (nbclient, nbconvert), the tslab kernel
//   node scripts/setup.mjs --test   the same, plus Chromium for the browser tests
// Uses no npm package itself: it runs before they are installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const forTests = process.argv.includes('--test');
export const PYTHON = '/usr/bin/python3';
const say = (msg) => console.log(`[setup] ${msg}`);

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
  }
}

function npmPackagesMissing() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
  return names.filter((n) => !existsSync(join(root, 'node_modules', n, 'package.json')));
}

function pythonHas(modules) {
  if (!existsSync(PYTHON)) return false;
  const r = spawnSync(PYTHON, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' });
  return r.status === 0;
}

let aptUpdated = false;
function aptInstall(packages, why) {
  const isRoot = process.getuid?.() === 0;
  if (!existsSync('/usr/bin/apt-get') || !isRoot) {
    throw new Error(
      `${why} is missing. Install the Debian/Ubuntu packages ${packages.join(' ')} ` +
        `(sudo apt-get install ${packages.join(' ')}), or their equivalents for your system, then run this again.`,
    );
  }
  say(`installing ${packages.join(' ')} (${why}) with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    run('apt-get', ['update', '-qq'], { env });
    aptUpdated = true;
  }
  run('apt-get', ['install', '-y', '-qq', ...packages], { env });
}

// 1. npm packages (tfjs-node is optional: its install needs the internet and may fail).
const missing = npmPackagesMissing();
if (missing.length) {
  say(`installing npm packages (missing: ${missing.join(', ')})`);
  run('npm', ['install', '--no-audit', '--no-fund']);
}

// 2. Jupyter's notebook runner, from the system packages (PyPI may be out of reach).
if (!pythonHas(['nbclient', 'nbformat', 'nbconvert', 'jupyter_client'])) {
  aptInstall(['python3-nbclient', 'python3-nbformat', 'jupyter-nbconvert', 'python3-jupyter-client'], `Jupyter's nbclient and nbconvert for ${PYTHON}`);
}

// 3. The tslab kernel, registered in the project's own Jupyter path (.jupyter/), not the user's.
const kernelJson = join(root, '.jupyter/share/jupyter/kernels/tslab/kernel.json');
const tslabBin = join(root, 'node_modules/.bin/tslab');
if (!existsSync(kernelJson) || !readFileSync(kernelJson, 'utf8').includes(tslabBin)) {
  say('registering the tslab kernel in .jupyter/');
  run(process.execPath, [join(root, 'node_modules/tslab/bin/tslab'), 'install', `--python=${PYTHON}`, `--binary=${tslabBin}`, `--prefix=${join(root, '.jupyter')}`], { stdio: 'ignore' });
}

// 4. For the tests: Chromium opens the built pages, and the Jupyter Notebook server
// runs the chapters through a real front end.
if (forTests && !existsSync('/usr/bin/chromium')) {
  aptInstall(['chromium'], 'Chromium (the browser tests open the built pages in it)');
}
if (forTests && !pythonHas(['notebook'])) {
  aptInstall(['jupyter-notebook'], `the Jupyter Notebook server for ${PYTHON} (a test runs every chapter in it)`);
}
say(`ready${forTests ? ' for the tests' : ''}: ${execFileSync(PYTHON, ['-c', 'import nbclient; print("nbclient " + nbclient.__version__)']).toString().trim()}`);
