import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K, tf, noLeak } from './lib.mjs';
import { assertClose, meanTolerance, moments, stdRelTolerance } from './stats.mjs';

// 100,000 draws from a kernel whose fans differ, so a swapped fan-in/fan-out shows.
const SHAPE = [200, 500];
const FAN_IN = 200;
const FAN_OUT = 500;
const N = FAN_IN * FAN_OUT;
const TRUNC = 0.87962566103423978; // std of a standard normal cut at +-2

/** Runs a tfInitializer once on `shape` and returns the values, leaving no tensor behind. */
function draw(init, shape = SHAPE) {
  const t = init.apply(shape, 'float32');
  assert.deepEqual(t.shape, shape);
  assert.equal(t.dtype, 'float32');
  const values = t.dataSync().slice();
  t.dispose();
  return values;
}

// What each name must give on SHAPE, written out from the formulas (Keras's documentation,
// the papers) independently of src/. kind: 'constant' (every value exact), 'uniform'
// (limits exact), 'normal' or 'truncated' (cut at +-cut), 'orthogonal'.
const uniform = (a) => ({ kind: 'uniform', mean: 0, std: a / Math.sqrt(3), lo: -a, hi: a });
const truncated = (std) => ({ kind: 'truncated', mean: 0, std, cut: (2 * std) / TRUNC });
const CASES = {
  zeros: [{}, { kind: 'constant', value: 0 }],
  ones: [{}, { kind: 'constant', value: 1 }],
  constant: [{ value: -0.25 }, { kind: 'constant', value: -0.25 }],
  randomNormal: [{ mean: 0.5, stddev: 0.2 }, { kind: 'normal', mean: 0.5, std: 0.2 }],
  randomUniform: [{ minval: 0, maxval: 1 }, { kind: 'uniform', mean: 0.5, std: 1 / Math.sqrt(12), lo: 0, hi: 1 }],
  // Keras's TruncatedNormal: stddev is the normal's before the cut at +-2 stddev.
  truncatedNormal: [{ mean: 1, stddev: 0.2 }, { kind: 'truncated', mean: 1, std: 0.2 * TRUNC, cut: 0.4 }],
  uniform: [{}, uniform(1 / Math.sqrt(FAN_IN))],
  leCunNormal: [{}, truncated(Math.sqrt(1 / FAN_IN))],
  leCunUniform: [{}, uniform(Math.sqrt(3 / FAN_IN))],
  glorotNormal: [{}, truncated(Math.sqrt(2 / (FAN_IN + FAN_OUT)))],
  glorotUniform: [{}, uniform(Math.sqrt(6 / (FAN_IN + FAN_OUT)))],
  heNormal: [{}, truncated(Math.sqrt(2 / FAN_IN))],
  heUniform: [{}, uniform(Math.sqrt(6 / FAN_IN))],
  orthogonal: [{ gain: 1.5 }, { kind: 'orthogonal', gain: 1.5 }],
};

test('every name in INITIALIZER_NAMES has a formula case here', () => {
  assert.deepEqual([...K.INITIALIZER_NAMES].sort(), Object.keys(CASES).sort());
});

/** Largest |W^T W - gain^2 I| (tall W) or |W W^T - gain^2 I| (wide W), W rows x cols. */
function orthogonalityError(w, rows, cols, gain) {
  const byColumns = rows >= cols;
  const k = Math.min(rows, cols);
  let worst = 0;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let s = 0;
      if (byColumns) for (let r = 0; r < rows; r++) s += w[r * cols + a] * w[r * cols + b];
      else for (let c = 0; c < cols; c++) s += w[a * cols + c] * w[b * cols + c];
      worst = Math.max(worst, Math.abs(s - (a === b ? gain * gain : 0)));
    }
  }
  return worst;
}

