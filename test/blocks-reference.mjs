// A float64 forward pass of the engine's networks with normalization and residual blocks,
// from the same seeded ingredients (kernels by initMLP's seed rule, the input, the biases):
// the independent reference the normalization and residual tests compare the engine with.
import { K } from './lib.mjs';

export const ACT = { linear: (v) => v, relu: (v) => Math.max(0, v), tanh: Math.tanh };

/** norm(z) over the batch (per column) or the units (per row) of a rows x cols matrix, as at init. */
export function normalize(z, rows, cols, kind) {
  const out = new Float64Array(z.length);
  const outer = kind === 'batch' ? cols : rows;
  const inner = kind === 'batch' ? rows : cols;
  const at = (o, i) => (kind === 'batch' ? i * cols + o : o * cols + i);
  for (let o = 0; o < outer; o++) {
    let mean = 0;
    for (let i = 0; i < inner; i++) mean += z[at(o, i)];
    mean /= inner;
    let v = 0;
    for (let i = 0; i < inner; i++) v += (z[at(o, i)] - mean) ** 2;
    const scale = 1 / Math.sqrt(v / inner + K.NORM_EPSILON);
    for (let i = 0; i < inner; i++) out[at(o, i)] = (z[at(o, i)] - mean) * scale;
  }
  return out;
}

/**
 * Runs the network in float64. Returns per layer { z, x } (x = z for a branch's last layer),
 * and per residual block the stream after it. `init` is one spec (or one per layer);
 * `kernels`, when given, replaces the kernels it draws.
 */
/** z = h W + b in float64 for `rows` rows: h is rows x m, W is m x n (row-major), b has n entries. */
export function denseLayer(h, W, b, rows, m, n) {
  const z = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) {
    let s = b[j];
    for (let i = 0; i < m; i++) s += h[r * m + i] * W[i * n + j];
    z[r * n + j] = s;
  }
  return z;
}

export function referenceNetwork({ widths, batch, seed, init, activation, norm, residual, biasStd, kernels }, input) {
  const f = ACT[activation];
  const L = widths.length - 1;
  const weights = kernels ?? K.initMLP(widths, init, seed).weights;
  const biases = widths.slice(1).map((n, l) => (biasStd ? K.sampleInit(biasStd, [1, n], `${seed}/bias/${l}`) : new Float32Array(n)));
  const x0 = Float64Array.from(input ?? K.sampleInit(1, [batch, widths[0]], `${seed}/input`));
  const product = (h, l) => denseLayer(h, weights[l], biases[l], batch, widths[l], widths[l + 1]);
  const layers = [];
  const streams = [];
  if (!residual) {
    let h = x0;
    for (let l = 0; l < L; l++) {
      const z = product(h, l);
      const u = norm ? normalize(z, batch, widths[l + 1], norm) : z;
      h = u.map(f);
      layers.push({ z, x: h });
    }
    return { x0, layers, streams };
  }
  const d = residual.branchDepth ?? 2;
  const alpha = residual.scale ?? 1;
  const position = norm ? residual.normPosition ?? 'pre' : undefined;
  let s = x0;
  for (let start = 0; start < L; start += d) {
    const n = widths[start];
    let h = position === 'pre' ? normalize(s, batch, n, norm) : s;
    for (let j = 0; j < d; j++) {
      const l = start + j;
      const z = product(h, l);
      h = j < d - 1 ? z.map(f) : z;
      layers.push({ z, x: h });
    }
    let sum = s.map((v, i) => v + alpha * h[i]);
    if (position === 'post') sum = normalize(sum, batch, n, norm);
    streams.push(sum);
    s = sum;
  }
  return { x0, layers, streams };
}

export const meanVar = (v) => {
  let mean = 0;
  for (const x of v) mean += x;
  mean /= v.length;
  let variance = 0;
  for (const x of v) variance += (x - mean) ** 2;
  return { mean, variance: variance / v.length };
};
