// tfjs-node (@tensorflow/tfjs-node, the TensorFlow backend) where its own install could not
// provide it. Its install script downloads libtensorflow 2.9.1 and a prebuilt binding from
// Google's storage; without that (no internet, as on the reference machine) npm drops the
// optional package. The course then builds tfjs-node's binding itself, with node-gyp, against
// the TensorFlow C libraries of the tensorflow-cpu wheel that pip can fetch from its configured
// indexes (libtensorflow_cc.so.2 exports the C and eager C APIs the binding calls).
//
//   1. tfjs-node loads (a child process requires it and multiplies on it): nothing to do. A
//      machine whose tfjs-node installed normally is left as it is.
//   2. Otherwise, what the build needs is checked first (Linux on x86-64, a C++ compiler, make,
//      Node's headers, the disk space); what is missing is named, and the course runs on wasm.
//   3. The TensorFlow libraries: the wheel's two shared libraries and the headers the binding
//      includes (14 files, found by following its #include lines through the wheel), in a cache
//      outside the project, ~/.cache/kernel-init-course/tensorflow-VERSION (INIT_COURSE_CACHE or
//      XDG_CACHE_HOME move it). 850 MB that every clone on the machine shares (a CI run's fresh
//      clone, a second checkout), that `rm -rf node_modules` or `git clean` keep, and that git
//      never sees. It is written under a temporary name and renamed when complete, so a run
//      stopped half-way leaves no cache that looks whole (its leftovers are removed next time).
//   4. tfjs-node's deps/ gets links to them (the names its binding.gyp links with, the name its
//      install script looks for so that it downloads nothing, and the libraries' own names,
//      which the binding's rpath $ORIGIN/../../deps/lib finds at run time); then
//      `npm rebuild @tensorflow/tfjs-node` builds the binding from source.
//   5. It must load and multiply right; if it does not, what was built is removed (deps/,
//      build/, lib/), the reason is printed, and the course runs on wasm. A run stopped during
//      the build leaves a tfjs-node that does not load, which the next run builds again.
//
// Uses no npm package itself: it runs before they are installed.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statfsSync, symlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ROOT, jupyterEnv, venvBin } from './python-env.mjs';

/** The TensorFlow whose libraries the binding is built against (pip's local copies have it). */
export const TF_VERSION = '2.21.0';
export const TF_WHEEL = `tensorflow-cpu==${TF_VERSION}`;
/** tfjs-node's folder in a project (this one, or a scratch one in the tests). */
export const tfjsNodeDir = (root = ROOT) => join(root, 'node_modules/@tensorflow/tfjs-node');
// The wheel's two libraries (the C and eager C APIs, and what they use) and their needs on disk.
const LIBRARIES = ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'];
const BYTES_NEEDED = 1.3e9; // the wheel (274 MB) while the libraries (853 MB) are extracted

/** Where the extracted libraries are kept, shared by every checkout on the machine. */
export function cacheRoot(env = process.env) {
  if (env.INIT_COURSE_CACHE) return resolve(env.INIT_COURSE_CACHE);
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kernel-init-course');
}
export const tensorflowDir = (env = process.env) => join(cacheRoot(env), `tensorflow-${TF_VERSION}`);

// Loads tfjs-node as the course does, multiplies a 2x2 by a 2x1 on it, and says which
// TensorFlow answered (its log lines on stderr are not read).
const PROBE = `
process.env.TF_CPP_MIN_LOG_LEVEL = '3';
const tf = require(require.resolve('@tensorflow/tfjs-node', { paths: [process.argv[1]] }));
const product = Array.from(tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])).dataSync());
if (tf.getBackend() !== 'tensorflow' || product.join() !== '17,39') throw new Error('tfjs-node loaded but computed ' + product + ' on ' + tf.getBackend());
console.log(JSON.stringify({ tensorflow: tf.backend().binding.TF_Version, tfjs: tf.version['tfjs-node'] }));
`;

/**
 * Whether tfjs-node loads and computes, in a child process (a failed native load cannot be
 * undone in this one): { ok: true, tensorflow, tfjs, builtHere } or { ok: false, error }.
 */