for (const [name, [options, want]] of Object.entries(CASES)) {
  test(`tfInitializer("${name}") samples its formula (${want.kind})`, () => {
    const init = K.tfInitializer(name, { ...options, seed: 17 });
    if (want.kind === 'orthogonal') {
      // A tall, a wide and a convolution kernel (36 x 8 once flattened).
      for (const [shape, rows, cols] of [[[64, 32], 64, 32], [[32, 64], 32, 64], [[3, 3, 4, 8], 36, 8]]) {
        const err = orthogonalityError(draw(init, shape), rows, cols, want.gain);
        // float32 entries ~1/sqrt(k): rounding errors of a few 1e-7 summed over k terms.
        assert.ok(err < 1e-5 * want.gain ** 2, `${JSON.stringify(shape)}: |Q^T Q - gain^2 I| = ${err}`);
      }
      return;
    }
    const values = draw(init);
    const m = moments(values);
    if (want.kind === 'constant') {
      assert.ok(values.every((v) => v === want.value), `${name}: not every value is ${want.value}`);
      return;
    }
    assertClose(m.mean, want.mean, meanTolerance(want.std, N), `${name} mean`);
    assertClose(m.std / want.std, 1, stdRelTolerance(m.kurtosis, N), `${name} std / formula`);
    if (want.kind === 'uniform') {
      // float32 rounding is monotonic: a draw in [lo, hi) stays in [fround(lo), fround(hi)].
      assert.ok(m.min >= Math.fround(want.lo) && m.max <= Math.fround(want.hi), `${name} left [${want.lo}, ${want.hi}]: [${m.min}, ${m.max}]`);
      // P(no draw within 20/N of the width from an end) = (1 - 20/N)^N ~ e^-20.
      const slack = (20 / N) * (want.hi - want.lo);
      assert.ok(m.min < want.lo + slack && m.max > want.hi - slack, `${name} does not fill [${want.lo}, ${want.hi}]`);
    }
    if (want.kind === 'truncated') {
      const lo = Math.fround(want.mean - want.cut);
      const hi = Math.fround(want.mean + want.cut);
      assert.ok(m.min >= lo && m.max <= hi, `${name} beyond mean +- ${want.cut}: [${m.min}, ${m.max}]`);
      // The last 1% of the cut holds ~1e-3 of the mass: 100,000 draws get there.
      assert.ok(m.max > want.mean + 0.99 * want.cut && m.min < want.mean - 0.99 * want.cut, `${name} not truncated at 2 std but nearer`);
    }
    if (want.kind === 'normal') {
      // Untruncated: 100,000 normal draws reach beyond 4 std (P ~ 6e-5 each, ~6 expected).
      assert.ok(m.max - want.mean > 3.5 * want.std, `${name} looks truncated: max ${m.max}`);
    }
  });
}

test('gain multiplies the std of the fan-based schemes, and zero options are honoured', () => {
  const he = moments(draw(K.tfInitializer('heUniform', { gain: 0.5, seed: 3 })));
  assertClose(he.std / (0.5 * Math.sqrt(2 / FAN_IN)), 1, stdRelTolerance(he.kurtosis, N), 'heUniform std with gain 0.5');
  assert.ok(draw(K.tfInitializer('glorotNormal', { gain: 0 })).every((v) => v === 0), 'gain 0 gives zeros');
  assert.ok(draw(K.tfInitializer('randomNormal', { mean: 0.25, stddev: 0 })).every((v) => v === 0.25), 'stddev 0 gives the mean');
  assert.ok(draw(K.tfInitializer('constant', { value: 0 })).every((v) => v === 0), 'constant 0');
});

test('the same values as sampleWeights for the same name, options and seed; call k uses seed/k', () => {
  for (const [name, [options]] of Object.entries(CASES)) {
    for (const seed of [0, 5, 'abc']) {
      const init = K.tfInitializer(name, { ...options, seed });
      assert.deepEqual(draw(init, [20, 30]), K.sampleWeights(name, [20, 30], { ...options, seed }), `${name} seed ${seed}: call 0`);
      assert.deepEqual(draw(init, [20, 30]), K.sampleWeights(name, [20, 30], { ...options, seed: `${seed}/1` }), `${name} seed ${seed}: call 1`);
      assert.deepEqual(draw(init, [4, 6]), K.sampleWeights(name, [4, 6], { ...options, seed: `${seed}/2` }), `${name} seed ${seed}: call 2`);
    }
  }
});

