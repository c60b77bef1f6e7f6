/**
 * K.initReport: a health check of a tf.LayersModel's initialization from one batch, forward
 * and backward (chapter 9), the checks Karpathy makes by hand in makemore part 3 for one
 * PyTorch network, for any model built with tf.layers:
 *
 * - per layer with a kernel: its fans, its weights' std and the rule that std matches
 *   (rules.ts), the activations' mean and std, the share of tanh or sigmoid values beyond
 *   the saturation threshold, the ReLU units that are zero for the whole batch, the kernel
 *   gradient's std and its norm over the kernel's, and the size of one optimizer step over
 *   the kernel's (the update-to-weight ratio);
 * - for the model: the initial loss against the best constant prediction's (the entropy of
 *   the class prior: ln C for balanced classes).
 *
 * It returns plain data with a verdict per line (verdicts.ts: what is wrong, and the fix) and
 * histograms; render.ts shows them. The model's weights are left as they were, and no tensor
 * is left behind. The model runs in inference mode: dropout is off and batch normalization
 * uses its moving statistics (the identity at initialization).
 */
import * as tf from '@tensorflow/tfjs';
import { checkOptions, checkPositive, checkPositiveInt, describe, oneOf, optional, withDefault } from '../core/checks';
import { Histogram, histogram } from '../core/histogram';
import { Batch, checkBatch, classesOf, crossEntropy, entropyOf, logPriorBias, logitsFrom, logitsSources, priorOf } from './loss';
import { KernelLayer, OutputKind, SkippedLayer, readModel } from './graph';
import { KernelDiagnosis, diagnoseKernel } from './rules';
import { Verdict, layerVerdicts, modelVerdicts } from './verdicts';

export const REPORT_OPTIMIZERS = ['sgd', 'momentum', 'adam', 'rmsprop'] as const;
export type ReportOptimizer = (typeof REPORT_OPTIMIZERS)[number];

/** makemore's threshold: a tanh unit beyond |a| = 0.97 passes less than 6% (1 - 0.97²) of its gradient. */
export const SATURATION_THRESHOLD = 0.97;

export interface InitReportOptions {
  /** The optimizer of the one step whose size is reported: sgd (default), momentum (0.9), adam or rmsprop, with TensorFlow.js's defaults. */
  optimizer?: ReportOptimizer;
  /** Its learning rate (default 0.1 for sgd and momentum, 0.001 for adam and rmsprop). */
  learningRate?: number;
  /** The class frequencies of the training data, for the best constant loss; default: the batch's own. */
  prior?: number[];
  /** A tanh value beyond ± this counts as saturated; a sigmoid value when |2a - 1| is beyond it (default 0.97). */
  saturation?: number;
  /** Bins of each histogram (default 40). */
  bins?: number;
}

export interface LayerReport {
  name: string;
  /** The layer's class: Dense, Conv2D, ... */
  type: string;
  kernelShape: number[];
  fanIn: number;
  fanOut: number;
  /** The non-linearity after the kernel (its own, or that of the activation layers in `via`). */
  activation: string;
  via: string[];
  /** True for the layer that makes the logits; its activations are the logits. */
  isOutput: boolean;
  weight: KernelDiagnosis & {
    /** The rule the matched std is, in words, or a description when none matches. */
    rule: string;
    /** The rule this layer's activation asks for (He for ReLU, Glorot for tanh, ...), and the std over it. */
    expected: string;
    expectedRatio: number;
    norm: number;
  };
  /** The root mean square of the layer's input. */
  inputRms: number;
  /**
   * Dead units (below) whose bias is negative and larger than what the kernel adds: the std of
   * w_j · x for inputs of the measured rms, inputRms ‖w_j‖. 0 without dead units or a bias.
   */
  deadWithNegativeBias: number;
  activations: {
    mean: number;
    std: number;
    rms: number;
    /** Units (the last axis: a Dense layer's units, a convolution's channels). */
    units: number;
    /** Share of values beyond the saturation threshold (tanh and sigmoid), else null. */
    saturated: number | null;
    /** Units saturated for every value in the batch (tanh and sigmoid), else null. */
    saturatedUnits: number | null;
    /** Units that are zero for every value in the batch (ReLU), else null. */
    deadUnits: number | null;
    /** Share of values that are exactly zero (ReLU), else null. */
    zeros: number | null;
    /** rms / the layer's input rms: what this layer alone does to the signal's size. */
    gain: number;
    /** rms / the model input's rms: the signal's size here, relative to the start. */
    signal: number;
  };
  gradient: {
    std: number;
    rms: number;
    norm: number;
    /** ‖dL/dW‖ / ‖W‖ (null for a zero kernel). */
    toWeight: number | null;
  };
  update: {
    rms: number;
    /** ‖ΔW‖ / ‖W‖ of one optimizer step (null for a zero kernel); makemore's rule of thumb is about 1e-3. */
    toWeight: number | null;
  };
  histograms: { activation: Histogram; gradient: Histogram; weight: Histogram };
  verdicts: Verdict[];
}

