/**
 * A tf.LayersModel as the init report reads it (chapter 9): which layers have a kernel it
 * can analyse, which non-linearity follows each (fused into the layer, or a separate
 * activation layer after it), which layers it skips and why, and what the model's output is
 * (softmax probabilities, a sigmoid probability or logits), so that the loss can be taken
 * from the logits. Works on sequential and functional models alike, however they were made
 * (tf.sequential, tf.model, or loaded from JSON): it reads the model's graph of layers.
 */
import * as tf from '@tensorflow/tfjs';
import { describe } from '../core/checks';

type Layer = tf.layers.Layer;
type SymbolicTensor = tf.SymbolicTensor;

/** Layers whose kernel the report analyses: the weight's fans are Keras's (computeFans). */
export const KERNEL_LAYERS = ['Dense', 'Conv1D', 'Conv2D', 'Conv3D'] as const;

/** Layers that only apply a non-linearity: their output is the activation of the kernel layer before them. */
const ACTIVATION_LAYERS: Record<string, (config: tf.serialization.ConfigDict) => string> = {
  Activation: (c) => String(c.activation),
  ReLU: (c) => (c.maxValue === null || c.maxValue === undefined ? 'relu' : `relu (max ${c.maxValue})`),
  LeakyReLU: () => 'leakyReLU',
  ELU: () => 'elu',
  Softmax: () => 'softmax',
  ThresholdedReLU: () => 'thresholdedReLU',
};

/** Layers that are the identity when the model predicts (the report runs it in inference mode). */
const IDENTITY_AT_INFERENCE = ['Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout'];

/** Why a layer with weights is not analysed, by its class. */
const SKIP_REASONS: Record<string, string> = {
  BatchNormalization: 'a normalization layer: no kernel (its scale and shift start at 1 and 0)',
  LayerNormalization: 'a normalization layer: no kernel (its scale and shift start at 1 and 0)',
  Embedding: 'an embedding table, not a kernel with fans',
  SimpleRNN: 'a recurrent layer (its recurrent kernel follows other rules: orthogonal)',
  LSTM: 'a recurrent layer (its recurrent kernel follows other rules: orthogonal)',
  GRU: 'a recurrent layer (its recurrent kernel follows other rules: orthogonal)',
  Bidirectional: 'a recurrent layer (its recurrent kernel follows other rules: orthogonal)',
  Conv2DTranspose: 'a transposed convolution (its fans differ from Keras\'s formula for its kernel shape)',
  Conv3DTranspose: 'a transposed convolution (its fans differ from Keras\'s formula for its kernel shape)',
  SeparableConv2D: 'a separable convolution (two kernels)',
  DepthwiseConv2D: 'a depthwise convolution (one filter per channel)',
  PReLU: 'a learned activation slope, not a kernel',
};

/** A layer the report analyses. */
export interface KernelLayer {
  layer: Layer;
  name: string;
  /** The layer's class: Dense, Conv2D, ... */
  type: string;
  kernel: tf.Variable;
  kernelShape: number[];
  bias: tf.Variable | null;
  /** The non-linearity applied to the layer's output: its own, or that of the activation layers after it. */
  activation: string;
  /** The tensor the layer reads. */
  input: SymbolicTensor;
  /** The tensor after the non-linearity (the layer's output, or that of its last activation layer). */
  output: SymbolicTensor;
  /** The layers whose output `output` is, when the non-linearity is a separate layer. */
  via: string[];
}

export interface SkippedLayer {
  name: string;
  type: string;
  reason: string;
}

/** What the model outputs, which decides its loss (always computed from logits, see loss.ts). */
export type OutputKind = 'softmax' | 'sigmoid' | 'logits';

export interface ModelGraph {
  kernels: KernelLayer[];
  skipped: SkippedLayer[];
  /** The model's input shape without the batch axis. */
  inputShape: number[];
  /** Output units: the number of classes, or 1 for a binary classifier. */
  units: number;
  output: OutputKind;
  /**
   * How the logits are had: 'output' (the model outputs them), 'input' (the input of the last
   * layer, an activation layer), or 'dense' (the last layer is a Dense layer with a softmax or
   * sigmoid: its input times its kernel plus its bias).
   */
  logitsFrom: 'output' | 'input' | 'dense';
  /** The layer that makes the model's output. */
  last: Layer;
  /** Normalization layers between kernels: the report runs them in inference mode. */
  normalized: string[];
}

const single = (t: SymbolicTensor | SymbolicTensor[], what: string): SymbolicTensor => {
  if (Array.isArray(t)) {
    if (t.length !== 1) throw new Error(`${what} has ${t.length} tensors; initReport analyses layers with one input and one output`);
    return t[0];
  }
  return t;
};

const activationOf = (layer: Layer): string => {
  const a = layer.getConfig().activation;
  return a === undefined || a === null ? 'linear' : String(a);
};

/**
 * Reads `model`'s layers. Throws, naming the layer, on what the report cannot take: not a
 * tf.LayersModel, several inputs or outputs, a model nested as a layer, a layer used at more
 * than one place, a model without any Dense or convolution kernel, or an output that is not
 * a classifier's (softmax, a one-unit sigmoid, or linear logits).
 */
