// Reference tests: the course's helpers and the chapters' claims about Keras and PyTorch,
// checked against the real libraries (Keras 3 on its PyTorch CPU backend, and PyTorch),
// run once from the project's Python environment, .venv/bin/python, which `npm test`'s
// set-up fills from requirements-test.txt. test/reference/keras_torch_facts.py measures
// the libraries and prints JSON; this file compares it with the course's K helpers.
//
// Random values are never compared bit for bit (the generators differ): samples are
// compared as distributions, with tolerances from the sample size (derivations below,
// at Z = 5 standard errors as in test/stats.mjs). Fans, gains, constants, names and
// defaults are compared exactly.
//
// The claims the chapters make about Keras or PyTorch, and the test that checks each
// (verdicts as measured with keras 3.15.1, torch 2.13.0):
//
// Ch. 1  "Keras and TensorFlow.js call it [W] the layer's kernel"                    -> 'layers'   held
// Ch. 1  sampleWeights implements "the rules Keras and TensorFlow.js offer"          -> 'samples'  held, except that
//        'uniform' has no Keras name: it is VarianceScaling(scale=1/3, mode='fan_in', distribution='uniform')
// Ch. 1  biases start at zero by default in Keras (also ch. 1's closing section)     -> 'layers'   held
// Ch. 3  Glorot's rule, glorotUniform, is Keras's default kernel initializer         -> 'layers'   held
// Ch. 3  K.computeFans reads the fans off the shape "as Keras does"                  -> 'fans'     held
// Ch. 3  glorotUniform is U[-a, a], a = sqrt(6/(n_in+n_out)), Keras's                -> 'samples', 'VarianceScaling' held
// Ch. 3  Keras draws glorotNormal from a normal truncated at 2 std, "any draw beyond -> 'samples', 'quirk'
//        2 standard deviations is thrown away and drawn again"                        held but for a rare
//        leftover: Keras's docstring says "discarded and re-drawn", but its torch backend draws 4 candidates
//        and keeps the first inside, else the first anyway: P(|z| >= 2)^4 = 4.3 per million stay beyond the
//        cut (measured; Keras's other backends are not measured here)
// Ch. 3  Keras divides the std by 0.8796..., "the constant Keras hard-codes"         -> 'constant' held
// Ch. 3  glorotUniform with gain sqrt(g) has n Var(w) = g                            -> 'samples' (gain case) held
//        (Keras: VarianceScaling(scale=g, mode='fan_avg', distribution='uniform'))
// Ch. 4  Keras calls He's rule heNormal/heUniform (he_normal, HeNormal)              -> 'names', 'samples' held
// Ch. 4  Var(w) = 1/n_in "is leCunNormal in Keras"                                   -> 'samples', 'VarianceScaling' held
// Ch. 4  the table of gains is PyTorch's calculate_gain: linear 1, relu sqrt 2,      -> 'gains'    held (exactly)
//        leaky relu sqrt(2/(1+a^2)) (a = 0.01, the course's and torch's default), tanh 5/3
// Ch. 4  Glorot is Keras's default glorotUniform                                     -> 'layers'   held
// Ch. 5  the seed's Keras lines, quoted as printed (read from the chapter): the first   -> 'snippets' held
//        three blocks run (tf.keras standing for Keras 3), the last stops at tf.keras.initializer (the module
//        is initializers), and with that corrected at the undefined model; the chapter's completed snippet runs
//        and builds a Dense layer with a [4, 16] kernel, HeNormal, relu
// Ch. 5  "he_normal without the call is fine": he_normal is the class HeNormal, and   -> 'names'    held
//        initializers.get makes a new instance of a class, so two layers given it differ
// Ch. 5  the table of Keras classes and snake-case string names                      -> 'names'    held but for
//        'constant': Keras 3.15's initializers.get('constant') raises KeyError('value') (Constant.from_config
//        reads config['value']), so kernel_initializer='constant' fails in Keras as in TensorFlow.js (the chapter
//        says so)
// Ch. 5  Glorot, He and LeCun are all VarianceScaling with scale 1 or 2, a mode and  -> 'VarianceScaling' held
//        a distribution, "Keras defines them the same way"; Keras's options are mode='fan_in', distribution='truncated_normal'
// Ch. 5  Keras 3 accepts distribution 'normal' as another name of 'truncated_normal', -> 'VarianceScaling', 'plain normals' held
//        and has 'untruncated_normal', a plain normal
// Ch. 5  PyTorch's kaiming_normal_ and xavier_normal_ are plain normals               -> 'torch', 'plain normals' held
// Ch. 5  VarianceScaling with no options is scale 1, fan-in, truncated normal: LeCun -> 'VarianceScaling', 'samples' held
// Ch. 5  the formula columns are Keras's, as K.weightDistribution states them           -> 'samples'  held, every scheme
// Ch. 5  TruncatedNormal's stddev is the normal's before the cut, so the sampled std -> 'samples'  held
//        is 0.88 of it, in both libraries
// Ch. 5  Keras's code: stddev = math.sqrt(scale) / 0.87962566103423978, in random_initializers.py -> 'constant' held
// Ch. 5  RandomUniform(minval=0., maxval=1.) (the first Keras snippet) means U[0, 1] -> 'samples'  held
// Ch. 5  Keras's default kernel initializer is GlorotUniform, biases exactly zero    -> 'layers'   held
// Ch. 5  "its documentation warns of the seeded case": one instance returns the same -> 'seeds'    held, and Keras 3
//        values on every call, so two layers sharing it get identical kernels; the     does the same of UNSEEDED
//        chapter says Keras 3 does so with an unseeded instance too                    instances, as the chapter says
// Ch. 5  the conv fan rule kh*kw*in "is Keras's"                                     -> 'fans'     held
// Ch. 5  "Keras and TensorFlow.js default recurrent kernels to orthogonal"           -> 'layers'   held
// Ch. 5  LSTM and GRU: Keras orthogonalizes the whole [N, 4N] ([N, 3N]) kernel; each -> 'gates'    held
//        gate's N x N block has mean squared singular value 1/4 (GRU 1/3)
// Ch. 5  Keras's LSTM has unit_forget_bias=True by default; gates i, f, c, o         -> 'layers'   held
// Ch. 5  'uniform' is PyTorch's default for nn.Linear and its convolutions (weights  -> 'torch', 'samples' held
//        and biases), and Keras can express it as VarianceScaling(scale=1/3, mode='fan_in', distribution='uniform');
//        Keras's string 'uniform' is RandomUniform(-0.05, 0.05)
// Ch. 5  the PyTorch column: xavier_uniform_'s gain multiplies the std (the course's -> 'torch'    held
//        glorotUniform with that gain); kaiming_normal_(nonlinearity='linear') has Var 1/fan_in; orthogonal_
//        has orthonormal rows times the gain; trunc_normal_ cuts at absolute a=-2, b=2
// Ch. 5  Keras's Orthogonal(gain) (the course's orthogonal follows it)               -> 'orthogonal' held
// Ch. 5  a Keras layer creates its kernel when it learns its input size              -> 'layers'   held
// REFERENCES.md (not the chapters): PyTorch's defaults above, kaiming_normal_ untruncated, trunc_normal_ cut at
// absolute a=-2, b=2, nn.Embedding N(0, 1), the gains of sigmoid 1 and SELU 3/4, Keras's fans for 1-D and >2-D
// shapes, and Keras's torch truncated normal's 4 candidates                                 -> 'torch', 'fans', 'quirk'.
//
// Mutation check: REFERENCE_PERTURB='[[path, change], ...]' alters facts after the Python run,
// so that one can watch an assertion go red. A path is an array of keys and indices into the
// JSON the script prints; a change is a new value, {"times": k} or {"plus": x}. For example
//   REFERENCE_PERTURB='[[["fans", 4, "keras"], [2000, 500]]]' node --test test/reference.test.mjs
// fails the fans test, and
//   REFERENCE_PERTURB='[[["samples", "heNormal ~ HeNormal() on [500,2000]", "std"], {"times": 1.01}]]'
// fails heNormal's, by one per cent of std.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { K } from './lib.mjs';
import { Z, assertClose, meanTolerance, moments, stdRelTolerance } from './stats.mjs';

