// LSUV (Mishkin & Matas 2015) on the engine's networks (chapter 7): its result against the
// algorithm's own formulas, checked by the engine on the network it hands back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K, noLeak } from './lib.mjs';
import { assertClose } from './stats.mjs';

const NET = { depth: 12, width: 64, batch: 128, activation: 'relu', seed: 7 };

// Variances of float32 products of 64 terms over 8192 values: ~1e-6 relative; LSUV's scaled
// kernel against the engine's redrawn one (the orthogonal draw times the gain, rounded once)
// adds ~1e-7 per layer. 1e-4 bounds both; a scale from the wrong moment (E[z^2] instead of
// Var(z)) or a missing square root is off by far more.
const REL = 1e-4;

test('without biases one rescaling lands each layer on Var(z_l) = 1, and the engine measures the same network', async () => {
  const r = await noLeak(() => K.lsuv(NET));
  assert.deepEqual(r.widths, Array(13).fill(64));
  r.after.forEach((v, l) => {
    // z_l is linear in W_l, so v / sqrt(v) scaling is exact: one iteration, or none when the
    // drawn layer is already within the tolerance (then nothing changes).
    if (r.iterations[l] === 0) {
      assert.ok(Math.abs(v - 1) < 0.1, `layer ${l + 1} was left at ${v}, outside the tolerance`);
      assert.equal(r.scales[l], 1);
    } else {
      assert.equal(r.iterations[l], 1, `layer ${l + 1} took ${r.iterations[l]} rescalings`);
      assertClose(v, 1, REL, `layer ${l + 1} Var(z) after`);
    }
  });
  // The network as drawn (orthogonal kernels: each keeps the norm of every example exactly)
  // halves a ReLU network's variance at every layer on average; LSUV's does not.
  const drawn = K.signalPropagation({ ...NET, init: 'orthogonal', backward: false });
  drawn.forward.forEach((f, l) => assertClose(f.preActivation.variance / r.before[l], 1, REL, `layer ${l + 1} before`));
  const mine = K.signalPropagation({ ...NET, init: r.init, backward: false });
  mine.forward.forEach((f, l) => assertClose(f.preActivation.variance / r.after[l], 1, REL, `layer ${l + 1} after, through the engine`));
  // LSUV's scale is 1 / sqrt(Var(z_l)) of the layer as it arrives: with a square orthonormal Q,
  // ||x Q|| = ||x|| for every example, so Var(z_l) = s^2 E[x_{l-1}^2] - mean(z_l)^2 after scaling.
  for (let l = 1; l < NET.depth; l++) {
    const identity = r.scales[l] ** 2 * mine.forward[l - 1].output.meanSquare - mine.forward[l].preActivation.mean ** 2;
    assertClose(identity, r.after[l], REL, `layer ${l + 1}: s^2 E[x^2] - mean(z)^2 = Var(z)`);
  }
  // The first layer's input is the unit-variance batch, so its scale is 1 / sqrt(Var(z_1)).
  assertClose(r.scales[0] ** 2 * r.before[0], r.iterations[0] ? 1 : r.before[0], REL, 'layer 1');
  assert.deepEqual(K.lsuv(NET), r, 'same seed, same result');
});

test('with biases several rescalings: each layer ends within the tolerance or after maxIterations', async () => {
  const r = await noLeak(() => K.lsuv({ ...NET, biasStd: 0.5, tolerance: 0.02 }));
  r.after.forEach((v, l) => assert.ok(Math.abs(v - 1) < 0.02 || r.iterations[l] === 10, `layer ${l + 1}: Var ${v}, ${r.iterations[l]} iterations`));
  assert.ok(Math.max(...r.iterations) >= 2, 'some layer took more than one rescaling');
  const once = K.lsuv({ ...NET, biasStd: 0.5, tolerance: 0.02, maxIterations: 1 });
  assert.ok(once.iterations.every((k) => k <= 1));
  assert.ok(once.after.some((v) => Math.abs(v - 1) >= 0.02), 'one rescaling is not enough with biases');
  // The engine redraws it from init, with the same biases.
  const mine = K.signalPropagation({ ...NET, biasStd: 0.5, init: r.init, backward: false });
  mine.forward.forEach((f, l) => assertClose(f.preActivation.variance / r.after[l], 1, REL, `layer ${l + 1}`));
});

test('lsuv: bad options name the option and what is allowed', () => {
  const bad = (changes, pattern) => assert.throws(() => K.lsuv({ ...NET, ...changes }), pattern);
  bad({ tolerance: 0 }, /tolerance must be > 0, got 0/);
  bad({ maxIterations: 0 }, /maxIterations must be a whole number >= 1, got 0/);
  bad({ init: 'zeros' }, /lsuv rescales each kernel through its gain, so init must be a standard deviation or one of .*; layer 1's init is "zeros"/);
  bad({ init: ['orthogonal', { name: 'constant', value: 1 }, ...Array(10).fill('heNormal')] }, /layer 2's init is "constant"/);
  bad({ residual: {} }, /lsuv does not take option "residual"/);
  bad({ norm: 'batch' }, /lsuv does not take option "norm"/);
  bad({ depth: 0 }, /depth must be a whole number >= 1, got 0/);
  bad({ input: new Float32Array(128 * 64) }, /lsuv: layer 1's output has variance 0 on this batch, which no rescaling can bring to 1/);
  // Numbers and gains both scale: a std spec comes back as std * scale.
  const r = K.lsuv({ ...NET, depth: 2, init: [0.1, { name: 'heNormal', gain: 2 }] });
  assertClose(r.init[0], 0.1 * r.scales[0], 1e-12, 'std spec');
  assertClose(r.init[1].gain, 2 * r.scales[1], 1e-12, 'gain spec');
});
