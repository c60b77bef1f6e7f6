import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K } from './lib.mjs';
import { assertClose, meanTolerance, moments, stdRelTolerance } from './stats.mjs';

// 100,000 draws from a kernel whose fans differ, so a swapped fan-in/fan-out shows.
const SHAPE = [200, 500];
const FAN_IN = 200;
const FAN_OUT = 500;
const N = FAN_IN * FAN_OUT;

// Variances written out from the papers' formulas, independently of src/.
const EXPECTED_VARIANCE = {
  uniform: 1 / (3 * FAN_IN), // U[-1/sqrt(n), 1/sqrt(n)]: n Var = 1/3
  leCunNormal: 1 / FAN_IN,
  leCunUniform: 1 / FAN_IN,
  glorotNormal: 2 / (FAN_IN + FAN_OUT),
  glorotUniform: 2 / (FAN_IN + FAN_OUT),
  heNormal: 2 / FAN_IN,
  heUniform: 2 / FAN_IN,
};

for (const [name, variance] of Object.entries(EXPECTED_VARIANCE)) {
  test(`${name}: mean 0 and variance ${name.includes('glorot') ? '2/(fanIn+fanOut)' : 'from fanIn'}`, () => {
    const m = moments(K.sampleWeights(name, SHAPE, { seed: 7 }));
    const std = Math.sqrt(variance);
    assertClose(m.mean, 0, meanTolerance(std, N), `${name} mean`);
    assertClose(m.std / std, 1, stdRelTolerance(m.kurtosis, N), `${name} std / formula`);
  });
}

for (const name of ['uniform', 'leCunUniform', 'glorotUniform', 'heUniform']) {
  test(`${name}: samples fill [-a, a] and never leave it`, () => {
    const a = Math.sqrt(3 * EXPECTED_VARIANCE[name]);
    const m = moments(K.sampleWeights(name, SHAPE, { seed: 8 }));
    assert.ok(m.min >= -a && m.max <= a, `${name} left [-${a}, ${a}]: [${m.min}, ${m.max}]`);
    // P(max < a(1 - 20/N)) = (1 - 10/N)^N ~ e^-10: the draws reach the ends.
    assert.ok(m.max > a * (1 - 20 / N) && m.min < -a * (1 - 20 / N), `${name} does not reach +-${a}`);
  });
}

for (const name of ['leCunNormal', 'glorotNormal', 'heNormal']) {
  test(`${name}: truncated at 2 std of the underlying normal, as Keras`, () => {
    const std = Math.sqrt(EXPECTED_VARIANCE[name]);
    const cut = (2 * std) / 0.87962566103423978;
    const m = moments(K.sampleWeights(name, SHAPE, { seed: 9 }));
    assert.ok(m.max <= cut && m.min >= -cut, `${name} beyond +-${cut}: [${m.min}, ${m.max}]`);
    // A normal's tail mass beyond 1.99 of 2 cut-units is > 1e-3 of N: the draws reach near the cut.
    assert.ok(m.max > 0.99 * cut && m.min < -0.99 * cut);
  });
}

test('gain multiplies the standard deviation', () => {
  const m = moments(K.sampleWeights('heNormal', SHAPE, { gain: 0.5, seed: 3 }));
  assertClose(m.std / (0.5 * Math.sqrt(2 / FAN_IN)), 1, stdRelTolerance(m.kurtosis, N), 'std with gain 0.5');
});

test('randomNormal honours mean and stddev, zero included', () => {
  const m = moments(K.sampleWeights('randomNormal', SHAPE, { mean: 1.5, stddev: 0.3, seed: 1 }));
  assertClose(m.mean, 1.5, meanTolerance(0.3, N), 'mean');
  assertClose(m.std / 0.3, 1, stdRelTolerance(m.kurtosis, N), 'std / stddev');
  const zero = K.sampleWeights('randomNormal', [10, 10], { mean: 0.25, stddev: 0 });
  assert.ok(zero.every((v) => v === 0.25), 'stddev 0 gives the mean exactly');
});

test('randomUniform honours minval 0 (the Keras example U[0, 1])', () => {
  const m = moments(K.sampleWeights('randomUniform', SHAPE, { minval: 0, maxval: 1, seed: 2 }));
  assert.ok(m.min >= 0 && m.max < 1, `left [0, 1): [${m.min}, ${m.max}]`);
  assertClose(m.mean, 0.5, meanTolerance(1 / Math.sqrt(12), N), 'mean');
  assertClose(m.std * Math.sqrt(12), 1, stdRelTolerance(m.kurtosis, N), 'std / (1/sqrt 12)');
});

