/**
 * The network engine: builds a seeded deep fully connected network from a NetworkPlan
 * (network.ts), runs one forward pass and, when asked, one backward pass, and records
 * per layer what the caller asks for. Every measurement of a deep network in the course
 * is a view of it: signalPropagation (moments, chapters 2-4) and layerSamples
 * (histograms, chapter 3) only choose what to record and how to present it.
 *
 *   z_l = x_{l-1} W_l (+ b_l),   x_l = f(z_l),   l = 1..L,
 *
 * x_0 is the input batch (batch x n_0). With the plan's structure (blocks.ts) a layer
 * normalizes before its activation, x_l = f(norm(z_l)), or the layers form residual blocks
 * x_k = x_{k-1} + alpha F_k, pre- or post-norm; z_l is always the layer's product (plus
 * bias), so `gradient` is dLoss/dz_l there too. The backward pass sends a seeded standard normal
 * gradient g (batch x n_L) back from the output, as for the loss sum(x_L * g), through
 * TensorFlow.js's autodiff.
 *
 * Seeds (SEEDS in mlp.ts): layer l's kernel is sampleInit(init_l, [n_{l-1}, n_l],
 * `${seed}/${l - 1}`), as initMLP draws it; x_0 is sampleInit(inputStd, [batch, n_0],
 * `${seed}/input`), g is sampleInit(1, [batch, n_L], `${seed}/output-gradient`), biases
 * sampleInit(biasStd, [1, n_l], `${seed}/bias/${l - 1}`). A worker thread draws the
 * kernels a few layers ahead of the matrix products (prefetch.ts), with the same values.
 *
 * What can be recorded, per layer l (Quantity):
 * - preActivation: z_l;  output: x_l = f(z_l);
 * - gradient: dLoss/dz_l;  kernelGradient: dLoss/dW_l = x_{l-1}^T dLoss/dz_l;
 * - residual networks only, at each block's last layer: stream: x_k, the stream after the
 *   block; streamTimesInput: x_k * x_0 entrywise, whose mean is E[x_k x_0];
 * - inputGradient: dLoss/dx_{l-1}, the gradient reaching layer l's input;
 * each as its moments (mean and variance over every entry) and/or a histogram over
 * fixed bins (a given range, or +-(largest |value| over every layer) of that quantity).
 * Two more statistics of a quantity's batch x units matrix (chapter 6): `pairs`, the
 * correlation of rows 2k and 2k + 1 (two inputs' signals), and `gram`, the trace moments
 * of M M^T (with the output gradient set to the identity and every row the same input,
 * dLoss/dx_{l-1} is the Jacobian of the network's last L - l + 1 layers).
 * All statistics are computed by TensorFlow.js and read back in one read; no tensor
 * outlives the call. A pass of LARGE_PASS multiply-adds or more in all runs on the backend
 * for large passes (backend/backends.ts: TensorFlow through tfjs-node where it loads).
 */
import * as tf from '@tensorflow/tfjs';
import { onBackendFor } from '../backend/backends';
import { Histogram, histogramFrom } from '../core/histogram';
import { transpose } from '../core/linalg';
import { Moments, moments, momentsFrom } from '../core/stats';
import { sampleInit } from '../init/initspec';
import { activationFn } from './activations';
import { blockForward } from './blocks';
import { MAX_COUNTED_VALUES, countsVector, deviceEdges, gramVector, momentsVector, pairsVector } from './device-stats';
import { SEEDS } from './mlp';
import { NetworkPlan } from './network';
import { KernelJob, kernelSource } from './prefetch';

export const QUANTITIES = ['preActivation', 'output', 'gradient', 'kernelGradient', 'inputGradient', 'stream', 'streamTimesInput'] as const;
export type Quantity = (typeof QUANTITIES)[number];

