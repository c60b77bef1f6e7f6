// npm run bench: times the chapters' workloads on the active backend.
//
//   node scripts/bench.mjs [--runs 5] [--no-build] [--out bench-results.json]
//
// Each workload runs once to warm up, then --runs times; the median is reported.
// Results are printed and written as JSON. A benchmark, not a test: nothing fails
// because a machine is slow.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

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

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall time of fn in seconds, after one warm-up run, with a tensor-leak check. */
async function time(fn, runs = RUNS) {
  await fn();
  const before = tf.memory().numTensors;
  const seconds = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) throw new Error(`benchmark leaked ${leaked} tensors`);
  return { median: median(seconds), min: Math.min(...seconds), runs: seconds.length };
}

const results = { date: new Date().toISOString(), backend: await K.initBackend(), tfjs: tf.version.tfjs, node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, workloads: {} };
const report = (name, value, extra = '') => {
  results.workloads[name] = value;
  console.log(`${name.padEnd(56)} ${value.median.toFixed(3).padStart(8)} s  ${extra}`);
};
console.log(`backend: ${results.backend} (TensorFlow.js ${results.tfjs}, Node ${results.node}, ${results.cpus} cores)\n`);

// 1. One signal-propagation pass: 50 layers, width 512, batch 1024, forward and backward.
{
  const [L, n, B] = [50, 512, 1024];
  const flops = 2 * (2 * B * n * n) * L; // x W forward and dz W^T backward, per layer
  for (const [activation, init] of [['tanh', 'glorotNormal'], ['relu', 'heNormal']]) {
    const t = await time(() => K.signalPropagation({ depth: L, width: n, batch: B, activation, init, seed: 1 }));
    t.gflops = flops / t.median / 1e9;
    report(`signalPropagation ${L}x${n}, batch ${B}, ${activation}`, t, `${t.gflops.toFixed(1)} GFLOP/s`);
  }
  const t = await time(() => tf.tidy(() => tf.matMul(tf.ones([1024, 1024]), tf.ones([1024, 1024]))).dispose());
  t.gflops = (2 * 1024 ** 3) / t.median / 1e9;
  report('tf.matMul 1024 x 1024 (the rate that bounds it)', t, `${t.gflops.toFixed(1)} GFLOP/s`);
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

// 3. Sampling 10 million weights: the project's samplers next to tf.randomNormal.
{
  const shape = [10000, 1000];
  for (const [label, name, options] of [['normal', 'randomNormal', { stddev: 1 }], ['truncated normal', 'truncatedNormal', { stddev: 1 }], ['uniform', 'randomUniform', { minval: -1, maxval: 1 }]]) {
    report(`sampleWeights ${label}, 10M values`, await time(() => K.sampleWeights(name, shape, { ...options, seed: 1 }), 3));
  }
  report('tf.randomNormal, 10M values', await time(() => tf.randomNormal(shape, 0, 1, 'float32', 1).dispose(), 3));
  report('tf.truncatedNormal, 10M values', await time(() => tf.truncatedNormal(shape, 0, 1, 'float32', 1).dispose(), 3));
}

// 4. The notebook build: every chapter executed and rendered (what npm start does after set-up).
if (WITH_BUILD) {
  const out = mkdtempSync(join(tmpdir(), 'bench-site-'));
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(root, 'scripts/build-site.mjs'), '--out', out], { encoding: 'utf8' });
  const total = (Date.now() - t0) / 1000;
  rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`the build failed:\n${r.stderr}`);
  const chapters = {};
  for (const m of r.stdout.matchAll(/^(\S+\.ipynb): ([\d.]+) s in (\d+) cells; slowest: cell (\d+) ([\d.]+) s/gm)) {
    chapters[m[1]] = { seconds: Number(m[2]), cells: Number(m[3]), slowestCell: Number(m[4]), slowestCellSeconds: Number(m[5]) };
  }
  results.workloads.build = { median: total, runs: 1, chapters };
  console.log(`${'notebook build (npm start, after set-up)'.padEnd(56)} ${total.toFixed(1).padStart(8)} s`);
  for (const [file, c] of Object.entries(chapters)) {
    console.log(`  ${file.padEnd(54)} ${c.seconds.toFixed(1).padStart(8)} s  (slowest cell ${c.slowestCell}: ${c.slowestCellSeconds.toFixed(1)} s)`);
  }
}

writeFileSync(OUT, JSON.stringify(results, null, 2) + '\n');
console.log(`\nwrote ${OUT}`);