import { ROOT, VENV_PYTHON as PYTHON, jupyterEnv } from '../scripts/python-env.mjs';
const SCRIPT = join(ROOT, 'test/reference/keras_torch_facts.py');
const SETUP_HINT =
  "npm test's set-up (scripts/setup.mjs --test) creates .venv and installs requirements-test.txt into it " +
  '(by hand: python3 -m venv .venv && .venv/bin/pip install -r requirements-test.txt)';

// ---------------------------------------------------------------------------------------
// What to measure. Fans differ (500 in, 2000 out) so that a swapped fan shows; the conv
// kernel [5, 5, 20, 80] has the same fans through its receptive field (25 * 20, 25 * 80).
const DENSE = [500, 2000];
const CONV = [5, 5, 20, 80];
const FAN_SHAPES = [[7], [1], [784, 128], [1, 1], [500, 2000], [3, 3, 16, 32], [5, 5, 20, 80], [5, 4, 8],
  [2, 3, 3, 4, 6], [2, 2, 2, 2, 3, 5], [1, 2, 1, 3, 1, 7, 9]];

// Each sampleWeights scheme, its options, and the Keras initializer that should sample the
// same distribution. Keras has no class for 'uniform'; VarianceScaling with scale 1/3 is it:
// limit sqrt(3 * (1/3) / fanIn) = 1/sqrt(fanIn).
const SCHEMES = [
  ['zeros', {}, 'Zeros', {}],
  ['ones', {}, 'Ones', {}],
  ['constant', { value: -0.25 }, 'Constant', { value: -0.25 }],
  ['randomNormal', { mean: 0.5, stddev: 0.2 }, 'RandomNormal', { mean: 0.5, stddev: 0.2 }],
  ['randomNormal', { mean: 1, stddev: 0 }, 'RandomNormal', { mean: 1, stddev: 0 }],
  ['randomUniform', { minval: 0, maxval: 1 }, 'RandomUniform', { minval: 0, maxval: 1 }],
  ['truncatedNormal', { mean: 1, stddev: 0.2 }, 'TruncatedNormal', { mean: 1, stddev: 0.2 }],
  ['uniform', {}, 'VarianceScaling', { scale: 1 / 3, mode: 'fan_in', distribution: 'uniform' }],
  ['leCunNormal', {}, 'LecunNormal', {}],
  ['leCunNormal', {}, 'VarianceScaling', {}],
  ['leCunUniform', {}, 'LecunUniform', {}],
  ['glorotNormal', {}, 'GlorotNormal', {}],
  ['glorotUniform', {}, 'GlorotUniform', {}],
  ['glorotUniform', { gain: Math.sqrt(1 / 3) }, 'VarianceScaling', { scale: 1 / 3, mode: 'fan_avg', distribution: 'uniform' }],
  ['heNormal', {}, 'HeNormal', {}],
  ['heNormal', { gain: 0.5 }, 'VarianceScaling', { scale: 2 * 0.25, mode: 'fan_in', distribution: 'truncated_normal' }],
  ['heUniform', {}, 'HeUniform', {}],
];
const ORTHOGONAL_SHAPES = [[500, 200], [200, 500], [3, 3, 4, 8]];
const ORTHOGONAL_GAIN = 1.5;

// Chapter 5's table: Keras class, Keras string name.
const NAMES = [['Zeros', 'zeros'], ['Ones', 'ones'], ['Constant', 'constant'], ['RandomNormal', 'random_normal'],
  ['RandomUniform', 'random_uniform'], ['TruncatedNormal', 'truncated_normal'], ['VarianceScaling', 'variance_scaling'],
  ['GlorotNormal', 'glorot_normal'], ['GlorotUniform', 'glorot_uniform'], ['HeNormal', 'he_normal'],
  ['HeUniform', 'he_uniform'], ['LecunNormal', 'lecun_normal'], ['LecunUniform', 'lecun_uniform'],
  ['Orthogonal', 'orthogonal'], ['Identity', 'identity']];
const LEAKY_SLOPES = [0.01, 0.2, 0.3]; // 0.01: the course's K.LEAKY_RELU_ALPHA and torch's default
const RECURRENT_UNITS = 64;
const QUIRK_DRAWS = 10_000_000; // lambda = 43 leftovers beyond 2 std: Z = 5 tells 43 from 0

const label = (name, options) => (Object.keys(options).length ? `${name} ${JSON.stringify(options)}` : name);
const kerasLabel = (cls, config) => `${cls}(${Object.entries(config).map(([k, v]) => `${k}=${typeof v === 'string' ? `'${v}'` : +v.toFixed(6)}`).join(', ')})`;

/** Histogram edges for a spec, the same on both sides: the value's bin is the number of edges <= it. */
function edgesFor(spec) {
  const range = (from, to, step) => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => from + i * step);
  if (spec.distribution === 'uniform') return range(0, 20, 1).map((i) => spec.min + (i / 20) * (spec.max - spec.min));
  // Normal forms: quarter-std bins out to 3 std (the cut is at 2 / 0.8796 = 2.27 std), half-std to 4 for the plain normal.
  if (spec.distribution === 'truncatedNormal') return range(-3, 3, 0.25).map((k) => spec.mean + k * spec.std);
  if (spec.distribution === 'normal') return range(-4, 4, 0.5).map((k) => spec.mean + k * spec.std);
  return undefined;
}

