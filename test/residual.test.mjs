// Residual blocks as options of the network engine and of the trainers' MLP (chapter 7):
// the forward pass against a float64 reference, the stream's variance against the growth
// formulas (pre-norm: linear; no norm: geometric; post-norm: the input's share decays), zero
// branch outputs, one training step against finite differences, bad options, no leaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K, noLeak } from './lib.mjs';
import { Z, assertClose } from './stats.mjs';
import { ACT, denseLayer, meanVar, normalize, referenceNetwork } from './blocks-reference.mjs';

// float32 sums of a few dozen terms and float32 normalizations, over a few blocks: 1e-5
// relative bounds the rounding; a misplaced norm, a missing alpha or shortcut is off at the first digit.
const REL = 1e-5;

const CASES = [
  { name: 'no norm, two-layer branches', residual: { scale: 0.7 } },
  { name: 'pre-norm (layer), two-layer branches', norm: 'layer', residual: { scale: 0.7 } },
  { name: 'post-norm (layer), two-layer branches', norm: 'layer', residual: { scale: 0.7, normPosition: 'post' } },
  { name: 'pre-norm (batch), one-layer branches', norm: 'batch', residual: { branchDepth: 1, scale: 1.3 } },
];

for (const c of CASES) {
  test(`residual blocks, ${c.name}: layers and stream match a float64 forward pass`, async () => {
    const widths = [12, 20, 12, 20, 12];
    const depth = c.residual.branchDepth === 1 ? 4 : 4;
    const w = c.residual.branchDepth === 1 ? [12, 12, 12, 12, 12] : widths;
    const net = { width: w.slice(1), inputWidth: 12, batch: 24, activation: 'tanh', seed: 13, biasStd: 0.2, init: 'glorotNormal', norm: c.norm, residual: c.residual };
    const r = await noLeak(() => K.residualStream(net));
    const p = await noLeak(() => K.signalPropagation({ ...net, weightGradients: true }));
    const ref = referenceNetwork({ ...net, widths: w });
    assert.equal(r.blocks.length, depth / (c.residual.branchDepth ?? 2));
    p.forward.forEach((f, l) => {
      const z = meanVar(ref.layers[l].z);
      assertClose(f.preActivation.variance / z.variance, 1, REL, `layer ${l + 1} Var(z)`);
      assertClose(f.output.variance / meanVar(ref.layers[l].x).variance, 1, REL, `layer ${l + 1} Var(x)`);
    });
    const x0Square = meanVar(ref.x0);
    r.blocks.forEach((b, k) => {
      const s = meanVar(ref.streams[k]);
      assertClose(b.stream.variance / s.variance, 1, REL, `block ${k + 1} Var(stream)`);
      assertClose(b.stream.mean, s.mean, REL * Math.sqrt(s.variance), `block ${k + 1} mean(stream)`);
      const share = ref.streams[k].reduce((acc, v, i) => acc + v * ref.x0[i], 0) / ref.x0.reduce((acc, v) => acc + v * v, 0);
      assertClose(b.inputShare, share, REL, `block ${k + 1} input share`);
    });
    void x0Square;
  });
}

test('the gradient through residual blocks (pre- and post-norm) matches finite differences of the float64 loss', () => {
  const widths = [4, 6, 4, 6, 4];
  const base = { width: widths.slice(1), inputWidth: 4, batch: 5, activation: 'tanh', seed: 14, init: 'glorotUniform', biasStd: 0.1 };
  for (const structure of [{ residual: { scale: 0.8 } }, { norm: 'layer', residual: {} }, { norm: 'batch', residual: { normPosition: 'post', scale: 1.5 } }]) {
    const net = { ...base, ...structure };
    const p = K.signalPropagation({ ...net, weightGradients: true });
    const g = K.sampleInit(1, [net.batch, widths[4]], `${net.seed}/output-gradient`);
    const params = K.initMLP(widths, net.init, net.seed);
    const output = (kernels) => {
      const r = referenceNetwork({ ...net, widths, kernels });
      return r.streams[r.streams.length - 1].reduce((s, v, i) => s + v * g[i], 0);
    };
    params.weights.forEach((w, l) => {
      // Central differences at h = 1e-5: error O(h^2) on values of order 1, far below float32's 1e-6.
      const d = Float64Array.from(w, (v, i) => {
        const plus = params.weights.map((k) => Float64Array.from(k));
        const minus = params.weights.map((k) => Float64Array.from(k));
        plus[l][i] = v + 1e-5;
        minus[l][i] = v - 1e-5;
        return (output(plus) - output(minus)) / 2e-5;
      });
      const m = meanVar(d);
      assertClose(p.backward[l].weights.variance / m.variance, 1, 1e-4, `${JSON.stringify(structure)} layer ${l + 1} Var(dL/dW)`);
    });
  }
});

