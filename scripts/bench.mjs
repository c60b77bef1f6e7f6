// npm run bench: the course's workloads on each TensorFlow.js backend, side by side.
//
//   node scripts/bench.mjs [--runs 5] [--no-chapters] [--chapter-runs 1] [--live-runs 1] [--only 06] [--no-torch] [--out bench-results.json] [--readme]
//   node scripts/bench.mjs --readme-from bench-results.json     (a saved run's tables into README.md)
//
// Every workload runs on wasm and on tfjs-node's TensorFlow (where it loads) in one process,
// in rounds (each workload on each backend once per round, in turn, after a warm-up), so a
// slow spell of the machine falls on both alike; the median and the fastest run are kept.
// The propagation pass is also timed in PyTorch (the test venv's torch, scripts/bench_torch.py)
// at one thread and at all of the machine's threads. Then each chapter's Run All (every cell in
// order, in a fresh tslab kernel) on wasm alone, on tfjs-node alone, and on the course's
// default choice, which sends a pass to tfjs-node when it is large enough to pay for loading
// TensorFlow (src/backend/backends.ts; no chapter's pass is): the crossover rows measure what
// a pass saves there. A benchmark, not a test: nothing fails on a slow machine.
//
// --readme writes the tables into README.md (between its bench markers), so the README's
// numbers are this script's output, not typed in.
//
// Sections: each is { title, note?, columns: [{ key, label }], rows: [{ name, cells: { key: Timing } }] },
// Timing = { median, min, runs, gflops? } or { text }. A module in scripts/bench/ adds a
// section of its own (the in-browser timings, say): its default export, async (context) =>
// section, runs after the built-in ones, in file-name order, with the context below.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { chapterFiles, executeNotebookInTslab as executeNotebook } from './build-site.mjs';
import { VENV_PYTHON, jupyterEnv } from './python-env.mjs';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const K = require('../dist/index.js');
const tf = require('@tensorflow/tfjs');

const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = argv.indexOf(name);
  return i < 0 ? fallback : argv[i + 1];
};
const RUNS = Number(flag('--runs', 5));
const OUT = flag('--out', join(root, 'bench-results.json'));
const WITH_CHAPTERS = !argv.includes('--no-chapters') && !argv.includes('--no-build');
const WITH_TORCH = !argv.includes('--no-torch');
const WRITE_README = argv.includes('--readme');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// --readme-from FILE: the tables of a saved run (its bench-results.json) into README.md, with no run.
const README_FROM = flag('--readme-from', undefined);
if (README_FROM) {
  writeReadme(JSON.parse(readFileSync(README_FROM, 'utf8')));
  process.exit(0);
}

// The backends: the course's default (wasm, tfjs-node for the large passes), and each alone.
await K.initBackend('auto');
const backends = K.backends();
const BACKENDS = [{ key: 'wasm', label: 'wasm' }];
let tfjsNodeLoad;
if (backends.large === 'tensorflow') {
  // Loaded now (the course loads it at the first large pass), so that every workload can use
  // it; what loading it costs, once per process, is what a pass must save to be worth moving.
  const t0 = process.hrtime.bigint();
  K.onBackendFor(K.LARGE_PASS, () => tf.tidy(() => tf.matMul(tf.ones([1, 1]), tf.ones([1, 1])).dataSync()));
  tfjsNodeLoad = Number(process.hrtime.bigint() - t0) / 1e9;
  if (tf.engine().registry.tensorflow) BACKENDS.push({ key: 'tensorflow', label: `tfjs-node (TensorFlow ${K.backends().tensorflow})` });
}
/** Which backend the course runs a workload of this size on, by default (LARGE_PASS or another threshold). */
const courseRuns = (size, threshold) => K.onBackendFor(size, () => tf.getBackend(), threshold);

/**
 * Times workloads in rounds (each once per round, in turn) rather than one after the other,
 * so that a slow spell of the machine (a shared virtual machine has them, for seconds to
 * minutes) falls on all of them alike and their ratios stay meaningful. Checks for leaks.
 */
async function timeRounds(fns, runs = RUNS) {
  for (const fn of fns) await fn();
  const before = tf.memory().numTensors;
  const seconds = fns.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [k, fn] of fns.entries()) {
      const t0 = process.hrtime.bigint();
      await fn();
      seconds[k].push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
  }
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) throw new Error(`benchmark leaked ${leaked} tensors`);
  return seconds.map((s) => ({ median: median(s), min: Math.min(...s), runs: s.length }));
}