/** The kernels (weights[0]) of a model's layers, as arrays. */
const kernels = (model) => model.layers.map((l) => l.getWeights()[0].dataSync().slice());

/** Two dense layers of the same shape [30, 30] after an input of 30 features. */
function twoLayers(first, second = first) {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 30, inputShape: [30], kernelInitializer: first }),
      tf.layers.dense({ units: 30, kernelInitializer: second }),
    ],
  });
}

test('one seeded instance shared by two layers gives them different kernels; a new instance replays them', async () => {
  await noLeak(() => {
    const a = twoLayers(K.tfInitializer('heNormal', { seed: 9 }));
    const b = twoLayers(K.tfInitializer('heNormal', { seed: 9 }));
    const [a0, a1] = kernels(a);
    const [b0, b1] = kernels(b);
    assert.notDeepEqual(a0, a1, 'the two layers start identical');
    assert.deepEqual(a0, b0, 'same seed, first layer differs');
    assert.deepEqual(a1, b1, 'same seed, second layer differs');
    assert.deepEqual(a0, K.sampleWeights('heNormal', [30, 30], { seed: 9 }));
    assert.deepEqual(a1, K.sampleWeights('heNormal', [30, 30], { seed: '9/1' }));
    a.dispose();
    b.dispose();
  });
});

test('unseeded instances differ from each other', async () => {
  await noLeak(() => {
    const m = twoLayers(K.tfInitializer('glorotUniform'), K.tfInitializer('glorotUniform'));
    const [k0, k1] = kernels(m);
    assert.notDeepEqual(k0, k1);
    m.dispose();
  });
});

test('a tf.layers.dense built with it has the formula\'s kernel statistics and its bias initializer', async () => {
  await noLeak(() => {
    const layer = tf.layers.dense({
      units: FAN_OUT,
      inputShape: [FAN_IN],
      kernelInitializer: K.tfInitializer('heUniform', { seed: 21 }),
      biasInitializer: K.tfInitializer('constant', { value: 0.1 }),
    });
    const model = tf.sequential({ layers: [layer] });
    const [kernel, bias] = layer.getWeights().map((w) => w.dataSync().slice());
    const a = Math.sqrt(6 / FAN_IN);
    const m = moments(kernel);
    assert.equal(kernel.length, N);
    assertClose(m.mean, 0, meanTolerance(a / Math.sqrt(3), N), 'kernel mean');
    assertClose(m.std / (a / Math.sqrt(3)), 1, stdRelTolerance(m.kurtosis, N), 'kernel std / sqrt(2/fanIn)');
    assert.ok(m.min >= -Math.fround(a) && m.max <= Math.fround(a), `kernel left [-${a}, ${a}]`);
    assert.equal(bias.length, FAN_OUT);
    assert.ok(bias.every((v) => v === Math.fround(0.1)), 'bias is not 0.1 everywhere');
    model.dispose();
  });
});

test('a convolution kernel [kh, kw, in, out] gets its fans from the receptive field', async () => {
  // fanIn = 5 * 5 * 8 = 200, fanOut = 5 * 5 * 20 = 500: the same fans as SHAPE.
  await noLeak(() => {
    const layer = tf.layers.conv2d({
      filters: 20, kernelSize: 5, inputShape: [16, 16, 8], kernelInitializer: K.tfInitializer('glorotNormal', { seed: 4 }),
    });
    const model = tf.sequential({ layers: [layer] });
    const kernel = layer.getWeights()[0];
    assert.deepEqual(kernel.shape, [5, 5, 8, 20]);
    const m = moments(kernel.dataSync());
    assertClose(m.std / Math.sqrt(2 / (200 + 500)), 1, stdRelTolerance(m.kurtosis, N), 'conv kernel std / sqrt(2/(fanIn+fanOut))');
    model.dispose();
  });
});