// Linear one-layer branches F(h) = h W, W ~ N(0, g^2 / n), make every formula exact in
// expectation and their noise a sum of Gaussian quadratic forms (as in propagation.test.mjs):
// given the block's input, ||h W||^2 / (B n) has mean g^2 E[h^2] and relative variance
// 2 m2 / n^2, and the cross term 2 <x, h W> / (B n) has mean 0 and variance
// 4 g^2 E[x^2] E[h^2] m2 / n^2, where m2 = n tr(M^2) / tr(M)^2 for the Gram matrix M = x^T x
// of the B x n stream: 1 + n/B for the Gaussian input (Wishart).
//
// Each block spreads the stream's spectrum a little: x_k = x_{k-1} (I + A) with A's entries of
// variance a^2 / n (a^2 = alpha^2 g^2 / Var(x_{k-1}) when the branch sees LN(x), alpha^2 g^2
// when it sees x), and E tr((x (I+A)(I+A)^T x^T)^2) = (1 + a^2)^2 tr(M'^2) + 2 (a^2/n) tr(M)^2
// to leading order, so m2 <- m2 + 2 a^2 / (1 + a^2)^2. (Over 16 seeds the z-scores of the
// growth tests below had standard deviations 0.9 to 1.2 with this recursion; with m2 held at
// 1 + n/B they reached 2.3 at alpha = 1, where the spectrum spreads most.)
const LINEAR = { width: 128, batch: 128, activation: 'linear', seed: 21 };
const M2_INPUT = 1 + LINEAR.width / LINEAR.batch;
const spread = (m2, a2) => m2 + (2 * a2) / (1 + a2) ** 2;

test('pre-norm stream with linear branches grows linearly: Var(x_N) = Var(x_0) + N alpha^2 g^2', async () => {
  // Each block adds alpha^2 g^2 (the branch sees LN(x), of second moment 1); the noise adds up
  // over the blocks: Var = sum_k [4 alpha^2 g^2 V_{k-1} + 2 alpha^4 g^4] m2 / n^2.
  const N = 48;
  const n = LINEAR.width;
  for (const [g, alpha] of [[1, 1], [1.5, 0.5], [1, 1 / Math.sqrt(N)]]) {
    const r = await noLeak(() => K.residualStream({ ...LINEAR, depth: N, init: g / Math.sqrt(n), norm: 'layer', residual: { branchDepth: 1, scale: alpha } }));
    const V0 = r.input.variance;
    let variance = 0;
    let m2 = M2_INPUT;
    r.blocks.forEach((b, k) => {
      const before = V0 + k * alpha ** 2 * g ** 2; // Var(x_{k-1}) by the formula
      variance += ((4 * alpha ** 2 * g ** 2 * before + 2 * alpha ** 4 * g ** 4) * m2) / n ** 2;
      m2 = spread(m2, (alpha ** 2 * g ** 2) / before);
      assertClose(b.stream.variance, before + alpha ** 2 * g ** 2, Z * Math.sqrt(variance), `g=${g} alpha=${alpha} block ${k + 1}`);
    });
  }
});