/**
 * Rows of workloads, each timed on every backend (pinned with K.withBackend, its large passes
 * too): workloads = [{ name, fn, flops?, size?, threshold? }]; size names the backend the
 * course picks for it, from threshold on: a pass's multiply-adds in all against LARGE_PASS,
 * or a trainer's largest product of a step against LARGE_TRAINING_STEP.
 */
async function perBackend(workloads, runs = RUNS) {
  const fns = workloads.flatMap((w) => BACKENDS.map((b) => () => K.withBackend(b.key, w.fn)));
  const times = await timeRounds(fns, runs);
  return workloads.map((w, i) => {
    const cells = {};
    BACKENDS.forEach((b, j) => {
      const t = times[i * BACKENDS.length + j];
      if (w.flops) t.gflops = w.flops / t.median / 1e9;
      cells[b.key] = t;
    });
    if (cells.wasm && cells.tensorflow) cells.saved = { text: `${(cells.wasm.median - cells.tensorflow.median).toFixed(3)} s` };
    if (w.size !== undefined) cells.course = { text: courseRuns(w.size, w.threshold) };
    return { name: w.name, cells };
  });
}

// The machine's load (the 1-minute load average, this run's own work included) at the start and
// after each section and each chapter: a shared machine's timings mean little without it.
const loads = [loadavg()[0]];
const sections = [];
const section = (s) => {
  loads.push(loadavg()[0]);
  sections.push(s);
  console.log(`\n${s.title}`);
  for (const row of s.rows) {
    const cells = s.columns.map((c) => {
      const t = row.cells[c.key];
      if (!t) return `${c.label}: -`;
      if (t.text) return `${c.label}: ${t.text}`;
      return `${c.label}: ${t.median.toFixed(3)} s${t.cpu !== undefined ? ` (${t.cpu.toFixed(1)} s CPU)` : ''}${t.gflops ? ` (${t.gflops.toFixed(1)} GFLOP/s)` : ''}`;
    });
    console.log(`  ${row.name.padEnd(70)} ${cells.join('  |  ')}`);
  }
};
const COURSE = { key: 'course', label: 'the course runs it on' };
// Seconds saved by running a workload on tfjs-node (wasm's median less tfjs-node's), where both run.
const SAVED = BACKENDS.length > 1 ? [{ key: 'saved', label: 'saved on tfjs-node' }] : [];