export function readModel(model: unknown): ModelGraph {
  if (!(model instanceof tf.LayersModel)) {
    throw new Error(`model must be a tf.LayersModel (tf.sequential, tf.model, or one loaded with tf.loadLayersModel / tf.models.modelFromJSON), got ${describe(model)}`);
  }
  if (model.inputs.length !== 1) throw new Error(`model has ${model.inputs.length} inputs; initReport analyses models with one input`);
  if (model.outputs.length !== 1) throw new Error(`model has ${model.outputs.length} outputs; initReport analyses models with one output`);
  const layers = model.layers;
  const inModel = new Set(layers);
  for (const layer of layers) {
    if (layer instanceof tf.LayersModel) {
      throw new Error(`layer "${layer.name}" is a model inside the model: initReport needs a flat model (build it from the inner model's layers)`);
    }
    if (layer.inboundNodes.length > 1) {
      throw new Error(`layer "${layer.name}" (${layer.getClassName()}) is used at ${layer.inboundNodes.length} places: initReport needs each layer used once, so that its activations are one tensor`);
    }
  }
  const consumers = (layer: Layer) => layer.outboundNodes.map((n) => n.outboundLayer).filter((l) => inModel.has(l));

  const kernels: KernelLayer[] = [];
  const skipped: SkippedLayer[] = [];
  const normalized: string[] = [];
  for (const layer of layers) {
    const type = layer.getClassName();
    if (type === 'BatchNormalization' || type === 'LayerNormalization') normalized.push(layer.name);
    if ((KERNEL_LAYERS as readonly string[]).includes(type)) {
      const kernelVar = layer.weights.find((w) => /(^|\/)kernel$/.test(w.originalName));
      if (!kernelVar) throw new Error(`layer "${layer.name}" (${type}) has no kernel weight: build the model (give it an input shape) before the report`);
      if (!layer.trainable || !kernelVar.trainable) {
        skipped.push({ name: layer.name, type, reason: 'frozen (trainable: false): it does not learn, so its gradient is not taken' });
        continue;
      }
      const biasVar = layer.weights.find((w) => /(^|\/)bias$/.test(w.originalName));
      // Follow the non-linearity: the layer's own, or the activation layers that alone consume it.
      let activation = activationOf(layer);
      let output = single(layer.output, `layer "${layer.name}"`);
      const via: string[] = [];
      let at: Layer = layer;
      for (;;) {
        const next = consumers(at);
        if (next.length !== 1) break;
        const n = next[0];
        const nType = n.getClassName();
        if (IDENTITY_AT_INFERENCE.includes(nType)) {
          at = n;
          continue;
        }
        if (!(nType in ACTIVATION_LAYERS) || activation !== 'linear') break;
        activation = ACTIVATION_LAYERS[nType](n.getConfig());
        output = single(n.output, `layer "${n.name}"`);
        via.push(n.name);
        at = n;
      }
      kernels.push({
        layer, name: layer.name, type, kernel: kernelVar.read() as tf.Variable, kernelShape: kernelVar.shape as number[],
        bias: biasVar ? (biasVar.read() as tf.Variable) : null, activation, input: single(layer.input, `layer "${layer.name}"`), output, via,
      });
    } else if (layer.weights.length > 0) {
      skipped.push({
        name: layer.name, type,
        reason: SKIP_REASONS[type] ?? `a ${type} layer: initReport analyses the kernels of ${KERNEL_LAYERS.join(', ')} layers only`,
      });
    }
  }
  if (kernels.length === 0) {
    throw new Error(`model has no layer with a kernel that initReport analyses (${KERNEL_LAYERS.join(', ')}, trainable)` +
      (skipped.length ? `; it skipped ${skipped.map((s) => `"${s.name}" (${s.type})`).join(', ')}` : ''));
  }

  const outTensor = model.outputs[0];
  const outShape = outTensor.shape;
  if (outShape.length !== 2 || !(Number(outShape[1]) >= 1)) {
    throw new Error(`model's output has shape [${outShape.map(String)}]; initReport needs a classifier's, [batch, classes]`);
  }
  const units = Number(outShape[1]);
  const last = outTensor.sourceLayer as Layer;
  const lastType = last.getClassName();
  const act = lastType in ACTIVATION_LAYERS ? ACTIVATION_LAYERS[lastType](last.getConfig()) : activationOf(last);
  let logitsFrom: ModelGraph['logitsFrom'];
  if (act === 'linear') logitsFrom = 'output';
  else if (lastType in ACTIVATION_LAYERS) logitsFrom = 'input';
  else if (lastType === 'Dense') logitsFrom = 'dense';
  else throw new Error(`the model's last layer "${last.name}" (${lastType}) applies ${act}: initReport takes the loss from logits, so the last layer must be a Dense or activation layer with a softmax or sigmoid, or output logits`);
  let output: OutputKind;
  if (act === 'softmax') {
    if (units < 2) throw new Error(`the model's last layer "${last.name}" is a softmax over ${units} unit: a classifier needs at least 2 classes (or one sigmoid unit)`);
    output = 'softmax';
  } else if (act === 'sigmoid') {
    if (units !== 1) throw new Error(`the model's last layer "${last.name}" is a sigmoid over ${units} units: initReport takes a sigmoid output as one binary classifier (1 unit); use a softmax for ${units} classes`);
    output = 'sigmoid';
  } else if (act === 'linear') {
    output = 'logits';
  } else {
    throw new Error(`the model's last layer "${last.name}" (${lastType}) applies ${act}: initReport needs a classifier's output, softmax, a one-unit sigmoid, or linear logits`);
  }
  if (logitsFrom === 'dense') {
    const input = single(last.input, `layer "${last.name}"`);
    if (input.shape.length !== 2) throw new Error(`the model's last layer "${last.name}" reads a tensor of rank ${input.shape.length}; initReport takes its logits from a Dense layer on flat features (rank 2)`);
  }
  const inputShape = model.inputs[0].shape.slice(1).map(Number);
  return { kernels, skipped, inputShape, units, output, logitsFrom, last, normalized };
}
