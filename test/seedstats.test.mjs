// Chapter 8's statistics over seeds: slopes with their spread, the optimum of the
// seed-averaged loss with its jackknife standard error, and its shift with the width.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K, noLeak } from './lib.mjs';

const close = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('spread: mean, sample sd (n - 1) and standard error; one value has sd 0; bad input throws', () => {
  const s = K.spread([1, 2, 3, 6]);
  close(s.mean, 3, 1e-15, 'mean');
  close(s.sd, Math.sqrt(14 / 3), 1e-15, 'sd'); // squares 4 + 1 + 0 + 9 = 14 over n - 1 = 3
  close(s.se, Math.sqrt(14 / 3) / 2, 1e-15, 'se');
  assert.deepEqual(K.spread([5]), { perSeed: [5], mean: 5, sd: 0, se: 0 });
  assert.throws(() => K.spread([]), /spread needs a list of finite numbers/);
  assert.throws(() => K.spread([1, NaN]), /spread needs a list of finite numbers/);
});

// Sweep rows made by hand whose ln(test loss) is an exact parabola a (x - c)^2 + b in
// x = log2(rate). Three points of a parabola give its vertex exactly, so each row's optimum is
// its c; the mean over rows of parabolas with the same a is a parabola centred on the mean of
// the c's. The jackknife of a mean is the usual standard error, sd / sqrt(k), exactly: the
// leave-one-out means are mean - (c_i - mean) / (k - 1), so (k - 1)/k sum (o_i - o)^2 =
// sum (c_i - mean)^2 / (k (k - 1)) = sd^2 / k. So every expected number below is exact, to
// float64 rounding (~1e-13 after the logs and exps).
const EXPS = [-10, -9, -8, -7, -6, -5, -4];
const RATES = EXPS.map((e) => 2 ** e);
function row(c, { width = 64, parametrization = 'mup', seed = 1, a = 0.3, b = -2.5, diverged = [] } = {}) {
  const testLoss = EXPS.map((x, i) => (diverged.includes(i) ? null : Math.exp(a * (x - c) ** 2 + b)));
  let index = 0;
  testLoss.forEach((v, i) => { if (v !== null && v < testLoss[index]) index = i; });
  const best = { index, learningRate: RATES[index], testLoss: testLoss[index] };
  return { parametrization, optimizer: 'adam', width, seed, learningRates: RATES, testLoss, best, optimumLog2: index > 0 && index < EXPS.length - 1 ? c : null };
}

test('averageSweeps: the optimum of the mean ln loss is the mean of parabolic centres, with the jackknife standard error sd / sqrt(k)', () => {
  const centres = [-7.3, -6.4, -6.9, -5.8, -6.6];
  const rows = centres.map((c, i) => row(c, { seed: i + 1 }));
  const avg = K.averageSweeps(rows);
  const s = K.spread(centres);
  close(avg.optimumLog2, s.mean, 1e-10, 'optimum');
  close(avg.optimumSE, s.se, 1e-10, 'jackknife standard error');
  assert.equal(avg.best.learningRate, 2 ** -7, 'the best grid point of the averaged curve is the one nearest the mean centre');
  avg.testLoss.forEach((v, i) => close(Math.log(v), 0.3 * centres.reduce((acc, c) => acc + (EXPS[i] - c) ** 2, 0) / 5 - 2.5, 1e-12, `mean ln loss at 2^${EXPS[i]}`));
  assert.deepEqual(avg.perSeed.map((p) => p.optimumLog2), centres);
  assert.deepEqual(avg.perSeed.map((p) => p.atEdge), [false, false, false, false, false]);
  assert.deepEqual(avg.seeds, [1, 2, 3, 4, 5]);
  // A seed whose best is the last rate of the grid is flagged, and a seed that diverged at a
  // rate removes that rate from the average (a diverged run has no loss to average).
  const edge = K.averageSweeps([...rows.slice(0, 4), row(-3.5, { seed: 5 })]);
  assert.deepEqual(edge.perSeed.map((p) => p.atEdge), [false, false, false, false, true]);
  const gap = K.averageSweeps([...rows.slice(0, 4), row(-5.8, { seed: 5, diverged: [6] })]);
  assert.equal(gap.testLoss[6], null);
  assert.equal(K.averageSweeps(rows.slice(0, 2)).optimumSE, null, 'no jackknife with two seeds');
});