// 1. Signal propagation through 50 layers of width 512, batch 1024: the forward pass (x W and
// the activation per layer, 26.8 GFLOP) and the forward and backward pass (dz W^T per layer
// too, twice the products), larger than any chapter's passes: the size a reader reaches by
// making chapter 2's or 4's experiment wider. The kernels are drawn ahead on a worker thread
// (src/net/prefetch.ts); the "inline" rows draw them in the same thread, to show what that
// saves. The floor is the 50 matrix products alone. PyTorch runs the same pass.
const [L, n, B] = [50, 512, 1024];
const forwardFlops = 2 * B * n * n * L;
let torch = null;
if (WITH_TORCH) {
  const r = spawnSync(VENV_PYTHON, [join(root, 'scripts/bench_torch.py'), String(Math.max(RUNS, 3))], { encoding: 'utf8', env: jupyterEnv() });
  if (r.status === 0) torch = JSON.parse(r.stdout.trim().split('\n').pop());
  else console.log(`PyTorch is not timed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()} (npm test's set-up installs it in .venv/)`);
}
{
  const pass = (activation, backward, inline = false) => () => {
    const saved = process.env.INIT_COURSE_PREFETCH;
    process.env.INIT_COURSE_PREFETCH = inline ? '0' : '1';
    try {
      K.signalPropagation({ depth: L, width: n, batch: B, activation, init: activation === 'tanh' ? 'glorotNormal' : 'heNormal', seed: 1, backward });
    } finally {
      if (saved === undefined) delete process.env.INIT_COURSE_PREFETCH;
      else process.env.INIT_COURSE_PREFETCH = saved;
    }
  };
  const variants = [
    ['forward', 'tanh', false, false], ['forward', 'relu', false, false], ['forward, kernels drawn inline', 'tanh', false, true],
    ['forward + backward', 'tanh', true, false], ['forward + backward', 'relu', true, false], ['forward + backward, kernels drawn inline', 'tanh', true, true],
  ];
  const h = tf.ones([B, n]);
  const w = tf.ones([n, n]);
  const workloads = [
    ...variants.map(([label, activation, backward, inline]) => ({ name: `signalPropagation ${L}x${n}, batch ${B}, ${activation}, ${label}`,
      fn: pass(activation, backward, inline), flops: forwardFlops * (backward ? 2 : 1), size: L * B * n * n * (backward ? 2 : 1), activation, backward, inline })),
    { name: `${L} x tf.matMul [${B} x ${n}] x [${n} x ${n}] (the forward pass's floor)`, flops: forwardFlops, size: L * B * n * n,
      fn: () => { for (let l = 0; l < L; l++) tf.matMul(h, w).dispose(); } },
  ];
  const rows = await perBackend(workloads, Math.max(RUNS, 7));
  tf.dispose([h, w]);
  const threads = torch ? [...new Set(torch.rows.map((r) => r.threads))].sort((a, b) => a - b) : [];
  if (torch) {
    workloads.forEach((wl, i) => {
      if (!wl.activation || wl.inline) return;
      for (const t of threads) {
        const r = torch.rows.find((x) => x.activation === wl.activation && x.backward === wl.backward && x.threads === t);
        rows[i].cells[`torch${t}`] = { median: r.median, min: r.min, runs: r.runs, gflops: wl.flops / r.median / 1e9 };
      }
    });
  }
  section({
    title: 'Signal propagation at scale: 50 layers of width 512, batch 1024, with each layer\'s moments (larger than any chapter\'s pass)',
    note: torch ? `PyTorch ${torch.torch}: the same pass, kernels drawn before it, at ${threads.map((t) => `${t} thread${t > 1 ? 's' : ''}`).join(' and ')}.` : undefined,
    columns: [...BACKENDS, ...threads.map((t) => ({ key: `torch${t}`, label: `PyTorch, ${t} thread${t > 1 ? 's' : ''}` })), ...SAVED, COURSE],
    rows,
  });
}

// 2. Where a pass is worth moving to TensorFlow: engine passes (tanh layers, forward and
// backward with the kernel gradients, each layer's moments, as chapters 2 and 7 run them),
// from a small one through the chapters' largest to past the threshold. TensorFlow multiplies faster, on every core, but loading it costs
// about half a second once per process and each op costs it more to dispatch; the course
// moves a pass of LARGE_PASS multiply-adds or more in all (src/backend/backends.ts), which
// is where the time a pass saves approaches that load, measured here.
{
  const sizes = [[10, 256, 128], [50, 256, 256], [40, 512, 128], [10, 512, 1024], [50, 256, 1024], [20, 512, 1024], [40, 512, 1024]];
  const workloads = sizes.map(([depth, width, batch]) => {
    // Forward, dz W^T and x^T dz: three products a layer (src/net/engine.ts, passMultiplyAdds).
    const size = 3 * depth * batch * width * width;
    return { name: `signalPropagation ${depth}x${width}, batch ${batch}, tanh, forward + backward with kernel gradients (2^${Math.log2(size).toFixed(1)} multiply-adds)`, size,
      fn: () => K.signalPropagation({ depth, width, batch, activation: 'tanh', init: 'glorotNormal', seed: 1, weightGradients: true }) };
  });
  const load = tfjsNodeLoad === undefined ? '' : ` Loading tfjs-node took ${tfjsNodeLoad.toFixed(2)} s in this run.`;
  section({
    title: `Crossover: what a pass saves on tfjs-node, against the once-per-process cost of loading it (the course moves a pass of 2^${Math.log2(K.LARGE_PASS)} = ${K.LARGE_PASS.toLocaleString('en-US')} multiply-adds or more)`,
    note: `The chapters' largest passes are these 50x256 at batch 256 (chapter 2) and 40x512 at batch 128 (chapter 7).${load}`,
    columns: [...BACKENDS, ...SAVED, COURSE],
    rows: await perBackend(workloads, Math.max(RUNS, 7)),
  });
}

