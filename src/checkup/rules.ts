/**
 * Which initialization rule a kernel was drawn by, read from its values and its fans
 * (chapter 9). The rules are Keras's formulas (init/formulas.ts) for the kernel's shape:
 * Glorot, He, LeCun, LeCun with the tanh gain 5/3, and the uniform 1/sqrt(fanIn) of
 * Glorot & Bengio's "standard" init, PyTorch's default. TensorFlow.js's normal family
 * (glorotNormal, heNormal, leCunNormal, the default glorotNormal kernel, and
 * truncatedNormal given a formula's std) samples a normal cut at 2 std without Keras's
 * rescaling, so 0.8796 of the formula's std (chapter 5): that shows as a truncated normal
 * at 0.88 times a rule.
 */
import { InitializerName, TRUNCATION_CUT, TRUNCATION_STD, weightDistribution } from '../init/formulas';
import { computeFans } from '../init/fans';

/** The shape of a kernel's distribution, read from its values. */
export type KernelShape = 'constant' | 'uniform' | 'truncatedNormal' | 'normal' | 'other' | 'unclear';

export interface KernelStats {
  count: number;
  mean: number;
  std: number;
  /** The largest |w - mean|. */
  maxAbs: number;
  /** E[(w - mean)^4] / std^4: 3 for a normal, 2.37 for one cut at 2 std, 1.8 for a uniform. */
  kurtosis: number;
}

/** A rule a kernel's std is compared with. */
export interface Rule {
  /** glorot, he, lecun, tanhGain, torchDefault. */
  key: string;
  /** The rule as a reader names it. */
  label: string;
  /** Its std for this kernel's fans. */
  std: number;
}

export interface RuleMatch {
  rule: Rule;
  /** The kernel's std over the rule's. */
  ratio: number;
  /** True when the kernel is a truncated normal at 0.8796 of the rule: TensorFlow.js's normal family. */
  truncationPitfall: boolean;
  /** What the kernel is, in words: "He", "0.88 × He". */
  label: string;
  /** For the 0.88: the initializer that samples it ("TensorFlow.js's heNormal"). */
  source?: string;
}

export interface KernelDiagnosis {
  stats: KernelStats;
  fanIn: number;
  fanOut: number;
  shape: KernelShape;
  /** The kernel's std over each rule's: { glorot, he, lecun, tanhGain, torchDefault }. */
  ratios: Record<string, number>;
  /** The rule the std matches (nearest within the tolerance), or null. */
  match: RuleMatch | null;
  /** The relative tolerance of a match: 4 standard errors of the sampled std, at least 2%. */
  tolerance: number;
}

/** Kernels with fewer values than this are too small to tell a uniform from a normal. */
export const SHAPE_MIN_COUNT = 500;
/** A std matches a rule within max(MATCH_ERRORS standard errors, MATCH_FLOOR). */
const MATCH_ERRORS = 4;
const MATCH_FLOOR = 0.02;
/** How far beyond its bound a bounded distribution's max |w| / std may read (see diagnoseKernel). */
const SHAPE_MARGIN = 0.05;
/** max |w| / std of a uniform (sqrt 3) and of a normal cut at 2 std (2 / 0.8796). */
const UNIFORM_EDGE = Math.sqrt(3);
const TRUNCATED_EDGE = TRUNCATION_CUT / TRUNCATION_STD;

/** Mean, std, max |w - mean| and kurtosis, in float64. */
export function kernelStats(values: ArrayLike<number>): KernelStats {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let m2 = 0;
  let m4 = 0;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m4 += d2 * d2;
    maxAbs = Math.max(maxAbs, Math.abs(d));
  }
  const variance = m2 / n;
  return { count: n, mean, std: Math.sqrt(variance), maxAbs, kurtosis: variance > 0 ? m4 / n / (variance * variance) : NaN };
}

/** The rules for a kernel of this shape: Keras's formulas for its fans. */
export function rulesFor(shape: readonly number[]): Rule[] {
  const std = (name: InitializerName, gain = 1) => weightDistribution(name, shape, { gain }).std;
  return [
    { key: 'glorot', label: 'Glorot', std: std('glorotUniform') },
    { key: 'he', label: 'He', std: std('heUniform') },
    { key: 'lecun', label: 'LeCun', std: std('leCunUniform') },
    { key: 'tanhGain', label: 'LeCun × 5/3 (the tanh gain)', std: std('leCunUniform', 5 / 3) },
    { key: 'torchDefault', label: 'U(±1/√fanIn) (PyTorch\'s default)', std: std('uniform') },
  ];
}

