// Batch norm and layer norm as options of the network engine (chapter 7): the forward pass
// against a float64 reference, the gradient against finite differences, the weight-scale
// invariance, and the growth of the gradient toward the input (Yang et al. 2019).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { K, noLeak, tf } from './lib.mjs';
import { Z, assertClose, slopeError } from './stats.mjs';
import { meanVar, normalize as normalize64, referenceNetwork } from './blocks-reference.mjs';

const { normalize } = createRequire(import.meta.url)('../dist/net/blocks.js');

const SMALL = { width: [24, 16, 12], inputWidth: 8, batch: 40, activation: 'tanh', seed: 9, biasStd: 0.3 };
const SMALL_INIT = ['glorotNormal', 'heNormal', { name: 'leCunNormal', gain: 1.5 }];

// float32 sums of a few dozen terms, a division by a float32 standard deviation and tanh as
// 2 sigmoid(2x) - 1 (within 2e-7): 1e-5 relative bounds the rounding with room; normalizing
// over the wrong axis, or forgetting the centring, changes the moments at the first digit.
const REL = 1e-5;

for (const norm of K.NORM_NAMES) {
  test(`${norm} norm sits between each layer's product and its activation: the engine matches float64`, async () => {
    const p = await noLeak(() => K.signalPropagation({ ...SMALL, init: SMALL_INIT, norm, weightGradients: true }));
    const ref = referenceNetwork({ ...SMALL, widths: [8, 24, 16, 12], init: SMALL_INIT, norm });
    p.forward.forEach((f, l) => {
      const z = meanVar(ref.layers[l].z);
      const x = meanVar(ref.layers[l].x);
      assertClose(f.preActivation.variance / z.variance, 1, REL, `layer ${l + 1} Var(z)`);
      assertClose(f.preActivation.mean, z.mean, REL * Math.sqrt(z.variance), `layer ${l + 1} mean(z)`);
      assertClose(f.output.variance / x.variance, 1, REL, `layer ${l + 1} Var(x)`);
      assertClose(f.output.mean, x.mean, REL, `layer ${l + 1} mean(x)`);
    });
    // Without the norm the same network is another one.
    assert.notDeepEqual(K.signalPropagation({ ...SMALL, init: SMALL_INIT }).forward, p.forward);
  });
}

test('the gradient through batch norm and layer norm matches finite differences of the float64 loss', () => {
  // L = sum(x_L * g) with the engine's seeded g; dL/dW_l by central differences (error O(h^2)
  // ~ 1e-10 at h = 1e-5 on values of order 1), compared by their moments over the kernel.
  const widths = [3, 5, 4];
  const net = { width: widths.slice(1), inputWidth: 3, batch: 6, activation: 'tanh', seed: 12, init: 'glorotUniform' };
  for (const norm of K.NORM_NAMES) {
    const p = K.signalPropagation({ ...net, norm, weightGradients: true });
    const g = K.sampleInit(1, [net.batch, widths[2]], `${net.seed}/output-gradient`);
    const params = K.initMLP(widths, net.init, net.seed);
    const output = (kernels) => {
      const r = referenceNetwork({ ...net, widths, norm, kernels });
      return r.layers[r.layers.length - 1].x.reduce((s, v, i) => s + v * g[i], 0);
    };
    const fd = params.weights.map((w, l) => Float64Array.from(w, (v, i) => {
      const plus = params.weights.map((k) => Float64Array.from(k));
      const minus = params.weights.map((k) => Float64Array.from(k));
      plus[l][i] = v + 1e-5;
      minus[l][i] = v - 1e-5;
      return (output(plus) - output(minus)) / 2e-5;
    }));
    fd.forEach((d, l) => {
      const m = meanVar(d);
      assertClose(p.backward[l].weights.variance / m.variance, 1, 1e-4, `${norm} layer ${l + 1} Var(dL/dW)`);
      assertClose(p.backward[l].weights.mean, m.mean, 1e-4 * Math.sqrt(m.variance), `${norm} layer ${l + 1} mean(dL/dW)`);
    });
  }
});