const CASES = [];
for (const [name, options, cls, config] of SCHEMES) {
  for (const shape of [DENSE, CONV]) {
    const spec = K.weightDistribution(name, shape, options);
    CASES.push({
      id: `${label(name, options)} ~ ${kerasLabel(cls, config)} on [${shape}]`,
      name, options, shape, spec,
      kind: 'keras', class: cls, config, seed: 100 + CASES.length,
      edges: edgesFor(spec),
      ...(spec.distribution === 'truncatedNormal' ? { cut: spec.max - spec.mean, center: spec.mean } : {}),
    });
  }
}
for (const shape of ORTHOGONAL_SHAPES) {
  CASES.push({ id: `orthogonal ${JSON.stringify({ gain: ORTHOGONAL_GAIN })} ~ Orthogonal on [${shape}]`, name: 'orthogonal',
    options: { gain: ORTHOGONAL_GAIN }, shape, kind: 'keras', class: 'Orthogonal', config: { gain: ORTHOGONAL_GAIN }, seed: 200 + CASES.length });
}
const uniformEdges = (shape) => edgesFor(K.weightDistribution('uniform', shape));
const biasEdges = (fanIn) => Array.from({ length: 21 }, (_, i) => (-1 + i / 10) / Math.sqrt(fanIn));
// PyTorch layers, re-initialized by their reset_parameters(): 1e6 weights, and 1e5 (Linear) or 2000 (Conv2d) biases.
const TORCH_LAYERS = [
  { id: 'torch.nn.Linear(500, 2000)', kind: 'torch-layer', module: 'Linear', in: 500, out: 2000, repeats: 50, seed: 1,
    courseShape: DENSE, edges: uniformEdges(DENSE), biasEdges: biasEdges(500) },
  { id: 'torch.nn.Conv2d(20, 80, 5)', kind: 'torch-layer', module: 'Conv2d', in: 20, out: 80, kernel: 5, repeats: 25, seed: 2,
    courseShape: CONV, edges: uniformEdges(CONV), biasEdges: biasEdges(500) },
];
const TRUNC1 = K.weightDistribution('truncatedNormal', [1_000_000], { stddev: 1 });
const TORCH_INITS = [
  // torch's [out, in] = [2000, 500]: fan_in 500, like the course's [500, 2000].
  { id: 'kaiming_normal_ on torch [2000, 500]', kind: 'torch-init', fn: 'kaiming_normal_', shape: [2000, 500], kwargs: { nonlinearity: 'relu' }, seed: 3 },
  { id: 'trunc_normal_(std=0.02)', kind: 'torch-init', fn: 'trunc_normal_', shape: [1_000_000], kwargs: { std: 0.02 }, seed: 4 },
  { id: 'trunc_normal_(std=1)', kind: 'torch-init', fn: 'trunc_normal_', shape: [1_000_000], kwargs: { std: 1 }, seed: 5,
    edges: edgesFor(TRUNC1), cut: 2 },
  { id: 'nn.Embedding(1000, 1000)', kind: 'torch-embedding', num: 1000, dim: 1000, seed: 6 },
];
// Chapter 5's PyTorch column: xavier_uniform_ with a gain, the plain-normal xavier_normal_ and
// kaiming_normal_(nonlinearity='linear'), and orthogonal_; and Keras 3's untruncated normal.
const TANH_GAIN = 5 / 3;
const TORCH_COLUMN = [
  { id: 'xavier_uniform_(gain=5/3) on torch [2000, 500]', kind: 'torch-init', fn: 'xavier_uniform_', shape: [2000, 500],
    kwargs: { gain: TANH_GAIN }, seed: 7, course: ['glorotUniform', { gain: TANH_GAIN }], edges: edgesFor(K.weightDistribution('glorotUniform', DENSE, { gain: TANH_GAIN })) },
  { id: 'xavier_normal_ on torch [2000, 500]', kind: 'torch-init', fn: 'xavier_normal_', shape: [2000, 500], seed: 8,
    plain: Math.sqrt(2 / (DENSE[0] + DENSE[1])) },
  { id: "kaiming_normal_(nonlinearity='linear') on torch [2000, 500]", kind: 'torch-init', fn: 'kaiming_normal_', shape: [2000, 500],
    kwargs: { nonlinearity: 'linear' }, seed: 9, plain: Math.sqrt(1 / DENSE[0]) },
  { id: "VarianceScaling(scale=2, mode='fan_in', distribution='untruncated_normal') on [500, 2000]", kind: 'keras', class: 'VarianceScaling',
    config: { scale: 2, mode: 'fan_in', distribution: 'untruncated_normal' }, shape: DENSE, seed: 10, plain: Math.sqrt(2 / DENSE[0]) },
];
const TORCH_ORTHOGONAL = { id: 'orthogonal_(gain=1.5) on torch [200, 500]', kind: 'torch-orthogonal', shape: [200, 500], gain: ORTHOGONAL_GAIN, seed: 11 };

// Chapter 5 quotes the seed's Keras lines and completes the last block so that it runs: both
// are read from the chapter, so that the test runs what the reader sees.
const CH5 = JSON.parse(readFileSync(join(ROOT, 'notebooks/05-initializers-in-tfjs.ipynb'), 'utf8'));
const CH5_PYTHON = CH5.cells.filter((c) => c.cell_type === 'markdown').map((c) => [].concat(c.source).join(''))
  .flatMap((md) => [...md.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]));
const SEED_SNIPPET = CH5_PYTHON.find((code) => code.includes('tf.keras.initializer.he_normal'));
const COMPLETED_SNIPPET = CH5_PYTHON.find((code) => code.includes('import keras') && code.includes('state_size ='));