test('without normalization the stream grows geometrically: Var(x_N) = (1 + alpha^2 g^2)^N Var(x_0)', () => {
  // x_k = x_{k-1} (I + alpha W_k): ln of each block's ratio has variance
  // (4 alpha^2 g^2 + 2 alpha^4 g^4) m2 / (n^2 (1 + alpha^2 g^2)^2), and mean ln(1 + alpha^2 g^2) minus half of it.
  const N = 48;
  const n = LINEAR.width;
  for (const [g, alpha] of [[1, 1 / Math.sqrt(N)], [1, 0.5]]) {
    const r = K.residualStream({ ...LINEAR, depth: N, init: g / Math.sqrt(n), residual: { branchDepth: 1, scale: alpha } });
    const a2 = alpha ** 2 * g ** 2;
    let [mean, variance, m2] = [0, 0, M2_INPUT];
    for (let k = 0; k < N; k++) {
      const v = ((4 * a2 + 2 * a2 * a2) * m2) / (n ** 2 * (1 + a2) ** 2);
      [mean, variance, m2] = [mean + Math.log(1 + a2) - v / 2, variance + v, spread(m2, a2)];
    }
    const measured = Math.log(r.blocks[N - 1].stream.variance / r.input.variance);
    assertClose(measured, mean, Z * Math.sqrt(variance), `alpha=${alpha}: ln(Var(x_N) / Var(x_0))`);
  }
});

test('post-norm: the stream stays at variance 1 and the input\'s share falls as (1 + alpha^2 g^2)^(-k/2)', () => {
  // The share relative to the same network with zero branches (which carries the input
  // through the same layer norms). Per block, the layer norm divides by the sum's row
  // standard deviation; its average over the batch fluctuates through the cross term, of
  // relative std alpha g sqrt(m2) / n (a random walk in ln c_k). And each branch adds to the
  // coefficient alpha <x_{k-1} W, x_0> / <x_0, x_0>, of variance alpha^2 / (B n), which the
  // next blocks' norms shrink by 1 / (1 + alpha^2) each: an additive noise of variance
  // s_k = (s_{k-1} + alpha^2 / (B n)) / (1 + alpha^2), relative to the share c_k.
  // (Over 16 seeds the z-scores had standard deviations 0.4 at alpha = 1/sqrt(48) and 0.9 at
  // alpha = 0.5; at alpha = 1 they reach 1.5, the per-row normalizations doing more than this
  // estimate says, so the test stays at alpha <= 0.5.)
  const n = LINEAR.width;
  const Bn = LINEAR.batch * n;
  for (const [alpha, N] of [[1 / Math.sqrt(48), 48], [0.5, 12]]) {
    const net = { ...LINEAR, depth: N, init: 1 / Math.sqrt(n), norm: 'layer' };
    const r = K.residualStream({ ...net, residual: { branchDepth: 1, scale: alpha, normPosition: 'post' } });
    const zero = K.residualStream({ ...net, residual: { branchDepth: 1, normPosition: 'post', outputInit: 'zeros' } });
    let [m2, walk, additive] = [M2_INPUT, 0, 0];
    r.blocks.forEach((b, k) => {
      assertClose(b.stream.variance, 1, 1e-4, `block ${k + 1} Var(stream)`);
      const predicted = (1 + alpha ** 2) ** (-(k + 1) / 2);
      [walk, m2] = [walk + (alpha ** 2 * m2) / n ** 2, spread(m2, alpha ** 2)];
      additive = (additive + alpha ** 2 / Bn) / (1 + alpha ** 2);
      const lnSe = Math.sqrt(walk + additive / predicted ** 2);
      assertClose(Math.log(b.inputShare / zero.blocks[k].inputShare), Math.log(predicted), Z * lnSe, `alpha=${alpha} block ${k + 1} ln share`);
    });
  }
});