test('an LSTM takes it as kernel, recurrent and bias initializer (unitForgetBias calls the bias one twice)', async () => {
  await noLeak(() => {
    const units = 8;
    let model;
    // tfjs's unitForgetBias initializer leaves its pieces (bI, bF, bCAndH) behind: build in a tidy.
    tf.tidy(() => {
      model = tf.sequential({
        layers: [tf.layers.lstm({
          units, inputShape: [5, 3], unitForgetBias: true,
          kernelInitializer: K.tfInitializer('glorotUniform', { seed: 1 }),
          recurrentInitializer: K.tfInitializer('orthogonal', { seed: 2 }),
          biasInitializer: K.tfInitializer('randomUniform', { minval: 2, maxval: 3, seed: 3 }),
        })],
      });
    });
    const [kernel, recurrent, bias] = model.layers[0].getWeights().map((w) => w.dataSync().slice());
    assert.deepEqual(kernel, K.sampleWeights('glorotUniform', [3, 4 * units], { seed: 1 }));
    assert.deepEqual(recurrent, K.sampleWeights('orthogonal', [units, 4 * units], { seed: 2 }));
    // Gate order i, f, c, o: the forget gate's slice is 1; the input gate's is the bias
    // initializer's call 0, the cell and output gates' its call 1 (seed 3/1).
    const uniform = (n, seed) => Array.from(K.sampleWeights('randomUniform', [n], { minval: 2, maxval: 3, seed }));
    assert.deepEqual(Array.from(bias), [...uniform(units, 3), ...Array(units).fill(1), ...uniform(2 * units, '3/1')]);
    model.dispose();
  });
});

/** The message sampleWeights throws for the same name and options. */
function messageOf(fn) {
  try {
    fn();
  } catch (e) {
    return e.message;
  }
  throw new Error('expected a throw');
}

test('bad names and options throw at construction, with sampleWeights\'s message', () => {
  const bad = [
    ['glorot', {}],
    ['identity', {}],
    ['randomNormal', { stddev: -1 }],
    ['randomUniform', { minval: 0, maxval: 0 }],
    ['randomUniform', { minval: 2, maxval: 1 }],
    ['constant', {}],
    ['constant', { value: NaN }],
    ['heNormal', { stddev: 1 }],
    ['heNormal', { gain: -1 }],
    ['heNormal', { seed: NaN }],
    ['heNormal', { seed: '' }],
    ['heNormal', 'fast'],
  ];
  for (const [name, options] of bad) {
    const message = messageOf(() => K.sampleWeights(name, [3, 4], options));
    assert.throws(() => K.tfInitializer(name, options), { message }, `${name} ${JSON.stringify(options)}`);
  }
  // So a bad initializer fails where the layer is written, before any model is built.
  assert.throws(() => tf.layers.dense({ units: 3, kernelInitializer: K.tfInitializer('heNormal', { stdev: 1 }) }), /does not take option "stdev"/);
});

test('apply rejects shapes sampleWeights rejects and dtypes other than float32, and leaks nothing', async () => {
  await noLeak(() => {
    const init = K.tfInitializer('heNormal', { seed: 1 });
    assert.throws(() => init.apply([3, 0]), { message: messageOf(() => K.sampleWeights('heNormal', [3, 0])) });
    assert.throws(() => init.apply([3, 4], 'int32'), /float32 weights, not "int32"/);
    // A failed call does not advance the sequence.
    assert.deepEqual(draw(init, [3, 4]), K.sampleWeights('heNormal', [3, 4], { seed: 1 }));
  });
});

test('getConfig names the initializer; a model saved as JSON rebuilds the same kernels', async () => {
  const init = K.tfInitializer('heNormal', { gain: 2, seed: 'x' });
  assert.equal(init.getClassName(), 'KerasFaithfulInitializer');
  assert.deepEqual(init.getConfig(), { name: 'heNormal', gain: 2, seed: 'x' });
  await noLeak(async () => {
    const model = twoLayers(init);
    const copy = await tf.models.modelFromJSON(model.toJSON(null, false));
    // The copy's initializer starts again at call 0, so both of its layers get kernel 0.
    assert.deepEqual(kernels(copy)[0], kernels(model)[0]);
    model.dispose();
    copy.dispose();
  });
});