// ---------------------------------------------------------------------------------------
// One Python run for all the facts.
function runReference() {
  if (!existsSync(PYTHON)) {
    return { error: `the reference test needs the project's Python environment, and ${PYTHON} is missing: ${SETUP_HINT}` };
  }
  const strip = ({ name, options, spec, courseShape, ...rest }) => rest;
  const request = {
    fans: FAN_SHAPES,
    samples: [...CASES, ...TORCH_LAYERS, ...TORCH_INITS, ...TORCH_COLUMN, TORCH_ORTHOGONAL].map(strip),
    snippets: { seedBlocks: (SEED_SNIPPET ?? '').split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean), completed: COMPLETED_SNIPPET ?? '' },
    names: NAMES,
    leakySlopes: LEAKY_SLOPES,
    recurrentUnits: RECURRENT_UNITS,
    quirkDraws: QUIRK_DRAWS,
  };
  // Keras writes its config to $KERAS_HOME (default ~/.keras): give it a throwaway one.
  const kerasHome = mkdtempSync(join(tmpdir(), 'keras-home-'));
  const started = Date.now();
  try {
    const r = spawnSync(PYTHON, [SCRIPT], {
      cwd: ROOT,
      input: JSON.stringify(request),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 180_000,
      env: jupyterEnv({ KERAS_BACKEND: 'torch', KERAS_HOME: kerasHome, PYTHONDONTWRITEBYTECODE: '1', CUDA_VISIBLE_DEVICES: '' }),
    });
    if (r.error) return { error: `could not run ${PYTHON} ${SCRIPT}: ${r.error.message}` };
    if (r.status !== 0) {
      // Exit 3: the script names the package that is missing and how the set-up installs it.
      if (r.status === 3) return { error: `a Python package is missing: ${r.stderr.trim()}` };
      const tail = r.stderr.trim().split('\n').slice(-15).join('\n');
      return { error: `the reference script ${SCRIPT} failed (exit ${r.status ?? r.signal}):\n${tail}\n${SETUP_HINT}` };
    }
    const lines = r.stdout.trim().split('\n');
    const facts = JSON.parse(lines[lines.length - 1]);
    return { facts: perturb(facts), seconds: (Date.now() - started) / 1000 };
  } finally {
    rmSync(kerasHome, { recursive: true, force: true });
  }
}

/** Applies REFERENCE_PERTURB (see the top of the file) to the facts, to check that a test can fail. */
function perturb(facts) {
  if (!process.env.REFERENCE_PERTURB) return facts;
  for (const [path, change] of JSON.parse(process.env.REFERENCE_PERTURB)) {
    const parent = path.slice(0, -1).reduce((node, key) => node?.[key], facts);
    const key = path[path.length - 1];
    if (parent === undefined || parent === null || !(key in parent)) throw new Error(`REFERENCE_PERTURB: no fact at ${JSON.stringify(path)}`);
    if (change !== null && typeof change === 'object' && !Array.isArray(change)) {
      parent[key] = 'times' in change ? parent[key] * change.times : parent[key] + change.plus;
    } else {
      parent[key] = change;
    }
  }
  return facts;
}

const REF = runReference();
/** The facts, or a failure that says what is missing and how to get it. */
function facts() {
  if (REF.error) throw new Error(REF.error);
  return REF.facts;
}

test('the Python reference environment runs Keras 3 on torch, at the pinned versions', () => {
  const f = facts();
  const pins = Object.fromEntries(readFileSync(join(ROOT, 'requirements-test.txt'), 'utf8').split('\n')
    .map((l) => l.trim().match(/^([\w-]+)==([\w.]+)/)).filter(Boolean).map((m) => [m[1], m[2]]));
  assert.equal(f.versions.backend, 'torch', 'Keras must run on its PyTorch backend (KERAS_BACKEND=torch)');
  assert.equal(f.versions.keras, pins.keras, `keras ${f.versions.keras}, requirements-test.txt pins ${pins.keras}: ${SETUP_HINT}`);
  assert.equal(f.versions.torch.split('+')[0], pins.torch, `torch ${f.versions.torch}, requirements-test.txt pins ${pins.torch}: ${SETUP_HINT}`);
  const slowest = Object.entries(f.timings).filter(([k]) => k !== 'total').sort((a, b) => b[1] - a[1]).slice(0, 3);
  console.log(`reference: keras ${f.versions.keras} (${f.versions.backend}), torch ${f.versions.torch}, numpy ${f.versions.numpy}, ` +
    `python ${f.versions.python}; Python ran ${REF.seconds.toFixed(1)} s (slowest: ${slowest.map(([k, v]) => `${k} ${v} s`).join(', ')})`);
});

// ---------------------------------------------------------------------------------------
test('fans: K.computeFans equals Keras\'s compute_fans on dense, conv, 1-D and up to 7-D shapes, exactly', () => {
  const f = facts();
  assert.equal(f.fans.length, FAN_SHAPES.length);
  for (const { shape, keras } of f.fans) {
    const { fanIn, fanOut } = K.computeFans(shape);
    assert.deepEqual([fanIn, fanOut], keras, `[${shape}]: course [${fanIn}, ${fanOut}], Keras [${keras}]`);
  }
});

// ---------------------------------------------------------------------------------------
// Sampling. For a sample of n values from a distribution with std s and kurtosis k:
// - the sample mean has standard error s / sqrt(n) (meanTolerance);
// - the sample std has relative standard error sqrt((k - 1) / (4n)) (stdRelTolerance: the
//   variance's is sqrt((k - 1) / n), the square root halves it);
// - the difference of two independent samples' statistics has the root sum of squares of
//   their standard errors;
// - a histogram bin holding a share p of both distributions differs between samples of n1
//   and n2 by a share with standard error sqrt(p (1 - p) (1/n1 + 1/n2)), p estimated pooled
//   (about 1,000 bins in all: at 5.7e-7 per bin, one false alarm in some 1,700 fresh seeds);
// - U[a, b] leaves the last 20/n of its width empty with probability (1 - 20/n)^n ~ e^-20;
// - a normal cut at 2 of its std has 1.1e-3 of its mass in the last 1% before the cut:
//   40,000 draws put ~45 there on each side;
// - a normal has P(z > 3) = 1.35e-3: 40,000 draws put ~54 beyond 3 std, a normal cut at
//   2.27 std none.
const P_OUTSIDE_2 = 0.04550026389635842; // P(|z| >= 2), z ~ N(0, 1)

/** Which bin of `edges` each value falls in: the number of edges <= the value. */
function histogram(values, edges) {
  const counts = new Array(edges.length + 1).fill(0);
  for (const v of values) {
    let lo = 0, hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    counts[lo]++;
  }
  return counts;
}

/** Two samples' histograms on the same edges agree bin by bin within Z standard errors. */
function assertSameHistogram(countsA, nA, countsB, nB, what) {
  assert.equal(countsA.length, countsB.length, `${what}: bin counts differ in length`);
  countsA.forEach((a, i) => {
    const b = countsB[i];
    const p = (a + b) / (nA + nB);
    const se = Math.sqrt(p * (1 - p) * (1 / nA + 1 / nB));
    assert.ok(Math.abs(a / nA - b / nB) <= Z * se, `${what}: bin ${i} holds ${(a / nA).toExponential(4)} of one sample and ${(b / nB).toExponential(4)} of the other (standard error ${se.toExponential(2)})`);
  });
}