test('truncatedNormal keeps Keras meaning: stddev before the cut, so the sampled std is 0.88 of it', () => {
  const m = moments(K.sampleWeights('truncatedNormal', SHAPE, { stddev: 0.2, seed: 4 }));
  assert.ok(m.max <= 0.4 && m.min >= -0.4);
  assertClose(m.std / (0.2 * 0.87962566103423978), 1, stdRelTolerance(m.kurtosis, N), 'std');
});

test('zeros, ones and constant give exactly their value', () => {
  assert.ok(K.sampleWeights('zeros', [3, 4]).every((v) => v === 0));
  assert.ok(K.sampleWeights('ones', [3, 4]).every((v) => v === 1));
  assert.ok(K.sampleWeights('constant', [3, 4], { value: 0 }).every((v) => v === 0));
  assert.ok(K.sampleWeights('constant', [3, 4], { value: -0.5 }).every((v) => v === -0.5));
});

function gram(w, rows, cols, byColumns) {
  // Q^T Q (byColumns) or Q Q^T, as a flat array.
  const k = byColumns ? cols : rows;
  const g = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let s = 0;
      if (byColumns) for (let r = 0; r < rows; r++) s += w[r * cols + a] * w[r * cols + b];
      else for (let c = 0; c < cols; c++) s += w[a * cols + c] * w[b * cols + c];
      g[a * k + b] = s;
    }
  }
  return g;
}

for (const [shape, rows, cols] of [[[64, 32], 64, 32], [[32, 64], 32, 64], [[3, 3, 4, 8], 36, 8]]) {
  test(`orthogonal ${JSON.stringify(shape)}: orthonormal ${rows >= cols ? 'columns' : 'rows'}, times gain`, () => {
    for (const gain of [1, 2]) {
      const g = gram(K.sampleWeights('orthogonal', shape, { gain, seed: 5 }), rows, cols, rows >= cols);
      const k = Math.min(rows, cols);
      let worst = 0;
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) worst = Math.max(worst, Math.abs(g[a * k + b] - (a === b ? gain * gain : 0)));
      }
      // float32 rounding of entries ~1/sqrt(k): errors of a few 1e-7 per product, summed over k terms.
      assert.ok(worst < 1e-5 * gain * gain, `|Q^T Q - gain^2 I| = ${worst}`);
    }
  });
}

test('the same seed gives identical values, another seed others, no seed the default', () => {
  for (const name of K.INITIALIZER_NAMES.filter((n) => !['zeros', 'ones', 'constant'].includes(n))) {
    const a = K.sampleWeights(name, [20, 30], { seed: 11 });
    const b = K.sampleWeights(name, [20, 30], { seed: 11 });
    const c = K.sampleWeights(name, [20, 30], { seed: 12 });
    assert.deepEqual(a, b, `${name}: same seed`);
    assert.notDeepEqual(a, c, `${name}: different seeds`);
    assert.deepEqual(K.sampleWeights(name, [20, 30]), K.sampleWeights(name, [20, 30], { seed: K.DEFAULT_SEED }), `${name}: default seed`);
  }
});

test('bad input throws an Error naming the argument and what is allowed', () => {
  assert.throws(() => K.sampleWeights('glorot', [3, 4]), /name must be one of zeros, ones, .*glorotUniform.*got "glorot"/);
  assert.throws(() => K.sampleWeights('randomNormal', [3, 4], { stddev: -1 }), /stddev must be >= 0, got -1/);
  assert.throws(() => K.sampleWeights('randomUniform', [3, 4], { minval: 1, maxval: 1 }), /minval must be < maxval/);
  assert.throws(() => K.sampleWeights('randomUniform', [3, 4], { minval: 2, maxval: 1 }), /minval must be < maxval/);
  assert.throws(() => K.sampleWeights('constant', [3, 4]), /needs option value/);
  assert.throws(() => K.sampleWeights('constant', [3, 4], { value: NaN }), /value must be a finite number, got NaN/);
  assert.throws(() => K.sampleWeights('heNormal', [3, 4], { stddev: 1 }), /"heNormal" does not take option "stddev"; it takes: seed, gain/);
  assert.throws(() => K.sampleWeights('heNormal', [3, 4], { gain: -1 }), /gain must be >= 0/);
  assert.throws(() => K.sampleWeights('heNormal', [3, 0]), /shape\[1\] must be a whole number >= 1/);
  assert.throws(() => K.sampleWeights('heNormal', [3, 4], { seed: NaN }), /seed must be a finite number or a non-empty string/);
});

test('weightDistribution states the formula that sampleWeights samples', () => {
  const s = K.weightDistribution('glorotUniform', [3, 3, 16, 32]);
  const a = Math.sqrt(6 / (144 + 288));
  assert.equal(s.distribution, 'uniform');
  assertClose(s.max, a, 1e-15, 'limit');
  assertClose(s.std, a / Math.sqrt(3), 1e-15, 'std');
});