export function probeTfjsNode(root = ROOT) {
  if (!existsSync(join(tfjsNodeDir(root), 'package.json'))) return { ok: false, error: 'the package is not in node_modules/' };
  const r = spawnSync(process.execPath, ['-e', PROBE, root], { cwd: root, encoding: 'utf8', timeout: 120000 });
  if (r.status === 0) {
    try {
      return { ok: true, ...JSON.parse(r.stdout.trim().split('\n').pop()), builtHere: builtHere(tfjsNodeDir(root)) };
    } catch {}
  }
  const lines = `${r.stderr ?? ''}${r.error?.message ?? ''}`.split('\n').map((l) => l.trim());
  const error = lines.find((l) => /^(Error|\w*Error):/.test(l)) ?? lines.filter(Boolean).pop() ?? `exit ${r.status}`;
  return { ok: false, error: error.replace(/^Error: /, '') };
}

/** Whether tfjs-node's deps/ is the course's (linked to the cache), not its own download. */
function builtHere(dir) {
  try {
    return readdirSync(join(dir, 'deps/lib')).length > 0 && existsSync(join(dir, 'deps/.built-by-course'));
  } catch {
    return false;
  }
}

const runs = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

/** The headers directory of the Node that runs this: npm's nodedir, else the Node's own prefix. */
export function nodeHeaders(env = process.env) {
  const candidates = [];
  const configured = env.npm_config_nodedir ?? spawnSync('npm', ['config', 'get', 'nodedir'], { encoding: 'utf8' }).stdout?.trim();
  if (configured && configured !== 'undefined' && configured !== 'null') candidates.push(configured);
  candidates.push(dirname(dirname(process.execPath)));
  return candidates.find((dir) => existsSync(join(dir, 'include/node/node_api.h'))) ?? null;
}

/** What this machine lacks to build the binding: a list of sentences, empty when nothing. */
export function missingForBuild({ platform = process.platform, arch = process.arch, env = process.env } = {}) {
  const missing = [];
  if (platform !== 'linux' || arch !== 'x64') {
    missing.push(`a Linux x86-64 machine (this is ${platform}-${arch}; the TensorFlow libraries come from the tensorflow-cpu wheel for Linux x86-64)`);
    return missing;
  }
  const cxx = env.CXX || 'g++';
  if (!runs(cxx, ['--version'])) missing.push(`a C++ compiler (${cxx}; on Debian/Ubuntu: sudo apt-get install g++)`);
  if (!runs('make', ['--version'])) missing.push('make (on Debian/Ubuntu: sudo apt-get install make)');
  if (!nodeHeaders(env)) {
    missing.push(`Node's C headers (include/node/node_api.h, looked for in npm's nodedir and in ${dirname(dirname(process.execPath))}; ` +
      'the nodejs package of NodeSource or Debian has them, or set npm_config_nodedir to a Node source or headers folder)');
  }
  return missing;
}