/** Two samples' stds agree within Z standard errors of their difference. */
function assertSameStd(a, b, what) {
  const se = Math.hypot(a.std * Math.sqrt((a.kurtosis - 1) / (4 * a.n)), b.std * Math.sqrt((b.kurtosis - 1) / (4 * b.n)));
  assertClose(a.std, b.std, Z * se, what);
}

/** A sample matches a spec's mean and std, and (where the spec has one) its range. */
function assertMatchesSpec(m, spec, what) {
  assertClose(m.mean, spec.mean, meanTolerance(spec.std, m.n), `${what}: mean`);
  assertClose(m.std / spec.std, 1, stdRelTolerance(m.kurtosis, m.n), `${what}: std / formula's ${spec.std}`);
  if (spec.distribution === 'uniform') {
    // float32 rounding is monotonic: a draw in [lo, hi] stays in [fround(lo), fround(hi)].
    assert.ok(m.min >= Math.fround(spec.min) && m.max <= Math.fround(spec.max), `${what}: [${m.min}, ${m.max}] leaves [${spec.min}, ${spec.max}]`);
    const slack = (20 / m.n) * (spec.max - spec.min);
    assert.ok(m.min < spec.min + slack && m.max > spec.max - slack, `${what}: [${m.min}, ${m.max}] does not fill [${spec.min}, ${spec.max}]`);
  }
  if (spec.distribution === 'normal') {
    assert.ok(m.max - spec.mean > 3 * spec.std && spec.mean - m.min > 3 * spec.std, `${what}: [${m.min}, ${m.max}] looks truncated`);
  }
}

/** Poisson counts: |k - lambda| <= Z sqrt(lambda) (normal approximation; lambda >= 10 here). */
const poissonTolerance = (lambda) => Z * Math.sqrt(lambda);

for (const c of CASES.filter((c) => c.name !== 'orthogonal')) {
  test(`samples: ${c.id}`, () => {
    const keras = facts().samples[c.id];
    const { spec } = c;
    assert.equal(keras.n, c.shape.reduce((a, b) => a * b, 1), 'sample size');
    if (spec.distribution === 'constant' || spec.std === 0) {
      // Zeros, Ones, Constant, and RandomNormal(stddev=0): every value is the mean, exactly.
      assert.ok(keras.min === Math.fround(spec.mean) && keras.max === Math.fround(spec.mean), `Keras gives [${keras.min}, ${keras.max}], the course ${spec.mean}`);
      assert.ok(K.sampleWeights(c.name, c.shape, c.options).every((v) => v === Math.fround(spec.mean)));
      return;
    }
    // Keras's own sample has the moments and range K.weightDistribution states.
    assertMatchesSpec(keras, spec, `Keras ${kerasLabel(c.class, c.config)}`);
    if (spec.distribution === 'truncatedNormal') {
      // Inside the cut it reaches the cut (see above); beyond it, only the torch backend's
      // leftovers (tested as a whole below): a value with all 4 candidates beyond 2 std.
      const cut = spec.max - spec.mean;
      assert.ok(keras.insideMax > spec.mean + 0.99 * cut && keras.insideMin < spec.mean - 0.99 * cut, `Keras: [${keras.insideMin}, ${keras.insideMax}] stops short of the cut at ${spec.mean} +- ${cut}`);
    }
    // The course's sample of the same scheme, and the two compared as distributions.
    const values = K.sampleWeights(c.name, c.shape, { ...c.options, seed: c.seed });
    const m = moments(values);
    assertMatchesSpec(m, spec, `K.sampleWeights('${c.name}')`);
    if (spec.distribution === 'truncatedNormal') {
      assert.ok(m.min >= Math.fround(spec.min) && m.max <= Math.fround(spec.max), `course: [${m.min}, ${m.max}] beyond the cut`);
    }
    assertSameStd(m, keras, 'std, course vs Keras');
    assertSameHistogram(histogram(values, c.edges), m.n, keras.counts, keras.n, 'histogram, course vs Keras');
  });
}

test('quirk: Keras 3\'s torch truncated_normal keeps a value beyond 2 std when its 4 candidates all fall there', () => {
  // Documented as "discarded and re-drawn"; the torch backend draws 4 candidates and keeps
  // the first inside (-2, 2), else the first: beyond 2 std with probability P(|z| >= 2)^4.
  const q = facts().truncatedNormalQuirk;
  assertClose(q.pOutside, P_OUTSIDE_2, 1e-15, 'P(|z| >= 2)');
  // Poisson with mean lambda = n P^4 = 43 for 1e7 draws: +-5 sqrt(43) = +-33 excludes 0,
  // so a Keras that truly redraws fails here (and the chapters' "drawn again" holds exactly).
  const lambda = q.n * q.pAllFourOutside;
  assertClose(q.beyond, lambda, poissonTolerance(lambda), `keras.random.truncated_normal: values beyond +-2 of ${q.n} (largest |x| ${q.largest})`);
  // The same leftovers in the initializers' truncated samples (lambda = 22: a check of the
  // rate, too small to tell it from 0 on its own).
  let outside = 0, expected = 0;
  for (const c of CASES.filter((c) => c.cut !== undefined)) {
    const keras = facts().samples[c.id];
    outside += keras.outside;
    expected += keras.n * P_OUTSIDE_2 ** 4;
  }
  assertClose(outside, expected, poissonTolerance(expected), 'values beyond the cut in the Keras initializers\' truncated samples');
});

// ---------------------------------------------------------------------------------------
/** Orthogonality of a row-major sample flattened to rows x cols, as the Python side measures it. */
function orthogonality(w, shape, gain) {
  const cols = shape[shape.length - 1];
  const rows = w.length / cols;
  const k = Math.min(rows, cols);
  let error = 0;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let s = 0;
      if (rows >= cols) for (let r = 0; r < rows; r++) s += w[r * cols + a] * w[r * cols + b];
      else for (let c = 0; c < cols; c++) s += w[a * cols + c] * w[b * cols + c];
      error = Math.max(error, Math.abs(s - (a === b ? gain * gain : 0)));
    }
  }
  let sq = 0, diag = 0, maxAbs = 0;
  for (const v of w) { sq += v * v; maxAbs = Math.max(maxAbs, Math.abs(v)); }
  for (let i = 0; i < k; i++) diag += w[i * cols + i];
  return { rows, cols, error, rms: Math.sqrt(sq / w.length), maxAbs, diagMean: diag / k, diagCount: k };
}

