/**
 * The init report's verdicts (chapter 9): for each layer and for the model, what is wrong and
 * the fix, from the measurements in report.ts. Each verdict names its problem (INIT_PROBLEMS)
 * and a level: 'bad' when the network will train visibly worse for it, 'warn' when it is
 * worth fixing but not harmful on its own, 'ok' otherwise. The limits are stated with their
 * reasons in REPORT_LIMITS.
 */
import type { InitReport, LayerReport } from './report';

export type VerdictLevel = 'ok' | 'warn' | 'bad';

/** The problems a verdict can name, with what each means. */
export const INIT_PROBLEMS = {
  outputTooLarge: 'the output layer starts confident: the initial loss is far above the best constant prediction\'s',
  outputBias: 'the output bias does not predict the class prior (imbalanced classes)',
  saturation: 'tanh or sigmoid units start saturated: their pre-activations are too wide',
  deadUnits: 'ReLU units are zero for every example: no gradient reaches them',
  vanishingSignal: 'the activations shrink layer after layer',
  explodingSignal: 'the activations grow layer after layer',
  truncationPitfall: 'TensorFlow.js\'s normal family samples 0.88 of its formula\'s std',
  constantWeights: 'every weight of a layer is the same: its units stay copies of each other',
  weightMean: 'the weights\' mean is far from 0',
  vanishingGradient: 'the gradient shrinks toward the input',
  updateSize: 'one optimizer step moves a kernel too little or too much',
} as const;

export type InitProblem = keyof typeof INIT_PROBLEMS;

export interface Verdict {
  level: VerdictLevel;
  /** The problem this verdict is about (null for a clean bill of health). */
  problem: InitProblem | null;
  /** What is wrong (or right), with the measured number. */
  what: string;
  /** How to fix it ('' when nothing needs fixing). */
  fix: string;
}

export const REPORT_LIMITS = {
  /**
   * Shares of tanh or sigmoid values beyond the saturation threshold. For normal
   * pre-activations of std s, |tanh| > 0.97 means |z| > 2.09: 3.6% of the values at s = 1,
   * 16% at s = 1.5, 30% at s = 2. Beyond 15% the pre-activations are half again too wide
   * (a warning), beyond 30% twice too wide.
   */
  saturatedWarn: 0.15,
  saturatedBad: 0.3,
  /**
   * Dead units get no gradient while they stay dead. A few are harmless (a healthy He layer on MNIST
   * has one or two in a hundred); beyond deadWarn of the layer they are worth a look, beyond
   * deadBad the layer has lost a part of its width.
   */
  deadWarn: 0.05,
  deadBad: 0.1,
  /** A layer that by itself shrinks or grows the signal's rms by more than this factor. */
  gainBad: 2,
  /** The signal's rms over the input's: below 1/signalBad it has vanished (its variance is 16 times smaller), above signalBad exploded. */
  signalBad: 4,
  /**
   * The initial loss above the best constant's, in nats. Logits of spread s add about s²/2:
   * above 1 nat (s near 1.5 and more) the model starts confidently wrong and the first steps of
   * training only undo that (the hockey stick); above 0.25 nat it could start closer.
   */
  lossBad: 1,
  lossWarn: 0.25,
  /** Logits spread less than this (within an example) cannot explain a loss excess: the bias does. */
  smallLogits: 0.3,
  /** With such logits, a loss this many nats above the prior's entropy is the bias's (the prior's distance from uniform). */
  biasWarn: 0.05,
  /** Update-to-weight ratios of a hidden layer: below updateLow a step barely moves it; above updateHigh a step rewrites it. */
  updateLow: 1e-5,
  updateHigh: 0.1,
  /**
   * The output layer's: a small one (the fix for a large initial loss) always moves fast
   * relative to itself, but above half its norm per step the first steps rewrite it, and the
   * loss jumps before it falls.
   */
  outputUpdateHigh: 0.5,
  /** The first kernel's gradient-to-weight ratio below this share of the largest hidden layer's: gradients vanish toward the input. */
  gradientSpread: 0.01,
};

const verdict = (level: VerdictLevel, problem: InitProblem | null, what: string, fix = ''): Verdict => ({ level, problem, what, fix });