function freeBytes(path) {
  let dir = path;
  while (!existsSync(dir)) dir = dirname(dir);
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

// Extracts from the wheel the libraries and the headers the binding's sources include, following
// their #include "..." lines through the wheel's tensorflow/include/ (TensorFlow's own headers;
// the system's, in <...>, are the compiler's). Prints what it wrote as JSON.
const EXTRACT = String.raw`
import json, os, re, shutil, sys, zipfile
wheel, dest, seeds, libraries = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
z = zipfile.ZipFile(wheel)
names = set(z.namelist())
prefix = "tensorflow/include/"
todo, found, absent = list(seeds), set(), set()
while todo:
    header = todo.pop()
    if header in found or header in absent:
        continue
    if prefix + header not in names:
        absent.add(header)
        continue
    found.add(header)
    text = z.read(prefix + header).decode("utf-8", "replace")
    todo.extend(re.findall(r'^\s*#\s*include\s+"([^"]+)"', text, re.M))
missing_seeds = [s for s in seeds if s not in found]
missing_libs = [l for l in libraries if "tensorflow/" + l not in names]
if missing_seeds or missing_libs:
    sys.exit("the wheel lacks " + ", ".join(missing_seeds + missing_libs))
def copy(member, target):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with z.open(member) as src, open(target, "wb") as out:
        shutil.copyfileobj(src, out, 1 << 22)
for header in sorted(found):
    copy(prefix + header, os.path.join(dest, "include", header))
for lib in libraries:
    copy("tensorflow/" + lib, os.path.join(dest, "lib", lib))
print(json.dumps({"headers": sorted(found), "bytes": sum(os.path.getsize(os.path.join(dest, "lib", l)) for l in libraries)}))
`;

/** The TensorFlow headers tfjs-node's binding includes directly ("tensorflow/..." in its sources). */
export function bindingIncludes(dir = tfjsNodeDir()) {
  const seeds = new Set();
  for (const f of readdirSync(join(dir, 'binding')).filter((f) => /\.(cc|h)$/.test(f))) {
    for (const m of readFileSync(join(dir, 'binding', f), 'utf8').matchAll(/^\s*#\s*include\s+"(tensorflow\/[^"]+)"/gm)) seeds.add(m[1]);
  }
  return [...seeds].sort();
}

// Runs a command with its output in a log file; resolves { ok, status, log }.
function runLogged(cmd, args, { env, cwd = ROOT, log }) {
  return new Promise((resolve) => {
    mkdirSync(dirname(log), { recursive: true });
    const out = createWriteStream(log);
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    const done = (status) => out.end(() => resolve({ ok: status === 0, status, log, text: readFileSync(log, 'utf8') }));
    child.on('error', (e) => done(e.code));
    child.on('close', (code, signal) => done(code ?? signal));
  });
}
const tail = (text, n = 15) => text.trim().split('\n').slice(-n).map((l) => `    ${l}`).join('\n');
// The lines of a build log that say what went wrong: those just before node-gyp's own
// report (the compiler's or the linker's error, make's), or the end of the log.
export function buildFailure(text) {
  const lines = text.split('\n');
  const first = lines.findIndex((l) => /^(gyp ERR!|node-pre-gyp ERR!|npm error)/.test(l));
  if (first <= 0) return tail(text, 8);
  return tail(lines.slice(0, first).filter((l) => l.trim() && !/^(gyp info|cmd: |\s*CXX|\s*SOLINK|\s*COPY|\s*LINK|\s*TOUCH|make: (Entering|Leaving))/.test(l)).join('\n'), 8);
}

class Unavailable extends Error {}

/**
 * The TensorFlow libraries and headers in the cache, made from the wheel when missing.
 * pipArgs: the options for this machine's indexes (setup's --retries 0 when one is dead).
 */
export async function ensureTensorflowLibraries({ say, pipArgs = [], venvPython = venvBin('python'), env = process.env, root = ROOT } = {}) {
  const dir = tensorflowDir(env);
  if (LIBRARIES.every((l) => existsSync(join(dir, 'lib', l))) && existsSync(join(dir, 'include/tensorflow/c/c_api.h'))) return dir;
  const cache = cacheRoot(env);
  mkdirSync(cache, { recursive: true });
  // Leftovers of runs stopped half-way (their process is gone); a live one may be another
  // checkout's set-up at work, and is left alone.
  for (const f of readdirSync(cache)) {
    const m = /^\.partial-(\d+)-/.exec(f);
    if (m && !alive(Number(m[1]))) rmSync(join(cache, f), { recursive: true, force: true });
  }
  if (freeBytes(cache) < BYTES_NEEDED) {
    throw new Unavailable(`${(BYTES_NEEDED / 1e9).toFixed(1)} GB free in ${cache} for TensorFlow's libraries (there are ${(freeBytes(cache) / 1e9).toFixed(1)} GB; INIT_COURSE_CACHE=/other/folder puts them elsewhere)`);
  }
  const partial = mkdtempSync(join(cache, `.partial-${process.pid}-`));
  try {
    say(`fetching ${TF_WHEEL} with pip, for TensorFlow's C libraries (${cache})`);
    const wheelDir = join(partial, 'wheel');
    const pip = await runLogged(venvPython, ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--no-input', '--disable-pip-version-check', ...pipArgs,
      '--dest', wheelDir, TF_WHEEL], { env: jupyterEnv(), log: join(partial, 'pip.log') });
    const wheel = pip.ok && readdirSync(wheelDir).find((f) => f.endsWith('.whl'));
    if (!wheel) {
      throw new Unavailable(`${TF_WHEEL} from pip's indexes (\`${venvPython} -m pip download --no-deps ${TF_WHEEL}\` failed; \`pip config list\` shows where pip looks):\n${tail(pip.text.split('\n').filter((l) => !/is ignored: it is neither/.test(l)).join('\n'), 6)}`);
    }
    const x = spawnSync(venvPython, ['-c', EXTRACT, join(wheelDir, wheel), partial, JSON.stringify(bindingIncludes(tfjsNodeDir(root))), JSON.stringify(LIBRARIES)], { encoding: 'utf8', env: jupyterEnv() });
    if (x.status !== 0) throw new Unavailable(`TensorFlow's C libraries in ${wheel} (${(x.stderr || '').trim().split('\n').pop()})`);
    rmSync(wheelDir, { recursive: true, force: true });
    rmSync(join(partial, 'pip.log'), { force: true });
    const { headers, bytes } = JSON.parse(x.stdout);
    try {
      renameSync(partial, dir);
    } catch (e) {
      // Another checkout's set-up finished first: its copy is as good as this one.
      if (!['ENOTEMPTY', 'EEXIST'].includes(e.code)) throw e;
    }
    say(`TensorFlow ${TF_VERSION}'s libraries (${(bytes / 1e6).toFixed(0)} MB) and the ${headers.length} headers the binding includes are in ${dir}`);
    return dir;
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Removes what a build of the binding leaves in tfjs-node's folder, so it is as npm installed it. */
export function removeBuild(dir) {
  for (const f of ['deps', 'build', 'lib']) rmSync(join(dir, f), { recursive: true, force: true });
}

/** tfjs-node's deps/ linked to the cache: the names the build, its install script and the binding's rpath use. */
export function linkDeps(tfDir, dir) {
  const deps = join(dir, 'deps');
  rmSync(deps, { recursive: true, force: true });
  mkdirSync(join(deps, 'lib'), { recursive: true });
  symlinkSync(join(tfDir, 'include'), join(deps, 'include'));
  // install.js skips its download when deps/lib/libtensorflow.so.<its version> exists.
  const constants = readFileSync(join(dir, 'scripts/deps-constants.js'), 'utf8');
  const pinned = /LIBTENSORFLOW_VERSION\s*=\s*'([^']+)'/.exec(constants)?.[1] ?? '2.9.1';
  const names = {
    'libtensorflow_cc.so.2': ['libtensorflow.so', `libtensorflow.so.${pinned}`, 'libtensorflow_cc.so.2'],
    'libtensorflow_framework.so.2': ['libtensorflow_framework.so', 'libtensorflow_framework.so.2'],
  };
  for (const [lib, links] of Object.entries(names)) for (const name of links) symlinkSync(join(tfDir, 'lib', lib), join(deps, 'lib', name));
  // Marks a deps/ the course made, so a tfjs-node that installed itself is told apart.
  symlinkSync(tfDir, join(deps, '.built-by-course'));
}

/**
 * Makes tfjs-node load on this machine when its install could not: see the top of this file.
 * Returns the probe of the result: { ok: true, tensorflow, builtHere } or { ok: false, error }
 * with what is missing. Never throws for a machine that cannot have it: the course then runs
 * on wasm, and the caller says so.
 */
export async function ensureTfjsNode({ say = console.log, pipArgs = [], env = process.env, root = ROOT, venvPython = venvBin('python') } = {}) {
  const dir = tfjsNodeDir(root);
  let probe = probeTfjsNode(root);
  if (probe.ok) return probe;
  const missing = missingForBuild({ env });
  if (missing.length) return { ok: false, error: `building it needs ${missing.join('; ')}` };
  const started = Date.now();
  say(`tfjs-node does not load (${probe.error}); building it against TensorFlow ${TF_VERSION}`);
  try {
    if (!existsSync(join(dir, 'binding'))) {
      // npm removed the optional package (and its own dependencies) when its install script
      // failed; this brings them back without running the script.
      const r = await runLogged('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], { env, cwd: root, log: join(root, 'test-output/setup/npm-install-tfjs-node.log') });
      if (!r.ok || !existsSync(join(dir, 'binding'))) throw new Unavailable(`the package itself (npm install --ignore-scripts failed, exit ${r.status}):\n${tail(r.text)}`);
    }
    const tfDir = await ensureTensorflowLibraries({ say, pipArgs, env, root, venvPython });
    removeBuild(dir);
    linkDeps(tfDir, dir);
    const log = join(dir, 'build-course.log');
    // From source: the prebuilt binding is for libtensorflow 2.9.1, and its download would fail here.
    const buildEnv = { ...env, npm_config_build_from_source: 'true', npm_config_nodedir: nodeHeaders(env), npm_config_python: venvPython };
    const r = await runLogged('npm', ['rebuild', '@tensorflow/tfjs-node', '--foreground-scripts'], { env: buildEnv, cwd: root, log });
    probe = probeTfjsNode(root);
    if (!r.ok || !probe.ok) {
      throw new Unavailable(`a binding that loads (npm rebuild @tensorflow/tfjs-node ${r.ok ? 'built one, but it does not load: ' + probe.error : `failed, exit ${r.status}`}; ` +
        `the build's log, ${log}, says:\n${buildFailure(r.text)})`);
    }
    say(`tfjs-node built against TensorFlow ${probe.tensorflow} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return probe;
  } catch (e) {
    // Nothing half-built stays: tfjs-node is left as npm installed it, and does not load.
    removeBuild(dir);
    return { ok: false, error: e instanceof Unavailable ? `building it needs ${e.message}` : `building it failed: ${e.stack}` };
  }
}
