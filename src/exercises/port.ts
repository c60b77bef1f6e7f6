/**
 * Chapter 5's checker: the seed's Keras snippet (ReLU layers with `he_normal`) ported to
 * TensorFlow.js. It builds the learner's model twice, reads every kernel, and names what is
 * wrong with the port in the chapter's terms: TensorFlow.js's uncorrected truncation (0.88
 * of He's std), another variance (LeCun's, Glorot's, fan-out, PyTorch's default), another
 * distribution (a uniform, a plain normal), layers that start alike (one seeded instance, or
 * one seed, for all), a model that differs between two builds (unseeded, or seed 0). Then it
 * measures the signal through the model and grades the learner's prediction of it.
 */
import * as tf from '@tensorflow/tfjs';
import { describe } from '../core/checks';
import { TRUNCATION_STD } from '../init/formulas';
import { sampleWeights } from '../init/samplers';
import { Feedback, right, wrong } from './verdict';

/** The port: `depth` dense ReLU layers of `units` units over `inputs` features. */
export const PORT = { inputs: 64, units: 256, depth: 20 } as const;
/** The signal is measured on this many seeded N(0, 1) inputs. */
const BATCH = 512;
/** A prediction counts when it is within this factor of the product of the layers' factors. */
const PREDICTION_FACTOR = 1.25;
/** How many standard errors a kernel's measured std may miss a rule's by. */
const Z = 5;

const T = TRUNCATION_STD;
const fmt = (v: number) => String(Number(v.toPrecision(3)));

interface KernelStats {
  fanIn: number;
  fanOut: number;
  /** Root mean square of the weights (their std about zero). */
  std: number;
  /** std over He's sqrt(2 / fanIn). */
  ratio: number;
  /** Largest |w| over std: 1.73 for a uniform, 2.27 for Keras's truncated normal, 4 or more for a plain normal. */
  tail: number;
  /** One standard error of `ratio` (a normal's: sqrt(1 / (2n)) relative). */
  se: number;
}