/** The names TensorFlow.js gives the normal form of a rule that carries the 0.88. */
const TFJS_NORMAL: Record<string, string> = { glorot: 'glorotNormal', he: 'heNormal', lecun: 'leCunNormal' };

/**
 * What a kernel of `shape` with these `values` was drawn from: its shape (constant,
 * uniform, truncated normal, normal; 'unclear' under SHAPE_MIN_COUNT values, 'other' when
 * none fits or its mean is far from 0) and the rule its std matches, if any.
 *
 * The shape comes from max |w - mean| / std, which a bounded distribution cannot exceed:
 * sqrt 3 for a uniform, 2 / 0.8796 = 2.27 for a normal cut at 2 std. Each bound is widened
 * by 5% (far more than the sampled std's error on 500 values or more, and still well apart:
 * the two bounds are 31% apart), and a normal sample of 500 values stays under the wider
 * 2.39 with probability 2e-4 (each value does with probability 0.983).
 *
 * Of the rules within the tolerance, the one keyed `prefer` wins (the rule the layer's
 * activation asks for: for a Dense layer with far fewer outputs than inputs, Glorot's and
 * He's std differ by less than the tolerance), then the nearest.
 */
export function diagnoseKernel(shape: readonly number[], values: ArrayLike<number>, prefer?: string): KernelDiagnosis {
  const stats = kernelStats(values);
  const { fanIn, fanOut } = computeFans(shape);
  const rules = rulesFor(shape);
  const ratios: Record<string, number> = {};
  for (const r of rules) ratios[r.key] = stats.std / r.std;
  // The relative standard error of a sampled std: sqrt((kurtosis - 1) / (4 n)).
  const se = Number.isFinite(stats.kurtosis) ? Math.sqrt(Math.max(stats.kurtosis - 1, 0.8) / (4 * stats.count)) : 0;
  const tolerance = Math.max(MATCH_ERRORS * se, MATCH_FLOOR);
  const base = { stats, fanIn, fanOut, ratios, tolerance };
  if (!(stats.std > 1e-7 * Math.max(Math.abs(stats.mean), 1e-30))) return { ...base, shape: 'constant', match: null };
  let kind: KernelShape;
  const edge = stats.maxAbs / stats.std;
  const widen = 1 + SHAPE_MARGIN;
  if (stats.count < SHAPE_MIN_COUNT) kind = 'unclear';
  else if (Math.abs(stats.mean) > 0.2 * stats.std) kind = 'other';
  else if (edge <= UNIFORM_EDGE * widen) kind = 'uniform';
  else if (edge <= TRUNCATED_EDGE * widen) kind = 'truncatedNormal';
  else if (Math.abs(stats.kurtosis - 3) <= MATCH_ERRORS * Math.sqrt(24 / stats.count)) kind = 'normal';
  else kind = 'other';
  if (kind === 'other') return { ...base, shape: kind, match: null };

  // Candidates: every rule as it is, and (for a truncated or unclear shape) at 0.8796 of it.
  const candidates: RuleMatch[] = [];
  for (const rule of rules) {
    if (rule.key === 'torchDefault' && kind !== 'uniform' && kind !== 'unclear') continue;
    candidates.push({ rule, ratio: ratios[rule.key], truncationPitfall: false, label: rule.label });
    if ((kind === 'truncatedNormal' || kind === 'unclear') && rule.key in TFJS_NORMAL) {
      candidates.push({ rule, ratio: ratios[rule.key], truncationPitfall: true, label: `0.88 × ${rule.label}`, source: `TensorFlow.js's ${TFJS_NORMAL[rule.key]}` });
    }
  }
  const miss = (c: RuleMatch) => Math.abs(Math.log(c.ratio / (c.truncationPitfall ? TRUNCATION_STD : 1)));
  const within = candidates.filter((c) => miss(c) <= Math.log(1 + tolerance));
  const pool = within.some((c) => c.rule.key === prefer) ? within.filter((c) => c.rule.key === prefer) : within;
  const match = pool.length ? pool.reduce((a, b) => (miss(b) < miss(a) ? b : a)) : null;
  return { ...base, shape: kind, match };
}