export interface InitReport {
  layers: LayerReport[];
  /** Layers with weights that the report does not analyse, and why. */
  skipped: SkippedLayer[];
  batchSize: number;
  classes: number;
  output: OutputKind;
  /** The mean cross-entropy of the batch at initialization, from the logits. */
  loss: number;
  /** The loss of the best constant prediction: the prior's entropy (ln C when balanced). */
  constantLoss: number;
  /** ln C. */
  uniformLoss: number;
  prior: number[];
  /** Where the prior came from. */
  priorFrom: 'batch' | 'option';
  /**
   * True when the prior is uniform: given as an option, to 1e-9; measured on the batch,
   * ln C - H at most (C - 1) / B, twice the mean gap of a balanced sample of B labels.
   */
  balanced: boolean;
  /** The output bias that predicts the prior (log prior, centred): the fix for an imbalanced start. */
  priorBias: number[] | null;
  /** The logits' std over classes within an example, averaged over the batch (softmax outputs). */
  logitSpread: number;
  /** The output bias as it is (null without one). */
  outputBias: number[] | null;
  inputRms: number;
  optimizer: ReportOptimizer;
  learningRate: number;
  saturation: number;
  /** Normalization layers, run in inference mode. */
  normalized: string[];
  verdicts: Verdict[];
  /** No verdict anywhere says 'bad'. */
  ok: boolean;
}

const SATURATING: Record<string, (a: number) => number> = {
  tanh: (a) => Math.abs(a),
  softsign: (a) => Math.abs(a),
  sigmoid: (a) => Math.abs(2 * a - 1),
  hardSigmoid: (a) => Math.abs(2 * a - 1),
};
/** Activations whose inactive value is exactly 0, so a unit can be dead. */
const RECTIFIERS = /^(relu|relu6|thresholdedReLU)\b/;

/** The rule a kernel followed by `activation` asks for (chapters 3-6). */
export function expectedRule(activation: string): { key: string; label: string } {
  if (RECTIFIERS.test(activation) || ['leakyReLU', 'elu', 'gelu', 'gelu_new', 'swish', 'mish', 'softplus'].includes(activation)) {
    return { key: 'he', label: 'He' };
  }
  if (activation === 'selu') return { key: 'lecun', label: 'LeCun' };
  return { key: 'glorot', label: 'Glorot' };
}

let runs = 0;

/** A fresh TensorFlow.js optimizer of this name and rate, with the library's defaults (momentum 0.9). */
export function makeOptimizer(name: ReportOptimizer, lr: number): tf.Optimizer {
  switch (name) {
    case 'sgd': return tf.train.sgd(lr);
    case 'momentum': return tf.train.momentum(lr, 0.9);
    case 'adam': return tf.train.adam(lr);
    case 'rmsprop': return tf.train.rmsprop(lr);
  }
}

/**
 * Disposes an optimizer and its state. TensorFlow.js 4.22's MomentumOptimizer.dispose does not
 * call its parent's, which holds the learning rate as a kept scalar (c): that one is disposed here.
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  const c = (optimizer as unknown as { c?: tf.Tensor }).c;
  if (c && !c.isDisposed) c.dispose();
}

const rmsOf = (v: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s / v.length);
};
const meanStd = (v: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  const mean = s / v.length;
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += (v[i] - mean) ** 2;
  return { mean, std: Math.sqrt(ss / v.length) };
};

/** Which unit each value of a layer's output belongs to: the last axis, or axis 1 for channelsFirst. */
function unitIndex(layer: KernelLayer, shape: number[]): { units: number; of: (i: number) => number } {
  const first = layer.layer.getConfig().dataFormat === 'channelsFirst' && shape.length > 2;
  if (!first) {
    const units = shape[shape.length - 1];
    return { units, of: (i) => i % units };
  }
  const units = shape[1];
  const spatial = shape.slice(2).reduce((a, b) => a * b, 1);
  return { units, of: (i) => Math.floor(i / spatial) % units };
}

