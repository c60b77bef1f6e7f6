// Kernels drawn ahead on a worker thread (src/net/prefetch.ts): the same values as
// sampleInit, handed out in order, and a worker that is never left stuck.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { K, noLeak } from './lib.mjs';

const require = createRequire(import.meta.url);
const P = require('../dist/net/prefetch.js');
const W = require('../dist/net/kernel-worker.js');
const { transpose } = require('../dist/core/linalg.js');

/** The plain definition of a transpose, to check the blocked one against. */
function transposeRef(values, rows, cols) {
  const out = new Float32Array(values.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j];
  return out;
}

// Enough values (over 2^18) that kernelSource uses the worker.
const JOBS = [
  { spec: 1, rows: 256, cols: 300, seed: 'p/input' },
  { spec: 'heNormal', rows: 300, cols: 200, seed: 'p/0', transposed: true },
  { spec: { name: 'glorotUniform', gain: 1.5 }, rows: 200, cols: 300, seed: 'p/1', transposed: true },
  { spec: 'truncatedNormal', rows: 300, cols: 33, seed: 'p/2' },
  { spec: { name: 'orthogonal', gain: 2 }, rows: 33, cols: 250, seed: 'p/3', transposed: true },
  { spec: 0.05, rows: 250, cols: 300, seed: 7 },
  { spec: 'leCunUniform', rows: 300, cols: 300, seed: 'p/5', transposed: true },
];

function assertSameAsSampleInit(source, jobs) {
  for (const { spec, rows, cols, seed, transposed } of jobs) {
    const want = K.sampleInit(spec, [rows, cols], seed);
    const got = source.next();
    assert.deepEqual(got.kernel, want, `kernel ${JSON.stringify(spec)} seed ${seed}`);
    if (transposed) assert.deepEqual(got.transposed, transposeRef(want, rows, cols), `transpose of ${JSON.stringify(spec)}`);
    else assert.equal(got.transposed, undefined);
  }
}

test('kernels drawn ahead on the worker are sampleInit\'s, bit for bit, transposes too', () => {
  const source = P.kernelSource(JOBS);
  assert.equal(source.mode, 'worker');
  assertSameAsSampleInit(source, JOBS);
  assert.throws(() => source.next(), /all 7 kernels were already taken/);
  source.close();
});

test('a kernel handed out stays put until the next is asked for, while the worker runs ahead', () => {
  const source = P.kernelSource(JOBS);
  for (const { spec, rows, cols, seed } of JOBS) {
    const k = source.next();
    // Give the worker time to draw everything it may: had it reused this kernel's slot
    // early, the values would now be another kernel's.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30);
    assert.deepEqual(k.kernel, K.sampleInit(spec, [rows, cols], seed), `seed ${seed}`);
  }
  source.close();
});

test('the blocked transpose is the transpose, for sizes that are not multiples of the block', () => {
  for (const [rows, cols] of [[1, 1], [1, 70], [70, 1], [33, 65], [64, 32]]) {
    const v = Float32Array.from({ length: rows * cols }, (_, i) => i);
    assert.deepEqual(transpose(v, rows, cols), transposeRef(v, rows, cols), `${rows} x ${cols}`);
  }
});

test('a source closed early leaves the worker free for the next job', () => {
  for (let round = 0; round < 3; round++) {
    const early = P.kernelSource(JOBS);
    early.next();
    early.close();
    early.close();
  }
  // Had a closed job kept the worker waiting for its reader, this one would never be drawn.
  const source = P.kernelSource(JOBS);
  assert.equal(source.mode, 'worker');
  assertSameAsSampleInit(source, JOBS);
});

test('small jobs, and INIT_COURSE_PREFETCH=0, draw the kernels inline', () => {
  const small = [{ spec: 'heNormal', rows: 8, cols: 4, seed: 1 }, { spec: 'heNormal', rows: 4, cols: 2, seed: 2, transposed: true }];
  const s = P.kernelSource(small);
  assert.equal(s.mode, 'inline');
  assertSameAsSampleInit(s, small);
  assert.throws(() => s.next(), /all 2 kernels were already taken/);
  const saved = process.env[P.PREFETCH_ENV];
  try {
    process.env[P.PREFETCH_ENV] = '0';
    const inline = P.kernelSource(JOBS);
    assert.equal(inline.mode, 'inline');
    assertSameAsSampleInit(inline, JOBS);
    process.env[P.PREFETCH_ENV] = 'yes';
    assert.throws(() => P.kernelSource(JOBS), /INIT_COURSE_PREFETCH must be 0 \(draw kernels inline\) or 1 .*got "yes"/);
  } finally {
    if (saved === undefined) delete process.env[P.PREFETCH_ENV];
    else process.env[P.PREFETCH_ENV] = saved;
  }
});