for (const c of CASES.filter((c) => c.name === 'orthogonal')) {
  test(`orthogonal: ${c.id}`, () => {
    const keras = facts().samples[c.id];
    const spec = K.weightDistribution('orthogonal', c.shape, c.options);
    const course = orthogonality(K.sampleWeights('orthogonal', c.shape, { ...c.options, seed: c.seed }), c.shape, c.options.gain);
    for (const [who, o] of [['Keras', keras], ['course', course]]) {
      assert.deepEqual([o.rows, o.cols], [c.shape.slice(0, -1).reduce((a, b) => a * b, 1), c.shape[c.shape.length - 1]], `${who}: flattened to rows x last dimension`);
      // float32 entries ~1/sqrt(max): rounding errors of a few 1e-7 summed over up to 500 terms.
      assert.ok(o.error < 1e-5 * spec.max ** 2, `${who}: |Q^T Q - gain^2 I| = ${o.error} (orthonormal ${o.rows >= o.cols ? 'columns' : 'rows'}, times gain)`);
      // Every entry's square sums to min(rows, cols) gain^2: the rms is the spec's std, to rounding.
      assertClose(o.rms / spec.std, 1, 1e-5, `${who}: rms / spec std`);
      assert.ok(o.maxAbs <= spec.max * (1 + 1e-6), `${who}: an entry ${o.maxAbs} beyond the gain ${spec.max}`);
      // Signs of R's diagonal folded in: Q is Haar, its diagonal has mean 0. Entries have
      // std gain/sqrt(max): the mean of k of them has standard error gain/sqrt(max k). Without
      // the sign correction Householder QR makes the diagonal negative, ~0.8 gain/sqrt(max) each.
      assertClose(o.diagMean, 0, (Z * spec.max) / Math.sqrt(Math.max(o.rows, o.cols) * o.diagCount), `${who}: mean of the diagonal`);
    }
  });
}

// ---------------------------------------------------------------------------------------
test('constant: K.TRUNCATION_STD is Keras\'s literal, from random_initializers.py, and the std of N(0, 1) cut at +-2', () => {
  const t = facts().truncationConstant;
  assert.equal(t.sourceFile, 'src/initializers/random_initializers.py');
  assert.deepEqual(t.sourceLines, ['stddev = math.sqrt(scale) / 0.87962566103423978'], 'the line chapter 5 quotes');
  assert.equal(t.literal, '0.87962566103423978');
  assert.equal(K.TRUNCATION_STD, t.value, 'K.TRUNCATION_STD');
  // erf-based closed form in float64: good to a few 1e-16.
  assertClose(t.exact, t.value, 1e-15, 'sqrt(1 - 4 phi(2) / P(|z| < 2))');
});

test('VarianceScaling: Glorot, He, LeCun and the default are VarianceScaling with the course\'s scale, mode and distribution', () => {
  const vs = facts().varianceScaling;
  const want = {
    GlorotNormal: [1, 'fan_avg', 'truncated_normal', 'glorotNormal'],
    GlorotUniform: [1, 'fan_avg', 'uniform', 'glorotUniform'],
    HeNormal: [2, 'fan_in', 'truncated_normal', 'heNormal'],
    HeUniform: [2, 'fan_in', 'uniform', 'heUniform'],
    LecunNormal: [1, 'fan_in', 'truncated_normal', 'leCunNormal'],
    LecunUniform: [1, 'fan_in', 'uniform', 'leCunUniform'],
    VarianceScaling: [1, 'fan_in', 'truncated_normal', 'leCunNormal'],
  };
  for (const [cls, [scale, mode, distribution, course]] of Object.entries(want)) {
    const got = vs[cls];
    assert.ok(got.isVarianceScaling, `${cls} is not a VarianceScaling`);
    assert.deepEqual([got.scale, got.mode, got.distribution], [scale, mode, distribution], cls);
    // Keras's formula from its own (scale, mode): std sqrt(scale / n), n the fan or their mean.
    const { fanIn, fanOut } = K.computeFans(DENSE);
    const n = { fan_in: fanIn, fan_out: fanOut, fan_avg: (fanIn + fanOut) / 2 }[got.mode];
    const spec = K.weightDistribution(course, DENSE);
    assert.equal(spec.distribution, got.distribution === 'uniform' ? 'uniform' : 'truncatedNormal', `${cls}: distribution of ${course}`);
    assertClose(spec.std, Math.sqrt(got.scale / Math.max(1, n)), 1e-15 * spec.std, `${cls}: std of ${course}`);
  }
  // Keras accepts tfjs's spelling 'normal' and means the truncated normal by it.
  assert.equal(vs.normalMeans, 'truncated_normal');
});

test('defaults: Keras\'s RandomNormal, RandomUniform, TruncatedNormal and Orthogonal options are the course\'s', () => {
  const d = facts().optionDefaults;
  const shape = [10, 10];
  const rn = K.weightDistribution('randomNormal', shape);
  assert.deepEqual([rn.mean, rn.std], [d.RandomNormal.mean, d.RandomNormal.stddev]);
  const ru = K.weightDistribution('randomUniform', shape);
  assert.deepEqual([ru.min, ru.max], [d.RandomUniform.minval, d.RandomUniform.maxval]);
  const tn = K.weightDistribution('truncatedNormal', shape);
  assert.deepEqual([tn.mean, tn.max - tn.mean], [d.TruncatedNormal.mean, 2 * d.TruncatedNormal.stddev]);
  assert.equal(K.weightDistribution('orthogonal', shape).max, d.Orthogonal.gain, 'orthogonal gain');
  // Keras's string 'uniform' is RandomUniform(-0.05, 0.05), not the course's 'uniform';
  // 'normal' is RandomNormal(0, 0.05).
  assert.deepEqual([d.uniformString.class, d.uniformString.minval, d.uniformString.maxval], ['RandomUniform', -0.05, 0.05]);
  assert.deepEqual([d.normalString.class, d.normalString.mean, d.normalString.stddev], ['RandomNormal', 0, 0.05]);
});

test('names: chapter 5\'s Keras classes and string names, keras.initializer (singular) absent, he_normal an alias of HeNormal', () => {
  const f = facts();
  for (const row of f.names) {
    assert.ok(row.classExists, `keras.initializers.${row.class} does not exist`);
    if (row.string === 'constant') {
      // Keras 3.15 cannot build Constant from its string: Constant.from_config reads
      // config['value'], and the string gives an empty config. As in TensorFlow.js, the
      // constant initializer can only be given as an instance, Constant(value).
      assert.match(row.stringGives, /^error: KeyError: 'value'/, `'constant' now resolves (to ${row.stringGives}): chapter 5's table can say so`);
      continue;
    }
    assert.equal(row.stringGives, row.class, `'${row.string}' resolves to ${row.stringGives}`);
    // Each snake-case name is also the class itself: keras.initializers.he_normal() runs.
    assert.ok(row.aliasIsClass, `keras.initializers.${row.string} is not the class ${row.class}`);
  }
  assert.deepEqual(f.names.map((r) => [r.class, r.string]), NAMES);
  assert.equal(f.hasSingularModule, false, 'keras.initializer (singular) exists');
  assert.equal(f.heNormalCallable, 'HeNormal', 'keras.initializers.he_normal()');
});