function activationStats(layer: KernelLayer, values: Float32Array, shape: number[], threshold: number) {
  const { mean, std } = meanStd(values);
  const rms = rmsOf(values);
  const { units, of } = unitIndex(layer, shape);
  const sat = SATURATING[layer.activation];
  let saturated: number | null = null;
  let saturatedUnits: number | null = null;
  let deadUnits: number | null = null;
  let zeros: number | null = null;
  const dead: number[] = [];
  if (sat) {
    const alwaysSaturated = new Uint8Array(units).fill(1);
    let count = 0;
    for (let i = 0; i < values.length; i++) {
      if (sat(values[i]) > threshold) count++;
      else alwaysSaturated[of(i)] = 0;
    }
    saturated = count / values.length;
    saturatedUnits = alwaysSaturated.reduce((a, b) => a + b, 0);
  } else if (RECTIFIERS.test(layer.activation)) {
    const alive = new Uint8Array(units);
    let count = 0;
    for (let i = 0; i < values.length; i++) {
      if (values[i] === 0) count++;
      else alive[of(i)] = 1;
    }
    zeros = count / values.length;
    alive.forEach((v, j) => v || dead.push(j));
    deadUnits = dead.length;
  }
  return { stats: { mean, std, rms, units, saturated, saturatedUnits, deadUnits, zeros }, dead };
}

function activationHistogram(activation: string, values: Float32Array, bins: number): Histogram {
  if (activation in SATURATING) {
    const range: [number, number] = activation === 'tanh' || activation === 'softsign' ? [-1, 1] : [0, 1];
    return histogram(values, { bins, range });
  }
  if (RECTIFIERS.test(activation)) {
    // The zeros would dwarf everything else: the histogram is of the positive values (density over all values).
    const positive = values.filter((v) => v > 0);
    const h = histogram(positive.length ? positive : [0], { bins });
    const scale = positive.length / values.length;
    return { ...h, density: h.density.map((d) => d * scale), total: values.length };
  }
  return histogram(values, { bins });
}

function symmetricHistogram(values: Float32Array, bins: number): Histogram {
  const { std } = meanStd(values);
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]));
  const edge = Math.min(max, 6 * std) || 1;
  return histogram(values, { bins, range: [-edge, edge] });
}

/**
 * The init report of `model` on one `batch` ({ x, y }: x a tensor [batch, ...input shape] or
 * a flat Float32Array with `count`, as K.loadMnist gives; y the class labels). See the module
 * comment for what it measures. Throws, naming it, on a model it cannot analyse (no kernel,
 * a nested model or a shared layer, an output that is not a classifier's), a batch that does
 * not fit the model, or a bad option; layers with weights other than kernels are listed in
 * `skipped` with the reason.
 */