test('ReLU branches (He, then LeCun) in a pre-norm stream: alpha = 1/sqrt(N) ends at Var(x_0) + v; zero outputs leave x_0', async () => {
  // v = n Var(w_2) * (1/2) n Var(w_1) * E[LN(x)^2] = 1 * (1/2) * 2 * 1 = 1 per branch. The
  // branches' variances add: Var(x_N) = Var(x_0) + alpha^2 sum_k Var(F_k) up to the cross
  // terms 2 alpha <x_{k-1}, F_k> / (B n). F = a W_2 with a = relu(...) of mean mu = 1/sqrt(pi),
  // so F has a random offset per unit, and so does the stream (mean square k alpha^2 / pi):
  // Var(cross_k) ~ 4 alpha^2 [mu^2 (k alpha^2 / pi) / n + Var(x) E[a^2] / (B n)]. Summed with
  // alpha^2 = 1/N: 4 [1 / (2 pi^2 n) + Var(x) / (B n)]. And each v_k itself wanders (by
  // sqrt(2/n)/pi relative from the offsets), so the mean of the N v_k is 1 within sqrt(2/(n N))/pi.
  const N = 48;
  const [n, B] = [256, 64];
  const init = Array.from({ length: 2 * N }, (_, l) => (l % 2 === 0 ? 'heNormal' : 'leCunNormal'));
  const net = { depth: 2 * N, width: n, batch: B, activation: 'relu', init, norm: 'layer', seed: 22 };
  const alpha = 1 / Math.sqrt(N);
  const r = await noLeak(() => K.residualStream({ ...net, residual: { scale: alpha } }));
  const V0 = r.input.variance;
  const sumV = r.blocks.reduce((s, b) => s + b.branch.variance, 0);
  const crossSe = Math.sqrt(4 * (1 / (2 * Math.PI ** 2 * n) + (V0 + 1) / (B * n)));
  assertClose(r.blocks[N - 1].stream.variance, V0 + alpha ** 2 * sumV, Z * crossSe, 'Var(x_N) vs Var(x_0) + alpha^2 sum v_k');
  assertClose(sumV / N, 1, Z * Math.sqrt(2 / (n * N)) / Math.PI + Z * Math.sqrt(2 / (B * n)), 'mean branch variance v');
  // Zero outputs: every branch adds exactly 0, so the stream is x_0 bit for bit (its float32
  // moments against the float64 ones of the same values).
  const zero = K.residualStream({ ...net, residual: { outputInit: 'zeros' } });
  zero.blocks.forEach((b, k) => {
    assert.equal(b.branch.variance, 0, `block ${k + 1} branch output`);
    assertClose(b.stream.variance / V0, 1, 1e-5, `block ${k + 1} stream`);
    assertClose(b.inputShare, 1, 1e-5, `block ${k + 1} share`);
  });
});

test('residual options: bad values name the option and what is allowed; stream quantities need residual', async () => {
  const ok = { depth: 4, width: 8, batch: 4, init: 0.3, activation: 'relu' };
  const bad = (changes, pattern) => assert.throws(() => K.signalPropagation({ ...ok, ...changes }), pattern);
  bad({ residual: 'yes' }, /residual needs an options object, got "yes"/);
  bad({ residual: { branchDepth: 3 } }, /residual.branchDepth must be 1 or 2 \(layers per residual branch\), got 3/);
  bad({ residual: { scale: -1 } }, /residual.scale must be >= 0, got -1/);
  bad({ residual: { scale: NaN } }, /residual.scale must be a finite number, got NaN/);
  bad({ residual: { normPosition: 'mid' }, norm: 'layer' }, /residual.normPosition must be one of pre, post; got "mid"/);
  bad({ residual: { normPosition: 'post' } }, /residual.normPosition needs a normalization: give norm/);
  bad({ residual: { outputInit: 'he' } }, /residual.outputInit must be one of zeros, .*; got "he"/);
  bad({ residual: { alpha: 1 } }, /residual does not take option "alpha"; it takes: branchDepth, scale, normPosition, outputInit/);
  bad({ residual: {}, depth: 3 }, /a residual network with branchDepth 2 needs a multiple of 2 layers in its blocks, got 3/);
  bad({ residual: {}, width: [6, 8, 6, 4], inputWidth: 8, depth: undefined }, /residual block 2 \(layers 3-4\) takes the stream of width 8 but its width ends at 4/);
  bad({ residual: {}, inputWidth: 5 }, /residual block 1 \(layers 1-2\) takes the stream of width 5 but its width ends at 8/);
  assert.throws(() => K.signalPropagation({ weights: [[[1]], [[1]]], batch: 2, activation: 'linear', residual: { outputInit: 'zeros' } }),
    /residual.outputInit draws a kernel, but weights are given/);
  assert.throws(() => K.residualStream(ok), /residualStream needs the residual option/);
  // outputInit draws each branch's last kernel, and no other.
  const zeroOut = K.signalPropagation({ ...ok, activation: 'tanh', residual: { outputInit: 'zeros' } });
  zeroOut.forward.forEach((f, l) => assert.equal(f.preActivation.variance === 0, l % 2 === 1, `layer ${l + 1}`));
  // Given weights work as a residual network too: W = 0 branches keep the input.
  const keep = K.residualStream({ weights: [[[0.5, 0], [0, 0.5]], [[0, 0], [0, 0]]], batch: 3, activation: 'relu', residual: {} });
  assertClose(keep.blocks[0].inputShare, 1, 1e-6, 'zero second kernel: the stream is the input');
  for (const norm of [undefined, 'layer', 'batch']) {
    await noLeak(() => K.signalPropagation({ ...ok, norm, residual: { normPosition: norm && 'post' } }));
    await noLeak(() => K.signalPropagation({ ...ok, norm, residual: {}, backward: false }));
    await noLeak(() => K.layerSamples({ ...ok, norm, residual: {}, bins: 6 }));
  }
});