test('a bad spec throws sampleInit\'s own error before the worker draws anything', () => {
  const bad = [...JOBS, { spec: { name: 'heNormal', gain: -1 }, rows: 10, cols: 10, seed: 1 }];
  const expected = (() => {
    try {
      K.sampleInit({ name: 'heNormal', gain: -1 }, [10, 10], 1);
    } catch (e) {
      return e.message;
    }
  })();
  assert.match(expected, /gain must be >= 0/);
  assert.throws(() => P.kernelSource(bad), { message: expected });
  // The worker is still there and free.
  const source = P.kernelSource(JOBS);
  assert.equal(source.mode, 'worker');
  source.close();
});

test('a source left open is ended by the next one, which gets the worker at once', () => {
  const forgotten = P.kernelSource(JOBS);
  forgotten.next();
  // Without the hand-over this job would wait until the worker gave up on the first reader.
  const source = P.kernelSource(JOBS);
  assertSameAsSampleInit(source, JOBS);
  assert.throws(() => {
    for (let i = 0; i < JOBS.length; i++) forgotten.next();
  }, /this source was closed \(or replaced by a newer one\)/);
});

test('an error while drawing is written where the reader finds it, and stops the job', () => {
  // drawKernels is what the worker runs; here it runs in this thread on a job that skipped
  // the checks, so the failure and its message can be seen.
  const jobs = [JOBS[1], { spec: 'heNormall', rows: 4, cols: 4, seed: 1 }, JOBS[2]];
  const slotFloats = 2 * 300 * 200;
  const buffer = new SharedArrayBuffer(P.layout(slotFloats).bytes);
  W.drawKernels({ jobs, buffer, slotFloats });
  const control = new Int32Array(buffer, 0, 4);
  assert.equal(control[P.CONTROL.PRODUCED], 1, 'the first kernel was drawn, the next failed');
  assert.equal(control[P.CONTROL.STATUS], P.STATUS_FAILED);
  const text = new TextDecoder().decode(new Uint8Array(buffer, P.layout(slotFloats).message, control[P.CONTROL.MESSAGE_LENGTH]));
  assert.match(text, /init must be one of .*; got "heNormall"/);
});

test('signalPropagation gives the same numbers with and without the worker', () => {
  const options = { depth: 4, width: 300, batch: 256, init: 'glorotNormal', activation: 'tanh', seed: 'same', weightGradients: true };
  const saved = process.env[P.PREFETCH_ENV];
  let inline;
  try {
    process.env[P.PREFETCH_ENV] = '0';
    inline = K.signalPropagation(options);
  } finally {
    if (saved === undefined) delete process.env[P.PREFETCH_ENV];
    else process.env[P.PREFETCH_ENV] = saved;
  }
  assert.deepEqual(K.signalPropagation(options), inline);
});

test('backward: false runs the forward pass alone, with the same forward numbers', async () => {
  for (const activation of K.ACTIVATION_NAMES) {
    const options = { depth: 5, width: [64, 32, 48, 16, 8], inputWidth: 20, batch: 64, init: 'heNormal', activation, seed: 3 };
    const both = K.signalPropagation(options);
    const forward = await noLeak(() => K.signalPropagation({ ...options, backward: false }));
    assert.deepEqual(forward.forward, both.forward, activation);
    assert.deepEqual(forward.input, both.input);
    assert.deepEqual(forward.backward, []);
    assert.equal(both.backward.length, 5);
  }
  // Big enough for the worker, too.
  const big = { depth: 6, width: 256, batch: 512, init: 'heNormal', activation: 'relu', seed: 4 };
  assert.deepEqual(await noLeak(() => K.signalPropagation({ ...big, backward: false })).then((r) => r.forward), K.signalPropagation(big).forward);
  assert.throws(() => K.signalPropagation({ ...big, backward: 'no' }), /backward must be true or false, got "no"/);
  assert.throws(() => K.signalPropagation({ ...big, backward: false, weightGradients: true }), /weightGradients needs the backward pass/);
});

test('a bad layer spec throws before the pass starts, and leaves nothing behind', async () => {
  const badLast = [...Array(7).fill('heNormal'), { name: 'heNormal', gain: -2 }];
  for (const [width, batch] of [[16, 8], [256, 512]]) {
    const options = { depth: 8, width, batch, activation: 'relu', seed: 5 };
    // Every spec is checked before layer 1 runs, inline and with the worker alike: an error
    // thrown inside tf.grads would leave TensorFlow.js's gradient tape recording.
    for (const backward of [true, false]) {
      await noLeak(() => assert.throws(() => K.signalPropagation({ ...options, init: badLast, backward }), /gain must be >= 0, got -2/));
    }
    const r = await noLeak(() => K.signalPropagation({ ...options, init: 'heNormal' }));
    assert.equal(r.forward.length, 8);
  }
});

test('sampleInit draws into a given array exactly the values it returns otherwise', () => {
  for (const { spec, rows, cols, seed } of JOBS) {
    const out = new Float32Array(rows * cols).fill(NaN);
    assert.equal(K.sampleInit(spec, [rows, cols], seed, out), out);
    assert.deepEqual(out, K.sampleInit(spec, [rows, cols], seed), `${JSON.stringify(spec)}`);
  }
  assert.throws(() => K.sampleInit('heNormal', [3, 4], 1, new Float32Array(11)), /out has 11 values but shape \[3, 4\] needs 12/);
});