export function initReport(model: tf.LayersModel, batch: Batch, options: InitReportOptions = {}): InitReport {
  const graph = readModel(model);
  const o = checkOptions('initReport', options, {
    optimizer: withDefault(oneOf(REPORT_OPTIMIZERS), 'sgd' as ReportOptimizer),
    learningRate: optional(checkPositive),
    prior: optional((name: string, v: unknown) => {
      if (!Array.isArray(v)) throw new Error(`${name} must be an array of class frequencies, got ${describe(v)}`);
      logPriorBias(v, graph.units);
      return v as number[];
    }),
    saturation: withDefault((name: string, v: unknown) => {
      const t = checkPositive(name, v);
      if (t >= 1) throw new Error(`${name} must be between 0 and 1 (a tanh value beyond ± it counts as saturated), got ${describe(v)}`);
      return t;
    }, SATURATION_THRESHOLD),
    bins: withDefault(checkPositiveInt, 40),
  });
  const learningRate = o.learningRate ?? (o.optimizer === 'sgd' || o.optimizer === 'momentum' ? 0.1 : 0.001);
  const { x, labels, owned } = checkBatch(graph, batch);
  const classes = classesOf(graph);
  const batchPrior = priorOf(labels, classes);
  const prior = o.prior ?? batchPrior.prior;
  const constantLoss = entropyOf(prior);

  // Everything the report reads, in one call of a model with the graph's tensors as outputs.
  const sources: tf.SymbolicTensor[] = [];
  const want = (t: tf.SymbolicTensor) => {
    if (!sources.includes(t)) sources.push(t);
  };
  graph.kernels.forEach((k) => (want(k.input), want(k.output)));
  logitsSources(graph).forEach(want);
  // The model's input is x itself; the probe computes the rest.
  const modelInput = model.inputs[0];
  const computed = sources.filter((s) => s !== modelInput);
  const probe = tf.model({ inputs: model.inputs, outputs: computed });
  const kernels = graph.kernels.map((k) => k.kernel);
  const run = ++runs;

  type Read = { values: Float32Array; shape: number[] };
  const read = (t: tf.Tensor): Read => ({ values: t.dataSync() as Float32Array, shape: t.shape.slice() });
  let loss = 0;
  let logitSpread = 0;
  const outputsRead = new Map<tf.SymbolicTensor, Read>();
  let logitsRead: Read;
  let gradsRead: Read[] = [];
  let deltas: Float32Array[] = [];
  const weightsRead = kernels.map((k) => (k.dataSync() as Float32Array).slice());
  const inputRms = rmsOf(x.dataSync());
  try {
    tf.tidy(() => {
      const y = tf.tensor1d(labels, 'int32');
      let logits: tf.Tensor2D | null = null;
      const { value, grads } = tf.variableGrads(() => {
        const outs = probe.apply(x, { training: false }) as tf.Tensor | tf.Tensor[];
        const list = Array.isArray(outs) ? outs : [outs];
        const values = new Map<tf.SymbolicTensor, tf.Tensor>(computed.map((s, i) => [s, list[i]]));
        values.set(modelInput, x);
        logits = tf.keep(logitsFrom(graph, values));
        values.forEach((t, s) => outputsRead.set(s, read(t)));
        return crossEntropy(logits, y);
      }, kernels);
      loss = value.dataSync()[0];
      logitsRead = read(logits!);
      // Kept out of the gradient's scope to be read here; tidy does not dispose what was kept.
      (logits as tf.Tensor | null)?.dispose();
      const g = kernels.map((k) => grads[k.name]);
      gradsRead = g.map(read);
      // One optimizer step, taken on copies of the kernels: the model's own stay as they are.
      const copies = kernels.map((k, i) => tf.variable(k, true, `initReport${run}_${i}`));
      const optimizer = makeOptimizer(o.optimizer, learningRate);
      try {
        optimizer.applyGradients(Object.fromEntries(copies.map((c, i) => [c.name, g[i]])));
        deltas = copies.map((c, i) => tf.sub(c, kernels[i]).dataSync() as Float32Array);
      } finally {
        disposeOptimizer(optimizer);
        copies.forEach((c) => c.dispose());
      }
    });
  } finally {
    if (owned) x.dispose();
  }
  if (!Number.isFinite(loss)) throw new Error(`the model's initial loss on this batch is ${loss}: its outputs overflow (a weight or an input is far too large)`);

  // The logits' spread within each example (softmax): sqrt(mean over the batch of their variance over classes).
  const [count, units] = logitsRead!.shape;
  if (units > 1) {
    let total = 0;
    for (let b = 0; b < count; b++) {
      const row = logitsRead!.values.subarray(b * units, (b + 1) * units);
      total += meanStd(row).std ** 2;
    }
    logitSpread = Math.sqrt(total / count);
  } else {
    logitSpread = meanStd(logitsRead!.values).std;
  }
  const lastKernel = graph.kernels[graph.kernels.length - 1];
  const [logitsSource] = logitsSources(graph);
  const outputLayer = graph.logitsFrom === 'dense' ? graph.last : null;
  const layers: LayerReport[] = graph.kernels.map((k, i) => {
    const isOutput = outputLayer ? k.layer === outputLayer : k.output === model.outputs[0] || k.output === logitsSource;
    const act = isOutput ? logitsRead! : outputsRead.get(k.output)!;
    const activation = isOutput ? 'logits' : k.activation;
    const expected = expectedRule(isOutput ? 'linear' : k.activation);
    const diag = diagnoseKernel(k.kernelShape, weightsRead[i], expected.key);
    const ruleStd = diag.stats.std / diag.ratios[expected.key];
    const weightNorm = Math.sqrt(weightsRead[i].reduce((s, v) => s + v * v, 0));
    const { stats, dead } = activationStats({ ...k, activation }, act.values, act.shape, o.saturation);
    const inRms = rmsOf(outputsRead.get(k.input)!.values);
    // A dead unit's bias against the spread its kernel column gives inputs of rms inRms.
    const bias = k.bias ? k.bias.dataSync() : null;
    const outUnits = k.kernelShape[k.kernelShape.length - 1];
    const deadWithNegativeBias = !bias ? 0 : dead.filter((j) => {
      let ss = 0;
      for (let r = j; r < weightsRead[i].length; r += outUnits) ss += weightsRead[i][r] ** 2;
      return bias[j] < 0 && -bias[j] > inRms * Math.sqrt(ss);
    }).length;
    const grad = gradsRead[i].values;
    const gradNorm = Math.sqrt(grad.reduce((s, v) => s + v * v, 0));
    const delta = deltas[i];
    const deltaRms = rmsOf(delta);
    const deltaNorm = deltaRms * Math.sqrt(delta.length);
    const layer: LayerReport = {
      name: k.name, type: k.type, kernelShape: k.kernelShape, fanIn: diag.fanIn, fanOut: diag.fanOut,
      activation, via: k.via, isOutput,
      weight: {
        ...diag, norm: weightNorm,
        rule: describeWeights(diag, expected),
        expected: expected.label, expectedRatio: ruleStd > 0 ? diag.stats.std / ruleStd : NaN,
      },
      inputRms: inRms,
      deadWithNegativeBias,
      activations: { ...stats, gain: stats.rms / inRms, signal: stats.rms / inputRms },
      gradient: { std: meanStd(grad).std, rms: rmsOf(grad), norm: gradNorm, toWeight: weightNorm > 0 ? gradNorm / weightNorm : null },
      update: { rms: deltaRms, toWeight: weightNorm > 0 ? deltaNorm / weightNorm : null },
      histograms: {
        activation: isOutput ? histogram(act.values, { bins: o.bins }) : activationHistogram(k.activation, act.values, o.bins),
        gradient: symmetricHistogram(grad, o.bins),
        weight: symmetricHistogram(weightsRead[i], o.bins),
      },
      verdicts: [],
    };
    return layer;
  });

  const outputBias = lastKernel.bias && layers[layers.length - 1].isOutput ? Array.from(lastKernel.bias.dataSync()) : null;
  const report: InitReport = {
    layers, skipped: graph.skipped, batchSize: count, classes, output: graph.output,
    loss, constantLoss, uniformLoss: Math.log(classes), prior, priorFrom: o.prior ? 'option' : 'batch',
    balanced: Math.log(classes) - constantLoss <= (o.prior ? 1e-9 : (classes - 1) / count),
    priorBias: prior.every((p) => p > 0 && p < 1) ? logPriorBias(prior, graph.units) : null,
    logitSpread, outputBias, inputRms,
    optimizer: o.optimizer, learningRate, saturation: o.saturation, normalized: graph.normalized,
    verdicts: [], ok: true,
  };
  layers.forEach((l, i) => (l.verdicts = layerVerdicts(report, i)));
  report.verdicts = modelVerdicts(report);
  report.ok = [...report.verdicts, ...layers.flatMap((l) => l.verdicts)].every((v) => v.level !== 'bad');
  return report;
}

/** The weights in words: the rule they match, or their std against the rule their activation asks for. */
function describeWeights(d: KernelDiagnosis, expected: { key: string; label: string }): string {
  if (d.shape === 'constant') return d.stats.mean === 0 ? 'all zero' : `constant ${d.stats.mean.toPrecision(3)}`;
  if (d.match) return d.match.label;
  if (d.shape === 'other' && Math.abs(d.stats.mean) > 0.2 * d.stats.std) return `mean ${d.stats.mean.toPrecision(2)}, not 0`;
  return `${d.ratios[expected.key].toPrecision(2)} × ${expected.label}`;
}