// ----------------------------------------------------------------- training (net/mlp.ts)

/** Mean softmax cross-entropy of the trainer's MLP with a structure, in float64 (mlpForward's layout). */
function referenceLoss(sizes, weights, biases, x, y, { norm, residual }) {
  const L = weights.length;
  const count = y.length;
  const product = (h, l) => denseLayer(h, weights[l], biases[l], count, sizes[l], sizes[l + 1]);
  let h = Float64Array.from(x);
  if (!residual) {
    for (let l = 0; l < L - 1; l++) {
      const z = product(h, l);
      h = (norm ? normalize(z, count, sizes[l + 1], norm) : z).map(ACT.relu);
    }
  } else {
    const position = norm ? residual.normPosition ?? 'pre' : undefined;
    const d = residual.branchDepth ?? 2;
    const alpha = residual.scale ?? 1;
    h = product(h, 0).map(ACT.relu);
    for (let start = 1; start < L - 1; start += d) {
      const n = sizes[start];
      let b = position === 'pre' ? normalize(h, count, n, norm) : h;
      for (let j = 0; j < d; j++) {
        const z = product(b, start + j);
        b = j < d - 1 ? z.map(ACT.relu) : z;
      }
      let sum = h.map((v, i) => v + alpha * b[i]);
      if (position === 'post') sum = normalize(sum, count, n, norm);
      h = sum;
    }
    if (position === 'pre') h = normalize(h, count, sizes[L - 1], norm);
  }
  const logits = product(h, L - 1);
  const classes = sizes[L];
  let total = 0;
  for (let r = 0; r < count; r++) {
    const row = logits.slice(r * classes, (r + 1) * classes);
    const m = Math.max(...row);
    total += m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)) - row[y[r]];
  }
  return total / count;
}