test('normalize: its closed-form gradient is, entry by entry, the float64 finite difference and the chain rule through tf.moments', async () => {
  // L = sum(norm(t) * g) for a 12 x 7 t with a mean and a scale, over each axis. Central
  // differences of the float64 norm at h = 1e-6 err by O(h^2) + 1e-16 / h ~ 1e-10; the float32
  // gradients are sums of at most 12 terms of order |g| / std(t), rounded to 6e-8 each, so 1e-5
  // of the gradient's largest entry bounds their distance to both with room. Dropping the
  // mean(g u) term, or the centring of g, moves entries by a tenth of that scale or more.
  const [rows, cols] = [12, 7];
  const t = K.sampleInit({ name: 'randomNormal', mean: 3, stddev: 2 }, [rows, cols], 'norm-t');
  const g = K.sampleInit(1, [rows, cols], 'norm-g');
  for (const kind of K.NORM_NAMES) {
    const axis = kind === 'batch' ? 0 : 1;
    const loss64 = (v) => normalize64(v, rows, cols, kind).reduce((s, x, i) => s + x * g[i], 0);
    const fd = Float64Array.from(t, (v, i) => {
      const plus = Float64Array.from(t);
      const minus = Float64Array.from(t);
      plus[i] = v + 1e-6;
      minus[i] = v - 1e-6;
      return (loss64(plus) - loss64(minus)) / 2e-6;
    });
    const [closed, chain] = await noLeak(() => tf.tidy(() => {
      const x = tf.tensor2d(t, [rows, cols]);
      const gt = tf.tensor2d(g, [rows, cols]);
      const byMoments = (v) => {
        const { mean, variance } = tf.moments(v, axis, true);
        return tf.mul(tf.sub(v, mean), tf.rsqrt(tf.add(variance, K.NORM_EPSILON)));
      };
      return [normalize, byMoments].map((f) => tf.grad((v) => tf.sum(tf.mul(f(v, kind), gt)))(x).dataSync());
    }));
    const scale = Math.max(...fd.map(Math.abs));
    fd.forEach((d, i) => {
      assertClose(closed[i], d, 1e-5 * scale, `${kind} norm: dL/dt[${i}] against float64`);
      assertClose(closed[i], chain[i], 1e-5 * scale, `${kind} norm: dL/dt[${i}] against the chain rule`);
    });
  }
});

test('batch norm makes the forward pass blind to the kernels\' scale a and scales their gradients by 1/a', () => {
  // BN(a z) = (z - mu) / sqrt(sigma^2 + eps / a^2): the scale changes the output's variance
  // only through eps / (a^2 sigma^2) (relative, at first order), and float32 adds ~1e-6.
  // Without the normalization the same change multiplies Var(x_L) by a^(2L) = 2^12 or 2^-12.
  const net = { depth: 6, width: 64, batch: 32, activation: 'relu', norm: 'batch', seed: 4, weightGradients: true };
  const run = (a) => K.signalPropagation({ ...net, init: a * Math.sqrt(2 / 64) });
  const one = run(1);
  for (const a of [0.5, 2]) {
    const p = run(a);
    // Var(BN(z)) = sigma_j^2 / (sigma_j^2 + eps) per unit: the output's variance moves by about
    // eps / sigma_j^2. BN divides by each unit's variance around its mean over the batch, which
    // is (1 - 1/pi) of a ReLU network's overall variance on average and, over B = 32 examples,
    // can be a few times smaller again (the chi^2_31 spread): 8 eps / (smallest overall
    // variance of the two networks) bounds it, and 1e-5 is float32's share.
    const smallest = Math.min(...[...p.forward, ...one.forward].map((f) => f.preActivation.variance));
    const tol = (8 * K.NORM_EPSILON) / smallest + 1e-5;
    p.forward.forEach((f, l) => assertClose(f.output.variance / one.forward[l].output.variance, 1, tol, `a=${a} layer ${l + 1} Var(x)`));
    p.backward.forEach((b, l) => assertClose((a * a * b.weights.meanSquare) / one.backward[l].weights.meanSquare, 1, 2 * tol, `a=${a} layer ${l + 1} a^2 E[(dL/dW)^2]`));
  }
  const plain = (a) => K.signalPropagation({ ...net, norm: undefined, init: a * Math.sqrt(2 / 64) }).forward[5].output.variance;
  assertClose(Math.log2(plain(2) / plain(1)), 12, 1e-3, 'no norm: log2 of the variance ratio at a = 2');
});