test('optimumShift: the slope of the averaged optimum against log2(width) and its jackknife standard error, seed by seed', () => {
  // c_i(n) = a_i + s_i log2(n / 64): the averaged optimum is mean(a) + mean(s) log2(n / 64)
  // at every width, so the least-squares slope is mean(s) and its jackknife sd(s) / sqrt(k).
  const a = [-6.2, -5.7, -6.0, -5.5, -6.3];
  const s = [-0.9, -1.3, -1.0, -1.2, -0.7];
  const widths = [64, 128, 256];
  const byWidth = widths.map((n) => a.map((ai, i) => row(ai + s[i] * Math.log2(n / 64), { width: n, seed: i + 1 })));
  const shift = K.optimumShift(byWidth);
  const sp = K.spread(s);
  close(shift.shift, sp.mean, 1e-10, 'shift per doubling');
  close(shift.se, sp.se, 1e-10, 'its standard error');
  assert.deepEqual(shift.widths, widths);
  shift.optima.forEach((o, w) => close(o, K.spread(a).mean + sp.mean * w, 1e-10, `optimum at ${widths[w]}`));
  assert.equal(shift.leaveOneOut.length, 5);
  // Seeds in another order at one width are the same seeds.
  close(K.optimumShift([byWidth[0], [...byWidth[1]].reverse(), byWidth[2]]).shift, sp.mean, 1e-10, 'order of the seeds');
});