/** What to record of one quantity. */
export interface Probe {
  moments?: boolean;
  /** Counts over `bins` equal bins of `range`, or of +-(largest |value| over every layer) without one. */
  histogram?: { bins: number; range?: [number, number] };
  /** 1 - c for each pair of rows (2k, 2k + 1), c their correlation over the units (an even batch). */
  pairs?: boolean;
  /** tr(M M^T) / rows and tr((M M^T)^2) / rows of the quantity's matrix M. */
  gram?: boolean;
}

export type Recording = Partial<Record<Quantity, Probe>>;

/** What was recorded of one quantity in one layer. */
export interface Recorded {
  moments?: Moments;
  histogram?: Histogram;
  /** 1 - c_k for pair k (rows 2k and 2k + 1), accurate near c = 1; NaN for a row of zeros. */
  pairs?: number[];
  /** The mean and the mean square of the eigenvalues of M M^T (M's squared singular values). */
  gram?: { meanSquare: number; secondMoment: number };
}

export type LayerRecord = { layer: number; width: number } & Partial<Record<Quantity, Recorded>>;

export interface NetworkRun {
  /** n_0 (the input) to n_L. */
  widths: number[];
  /** Moments of the input batch x_0, computed in JavaScript (float64). */
  input: Moments;
  /** layers[l - 1] is layer l, for l = 1..L. */
  layers: LayerRecord[];
}

const isBackward = (q: Quantity) => q === 'gradient' || q === 'kernelGradient' || q === 'inputGradient';
const isStream = (q: Quantity) => q === 'stream' || q === 'streamTimesInput';

/** How many values quantity q has in layer l (1-based). */
function sizeOf(plan: NetworkPlan, q: Quantity, l: number): number {
  if (q === 'kernelGradient') return plan.widths[l - 1] * plan.widths[l];
  return plan.batch * plan.widths[q === 'inputGradient' ? l - 1 : l];
}

const probes = (p: Probe | undefined) => !!p && (!!p.moments || !!p.histogram || !!p.pairs || !!p.gram);

/**
 * The work of a pass through the plan's network for `recording`, in multiply-adds of the
 * matrix products runPass makes: batch x n_{l-1} x n_l per layer forward; backward (when a
 * gradient is recorded) as much again for dLoss/dx = dz W^T, and as much again for
 * dLoss/dW = x^T dz when kernelGradient is recorded; and rows x rows x columns for each
 * Gram matrix M M^T a `gram` probe takes. What decides the backend it runs on (LARGE_PASS).
 */
export function passMultiplyAdds(plan: NetworkPlan, recording: Recording): number {
  const { widths, batch } = plan;
  const recorded = QUANTITIES.filter((q) => probes(recording[q]));
  let forward = 0;
  for (let l = 1; l < widths.length; l++) forward += batch * widths[l - 1] * widths[l];
  const backward = recorded.some(isBackward) ? 1 + (recorded.includes('kernelGradient') ? 1 : 0) : 0;
  let gram = 0;
  for (const q of recorded.filter((q) => recording[q]!.gram)) {
    // Streams are recorded at each block's last layer, everything else at every layer.
    const layers = isStream(q) ? plan.blocks.map((b) => b.at(-1)! + 1) : widths.slice(1).map((_, l) => l + 1);
    for (const l of layers) gram += (q === 'kernelGradient' ? widths[l - 1] : batch) * sizeOf(plan, q, l);
  }
  return forward * (1 + backward) + gram;
}

/** Runs the network of `plan` once and returns what `recording` asks for. */
export function runNetwork(plan: NetworkPlan, recording: Recording): NetworkRun {
  return onBackendFor(passMultiplyAdds(plan, recording), () => runPass(plan, recording));
}