test('one SGD step of a residual or normalized network matches a float64 reference (w -= lr * dL/dw)', () => {
  const train = { x: Float32Array.from({ length: 6 * 3 }, (_, i) => Math.sin(1.7 * i + 0.3)), y: Int32Array.of(0, 1, 2, 1, 0, 2), count: 6, features: 3 };
  const sizes = [3, 4, 5, 4, 5, 4, 3];
  const half = { name: 'glorotUniform', gain: 0.5 };
  const structures = [
    { norm: 'batch' },
    { norm: 'layer' },
    { residual: { scale: 0.6 } },
    { norm: 'layer', residual: {} },
    { norm: 'batch', residual: { normPosition: 'post' } },
    // outputInit replaces init in each branch's last layer (layers 3 and 5 of 6), and only there.
    { residual: { outputInit: half }, init: ['glorotUniform', 'glorotUniform', half, 'glorotUniform', half, 'glorotUniform'] },
  ];
  for (const { init, ...structure } of structures) {
    const s = structure.residual ? sizes : [3, 5, 4, 3];
    const opts = { sizes: s, init: 'glorotUniform', seed: 11, learningRate: 0.3, batchSize: 6, train, epochs: 1, ...structure };
    const h = K.trainDeepClassifier(opts);
    const p0 = K.initMLP(s, init ?? opts.init, opts.seed);
    // Float32 arithmetic on values of order 1: ~1e-6; central differences at 1e-6 in float64: ~1e-9.
    assertClose(h.loss[0], referenceLoss(s, p0.weights, p0.biases, train.x, train.y, structure), 1e-4, `${JSON.stringify(structure)} loss`);
    const params = [...p0.weights, ...p0.biases].map((a) => Float64Array.from(a));
    const L = p0.weights.length;
    const after = [...h.params.weights, ...h.params.biases];
    params.forEach((p, k) => p.forEach((v, i) => {
      p[i] = v + 1e-6;
      const up = referenceLoss(s, params.slice(0, L), params.slice(L), train.x, train.y, structure);
      p[i] = v - 1e-6;
      const down = referenceLoss(s, params.slice(0, L), params.slice(L), train.x, train.y, structure);
      p[i] = v;
      const g = (up - down) / 2e-6;
      assertClose(after[k][i], v - opts.learningRate * g, 1e-4, `${JSON.stringify(structure)} parameter ${k}[${i}]`);
    }));
    // gradientSpread is chapter 1's unit spread of the gradient, which the step just applied.
    const step = { sizes: s, weights: p0.weights.map((w, l) => w.map((v, i) => (v - h.params.weights[l][i]) / opts.learningRate)),
      biases: p0.biases.map((b, l) => b.map((v, i) => (v - h.params.biases[l][i]) / opts.learningRate)) };
    h.gradientSpread[0].forEach((spread, l) => assertClose(spread, K.unitSpread(step, l), 1e-3 * (1 + spread), `${JSON.stringify(structure)} layer ${l + 1} gradient spread`));
  }
});

test('training a residual network: outputInit draws each branch\'s last kernel, and a zero branch\'s units get different gradients', () => {
  const data = K.loadMnist({ train: 60, test: 20, seed: 3, standardize: true });
  const sizes = [784, 16, 16, 16, 16, 16, 10];
  const base = { sizes, init: 'heNormal', train: data.train, learningRate: 0.01, batchSize: 30, epochs: 1, seed: 5 };
  const h = K.trainDeepClassifier({ ...base, residual: { outputInit: 'zeros' } });
  const p0 = K.initMLP(sizes, ['heNormal', 'heNormal', 'zeros', 'heNormal', 'zeros', 'heNormal'], 5);
  // The first step's gradient: the branches' first layers (2 and 4) get none through W_2 = 0,
  // the zero layers (3 and 5) get one that differs between units (chapter 1's spread > 0).
  assert.equal(h.gradientRms[0][1], 0);
  assert.equal(h.gradientRms[0][3], 0);
  assert.ok(h.gradientSpread[0][2] > 0 && h.gradientSpread[0][4] > 0, 'zero layers: units get different gradients');
  // A constant start (chapter 1): every hidden unit gets the same gradient, bit for bit.
  const c = K.trainDeepClassifier({ ...base, init: { name: 'constant', value: 0.01 } });
  c.gradientSpread[0].slice(0, 5).forEach((s, l) => assert.equal(s, 0, `constant init, layer ${l + 1}`));
  // The same seed without outputInit draws those kernels from init: the others are the same draw.
  assert.deepEqual(K.initMLP(sizes, 'heNormal', 5).weights[1], p0.weights[1]);
  assert.ok(p0.weights[2].every((v) => v === 0));
  const bad = (changes, pattern) => assert.throws(() => K.trainDeepClassifier({ ...base, ...changes }), pattern);
  bad({ residual: {}, sizes: [784, 16, 10] }, /a residual network needs a first layer, at least one block and a last layer: sizes must list at least 4 widths, got 3/);
  bad({ residual: {}, sizes: [784, 16, 16, 10] }, /needs a multiple of 2 layers in its blocks, got 1/);
  bad({ residual: {}, sizes: [784, 16, 8, 12, 10] }, /residual block 1 \(layers 2-3\) takes the stream of width 16 but its sizes ends at 12/);
  bad({ norm: 'instance' }, /norm must be one of batch, layer; got "instance"/);
});