test('averageSweeps and optimumShift with around: the parabola through a chosen grid rate and its neighbours, the other dip of a curve with two', () => {
  // ln loss: the parabola 0.3 (x - c)^2 - 2.5 of each seed with its point at 2^-5 lowered by 0.9,
  // a second, shallower dip. Around 2^-5 the vertex is that of the parabola through the seeds'
  // mean ln loss at 2^-6, 2^-5 and 2^-4, computed here by hand.
  const centres = [-7.3, -7.1, -7.2, -6.9, -7.0];
  const dip = (c, seed) => {
    const r = row(c, { seed });
    const testLoss = r.testLoss.map((v, i) => (EXPS[i] === -5 ? v * Math.exp(-0.9) : v));
    return { ...r, testLoss };
  };
  const rows = centres.map((c, i) => dip(c, i + 1));
  const plain = K.averageSweeps(rows);
  const other = K.averageSweeps(rows, { around: 2 ** -5 });
  const mean = (x) => rows.reduce((a, r) => a + Math.log(r.testLoss[EXPS.indexOf(x)]), 0) / rows.length;
  const [y0, y1, y2] = [-6, -5, -4].map(mean);
  const vertex = -5 - (y2 - y0) / (2 * (y2 - 2 * y1 + y0)); // the parabola through x = -6, -5, -4
  close(other.optimumLog2, vertex, 1e-10, 'vertex around 2^-5');
  close(plain.optimumLog2, K.spread(centres).mean, 1e-10, 'the best dip is unchanged');
  assert.equal(other.best.learningRate, plain.best.learningRate, 'around moves the vertex, not the best grid rate');
  assert.ok(other.optimumSE > 0 && Number.isFinite(other.optimumSE), 'a jackknife standard error around the other dip');
  // optimumShift follows the chosen dip at the widths it names.
  const byWidth = [64, 128, 256].map((n) => centres.map((c, i) => ({ ...dip(c, i + 1), width: n })));
  const shift = K.optimumShift(byWidth, { around: [null, null, 2 ** -5] });
  close(shift.optima[2], vertex, 1e-10, 'the third width follows the other dip');
  close(shift.optima[0], K.spread(centres).mean, 1e-10, 'the others their best');
  close(shift.shift, (vertex - K.spread(centres).mean) / 2, 1e-10, 'least-squares slope over log2 widths 6, 7, 8');
  assert.throws(() => K.averageSweeps(rows, { around: 0.3 }), /around must be one of the grid's learning rates \(2\^-10, .*\), got 0\.3/);
  assert.throws(() => K.optimumShift(byWidth, { around: [null, 2 ** -5] }), /around must list one grid rate \(or null\) per width \(3\)/);
  assert.throws(() => K.optimumShift(byWidth, { around: [null, null, 3] }), /around\[2\] must be one of the grid's learning rates/);
});

test('averageSweeps and optimumShift refuse what cannot be averaged, and an optimum outside the grid', () => {
  const rows = [1, 2, 3].map((seed) => row(-6.5, { seed }));
  assert.throws(() => K.averageSweeps([]), /rows must list at least one sweep row/);
  assert.throws(() => K.averageSweeps([rows[0], row(-6.5, { seed: 1 })]), /must come from different seeds, got seeds 1, 1/);
  assert.throws(() => K.averageSweeps([rows[0], row(-6.5, { seed: 2, width: 128 })]), /differs from rows\[0\] in its width/);
  assert.throws(() => K.averageSweeps([rows[0], { ...rows[1], learningRates: RATES.map((r) => 2 * r) }]), /differs from rows\[0\].*rates/);
  assert.throws(() => K.optimumShift([rows]), /two or more widths/);
  assert.throws(() => K.optimumShift([rows.slice(0, 2), rows.slice(0, 2).map((r) => ({ ...r, width: 128 }))]), /at least 3 seeds/);
  assert.throws(() => K.optimumShift([rows, [1, 2, 4].map((seed) => row(-6.5, { seed, width: 128 }))]), /must have the same seeds/);
  assert.throws(() => K.optimumShift([rows, rows]), /at different widths/);
  // The averaged curve's best at the top of the grid: no vertex, so no shift.
  assert.throws(() => K.optimumShift([rows, [1, 2, 3].map((seed) => row(-3.6, { seed, width: 128 }))]), /optimum at width 128 is not inside its grid of rates: widen the grid/);
});

const task = K.teacherTask({ inputs: 8, teacherWidth: 16, train: 256, test: 64, seed: 2 });

test('coordinateSlopes: per-seed slopes with their spread and the slope of the seed-averaged curve, per layer', async () => {
  const widths = [32, 64, 128];
  const o = { task, widths, parametrization: 'standard', optimizer: 'adam', learningRate: 2 ** -8, steps: 2, batchSize: 8, probe: 16 };
  const checks = await noLeak(() => [1, 2, 3].map((seed) => K.coordinateCheck({ ...o, seed })));
  assert.deepEqual(checks.map((c) => c.seed), [1, 2, 3]);
  for (const step of [1, 2]) {
    const s = K.coordinateSlopes(checks, step);
    assert.equal(s.length, 3);
    s.forEach((layer, l) => {
      const per = checks.map((c) => K.logLogSlope(widths, c.layers[l].delta[step - 1]));
      assert.deepEqual(layer.slopes.perSeed, per);
      close(layer.slopes.mean, per.reduce((x, y) => x + y) / 3, 1e-14, 'mean slope');
      const curve = widths.map((_, w) => checks.reduce((x, c) => x + c.layers[l].delta[step - 1][w], 0) / 3);
      layer.meanDelta.forEach((d, w) => close(d, curve[w], 1e-15, 'seed-averaged change'));
      close(layer.curveSlope, K.logLogSlope(widths, curve), 1e-14, 'slope of the averaged curve');
    });
  }
  assert.throws(() => K.coordinateSlopes(checks, 3), /step must be a whole number from 1 to 2/);
  assert.throws(() => K.coordinateSlopes([checks[0], checks[0]], 1), /different seeds, got seeds 1, 1/);
  const other = K.coordinateCheck({ ...o, widths: [32, 64], seed: 4 });
  assert.throws(() => K.coordinateSlopes([checks[0], other], 1), /differs from checks\[0\]/);
  const zero = [1, 2].map((seed) => K.coordinateCheck({ ...o, parametrization: 'mup', baseWidth: 32, readout: 'zero', seed }));
  // At step 1 a zero readout moves only itself: the layers below have no slope, the readout has one.
  const z1 = K.coordinateSlopes(zero, 1);
  assert.deepEqual(z1.map((s) => s.slopes === null), [true, true, false]);
  assert.deepEqual(z1[0].meanDelta, [0, 0, 0]);
  assert.ok(K.coordinateSlopes(zero, 2).every((s) => s.slopes !== null));
  // A layer that moved at one width and not at another has no slope to report.
  const broken = { ...checks[0], layers: checks[0].layers.map((l, k) => (k === 0 ? { ...l, delta: [[0, 1, 1], [1, 1, 1]] } : l)) };
  assert.throws(() => K.coordinateSlopes([broken], 1), /layer 1 did not move at every width at step 1 for seed 1/);
});