const pct = (x: number) => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)}%`;
/** A number in a verdict: 3 significant digits (2.30, 0.0446, 11.8), whole from 1000 to 10^4, an exponent outside [0.001, 10^4). */
export const num = (x: number) => {
  const a = Math.abs(x);
  if (x === 0) return '0';
  if (a >= 1e3 && a < 1e4) return String(Math.round(x));
  return a >= 1e-3 && a < 1e4 ? x.toPrecision(3) : x.toExponential(2);
};

/** The initializer that fixes a layer followed by its activation. */
function ruleFix(l: LayerReport): string {
  switch (l.weight.expected) {
    case 'He': return "draw it by He's rule: kernelInitializer: 'heUniform' (or K.tfInitializer('heNormal'))";
    case 'LeCun': return "draw it by LeCun's rule: kernelInitializer: 'leCunUniform' (or K.tfInitializer('leCunNormal'))";
    default: return "draw it by Glorot's rule: kernelInitializer: 'glorotUniform' (or K.tfInitializer('glorotNormal'))";
  }
}

const zeroKernel = (l: LayerReport | undefined) => !!l && l.weight.shape === 'constant' && l.weight.stats.mean === 0;

/** The verdicts of layer i of the report, worst first. */
export function layerVerdicts(report: InitReport, i: number): Verdict[] {
  const l = report.layers[i];
  const out: Verdict[] = [];
  const w = l.weight;
  const a = l.activations;
  const rule = `${num(w.expectedRatio)} × ${w.expected}'s std`;

  if (w.shape === 'constant') {
    if (l.isOutput && w.stats.mean === 0) {
      out.push(verdict('ok', null, 'a zero output layer: the model starts at its bias (the best constant prediction when the bias is the log prior); the hidden layers get their gradient from the second step on'));
    } else {
      out.push(verdict('bad', 'constantWeights', `every weight is ${num(w.stats.mean)}: the layer's units start as copies of each other and stay so (chapter 1)`, ruleFix(l)));
    }
  } else if (w.shape === 'other' && Math.abs(w.stats.mean) > 0.2 * w.stats.std) {
    out.push(verdict('bad', 'weightMean', `the weights' mean is ${num(w.stats.mean)}, ${num(Math.abs(w.stats.mean) / w.stats.std)} of their std: every unit adds the same offset, the inputs' mean times the mean weight (tf.initializers.randomUniform({ minval: 0 }) does this: it drops the 0 and samples [-0.05, maxval))`, ruleFix(l)));
  }
  // Not on the output layer: there a smaller draw is no harm, and its own verdicts (the initial
  // loss, the output's update) say whether to draw it smaller still, which K.tfInitializer is not.
  if (w.match?.truncationPitfall && !l.isOutput) {
    const name = w.match.source?.match(/TensorFlow\.js's (\w+)/)?.[1] ?? 'heNormal';
    const also = name === 'glorotNormal' ? ', the default kernel initializer,' : ' (and the default kernel initializer, glorotNormal)';
    out.push(verdict('warn', 'truncationPitfall', `drawn at 0.88 of ${w.match.rule.label}'s std: TensorFlow.js's ${name}${also} cuts a normal at 2 std without Keras's rescaling, so each such layer multiplies the signal's variance by 0.77`,
      `K.tfInitializer('${name}') samples as Keras does; so does the uniform form, '${name.replace('Normal', 'Uniform')}'`));
  }

  if (!l.isOutput) {
    if (a.saturated !== null) {
      const units = a.saturatedUnits ? `, ${a.saturatedUnits} of ${a.units} units for every example` : '';
      const what = `${pct(a.saturated)} of the ${l.activation} values are beyond ±${report.saturation}${units}: there the slope is under ${pct(1 - report.saturation ** 2)} of its peak, so the gradient barely passes`;
      const fix = `the pre-activations are too wide (the kernel is ${rule}): ${ruleFix(l)}`;
      if (a.saturated > REPORT_LIMITS.saturatedBad) out.push(verdict('bad', 'saturation', what, fix));
      else if (a.saturated > REPORT_LIMITS.saturatedWarn) out.push(verdict('warn', 'saturation', what, fix));
    }
    if (a.deadUnits !== null && a.deadUnits > REPORT_LIMITS.deadWarn * a.units) {
      const share = a.deadUnits / a.units;
      const what = `${a.deadUnits} of ${a.units} ${l.activation} units are zero for every example in the batch (dead: no gradient reaches their weights; a first layer's stay dead, a deeper layer's can revive only as the layers below change)`;
      if (l.deadWithNegativeBias >= 0.8 * a.deadUnits) {
        out.push(verdict(share > REPORT_LIMITS.deadBad ? 'bad' : 'warn', 'deadUnits', `${what}; ${l.deadWithNegativeBias} of them have a negative bias larger than what the kernel adds`,
          `start the biases at 0 (Keras's default, 'zeros'), and draw the kernel by its rule (it is ${rule})`));
      } else if (w.shape === 'other' && w.stats.mean < 0) {
        out.push(verdict(share > REPORT_LIMITS.deadBad ? 'bad' : 'warn', 'deadUnits', `${what}: the kernel's negative mean pushes every unit below 0`, ruleFix(l)));
      } else if (a.signal < 1 / REPORT_LIMITS.signalBad) {
        out.push(verdict('warn', 'deadUnits', `${what}: the signal here is tiny`, 'fix the vanishing signal (below)'));
      } else {
        out.push(verdict(share > 0.5 ? 'bad' : 'warn', 'deadUnits', `${what}. With zero biases a unit is dead when its weighted sum is negative for every example: in a plain ReLU network the examples' representations grow alike with depth (chapter 6: ReLU's correlation map has its fixed point at 1), so more units die the deeper the layer`,
          'fewer layers, or residual connections or normalization (chapter 7)'));
      }
    }
    if (a.gain < 1 / REPORT_LIMITS.gainBad || a.gain > REPORT_LIMITS.gainBad) {
      const shrink = a.gain < 1;
      out.push(verdict('bad', shrink ? 'vanishingSignal' : 'explodingSignal', `this layer alone ${shrink ? 'shrinks' : 'grows'} the signal's rms by a factor ${num(shrink ? 1 / a.gain : a.gain)} (from ${num(l.inputRms)} to ${num(a.rms)}): its kernel is ${rule}`, ruleFix(l)));
    } else if (a.signal < 1 / REPORT_LIMITS.signalBad || a.signal > REPORT_LIMITS.signalBad) {
      const shrink = a.signal < 1;
      out.push(verdict('bad', shrink ? 'vanishingSignal' : 'explodingSignal', `the signal has ${shrink ? 'shrunk' : 'grown'} to ${num(a.signal)} of the input's rms by this layer, by a factor ${num(a.gain)} here and similar ones before`,
        w.match?.truncationPitfall ? 'remove the 0.88 from every layer (above)' : `${ruleFix(l)}, in every layer`));
    }
    if (l.update.toWeight !== null && !zeroKernel(report.layers.find((m) => m.isOutput))) {
      if (l.update.toWeight < REPORT_LIMITS.updateLow) {
        out.push(verdict('warn', 'updateSize', `one ${report.optimizer} step moves the kernel by ${num(l.update.toWeight)} of its norm: it will barely learn`, 'the gradient reaching it is tiny: fix the scale of the layers, or raise the learning rate'));
      } else if (l.update.toWeight > REPORT_LIMITS.updateHigh) {
        out.push(verdict('warn', 'updateSize', `one ${report.optimizer} step moves the kernel by ${num(l.update.toWeight)} of its norm: the first steps rewrite it (makemore's rule of thumb is about 1e-3)`, 'lower the learning rate, or look for a gradient that is too large (the output layer?)'));
      }
    }
  }
  if (l.isOutput && l.update.toWeight !== null && l.update.toWeight > REPORT_LIMITS.outputUpdateHigh) {
    out.push(verdict('warn', 'updateSize', `one ${report.optimizer} step moves the output kernel by ${num(l.update.toWeight)} of its norm: the first steps rewrite it, and the loss will jump before it falls`,
      'a lower learning rate for the first steps (a warm-up), or an output layer drawn less small'));
  }
  // An output layer whose logits start spread: the model line names the excess loss; this line
  // says where it comes from (and is not marked fine next to it).
  const excess = report.loss - report.constantLoss;
  const spreadLoss = excess > REPORT_LIMITS.lossWarn &&
    !(excess > REPORT_LIMITS.biasWarn && report.logitSpread < REPORT_LIMITS.smallLogits && !report.balanced);
  if (l.isOutput && w.shape !== 'constant' && spreadLoss) {
    out.push(verdict('warn', null, `its logits start spread by ${num(report.logitSpread)} within an example (the kernel is ${num(w.ratios.glorot)} × Glorot's std): the excess initial loss of the model line below`,
      'draw it small or zero (the model line)'));
  }
  const order = { bad: 0, warn: 1, ok: 2 };
  out.sort((p, q) => order[p.level] - order[q.level]);
  if (!out.length) {
    out.push(verdict('ok', null, l.isOutput
      ? `logits of spread ${num(report.logitSpread)}`
      : `${w.match ? w.match.label : w.rule}; the signal is at ${num(a.signal)} of the input's rms`));
  }
  return out;
}