test('layers: Keras\'s default kernel, recurrent and bias initializers, kernel shapes, and LSTM\'s forget-gate bias', () => {
  const l = facts().layerDefaults;
  for (const name of ['Dense', 'Conv2D', 'Conv1D']) {
    assert.deepEqual([l[name].kernel, l[name].bias], ['GlorotUniform', 'Zeros'], name);
  }
  // The kernel is created when the layer learns its input size: [in, out], named kernel.
  assert.equal(l.Dense.weightsBeforeBuild, 0);
  assert.deepEqual(l.Dense.kernelShape, [4, 3]);
  assert.match(l.Dense.kernelPath, /\/kernel$/);
  assert.deepEqual(l.Dense.biasValues, [0, 0, 0]);
  assert.deepEqual(l.Conv2D.kernelShape, [3, 3, 4, 8], 'conv kernel [kh, kw, in, out]');
  for (const name of ['SimpleRNN', 'LSTM', 'GRU']) {
    assert.deepEqual([l[name].kernel, l[name].recurrent, l[name].bias], ['GlorotUniform', 'Orthogonal', 'Zeros'], name);
  }
  assert.equal(l.LSTM.unitForgetBias, true, 'LSTM unit_forget_bias');
  // 4 units, gates in the order input, forget, cell, output: only the forget gate's are 1.
  assert.deepEqual(l.LSTM.biasValues, [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.ok(l.SimpleRNN.biasValues.every((v) => v === 0) && l.GRU.biasValues.every((v) => v === 0));
});

test('gates: an LSTM\'s [N, 4N] recurrent kernel is orthogonal as a whole, each gate\'s N x N block is not (GRU likewise)', () => {
  const r = facts().recurrentBlocks;
  const N = RECURRENT_UNITS;
  for (const [name, gates] of [['SimpleRNN', 1], ['LSTM', 4], ['GRU', 3]]) {
    const b = r[name];
    assert.deepEqual(b.shape, [N, gates * N], `${name} recurrent kernel shape`);
    // The whole kernel has orthonormal rows: all N singular values 1 (float32 rounding).
    assert.ok(Math.abs(b.wholeMin - 1) < 1e-5 && Math.abs(b.wholeMax - 1) < 1e-5, `${name}: singular values [${b.wholeMin}, ${b.wholeMax}]`);
    // A block's mean squared singular value is its squared Frobenius norm / N. The N rows
    // (unit norm) spread their norm over `gates` blocks: 1/gates on average. Entries are
    // close to independent N(0, 1/(gates N)), so the squared norm has variance about
    // N^2 * 2/(gates N)^2 and the mean square a standard error of sqrt(2)/(gates N)
    // (the constraint that the blocks' shares add up to 1 only narrows it).
    for (const [g, block] of b.blocks.entries()) {
      assertClose(block.meanSquare, 1 / gates, (Z * Math.SQRT2) / (gates * N), `${name} gate ${g}: mean squared singular value (singular values ${block.min.toFixed(3)} to ${block.max.toFixed(3)})`);
    }
  }
});

test('seeds: a Keras initializer instance returns the same values on every call, as its documentation warns', () => {
  const s = facts().seeding;
  assert.ok(s.docWarns, `the docstring no longer says so: ${s.docSentence}`);
  assert.equal(s.seededSameTwice, true, 'HeNormal(seed=42) twice');
  assert.equal(s.seededSharedIdentical, true, 'two Dense layers sharing HeNormal(seed=42)');
  // Keras 3 goes further than its documentation says (chapter 5 states it): an unseeded instance draws its seed once.
  assert.equal(s.unseededSameTwice, true, 'HeNormal() twice');
  assert.equal(s.unseededSharedIdentical, true, 'two Dense layers sharing HeNormal()');
  assert.equal(s.defaultLayersIdentical, false, 'two default Dense layers');
});

test('gains: PyTorch\'s calculate_gain is chapter 4\'s table, exactly', () => {
  const g = facts().gains;
  assert.equal(g.linear, 1);
  assert.equal(g.conv2d, 1);
  assert.equal(g.sigmoid, 1);
  assert.equal(g.tanh, 5 / 3);
  assert.equal(g.relu, Math.SQRT2);
  assert.equal(g.selu, 3 / 4);
  assert.equal(g.leakyReluDefault, Math.sqrt(2 / (1 + 0.01 ** 2)), 'leaky_relu default slope 0.01');
  for (const [a, gain] of g.leakyRelu) assert.equal(gain, Math.sqrt(2 / (1 + a ** 2)), `leaky_relu, slope ${a}`);
});

// ---------------------------------------------------------------------------------------
for (const c of TORCH_LAYERS) {
  test(`torch: ${c.id}'s default weights and biases are the course's 'uniform', U[-1/sqrt(fanIn), 1/sqrt(fanIn)]`, () => {
    const t = facts().samples[c.id];
    const spec = K.weightDistribution('uniform', c.courseShape);
    const fans = K.computeFans(c.courseShape);
    // torch's weight is [out, in, ...spatial]; the course's [...spatial, in, out]: same fans.
    assert.deepEqual([t.fanIn, t.fanOut], [fans.fanIn, fans.fanOut], `fans of torch ${JSON.stringify(t.weightShape)}`);
    assert.equal(t.dtype, 'torch.float32');
    // kaiming_uniform_(a=sqrt 5): bound sqrt(3) * sqrt(2/(1+5)) / sqrt(fanIn), which is
    // 1/sqrt(fanIn) but for the rounding of sqrt(5)^2 and the products: a few ulps.
    assertClose(t.bound, spec.max, 4 * Number.EPSILON * spec.max, 'weight bound');
    assert.equal(t.biasBound, spec.max, 'bias bound 1/sqrt(fanIn)');
    assertMatchesSpec(t.weight, spec, `${c.id} weight`);
    const course = K.sampleWeights('uniform', c.courseShape, { seed: c.seed });
    const m = moments(course);
    assertSameStd(m, t.weight, 'std, course vs torch');
    assertSameHistogram(histogram(course, c.edges), m.n, t.weight.counts, t.weight.n, 'histogram, course vs torch');
    // Biases: U[-1/sqrt(fanIn), 1/sqrt(fanIn)], the same interval (one draw per output unit).
    assertMatchesSpec(t.bias, spec, `${c.id} bias`);
    const bias = K.sampleWeights('uniform', [fans.fanIn, t.bias.n / fans.fanIn], { seed: c.seed + 1 }); // same fan-in
    assertSameHistogram(histogram(bias, c.biasEdges), t.bias.n, t.bias.counts, t.bias.n, 'bias histogram, course vs torch');
  });
}

test('torch: kaiming_normal_ is not truncated (the course\'s heNormal, Keras\'s, is); same std sqrt(2/fanIn)', () => {
  const t = facts().samples[TORCH_INITS[0].id];
  assert.equal(t.fanIn, K.computeFans(DENSE).fanIn, 'torch [out, in] = [2000, 500] has fan_in 500');
  const he = K.weightDistribution('heNormal', DENSE);
  assertMatchesSpec(t, { ...he, distribution: 'normal' }, 'kaiming_normal_');
  const course = moments(K.sampleWeights('heNormal', DENSE, { seed: 3 }));
  assert.ok(course.max <= Math.fround(he.max) && t.max > Math.fround(he.max), `course max ${course.max}, torch max ${t.max}, cut ${he.max}`);
});

test('torch: trunc_normal_ cuts at absolute a=-2, b=2, not at 2 std', () => {
  const [, small, unit] = TORCH_INITS.map((c) => facts().samples[c.id]);
  // std 0.02: the cut at +-2 is 100 std away, so it is a plain normal, std 0.02 (not 0.88 of it).
  assertMatchesSpec(small, { distribution: 'normal', mean: 0, std: 0.02 }, 'trunc_normal_(std=0.02)');
  // std 1: now the cut is at 2 std: the course's truncatedNormal({stddev: 1}), 0.8796 std, [-2, 2].
  assert.ok(unit.min >= -2 && unit.max <= 2 && unit.outside === 0, `trunc_normal_(std=1) in [${unit.min}, ${unit.max}]`);
  assertMatchesSpec(unit, TRUNC1, 'trunc_normal_(std=1)');
  assert.ok(unit.insideMax > 0.99 * 2 && unit.insideMin < -0.99 * 2, 'trunc_normal_(std=1) reaches the cut');
  const course = K.sampleWeights('truncatedNormal', [unit.n], { stddev: 1, seed: 5 });
  assertSameHistogram(histogram(course, TORCH_INITS[2].edges), course.length, unit.counts, unit.n, 'histogram, course vs torch');
});

test('torch: nn.Embedding starts at N(0, 1)', () => {
  const t = facts().samples[TORCH_INITS[3].id];
  assertMatchesSpec(t, { distribution: 'normal', mean: 0, std: 1 }, 'nn.Embedding weight');
});

// ---------------------------------------------------------------------------------------
// Chapter 5's Keras lines, its PyTorch column, and Keras 3's untruncated normal.
test('snippets: chapter 5\'s seed lines: three blocks run, the last stops at tf.keras.initializer, then at model; the completed one builds a HeNormal ReLU layer', () => {
  assert.ok(SEED_SNIPPET && COMPLETED_SNIPPET, 'chapter 5 no longer quotes the seed\'s snippet and its completion in ```python blocks');
  const s = facts().snippets;
  assert.equal(s.seedBlocks.length, 4, `the seed's snippet has ${s.seedBlocks.length} blocks`);
  assert.deepEqual(s.seedBlocks.slice(0, 3), ['ok', 'ok', 'ok'], 'the first three blocks run as they are');
  assert.match(s.seedBlocks[3], /^AttributeError: .*'initializer'/, 'the last block fails on the module name');
  // With the module's name corrected, what it lacks next: the model it adds to.
  assert.match(s.seedLastWithInitializers, /^NameError: name 'model' is not defined/);
  assert.equal(s.completed, 'ok', `the completed snippet fails: ${s.completed}`);
  assert.deepEqual(s.completedLayer, { class: 'Dense', kernelInitializer: 'HeNormal', kernelShape: [4, 16], activation: 'relu' });
});

test('names: a layer given the class he_normal, uncalled, makes a HeNormal of its own (two layers differ)', () => {
  const c = facts().classIdentifier;
  assert.equal(c.getGives, 'HeNormal', 'keras.initializers.get(keras.initializers.he_normal)');
  assert.equal(c.layersIdentical, false, 'two Dense layers given the class he_normal');
});

for (const c of TORCH_COLUMN.filter((c) => c.plain !== undefined)) {
  test(`plain normals: ${c.id} is an untruncated normal of std ${c.plain.toPrecision(4)}`, () => {
    const t = facts().samples[c.id];
    assertMatchesSpec(t, { distribution: 'normal', mean: 0, std: c.plain }, c.id);
    if (c.kind === 'torch-init') assert.equal(t.fanIn, DENSE[0], 'torch [out, in] = [2000, 500] has fan_in 500');
  });
}
test('VarianceScaling: Keras 3 accepts distribution=\'untruncated_normal\' (TensorFlow.js has no such option)', () => {
  assert.equal(facts().classIdentifier.untruncatedDistribution, 'untruncated_normal');
});

test('torch: xavier_uniform_ with gain 5/3 is the course\'s glorotUniform with that gain: the gain multiplies the std', () => {
  const c = TORCH_COLUMN[0];
  const t = facts().samples[c.id];
  const spec = K.weightDistribution(c.course[0], DENSE, c.course[1]);
  assert.equal(t.fanIn, DENSE[0]);
  assertMatchesSpec(t, spec, c.id);
  const course = K.sampleWeights(c.course[0], DENSE, { ...c.course[1], seed: c.seed });
  const m = moments(course);
  assertSameStd(m, t, 'std, course vs torch');
  assertSameHistogram(histogram(course, c.edges), m.n, t.counts, t.n, 'histogram, course vs torch');
});

test('torch: orthogonal_ with a gain has orthonormal rows times the gain, like the course\'s orthogonal', () => {
  const t = facts().samples[TORCH_ORTHOGONAL.id];
  const spec = K.weightDistribution('orthogonal', TORCH_ORTHOGONAL.shape, { gain: TORCH_ORTHOGONAL.gain });
  assert.deepEqual([t.rows, t.cols], TORCH_ORTHOGONAL.shape);
  assert.ok(t.error < 1e-5 * spec.max ** 2, `|W W^T - gain^2 I| = ${t.error}`);
  assertClose(t.rms / spec.std, 1, 1e-5, 'rms / the course\'s std');
});