function runPass(plan: NetworkPlan, recording: Recording): NetworkRun {
  const { widths, batch, seed } = plan;
  const depth = widths.length - 1;
  const recorded = QUANTITIES.filter((q) => probes(recording[q]));
  const backward = recorded.some(isBackward);
  const streamed = recorded.filter(isStream);
  if (streamed.length && !plan.structure.residual) throw new Error(`${streamed[0]} is recorded in residual networks only: give residual options`);
  for (const q of recorded) {
    if (recording[q]!.pairs && (q === 'kernelGradient' || batch % 2 !== 0)) {
      throw new Error(`pairs needs a quantity with one row per example (not kernelGradient) and an even batch; got ${q} with batch ${batch}`);
    }
  }
  if (plan.outputGradient && !backward) throw new Error('outputGradient is only used by the backward pass: record a gradient, or leave it out');
  for (const q of recorded) {
    if (!recording[q]!.histogram) continue;
    for (let l = 1; l <= depth; l++) {
      if (sizeOf(plan, q, l) > MAX_COUNTED_VALUES) {
        throw new Error(`layer ${l} has too many values to count exactly (more than 2^24): lower batch or width`);
      }
    }
  }

  // Everything random comes from sampleInit, so anyone can redraw it. A worker thread draws
  // it ahead while this thread multiplies (prefetch.ts); kernels and transposes come in order.
  const jobs: KernelJob[] = [];
  if (!plan.input) jobs.push({ spec: plan.inputStd, rows: batch, cols: widths[0], seed: SEEDS.input(seed) });
  if (backward && !plan.outputGradient) jobs.push({ spec: 1, rows: batch, cols: widths[depth], seed: SEEDS.outputGradient(seed) });
  plan.specs?.forEach((spec, l) => jobs.push({ spec, rows: widths[l], cols: widths[l + 1], seed: SEEDS.kernel(seed, l), transposed: backward }));
  const source = kernelSource(jobs);
  const act = activationFn(plan.activation);

  const owned: tf.Tensor[] = [];
  const own = <T extends tf.Tensor>(t: T): T => (owned.push(t), t);
  // A kernel from the source is only valid until the next one is asked for. The wasm backend
  // copies an array into its own memory when a tensor is made; others may keep the array.
  const copies = tf.getBackend() !== 'wasm';
  const tensor = (values: Float32Array, rows: number, cols: number) => own(tf.keep(tf.tensor2d(copies ? values.slice() : values, [rows, cols])));

  // The statistics, one small vector per (layer, quantity), unpacked by this layout at the end.
  const parts: { layer: number; quantity: Quantity; counts: boolean; moments: boolean; pairs: boolean; gram: boolean; values: tf.Tensor }[] = [];
  const extras = (q: Quantity) => ({ pairs: !!recording[q]!.pairs, gram: !!recording[q]!.gram });
  // Big tensors kept until every layer has run, for histograms whose bins span all layers.
  const kept: Partial<Record<Quantity, { layer: number; tensor: tf.Tensor }[]>> = {};
  const fixedEdges: Partial<Record<Quantity, tf.Tensor1D>> = {};
  for (const q of recorded) {
    const h = recording[q]!.histogram;
    if (h?.range) fixedEdges[q] = own(deviceEdges(h.bins, h.range, []));
  }
  const summary = (q: Quantity, t: tf.Tensor, edges: tf.Tensor1D | undefined) =>
    tf.tidy(() => {
      const probe = recording[q]!;
      const pieces: tf.Tensor[] = [];
      if (probe.histogram) pieces.push(countsVector(t, edges!, probe.histogram.bins));
      if (probe.moments) pieces.push(momentsVector(t));
      if (probe.pairs) pieces.push(pairsVector(t));
      if (probe.gram) pieces.push(gramVector(t));
      return pieces.length === 1 ? pieces[0] : tf.concat(pieces);
    });
  /** Records quantity q of layer l (0-based) from tensor t; t stays the caller's. */
  const record = (q: Quantity, l: number, t: tf.Tensor) => {
    const probe = recording[q];
    if (!probe || !recorded.includes(q)) return;
    if (probe.histogram && !probe.histogram.range) {
      (kept[q] ??= []).push({ layer: l, tensor: own(tf.keep(t.clone())) });
      return;
    }
    parts.push({ layer: l, quantity: q, counts: !!probe.histogram, moments: !!probe.moments, ...extras(q), values: own(tf.keep(summary(q, t, fixedEdges[q]))) });
  };

  try {
    let input: Moments;
    let x0: tf.Tensor2D;
    if (plan.input) {
      input = moments(plan.input);
      x0 = tensor(plan.input, batch, widths[0]);
    } else {
      const values = source.next().kernel;
      input = moments(values);
      x0 = tensor(values, batch, widths[0]);
    }
    const g = !backward ? null : plan.outputGradient ? tensor(plan.outputGradient, batch, widths[depth]) : tensor(source.next().kernel, batch, widths[depth]);
    const biases = plan.biasStd
      ? widths.slice(1).map((n, l) => tensor(sampleInit(plan.biasStd!, [1, n], SEEDS.bias(seed, l)), 1, n))
      : null;
    // Layer l's kernel as a tensor, and (for the way back) its transpose, made in JS: the
    // wasm backend multiplies by a transposed operand ten times slower.
    const kernel = (l: number): [tf.Tensor2D, tf.Tensor2D | null] => {
      const k = plan.given
        ? { kernel: plan.given[l], transposed: backward ? transpose(plan.given[l], widths[l], widths[l + 1]) : undefined }
        : source.next();
      // Kept (by tensor()): on the way back they are made inside tf.grads's forward scope,
      // which ends before backprop.
      const W = tensor(k.kernel, widths[l], widths[l + 1]);
      return [W, k.transposed ? tensor(k.transposed, widths[l + 1], widths[l]) : null];
    };
    const addBias = (m: tf.Tensor, l: number) => (biases ? tf.add(m, biases[l]) : m);

    // The stream quantities of a residual block (its layers), whose output is s.
    const recordStream = (layers: number[], s: tf.Tensor) => {
      const last = layers[layers.length - 1];
      record('stream', last, s);
      if (recorded.includes('streamTimesInput')) tf.tidy(() => record('streamTimesInput', last, tf.mul(s, x0)));
    };
    const residual = !!plan.structure.residual;

    if (!backward) {
      // The forward pass alone, block by block (blocks.ts; in a plain network a block is a
      // layer): each block's input is freed as soon as its output is made.
      let h: tf.Tensor = x0;
      for (const layers of plan.blocks) {
        const W = layers.map((l) => kernel(l)[0]);
        const x = tf.tidy(() => {
          const out = blockForward(h, layers, plan.structure, act, (l, m) => addBias(tf.matMul(m, W[l - layers[0]]), l), (l, z, xl) => {
            record('preActivation', l, z);
            record('output', l, xl);
          });
          if (residual) recordStream(layers, out);
          return out;
        });
        if (h !== x0) h.dispose();
        tf.dispose(W);
        h = x;
      }
      if (h !== x0) h.dispose();
    } else {
      const z: tf.Tensor[] = [];
      const x: tf.Tensor[] = [];
      // Layer l's product m = h W_l with its backward rule written out, dh = dz W_l^T. The
      // dz it receives from autodiff is dLoss/dz_l (a bias passes it on unchanged): its
      // statistics are taken right there, and dLoss/dW_l = h^T dz with h^T made explicitly
      // for the same reason as W^T.
      const dense = (l: number, W: tf.Tensor, Wt: tf.Tensor) =>
        tf.customGrad((...args) => {
          const h = args[0] as tf.Tensor;
          // Saved for the way back: a layer's input may be made inside the forward pass and
          // freed when it ends (a pre-norm branch's normalized stream).
          (args[args.length - 1] as tf.GradSaveFunc)([h]);
          const gradFunc = (dz: tf.Tensor, saved: tf.Tensor[]) => {
            record('gradient', l, dz);
            if (recorded.includes('kernelGradient')) tf.tidy(() => record('kernelGradient', l, tf.matMul(tf.transpose(saved[0]), dz)));
            const dh = tf.matMul(dz, Wt);
            record('inputGradient', l, dh);
            return dh;
          };
          return { value: tf.matMul(h, W), gradFunc };
        });
      const streams: { layers: number[]; s: tf.Tensor }[] = [];
      const net = (input: tf.Tensor): tf.Tensor => {
        let h: tf.Tensor = input;
        for (const layers of plan.blocks) {
          const K = layers.map((l) => kernel(l));
          const product = (l: number, m: tf.Tensor) => {
            const [W, Wt] = K[l - layers[0]];
            return addBias(dense(l, W, Wt!)(m), l);
          };
          h = blockForward(h, layers, plan.structure, act, product, (l, zl, xl) => {
            // Kept past the forward pass, to take their statistics outside the gradient tape.
            z[l] = own(tf.keep(zl));
            x[l] = xl === zl ? zl : own(tf.keep(xl));
          });
          if (residual) streams.push({ layers, s: own(tf.keep(h)) });
        }
        return h;
      };
      // The gradient arriving at the output is g, as for the loss sum(x_L * g).
      tf.grads(net)([x0], g!).forEach((t) => t.dispose());
      z.forEach((zl, l) => {
        record('preActivation', l, zl);
        record('output', l, x[l]);
        // Free each layer's big tensors as soon as its statistics are taken.
        tf.dispose([zl, x[l]]);
      });
      for (const { layers, s } of streams) {
        recordStream(layers, s);
        s.dispose();
      }
    }

    // Histograms whose bins span every layer: the edges now, then each layer's counts.
    const allEdges: { quantity: Quantity; edges: tf.Tensor1D }[] = [];
    for (const q of recorded) {
      const tensors = kept[q];
      if (!tensors) continue;
      const edges = own(deviceEdges(recording[q]!.histogram!.bins, undefined, tensors.map((k) => k.tensor)));
      allEdges.push({ quantity: q, edges });
      for (const { layer, tensor } of tensors) {
        parts.push({ layer, quantity: q, counts: true, moments: !!recording[q]!.moments, ...extras(q), values: own(summary(q, tensor, edges)) });
        tensor.dispose();
      }
    }
    for (const q of recorded) if (fixedEdges[q]) allEdges.push({ quantity: q, edges: fixedEdges[q]! });

    // One read for everything: the edges, then every part.
    const pieces = [...allEdges.map((e) => e.edges), ...parts.map((p) => p.values)];
    const v = pieces.length ? Array.from(own(tf.concat(pieces)).dataSync()) : [];
    let at = 0;
    const edgesOf: Partial<Record<Quantity, number[]>> = {};
    for (const e of allEdges) {
      const n = recording[e.quantity]!.histogram!.bins + 1;
      edgesOf[e.quantity] = v.slice(at, at + n);
      at += n;
    }
    const layers: LayerRecord[] = widths.slice(1).map((width, l) => ({ layer: l + 1, width }));
    for (const p of parts) {
      const out: Recorded = {};
      if (p.counts) {
        const bins = recording[p.quantity]!.histogram!.bins;
        const [below, above, nan] = v.slice(at + bins, at + bins + 3);
        out.histogram = histogramFrom(edgesOf[p.quantity]!, v.slice(at, at + bins), below, above, nan, sizeOf(plan, p.quantity, p.layer + 1));
        at += bins + 3;
      }
      if (p.moments) {
        out.moments = momentsFrom(v[at], v[at + 1]);
        at += 2;
      }
      if (p.pairs) {
        out.pairs = v.slice(at, at + batch / 2);
        at += batch / 2;
      }
      if (p.gram) {
        out.gram = { meanSquare: v[at], secondMoment: v[at + 1] };
        at += 2;
      }
      layers[p.layer][p.quantity] = out;
    }
    return { widths, input, layers };
  } finally {
    source.close();
    tf.dispose(owned);
  }
}
