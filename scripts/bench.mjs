// npm run bench: times the chapters' workloads on the active backend.
//
//   node scripts/bench.mjs [--runs 5] [--no-build] [--out bench-results.json] [--readme]
//
// --readme writes the figures into README.md's table (between its bench markers), so the
// README's numbers are this script's output, not typed in.
//
// Each workload runs once to warm up, then --runs times; the median is reported.
// Results are printed and written as JSON. A benchmark, not a test: nothing fails
// because a machine is slow.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { benchLive } from './live/bench.mjs';

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
const WITH_BUILD = !argv.includes('--no-build');
const WRITE_README = argv.includes('--readme');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall time of fn in seconds, after one warm-up run, with a tensor-leak check. */
async function time(fn, runs = RUNS) {
  return (await timeRounds([fn], runs))[0];
}

/**
 * Times several workloads in rounds (each once per round, in turn) rather than one after
 * the other, so that a slow spell of the machine (a shared virtual machine has them, for
 * seconds to minutes) falls on all of them alike and their ratios stay meaningful.
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

const results = { date: new Date().toISOString(), backend: await K.initBackend(), tfjs: tf.version.tfjs, node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, workloads: {} };
const report = (name, value, extra = '') => {
  results.workloads[name] = value;
  console.log(`${name.padEnd(84)} ${value.median.toFixed(3).padStart(8)} s  ${extra}`);
};
console.log(`backend: ${results.backend} (TensorFlow.js ${results.tfjs}, Node ${results.node}, ${results.cpus} cores)\n`);

// 1. Signal propagation through 50 layers of width 512, batch 1024: the forward pass (the
// signal: x W and the activation per layer, 26.8 GFLOP) and the forward and backward pass
// chapters 2 and 4 run (dz W^T per layer too, twice the matrix products). The kernels are
// drawn ahead on a worker thread (src/net/prefetch.ts); the "inline" rows draw them in the same
// thread, to show what that saves. The floor is the 50 matrix products alone.
{
  const [L, n, B] = [50, 512, 1024];
  const forwardFlops = 2 * B * n * n * L;
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
  const rows = [
    ['forward', 'tanh', false, false], ['forward', 'relu', false, false], ['forward, kernels drawn inline', 'tanh', false, true],
    ['forward + backward', 'tanh', true, false], ['forward + backward', 'relu', true, false], ['forward + backward, kernels drawn inline', 'tanh', true, true],
  ];
  const [h, w] = [tf.ones([B, n]), tf.ones([n, n])];
  const floor = () => {
    for (let l = 0; l < L; l++) tf.matMul(h, w).dispose();
  };
  const times = await timeRounds([floor, ...rows.map(([, activation, backward, inline]) => pass(activation, backward, inline))], Math.max(RUNS, 7));
  const floorTime = times[0];
  rows.forEach(([label, activation, backward], i) => {
    const t = times[i + 1];
    t.gflops = (forwardFlops * (backward ? 2 : 1)) / t.median / 1e9;
    report(`signalPropagation ${L}x${n}, batch ${B}, ${activation}, ${label}`, t, `${t.gflops.toFixed(1)} GFLOP/s`);
  });
  floorTime.gflops = forwardFlops / floorTime.median / 1e9;
  report(`${L} x tf.matMul [${B} x ${n}] x [${n} x ${n}] (the forward pass's floor)`, floorTime, `${floorTime.gflops.toFixed(1)} GFLOP/s`);
  tf.dispose([h, w]);
  const [a, b] = [tf.ones([1024, 1024]), tf.ones([1024, 1024])];
  const t = await time(() => tf.matMul(a, b).dispose());
  tf.dispose([a, b]);
  t.gflops = (2 * 1024 ** 3) / t.median / 1e9;
  report('tf.matMul 1024 x 1024', t, `${t.gflops.toFixed(1)} GFLOP/s`);
  // Chapter 3's histograms (Glorot & Bengio's Figures 6 and 7): the engine's histogram view.
  const fig = { depth: 5, width: 1000, batch: 100, activation: 'tanh', seed: 2010, bins: 50, activationRange: [-1, 1], gradientRange: [-3, 3], init: 'glorotUniform' };
  report('layerSamples 5x1000, batch 100, tanh (chapter 3\'s Figures 6 and 7)', await time(() => K.layerSamples(fig)));
}

// 2. One training epoch of a deep ReLU network (chapter 4's workload): 30 weight layers of
// width 64 on 2,000 MNIST images, minibatches of 128, SGD with momentum.
{
  const mnist = K.loadMnist({ train: 2000, test: 10, seed: 1, standardize: true });
  const sizes = [784, ...Array(29).fill(64), 10];
  const epoch = () => K.trainDeepClassifier({ sizes, init: 'heNormal', train: mnist.train, optimizer: 'momentum',
    learningRate: 0.01, batchSize: 128, epochs: 1, seed: 1 });
  const t = await time(epoch);
  const steps = Math.floor(2000 / 128);
  report('training epoch: 30 layers x 64, 2000 points, batch 128', t, `${((1000 * t.median) / steps).toFixed(1)} ms per step`);
}

// 3. Sampling 10 million weights: the project's samplers next to tf.randomNormal and
// tf.truncatedNormal (the same method and generator), in rounds, on the same shape.
{
  const shape = [10000, 1000];
  const rows = [
    ['sampleWeights normal, 10M values', () => K.sampleWeights('randomNormal', shape, { stddev: 1, seed: 1 })],
    ['tf.randomNormal, 10M values', () => tf.randomNormal(shape, 0, 1, 'float32', 1).dispose()],
    ['sampleWeights truncated normal, 10M values', () => K.sampleWeights('truncatedNormal', shape, { stddev: 1, seed: 1 })],
    ['tf.truncatedNormal, 10M values', () => tf.truncatedNormal(shape, 0, 1, 'float32', 1).dispose()],
    ['sampleWeights uniform, 10M values', () => K.sampleWeights('randomUniform', shape, { minval: -1, maxval: 1, seed: 1 })],
  ];
  const times = await timeRounds(rows.map(([, fn]) => fn));
  rows.forEach(([label], i) => report(label, times[i]));
}

// 4. The notebook build: every chapter executed and rendered (what npm start does after set-up).
if (WITH_BUILD) {
  const out = mkdtempSync(join(tmpdir(), 'bench-site-'));
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(root, 'scripts/build-site.mjs'), '--out', out], { encoding: 'utf8' });
  const total = (Date.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`the build failed:\n${r.stderr}`);
  const chapters = {};
  for (const m of r.stdout.matchAll(/^(\S+\.ipynb): ([\d.]+) s in (\d+) cells; slowest: cell (\d+) ([\d.]+) s/gm)) {
    chapters[m[1]] = { seconds: Number(m[2]), cells: Number(m[3]), slowestCell: Number(m[4]), slowestCellSeconds: Number(m[5]) };
  }
  results.workloads.build = { median: total, runs: 1, chapters };
  console.log(`${'notebook build (npm start, after set-up)'.padEnd(84)} ${total.toFixed(1).padStart(8)} s`);
  for (const [file, c] of Object.entries(chapters)) {
    console.log(`  ${file.padEnd(82)} ${c.seconds.toFixed(1).padStart(8)} s  (slowest cell ${c.slowestCell}: ${c.slowestCellSeconds.toFixed(1)} s)`);
  }
  // 5. The live pages: each chapter's Run all in Chromium, next to the same cells in Node (scripts/live/bench.mjs).
  console.log('live pages, Run all (wasm): Chromium, and the same kernel in Node');
  results.workloads.live = { runs: 1, chapters: await benchLive(out) };
  rmSync(out, { recursive: true, force: true });
}

// A slow spell shows as medians well above the fastest runs of the same workload.
const spread = Object.entries(results.workloads)
  .filter(([, w]) => w.runs > 1)
  .map(([name, w]) => ({ name, excess: w.median / w.min - 1 }))
  .sort((a, b) => b.excess - a.excess);
results.slowSpell = spread.length > 0 && spread[0].excess > 0.15 ? spread.filter((s) => s.excess > 0.15).map((s) => s.name) : [];
if (results.slowSpell.length) {
  console.log(`\nThe machine had a slow spell during this run: the median of ${results.slowSpell.length} workload(s) is over 15% above its fastest run (${results.slowSpell.join('; ')}). Run again for representative figures.`);
}
writeFileSync(OUT, JSON.stringify(results, null, 2) + '\n');
console.log(`\nwrote ${OUT}`);

if (WRITE_README) {
  const file = join(root, 'README.md');
  const [start, end] = ['<!-- bench:start -->', '<!-- bench:end -->'];
  const readme = readFileSync(file, 'utf8');
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md has no ${start} ... ${end} block to write the figures into`);
  const day = results.date.slice(0, 10);
  const lines = [
    `On the reference machine (${results.cpus} cores, ${results.cpu}; backend ${results.backend}; ${day}, TensorFlow.js ${results.tfjs}, Node ${results.node}):`,
    '',
    '| workload | median | fastest run |',
    '| --- | --- | --- |',
  ];
  for (const [name, w] of Object.entries(results.workloads)) {
    if (name === 'build' || name === 'live') continue;
    lines.push(`| ${name} | ${w.median.toFixed(3)} s${w.gflops ? ` (${w.gflops.toFixed(1)} GFLOP/s)` : ''} | ${w.min.toFixed(3)} s |`);
  }
  const build = results.workloads.build;
  if (build) {
    lines.push(`| notebook build, all ${Object.keys(build.chapters).length} chapters (two at a time) | ${build.median.toFixed(1)} s | one run |`);
    for (const [f, c] of Object.entries(build.chapters).sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`| &nbsp;&nbsp;${f} | ${c.seconds.toFixed(1)} s (slowest cell ${c.slowestCellSeconds.toFixed(1)} s) | |`);
    }
  }
  const live = results.workloads.live;
  if (live) {
    lines.push(`| live pages: each chapter's Run all in Chromium, and in Node (the same kernel, wasm) | Chromium | Node, ratio |`);
    for (const [f, c] of Object.entries(live.chapters).sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`| &nbsp;&nbsp;${f} | ${c.chromium.toFixed(1)} s | ${c.node.toFixed(1)} s, ${c.ratio.toFixed(2)}x |`);
    }
  }
  if (results.slowSpell.length) {
    lines.push('', `In this run the machine had a slow spell: the medians of ${results.slowSpell.join('; ')} are over 15% above their fastest runs.`);
  }
  writeFileSync(file, readme.slice(0, i + start.length) + '\n' + lines.join('\n') + '\n' + readme.slice(j));
  console.log(`wrote the figures into ${file}`);
}