// 3. The trainers and the other views.
{
  const mnist = K.loadMnist({ train: 2000, test: 10, seed: 1, standardize: true });
  const circles = K.loadDataset('circles');
  const sizes = [784, ...Array(29).fill(64), 10];
  const fig = { depth: 5, width: 1000, batch: 100, activation: 'tanh', seed: 2010, bins: 50, activationRange: [-1, 1], gradientRange: [-3, 3], init: 'glorotUniform' };
  const workloads = [
    { name: 'layerSamples 5x1000, batch 100, tanh (chapter 3\'s Figures 6 and 7)', size: 3 * 5 * 100 * 1000 * 1000, fn: () => K.layerSamples(fig) },
    { name: 'training epoch: 30 layers x 64, 2000 MNIST images, batch 128 (chapter 4)', size: 128 * 784 * 64, threshold: K.LARGE_TRAINING_STEP,
      fn: () => K.trainDeepClassifier({ sizes, init: 'heNormal', train: mnist.train, optimizer: 'momentum', learningRate: 0.01, batchSize: 128, epochs: 1, seed: 1 }) },
    { name: 'trainClassifier [2, 10, 5, 1], 300 points, 200 steps (chapter 1)', size: 300 * 10 * 5, threshold: Infinity,
      fn: () => K.trainClassifier({ sizes: [2, 10, 5, 1], init: 'heNormal', data: circles.train, learningRate: 0.1, steps: 200, seed: 1 }) },
    { name: 'tf.matMul 1024 x 1024', flops: 2 * 1024 ** 3,
      fn: () => tf.tidy(() => tf.matMul(tf.ones([1024, 1024]), tf.ones([1024, 1024])).dataSync()) },
    { name: 'tf.randomNormal, 10M values', fn: () => tf.randomNormal([10000, 1000], 0, 1, 'float32', 1).dispose() },
  ];
  section({ title: 'Training and the other views', columns: [...BACKENDS, ...SAVED, COURSE], rows: await perBackend(workloads) });
}

// 4. Sampling 10 million weights: the course's samplers (JavaScript, the same on every
// backend) next to tf.randomNormal and tf.truncatedNormal (the same method and generator).
{
  const shape = [10000, 1000];
  const rows = [
    ['sampleWeights normal, 10M values', () => K.sampleWeights('randomNormal', shape, { stddev: 1, seed: 1 })],
    ['sampleWeights truncated normal, 10M values', () => K.sampleWeights('truncatedNormal', shape, { stddev: 1, seed: 1 })],
    ['sampleWeights uniform, 10M values', () => K.sampleWeights('randomUniform', shape, { minval: -1, maxval: 1, seed: 1 })],
  ];
  const times = await timeRounds(rows.map(([, fn]) => fn));
  section({ title: 'Sampling (JavaScript, on no backend)', columns: [{ key: 'js', label: 'JavaScript' }], rows: rows.map(([name], i) => ({ name, cells: { js: times[i] } })) });
}