function kernelStats(values: Float32Array, fanIn: number, fanOut: number): KernelStats {
  let sq = 0;
  let maxAbs = 0;
  for (const v of values) {
    sq += v * v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const std = Math.sqrt(sq / values.length);
  const ratio = std / Math.sqrt(2 / fanIn);
  return { fanIn, fanOut, std, ratio, tail: std > 0 ? maxAbs / std : 0, se: ratio * Math.sqrt(1 / (2 * values.length)) };
}

/** Layers as the learner counts them (from 1), runs collapsed: "Layer 1", "Layers 2 to 20", "Layers 1, 3 and 5". */
function layerList(indices: number[]): string {
  const ones = indices.map((i) => i + 1);
  if (ones.length === 1) return `Layer ${ones[0]}`;
  if (ones.length > 2 && ones.every((v, k) => k === 0 || v === ones[k - 1] + 1)) return `Layers ${ones[0]} to ${ones[ones.length - 1]}`;
  return `Layers ${ones.slice(0, -1).join(', ')} and ${ones[ones.length - 1]}`;
}
/** A verb agreeing with layerList(indices): verb(indices, 'comes', 'come'). */
const verb = (indices: number[], one: string, many: string) => (indices.length === 1 ? one : many);

type InitializerConfig = { className?: string; config?: Record<string, unknown> };
const initializerOf = (layer: tf.layers.Layer): InitializerConfig => ((layer.getConfig() as Record<string, unknown>).kernelInitializer ?? {}) as InitializerConfig;

/** A TensorFlow.js initializer whose generator is seeded with `seed ? seed : Math.random()`. */
const isTfjsNormal = ({ className, config }: InitializerConfig) =>
  className === 'RandomNormal' || className === 'TruncatedNormal' || (className === 'VarianceScaling' && config?.distribution === 'normal');

/** The variance rules a port may have sampled, as the ratio of each layer's std to He's. */
const RULES: { ratio: (k: KernelStats) => number; says: string }[] = [
  { ratio: () => 1, says: '' },
  { ratio: () => Math.SQRT1_2, says: 'Every kernel has variance 1 / fanIn (LeCun\'s rule, leCunNormal): a ReLU layer then halves the mean square, so the signal fades by 2 per layer. He\'s rule is 2 / fanIn.' },
  { ratio: (k) => Math.sqrt(k.fanIn / (k.fanIn + k.fanOut)), says: 'The kernels have Glorot\'s variance 2 / (fanIn + fanOut), made for tanh: with ReLU it halves the mean square at every square layer. He\'s rule for ReLU is 2 / fanIn.' },
  { ratio: (k) => Math.sqrt(k.fanIn / k.fanOut), says: 'The first layer\'s kernel is scaled by its fan-out (mode \'fanOut\'): its fan-in is 64, its fan-out 256. He\'s forward rule, the one Keras\'s he_normal uses, divides by the fan-in (mode \'fanIn\').' },
  { ratio: () => Math.sqrt(1 / 6), says: 'The kernels are U[-1/sqrt(fanIn), 1/sqrt(fanIn)], PyTorch\'s default for nn.Linear: variance 1 / (3 fanIn), a sixth of He\'s, so each ReLU layer keeps a sixth of the mean square.' },
];

/**
 * Exercise (chapter 5): `build()` returns a TensorFlow.js model of PORT.depth dense ReLU layers
 * of PORT.units units over PORT.inputs features whose kernels sample what Keras's HeNormal
 * samples (a normal cut at 2 std, rescaled to std sqrt(2 / fanIn)), no two alike, and the same
 * on every build; `prediction` is the share of the input's mean square the last layer keeps,
 * predicted for the model `build` makes. Right when the port is right and the prediction is
 * within PREDICTION_FACTOR of the product of the measured layers' factors fanIn Var(w) / 2.
 */
export function checkKerasPort(build: () => tf.LayersModel, prediction: number): Feedback {
  if (typeof build !== 'function') return wrong(`Your port should be a function () => model that builds the TensorFlow.js model; got ${describe(build)}.`);
  // NaN is the cell's starting value: the measurement would give the answer away before the learner predicts.
  if (Number.isNaN(prediction)) return wrong(`Write your prediction in place of NaN: the share of the input's mean square that the last layer (layer ${PORT.depth}) keeps, 1 being all of it. The checker then builds your port and measures it.`);
  if (typeof prediction !== 'number' || !Number.isFinite(prediction) || prediction <= 0) {
    return wrong(`Your prediction should be a positive number, the share of the input's mean square that the last layer keeps (1 would be all of it); got ${describe(prediction)}.`);
  }
  const models: tf.LayersModel[] = [];
  try {
    for (let k = 0; k < 2; k++) {
      let model: unknown;
      try {
        model = build();
      } catch (e) {
        return wrong(`Your port threw: ${(e as Error).message}`);
      }
      if (!(model instanceof tf.LayersModel)) {
        return wrong(`Your port should return a TensorFlow.js model (tf.sequential() with model.add(tf.layers.dense({ ... })) for each layer); it returned ${describe(model)}.`);
      }
      if (models.includes(model)) return wrong('Your port returned the same model object twice: build a new model on every call, so that a second build shows whether it is reproducible.');
      models.push(model);
    }
    return judge(models[0], models[1], prediction);
  } finally {
    models.forEach((m) => m.dispose());
  }
}

function architectureFault(model: tf.LayersModel): string | null {
  const { depth, units, inputs } = PORT;
  const inputShape = model.inputs[0]?.shape;
  if (model.inputs.length !== 1 || inputShape?.length !== 2 || inputShape[1] !== inputs) {
    return `The model's input is [${inputShape?.slice(1)}] features; the port's is ${inputs} (inputShape: [${inputs}] on the first layer).`;
  }
  if (model.layers.length !== depth) return `The model has ${model.layers.length} layers; the port has ${depth} dense ReLU layers of ${units} units.`;
  for (const [l, layer] of model.layers.entries()) {
    const config = layer.getConfig() as Record<string, unknown>;
    if (layer.getClassName() !== 'Dense') return `Layer ${l + 1} is a ${layer.getClassName()}; every layer of the port is a tf.layers.dense.`;
    if (config.units !== units) return `Layer ${l + 1} has ${config.units} units; every layer of the port has ${units}.`;
    if (config.activation !== 'relu') return `Layer ${l + 1} has activation '${config.activation}'; the snippet's layers are ReLU layers (activation: 'relu').`;
  }
  return null;
}

function judge(a: tf.LayersModel, b: tf.LayersModel, prediction: number): Feedback {
  const arch = architectureFault(a);
  if (arch) return wrong(arch);
  const kernels = (m: tf.LayersModel) => m.layers.map((layer) => layer.getWeights()[0].dataSync() as Float32Array);
  const [ka, kb] = [kernels(a), kernels(b)];
  const stats = ka.map((v, l) => {
    const [fanIn, fanOut] = a.layers[l].getWeights()[0].shape as [number, number];
    return kernelStats(v, fanIn, fanOut);
  });
  const faults: string[] = [];

  // The same model on every build.
  const differ = ka.flatMap((v, l) => (v.every((x, i) => x === kb[l][i]) ? [] : [l]));
  if (differ.length) {
    const configs = differ.map((l) => initializerOf(a.layers[l]));
    const zero = differ.filter((l, k) => isTfjsNormal(configs[k]) && configs[k].config?.seed === 0);
    const unseeded = differ.filter((l, k) => configs[k].className !== 'KerasFaithfulInitializer' && (configs[k].config?.seed ?? null) === null);
    if (zero.length) {
      faults.push(`${layerList(zero)} ${verb(zero, 'comes', 'come')} out different on every build: ${verb(zero, 'its seed is', 'their seeds are')} 0, and TensorFlow.js's normal initializers seed their generator with \`seed ? seed : Math.random()\`, so 0 means no seed at all. Start the seeds at 1 (or use K.tfInitializer, which takes 0 like any seed).`);
    } else if (unseeded.length) {
      faults.push(`${layerList(unseeded)} ${verb(unseeded, 'comes', 'come')} out different on every build: ${verb(unseeded, 'its initializer has', 'their initializers have')} no seed. Give each layer a seed.`);
    } else {
      faults.push(`${layerList(differ)} ${verb(differ, 'comes', 'come')} out different on a second build. If one K.tfInitializer is made outside your function, each build carries on its sequence of seeds: make it inside, so that every build starts from the same seed.`);
    }
  }

  // No two layers alike: every layer but the first has the same shape, so a shared seed shows as equal kernels.
  const groups: number[][] = [];
  for (let l = 1; l < ka.length; l++) {
    const group = groups.find(([m]) => ka[m][0] === ka[l][0] && ka[m].every((x, i) => x === ka[l][i]));
    if (group) group.push(l);
    else groups.push([l]);
  }
  const alike = groups.filter((g) => g.length > 1);
  if (alike.length) {
    const [group] = alike;
    const { className } = initializerOf(a.layers[group[0]]);
    const why = className === 'KerasFaithfulInitializer'
      ? 'each has a new K.tfInitializer with the same seed, and a new instance replays the same draw. Give each layer its own seed, or make one K.tfInitializer for all of them: each of its calls moves on to a new seed.'
      : 'one seeded TensorFlow.js initializer returns the same tensor on every call, and the same seed gives the same draw. Give each layer its own seed.';
    faults.push(`${layerList(group)} start with one and the same kernel, a symmetry between layers (chapter 1's, across depth): ${why}`);
  }

  // The variance: which rule the kernels' stds follow, layer by layer.
  const follows = (rule: (k: KernelStats) => number, factor: number) => stats.every((k) => Math.abs(k.ratio - factor * rule(k)) <= Z * k.se);
  let varianceRight = false;
  const rule = RULES.find((r) => follows(r.ratio, 1));
  const ruleTfjs = RULES.find((r) => follows(r.ratio, T));
  if (rule === RULES[0]) {
    varianceRight = true;
  } else if (rule) {
    faults.push(rule.says);
  } else if (ruleTfjs) {
    const cut = `TensorFlow.js's normal family (heNormal, or varianceScaling with distribution 'normal') cuts the normal at 2 std without Keras's correction, which costs each ReLU layer ${fmt(1 - T * T)} of the mean square.`;
    faults.push(ruleTfjs === RULES[0]
      ? `Every kernel samples ${T.toFixed(4)} of He's std sqrt(2 / fanIn): ${cut} The chapter showed two ways round it, one in plain TensorFlow.js.`
      : `${ruleTfjs.says} And the kernels sample ${T.toFixed(4)} of that rule's std: ${cut}`);
  } else {
    const ratios = stats.map((k) => k.ratio);
    faults.push(`Your kernels' std is ${fmt(Math.min(...ratios))} to ${fmt(Math.max(...ratios))} times He's sqrt(2 / fanIn), layer by layer; Keras's he_normal samples exactly sqrt(2 / fanIn).`);
  }

  // The distribution, once the variance is right: Keras's he_normal is a normal cut at 2 of its own std.
  if (varianceRight) {
    const tails = stats.map((k) => k.tail).sort((x, y) => x - y);
    const tail = tails[Math.floor(tails.length / 2)];
    const { className, config } = initializerOf(a.layers[1]);
    if (tail < 2) {
      faults.push(className === 'VarianceScaling' && config?.distribution === 'truncatedNormal'
        ? `Your kernels are uniform (largest |w| ${fmt(tail)} std, a uniform's is sqrt 3): TensorFlow.js's varianceScaling accepts distribution 'truncatedNormal' and samples a uniform, since only 'normal' reaches its normal branch. Use distribution 'normal' with the scale divided by ${T.toFixed(4)}², or K.tfInitializer('heNormal').`
        : `Your kernels are uniform (largest |w| ${fmt(tail)} std, a uniform's is sqrt 3): heUniform, He's variance with another shape. The signal would not mind, but the snippet asks for he_normal, a normal cut at 2 std.`);
    } else if (tail > 3) {
      faults.push(`Your kernels have He's variance but are not truncated (largest |w| ${fmt(tail)} std): a plain normal, PyTorch's kaiming_normal_ or Keras 3's VarianceScaling(distribution='untruncated_normal'). Keras's he_normal cuts the normal it draws at 2 of its std, ${fmt(2 / T)} std of what it samples.`);
    } else if (Math.abs(tail - 2 / T) > 0.05) {
      faults.push(`Your kernels' largest |w| is ${fmt(tail)} std; Keras's he_normal stops at ${fmt(2 / T)} std (a normal cut at 2 of its std).`);
    }
  }

  // The signal through the model, and the product rule for these kernels.
  const x = tf.tensor2d(sampleWeights('randomNormal', [BATCH * PORT.inputs], { stddev: 1, seed: 'port/inputs' }), [BATCH, PORT.inputs]);
  const kept = tf.tidy(() => {
    const y = a.predict(x) as tf.Tensor;
    return y.square().mean().dataSync()[0] / x.square().mean().dataSync()[0];
  });
  x.dispose();
  const depth = PORT.depth;
  const measured = `After ${depth} layers the signal keeps ${fmt(kept)} of the input's mean square (you predicted ${fmt(prediction)})`;
  if (alike.length) {
    return wrong(`Not yet. ${faults.join(' ')} ${measured}; with layers that repeat one kernel the layers' factors do not simply multiply, so fix the port before you predict.`);
  }
  const product = stats.reduce((p, k) => p * k.ratio * k.ratio, 1);
  const ratio = prediction / product;
  const predictionRight = Math.abs(Math.log(ratio)) <= Math.log(PREDICTION_FACTOR);
  const factorRange = stats.map((k) => k.ratio * k.ratio);
  const perLayer = Math.exp(factorRange.reduce((s, f) => s + Math.log(f), 0) / depth);
  const near = (v: number) => Math.abs(Math.log(prediction / v)) <= Math.log(PREDICTION_FACTOR);
  let predictionSays: string;
  if (predictionRight) {
    predictionSays = `, and each layer multiplies it by fanIn · Var(w) / 2 = ${fmt(perLayer)} on average, ${fmt(product)} over ${depth} layers: your prediction matches.`;
  } else if (near(Math.sqrt(product))) {
    predictionSays = `. Your prediction is the product of the std ratios; the mean square goes with their square, ${fmt(perLayer)} per layer, ${fmt(product)} over ${depth} layers.`;
  } else if (near(perLayer)) {
    predictionSays = `. Your prediction is one layer's factor, ${fmt(perLayer)}; the ${depth} layers multiply it ${depth} times: ${fmt(product)}.`;
  } else if (near(product / 2 ** depth)) {
    predictionSays = `. You counted ReLU's halving of the mean square but not the factor 2 of He's variance (2 / fanIn), which gives it back: each layer multiplies by fanIn · Var(w) / 2 = ${fmt(perLayer)}, ${fmt(product)} over ${depth} layers.`;
  } else if (near(1) && product < 1 / PREDICTION_FACTOR) {
    predictionSays = `. 1 is what Keras's he_normal keeps; these kernels multiply the mean square by fanIn · Var(w) / 2 = ${fmt(perLayer)} per layer, ${fmt(product)} over ${depth} layers.`;
  } else {
    predictionSays = `. Each ReLU layer multiplies the mean square by fanIn · Var(w) / 2, here ${fmt(perLayer)} on average, so these kernels predict ${fmt(product)} after ${depth} layers.`;
  }
  const spread = `Only the average over networks keeps the product exactly: at width ${PORT.units} one network scatters around it, the more the deeper (Hanin and Nica, 2019), and another seed gives another value.`;
  // Where the measured signal sits off the product (or the prediction matched the product, not it), say why.
  const offProduct = predictionRight || Math.abs(Math.log(kept / product)) > Math.log(PREDICTION_FACTOR);
  if (faults.length) return wrong(`Not yet. ${faults.join(' ')} ${measured}${predictionSays}${offProduct ? ` ${spread}` : ''}`);
  const ratios = stats.map((k) => k.ratio);
  const portSays = `Your port is right: every kernel samples Keras's HeNormal (std ${fmt(Math.min(...ratios))} to ${fmt(Math.max(...ratios))} times sqrt(2 / fanIn), cut at ${fmt(stats[1].tail)} std), no two layers start alike, and a second build gives the same model.`;
  if (!predictionRight) return wrong(`${portSays} ${measured}${predictionSays} ${spread}`);
  return right(`Right. ${portSays} ${measured}${predictionSays} ${spread}`);
}