// The TensorFlow.js 4.22 behaviours chapter 5 measures and explains. If an upgrade fixes
// one, this test says which, and the chapter's prose needs a look.
test('tfjs facts the chapter explains: normal family at 0.88, minval/stddev 0 dropped, seeded instances repeat', async () => {
  await noLeak(() => {
    const stats = (init, shape = SHAPE) => tf.tidy(() => moments(init.apply(shape).dataSync()));
    const he = stats(tf.initializers.heNormal({ seed: 1 }));
    assertClose(he.std / Math.sqrt(2 / FAN_IN), TRUNC, TRUNC * stdRelTolerance(he.kurtosis, N), 'tfjs heNormal std / formula');
    const u = stats(tf.initializers.randomUniform({ minval: 0, maxval: 1, seed: 1 }));
    assert.ok(u.min < -0.04, `randomUniform({minval: 0}) min ${u.min}: minval 0 now honoured?`);
    const n = stats(tf.initializers.randomNormal({ mean: 0, stddev: 0, seed: 1 }));
    assertClose(n.std, 0.05, 0.05 * stdRelTolerance(n.kurtosis, N), 'randomNormal({stddev: 0}) std');
    const shared = tf.initializers.glorotUniform({ seed: 1 });
    const m = twoLayers(shared);
    const [k0, k1] = kernels(m);
    assert.deepEqual(k0, k1, 'a shared seeded tfjs initializer now gives layers different kernels');
    m.dispose();
    // The appendix's other rows. varianceScaling's literal 'truncatedNormal' is a uniform: no
    // weight beyond sqrt(3 scale / fanIn) (float32 rounding aside), where a normal of that std
    // would put 1/12 of its weights.
    const literal = stats(tf.initializers.varianceScaling({ scale: 1, mode: 'fanIn', distribution: 'truncatedNormal', seed: 1 }));
    assert.ok(Math.max(-literal.min, literal.max) <= Math.fround(Math.sqrt(3 / FAN_IN)) * (1 + 1e-6), `varianceScaling 'truncatedNormal' reaches ${literal.max}: no longer a uniform?`);
    // Seed 0: the normal family draws a new seed each time, the uniform family keeps 0.
    const twice = (make) => tf.tidy(() => [make(), make()].map((i) => i.apply([20, 30]).dataSync()));
    const [h0, h1] = twice(() => tf.initializers.heNormal({ seed: 0 }));
    assert.notDeepEqual(h0, h1, 'heNormal({seed: 0}) now replays: seed 0 honoured?');
    const [g0, g1] = twice(() => tf.initializers.glorotUniform({ seed: 0 }));
    assert.deepEqual(g0, g1, 'glorotUniform({seed: 0}) no longer replays');
    // A dense layer's default kernel: Glorot normal (fanAvg, 'normal'); an LSTM's forget bias off.
    const { kernelInitializer } = tf.layers.dense({ units: 4 }).getConfig();
    assert.deepEqual(kernelInitializer, { className: 'VarianceScaling', config: { scale: 1, mode: 'fanAvg', distribution: 'normal', seed: null } });
    const lstm = tf.sequential({ layers: [tf.layers.lstm({ units: 4, inputShape: [3, 2] })] });
    assert.ok(lstm.layers[0].getWeights()[2].dataSync().every((v) => v === 0), 'an LSTM\'s biases now start other than at 0: unitForgetBias on by default?');
    lstm.dispose();
  });
  // unitForgetBias's initializer leaves tensors behind when the layer is built outside tf.tidy
  // (the outer tidy here frees them).
  tf.tidy(() => {
    const before = tf.memory().numTensors;
    tf.sequential({ layers: [tf.layers.lstm({ units: 4, inputShape: [3, 2], unitForgetBias: true })] }).dispose();
    assert.ok(tf.memory().numTensors > before, 'an LSTM with unitForgetBias no longer leaves tensors behind: the appendix can drop its row');
  });
});