// 5. Each chapter's Run All: every cell in order in a fresh kernel (the sum of the cells'
// times, and the kernel's CPU seconds over them), one chapter at a time, on wasm alone, on the
// course's default and on tfjs-node alone, the backends in turn for each chapter (so that a slow
// spell of a shared machine falls on all three alike), --chapter-runs times (default 1). Twice:
// in tslab, what a JupyterLab reader waits for, and in the course's own kernel in Node
// (scripts/live/node-kernel.mjs, as the site's build runs them), whose cells are not
// type-checked: there a chapter's time is the computation alone, and the backends' part of it
// shows undiluted.
if (WITH_CHAPTERS) {
  const runsOn = [{ key: 'wasm', label: 'wasm', env: 'wasm' }];
  if (BACKENDS.length > 1) runsOn.push({ key: 'auto', label: 'default (wasm, tfjs-node for the large passes)', env: 'auto' }, { key: 'tensorflow', label: 'tfjs-node', env: 'node' });
  const chapterRuns = Number(flag('--chapter-runs', 1));
  const rows = chapterFiles(flag('--only', undefined)).map((file) => ({ name: file, cells: {} }));
  const kernelRows = rows.map(({ name }) => ({ name, cells: {} }));
  const inKernel = (file, env) => {
    const r = spawnSync(process.execPath, [join(root, 'scripts/live/node-kernel.mjs'), join(root, 'notebooks', file)], { encoding: 'utf8', env: { ...process.env, TFJS_BACKEND: env } });
    const result = r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').at(-1)) : null;
    if (!result || result.errors.length) throw new Error(`${file} failed in the course's kernel on ${env}:\n${r.stderr}${result?.errors.join('\n') ?? ''}`);
    return { seconds: result.seconds, cpu: result.cpuSeconds, tensorflow: result.tensorflow };
  };
  const out = mkdtempSync(join(tmpdir(), 'bench-chapters-'));
  mkdirSync(join(out, 'notebooks')); // executeNotebook writes the executed copy there
  // Which chapters loaded tfjs-node under the default (seen in the course's kernel): the others
  // ran the same code as on wasm alone, and their ratio is the machine's noise.
  const loadsTensorflow = {};
  const fill = (row, runs) => {
    for (const on of runsOn) {
      const s = runs[on.key].map((x) => x.seconds);
      const cpu = runs[on.key].map((x) => x.cpu).filter((x) => x !== undefined);
      row.cells[on.key] = { median: median(s), min: Math.min(...s), runs: s.length, cpu: cpu.length ? median(cpu) : undefined, digits: 1 };
    }
    row.runs = runs;
    if (row.cells.auto) {
      // The ratio of each pair of runs (wasm and the default, one after the other), their median.
      const ratios = runs.auto.map((r, k) => r.seconds / runs.wasm[k].seconds);
      row.cells.ratio = { text: `${median(ratios).toFixed(2)}${ratios.length > 1 ? ` (${ratios.map((x) => x.toFixed(2)).join(', ')})` : ''}` };
    }
  };
  for (const [i, row] of rows.entries()) {
    const runs = Object.fromEntries(runsOn.map((on) => [on.key, []]));
    const kernelRuns = Object.fromEntries(runsOn.map((on) => [on.key, []]));
    for (let k = 0; k < chapterRuns; k++) {
      for (const on of runsOn) {
        const r = await executeNotebook(row.name, out, on.env);
        if (!r.ok) throw new Error(`${row.name} failed on ${on.env}:\n${r.stderr}`);
        const m = /: ([\d.]+) s in (\d+) cells(?: \(([\d.]+) s of the kernel's CPU\))?/.exec(r.stdout);
        runs[on.key].push({ seconds: Number(m[1]), cpu: m[3] === undefined ? undefined : Number(m[3]) });
        const c = inKernel(row.name, on.env);
        kernelRuns[on.key].push(c);
        if (on.key === 'auto') loadsTensorflow[row.name] ||= c.tensorflow;
        loads.push(loadavg()[0]);
        console.log(`  ${row.name} on ${on.env}: tslab ${m[1]} s${m[3] ? ` (${m[3]} s of CPU)` : ''}; the course's kernel ${c.seconds.toFixed(1)} s (${c.cpu.toFixed(1)} s of CPU)`);
      }
    }
    fill(row, runs);
    fill(kernelRows[i], kernelRuns);
  }
  rmSync(out, { recursive: true, force: true });
  const totalOf = (list) => {
    const total = { name: 'all chapters', cells: {} };
    for (const on of runsOn) {
      const sum = (f) => list.reduce((a, r) => a + f(r.cells[on.key]), 0);
      total.cells[on.key] = { median: sum((t) => t.median), min: sum((t) => t.min), runs: chapterRuns, cpu: list.every((r) => r.cells[on.key].cpu !== undefined) ? sum((t) => t.cpu) : undefined, digits: 1 };
    }
    if (total.cells.auto) {
      // Run k of every chapter, summed, on each backend: the pairs' ratios, their median.
      const sumOf = (key, k) => list.reduce((a, r) => a + r.runs[key][k].seconds, 0);
      const ratios = list[0].runs.auto.map((_, k) => sumOf('auto', k) / sumOf('wasm', k));
      total.cells.ratio = { text: `${median(ratios).toFixed(2)}${ratios.length > 1 ? ` (${ratios.map((x) => x.toFixed(2)).join(', ')})` : ''}` };
    }
    return total;
  };
  for (const row of [...rows, ...kernelRows]) if (row.cells.auto) row.cells.loads = { text: loadsTensorflow[row.name] ? 'yes' : 'no' };
  const columns = [...runsOn, ...(runsOn.length > 1 ? [{ key: 'ratio', label: 'default / wasm' }, { key: 'loads', label: 'the default loads tfjs-node' }] : [])];
  const runsText = `one chapter at a time, the backends in turn, ${chapterRuns} run${chapterRuns > 1 ? 's' : ''} each`;
  section({
    title: `Each chapter's Run All (the cells' seconds, the kernel's CPU seconds in parentheses; ${runsText})`,
    columns,
    rows: [...rows, totalOf(rows)],
  });
  section({
    title: `Each chapter's cells in the course's kernel in Node, as the site's build runs them (no type-checking: the computation alone; ${runsText})`,
    columns,
    rows: [...kernelRows, totalOf(kernelRows)],
  });
}

// 6. Sections from scripts/bench/*.mjs.
const extra = join(root, 'scripts/bench');
if (existsSync(extra)) {
  for (const f of readdirSync(extra).filter((f) => f.endsWith('.mjs')).sort()) {
    const add = (await import(pathToFileURL(join(extra, f)).href)).default;
    section(await add({ K, tf, root, runs: RUNS, liveRuns: Number(flag('--live-runs', 1)), timeRounds, backends: BACKENDS, sections }));
  }
}

// A slow spell shows as medians well above the fastest runs of the same workload.
const spread = sections.flatMap((s) => s.rows.flatMap((r) => Object.entries(r.cells).filter(([, t]) => t.runs > 1).map(([k, t]) => ({ name: `${r.name} (${k})`, excess: t.median / t.min - 1 }))));
const slowSpell = spread.filter((s) => s.excess > 0.15).map((s) => s.name);
if (slowSpell.length) {
  console.log(`\nThe machine had a slow spell during this run: the median of ${slowSpell.length} workload(s) is over 15% above its fastest run (${slowSpell.join('; ')}). Run again for representative figures.`);
}
const machine = { name: hostname(), cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) };
loads.push(loadavg()[0]);
const load = { min: Math.min(...loads), median: median(loads), max: Math.max(...loads), samples: loads.length };
console.log(`load average (1 min) during the run: ${load.min.toFixed(1)} to ${load.max.toFixed(1)}, median ${load.median.toFixed(1)}, on ${machine.cores} cores`);
const results = { date: new Date().toISOString(), machine, load, tfjs: tf.version.tfjs, tensorflow: K.backends().tensorflow, torch: torch?.torch, node: process.version, sections, slowSpell };
writeFileSync(OUT, JSON.stringify(results, null, 2) + '\n');
console.log(`\nwrote ${OUT}`);

if (WRITE_README) writeReadme(results);

/** Writes a run's tables into README.md, between its bench markers. */
function writeReadme({ machine, load, sections, slowSpell, ...results }) {
  const file = join(root, 'README.md');
  const [start, end] = ['<!-- bench:start -->', '<!-- bench:end -->'];
  const readme = readFileSync(file, 'utf8');
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md has no ${start} ... ${end} block to write the figures into`);
  const versions = [`TensorFlow.js ${results.tfjs}`, results.tensorflow && `TensorFlow ${results.tensorflow} (tfjs-node)`, results.torch && `PyTorch ${results.torch}`, `Node ${results.node}`].filter(Boolean);
  const lines = [`On ${machine.name} (${machine.cores} cores, ${machine.cpu}, ${machine.memoryGiB} GiB), ${results.date.slice(0, 10)}; ${versions.join(', ')}. Median of the runs, fastest run in brackets. The machine's load average (1 min, this run's own work included) was ${load.min.toFixed(1)} to ${load.max.toFixed(1)} during the run, median ${load.median.toFixed(1)}, on its ${machine.cores} cores.`];
  const cell = (t) => (!t ? '' : t.text ? t.text : `${t.median.toFixed(t.digits ?? (t.median >= 10 ? 1 : 3))} s${t.cpu !== undefined ? ` (${t.cpu.toFixed(1)} s)` : ''}${t.gflops ? ` (${t.gflops.toFixed(1)} GFLOP/s)` : ''}${t.runs > 1 ? ` [${t.min.toFixed(t.digits ?? (t.min >= 10 ? 1 : 3))}]` : ''}`);
  for (const s of sections) {
    lines.push('', `**${s.title}**${s.note ? ` ${s.note}` : ''}`, '', `| workload | ${s.columns.map((c) => c.label).join(' | ')} |`, `| --- |${s.columns.map(() => ' --- |').join('')}`);
    for (const r of s.rows) lines.push(`| ${r.name} | ${s.columns.map((c) => cell(r.cells[c.key])).join(' | ')} |`);
  }
  if (slowSpell.length) lines.push('', `In this run the machine had a slow spell: the medians of ${slowSpell.length} workload(s) are over 15% above their fastest runs.`);
  writeFileSync(file, readme.slice(0, i + start.length) + '\n' + lines.join('\n') + '\n' + readme.slice(j));
  console.log(`wrote the figures into ${file}`);
}