/** The model's verdicts: the initial loss against the best constant's, and the gradient across depth. */
export function modelVerdicts(report: InitReport): Verdict[] {
  const out: Verdict[] = [];
  const excess = report.loss - report.constantLoss;
  const best = report.balanced ? `ln ${report.classes} = ${num(report.uniformLoss)}` : `the prior's entropy, ${num(report.constantLoss)},`;
  const outLayer = report.layers.find((l) => l.isOutput);
  const biasFix = report.balanced ? '' : ', and set its bias to the log prior (report.priorBias)';
  if (excess > REPORT_LIMITS.biasWarn && report.logitSpread < REPORT_LIMITS.smallLogits && !report.balanced) {
    out.push(verdict(excess > REPORT_LIMITS.lossBad ? 'bad' : 'warn', 'outputBias', `the initial loss is ${num(report.loss)}, ${num(excess)} above the prior's entropy, ${num(report.constantLoss)} (the loss of predicting the class frequencies), with logits that hardly differ: the output bias does not predict the prior`,
      'set the output bias to the log prior: output.setWeights([output.getWeights()[0], tf.tensor1d(report.priorBias)]), where output is the model\'s last layer'));
  } else if (excess > REPORT_LIMITS.lossBad) {
    out.push(verdict('bad', 'outputTooLarge', `the initial loss is ${num(report.loss)}, against ${best} for the best constant prediction: the output layer is confidently wrong (logits spread ${num(report.logitSpread)} within an example), and the first steps of training only undo that (a hockey-stick loss curve)`,
      `draw the output layer small (K.tfInitializer('glorotUniform', { gain: 0.1 })) or zero (kernelInitializer: 'zeros')${biasFix}`));
  } else if (excess > REPORT_LIMITS.lossWarn) {
    out.push(verdict('warn', 'outputTooLarge', `the initial loss is ${num(report.loss)}, ${num(excess)} above ${best} (the best constant prediction): logits spread ${num(report.logitSpread)}`,
      `draw the output layer smaller (gain 0.1, or zeros)${biasFix}`));
  } else {
    out.push(verdict('ok', null, `the initial loss is ${num(report.loss)}, against ${best} for the best constant prediction`));
  }
  // Gradients across depth: the first kernel's gradient-to-weight ratio against the hidden layers' largest.
  const hidden = report.layers.filter((l) => !l.isOutput && l.gradient.toWeight !== null);
  if (hidden.length >= 2 && !zeroKernel(outLayer)) {
    const ratios = hidden.map((l) => l.gradient.toWeight as number);
    const largest = Math.max(...ratios);
    if (ratios[0] < REPORT_LIMITS.gradientSpread * largest) {
      out.push(verdict('bad', 'vanishingGradient', `the gradient vanishes toward the input: the first layer's ‖dL/dW‖/‖W‖ is ${num(ratios[0])}, ${num(ratios[0] / largest)} of the largest hidden layer's`, 'draw every hidden layer by its activation\'s rule (He for ReLU, Glorot for tanh)'));
    }
  }
  if (report.normalized.length) {
    out.push(verdict('ok', null, `${report.normalized.join(', ')}: normalization, run with its moving statistics (the identity at initialization); in training it normalizes each batch, which this report does not simulate`));
  }
  return out;
}