// ---------------------------------------------------------------------------------------
// Chapter 5's exercise: the seed's Keras snippet (20 ReLU layers with he_normal) ported to
// TensorFlow.js. Each port below is a slip the checker should name, and the messages must
// carry the measured consequence.
test('port checker (chapter 5): a right port passes, each usual slip is named, bad answers get a clear message, nothing leaks', async () => {
  const { PORT } = K;
  const T = K.TRUNCATION_STD;
  const port = (init, { activation = 'relu', units = PORT.units, depth = PORT.depth } = {}) => () => {
    const model = tf.sequential();
    for (let l = 0; l < depth; l++) {
      model.add(tf.layers.dense({ units, activation, ...(l === 0 ? { inputShape: [PORT.inputs] } : {}), kernelInitializer: init(l) }));
    }
    return model;
  };
  const right = (f) => assert.equal(f.ok, true, f.message);
  const wrong = (f, ...patterns) => {
    assert.equal(f.ok, false, `accepted a wrong answer: ${f.message}`);
    for (const p of patterns) assert.match(f.message, p);
  };
  // Predictions: 1 for He's variance; TensorFlow.js's normal family keeps T^2 per layer.
  const he = 1, tfjs = T ** (2 * PORT.depth);
  await noLeak(() => {
    // Right: one K.tfInitializer made inside (each call a new seed), or varianceScaling with the scale corrected.
    right(K.checkKerasPort(() => { const i = K.tfInitializer('heNormal', { seed: 1 }); return port(() => i)(); }, he));
    right(K.checkKerasPort(port((l) => K.tfInitializer('heNormal', { seed: 10 + l })), he));
    right(K.checkKerasPort(port((l) => tf.initializers.varianceScaling({ scale: 2 / T ** 2, mode: 'fanIn', distribution: 'normal', seed: l + 1 })), 1.1));
    // The chapter's starting port: TensorFlow.js's heNormal, 0.8796 of He's std; its prediction graded on its own kernels.
    const naive = port((l) => tf.initializers.heNormal({ seed: l + 1 }));
    wrong(K.checkKerasPort(naive, he), /samples 0\.8796 of He's std/, /keeps [\d.e-]+ of the input's mean square \(you predicted 1\)/, /1 is what Keras's he_normal keeps/);
    const predicted = K.checkKerasPort(naive, tfjs);
    wrong(predicted, /0\.8796 of He's std/, /your prediction matches/, /one network scatters around it/);
    wrong(K.checkKerasPort(naive, T ** PORT.depth), /product of the std ratios; the mean square goes with their square/);
    wrong(K.checkKerasPort(naive, T * T), /one layer's factor/);
    // Seeds: seed 0 in the normal family, unseeded, one seeded instance shared, a new K instance with one seed.
    wrong(K.checkKerasPort(port((l) => tf.initializers.heNormal({ seed: l })), he), /Layer 1 comes out different on every build: its seed is 0/);
    wrong(K.checkKerasPort(port(() => tf.initializers.heNormal({})), he), /Layers 1 to 20 come out different on every build: their initializers have no seed/);
    wrong(K.checkKerasPort(() => { const i = tf.initializers.heNormal({ seed: 1 }); return port(() => i)(); }, he),
      /Layers 2 to 20 start with one and the same kernel.*one seeded TensorFlow\.js initializer/, /fix the port before you predict/);
    wrong(K.checkKerasPort(port(() => K.tfInitializer('heNormal', { seed: 3 })), he), /start with one and the same kernel.*new K\.tfInitializer with the same seed/);
    const outside = K.tfInitializer('heNormal', { seed: 3 });
    wrong(K.checkKerasPort(port(() => outside), he), /different on a second build.*made outside your function/);
    // Variance: LeCun's, Glorot's, fan-out, PyTorch's default, Glorot through TensorFlow.js's normal.
    wrong(K.checkKerasPort(port((l) => K.tfInitializer('leCunNormal', { seed: l + 1 })), he), /variance 1 \/ fanIn \(LeCun's rule/);
    wrong(K.checkKerasPort(port((l) => K.tfInitializer('glorotNormal', { seed: l + 1 })), he), /Glorot's variance/);
    wrong(K.checkKerasPort(port((l) => tf.initializers.varianceScaling({ scale: 2 / T ** 2, mode: 'fanOut', distribution: 'normal', seed: l + 1 })), he), /fan-out \(mode 'fanOut'\)/);
    wrong(K.checkKerasPort(port((l) => K.tfInitializer('uniform', { seed: l + 1 })), he), /PyTorch's default for nn\.Linear/);
    wrong(K.checkKerasPort(port((l) => tf.initializers.glorotNormal({ seed: l + 1 })), he), /Glorot's variance.*And the kernels sample 0\.8796 of that rule's std/);
    wrong(K.checkKerasPort(port((l) => K.tfInitializer('heNormal', { seed: l + 1, gain: 3 })), he), /times He's sqrt\(2 \/ fanIn\)/);
    // Distribution: the literal 'truncatedNormal' (a uniform), heUniform, a plain normal.
    wrong(K.checkKerasPort(port((l) => tf.initializers.varianceScaling({ scale: 2, mode: 'fanIn', distribution: 'truncatedNormal', seed: l + 1 })), he),
      /uniform .*accepts distribution 'truncatedNormal' and samples a uniform/);
    wrong(K.checkKerasPort(port((l) => tf.initializers.heUniform({ seed: l + 1 })), he), /heUniform, He's variance with another shape/);
    wrong(K.checkKerasPort(port((l) => K.tfInitializer('randomNormal', { stddev: Math.sqrt(2 / (l === 0 ? PORT.inputs : PORT.units)), seed: l + 1 })), he),
      /not truncated .*kaiming_normal_/);
    // A right port with a wrong prediction: He's factor 2 forgotten.
    wrong(K.checkKerasPort(port((l) => K.tfInitializer('heNormal', { seed: 10 + l })), 2 ** -PORT.depth), /Your port is right/, /counted ReLU's halving .* not the factor 2/);
    wrong(K.checkKerasPort(port((l) => K.tfInitializer('heNormal', { seed: 10 + l })), 0.2), /Your port is right/, /multiplies the mean square by fanIn · Var\(w\) \/ 2/);
    // Another model than the snippet's.
    wrong(K.checkKerasPort(port((l) => K.tfInitializer('heNormal', { seed: l + 1 }), { activation: 'linear' }), he), /Layer 1 has activation 'linear'/);
    wrong(K.checkKerasPort(port((l) => K.tfInitializer('heNormal', { seed: l + 1 }), { depth: 3 }), he), /The model has 3 layers/);
    wrong(K.checkKerasPort(port((l) => K.tfInitializer('heNormal', { seed: l + 1 }), { units: 16 }), he), /Layer 1 has 16 units/);
    // Nonsense and bad input.
    wrong(K.checkKerasPort(() => 3, he), /should return a TensorFlow\.js model/);
    // The checker disposes every model it was handed, this one too.
    const one = port((l) => K.tfInitializer('heNormal', { seed: l + 1 }))();
    wrong(K.checkKerasPort(() => one, he), /same model object twice/);
    wrong(K.checkKerasPort(() => { throw new Error('todo'); }, he), /threw: todo/);
    wrong(K.checkKerasPort('heNormal', he), /should be a function/);
    wrong(K.checkKerasPort(naive, NaN), /Write your prediction in place of NaN/);
    wrong(K.checkKerasPort(naive, Infinity), /prediction should be a positive number/);
    wrong(K.checkKerasPort(naive, -1), /prediction should be a positive number/);
    wrong(K.checkKerasPort(naive, '1'), /prediction should be a positive number/);
  });
});