// The growth per layer of Var(dL/dz_l) toward the input in a BN network, against Yang et
// al.'s finite-batch rate lambda(B) (theory/batchnorm.ts), which decreases to pi / (pi - 1)
// for ReLU as B -> infinity, and is (B - 2)/(B - 3) for a linear network.
//
// Noise: each backward step l+1 -> l multiplies the variance by a ratio whose log has
// variance v_W + v_BN. Through the random kernel W_{l+1}, as in propagation.test.mjs,
// v_W = 2 m2(G) / n^2 with G = dZ^T dZ, whose m2 starts at 1 + (n + 1)/B at the output and
// grows by one per layer back (the spectrum of a product of random layers spreads). BN's
// division and the activation's slope act per unit: unit j's share is (1/sigma_j^2) (1/B)
// sum_b f'(u_bj)^2 g_bj^2, where 1/sigma_j^2 from B examples has relative variance 2/B, and
// the mean of g^2 (kurtosis 3) 2/B with every term kept (linear), or, with ReLU's half kept,
// (3/2 - 1/4) / (1/4) / B = 5/B; the average over n units gives v_BN = 4/(n B) (linear) or
// 7/(n B) (ReLU). The slope over layers 2..L is a random walk of these steps (slopeError).
// (Over 16 seeds at 30 x 256 x 128 the ReLU factor's spread was 0.0065; this gives 0.0080.)
//
// Bias: lambda(B) already holds the finite batch (the mean of 1/sigma_hat^2 and BN's
// projections); what it leaves out is the finite width, whose effect on the slope is of the
// order of the slope's own noise here (chapter 7 measures 0.9% below lambda(128) at width
// 512), so the tolerance is Z standard errors.
function bnStepVariances(depth, n, B, perUnit = 7) {
  let m2 = 1 + (n + 1) / B;
  const v = [];
  for (let l = depth - 1; l >= 2; l--) {
    v.push((2 * m2) / (n * n) + perUnit / (n * B));
    m2 += 1;
  }
  return v.reverse(); // in the order of the layers, 2 to L
}

const bnFactor = (options) => {
  const p = K.signalPropagation({ ...options, norm: 'batch' });
  return Math.exp(-K.logSlope(p.backward.map((b) => b.preActivation.variance).slice(1)));
};

test('batch norm: Var(dL/dz_l) grows by Yang et al.\'s lambda(B) per layer toward the input, whatever the weights\' variance', async () => {
  const [depth, n, B] = [30, 256, 128];
  const lambda = K.batchNormGradientRate({ activation: 'relu', batch: B });
  const { se } = slopeError(bnStepVariances(depth, n, B));
  const tol = Z * se * lambda;
  for (const init of ['heNormal', 0.5 / Math.sqrt(n)]) {
    const p = await noLeak(() => K.signalPropagation({ depth, width: n, batch: B, activation: 'relu', init, norm: 'batch', seed: 31 }));
    const grads = p.backward.map((b) => b.preActivation.variance).slice(1);
    assertClose(Math.exp(-K.logSlope(grads)), lambda, tol, `growth per layer, init ${init}`);
  }
  // The same network with layer norm instead does not explode: its factor is near 1, far
  // from pi / (pi - 1) (chapter 7 measures 1 within a few percent over seeds at this width).
  const ln = K.signalPropagation({ depth, width: n, batch: B, activation: 'relu', init: 'heNormal', norm: 'layer', seed: 31 });
  const lnFactor = Math.exp(-K.logSlope(ln.backward.map((b) => b.preActivation.variance).slice(1)));
  assert.ok(Math.abs(lnFactor - 1) < (lambda - 1) / 4, `layer norm factor ${lnFactor} is not near 1`);
});

test('batch norm at a batch of 16: ReLU explodes at lambda(16), not pi/(pi - 1), and a linear network at (B - 2)/(B - 3), not 1', () => {
  const [depth, n, B] = [40, 256, 16];
  for (const [activation, init, perUnit, limit] of [['relu', 'heNormal', 7, Math.PI / (Math.PI - 1)], ['linear', 'leCunNormal', 4, 1]]) {
    const lambda = K.batchNormGradientRate({ activation, batch: B });
    const tol = Z * slopeError(bnStepVariances(depth, n, B, perUnit)).se * lambda;
    // The test can tell the finite batch from the limit: they are further apart than the tolerance.
    assert.ok(Math.abs(lambda - limit) > tol, `${activation}: lambda(16) = ${lambda} is within ${tol} of the limit ${limit}`);
    const measured = bnFactor({ depth, width: n, batch: B, activation, init, seed: 32 });
    assertClose(measured, lambda, tol, `${activation}, B = ${B}: growth per layer`);
  }
});

test('normalization options: bad values name the option and what is allowed; no tensor is left behind', async () => {
  const ok = { depth: 2, width: 4, batch: 4, init: 0.5, activation: 'relu' };
  assert.throws(() => K.signalPropagation({ ...ok, norm: 'group' }), /norm must be one of batch, layer; got "group"/);
  assert.throws(() => K.signalPropagation({ ...ok, norm: true }), /norm must be one of batch, layer; got true/);
  for (const norm of K.NORM_NAMES) {
    await noLeak(() => K.signalPropagation({ ...ok, norm }));
    await noLeak(() => K.signalPropagation({ ...ok, norm, backward: false }));
    await noLeak(() => K.layerSamples({ ...ok, norm, bins: 8, gradient: 'weights' }));
  }
});
