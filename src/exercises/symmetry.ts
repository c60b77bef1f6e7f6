/**
 * Chapter 1's checker: which hidden layers of a network stay copies of one unit when only
 * some of its kernels start constant.
 */
import { describe } from '../core/checks';
import { loadDataset } from '../data/circles';
import { InitSpec } from '../init/initspec';
import { MLPParams } from '../net/mlp';
import { trainClassifier } from '../train/classifier';
import { Feedback, right, wrong } from './verdict';

/** The four networks of the puzzle, named by letter. */
export type TiePuzzleName = 'A' | 'B' | 'C' | 'D';
const NAMES: TiePuzzleName[] = ['A', 'B', 'C', 'D'];

/** Chapter 1's network: two inputs, hidden layers of 10 and 5 ReLU units, one sigmoid output. */
export const TIE_PUZZLE_SIZES = [2, 10, 5, 1];
/** Full-batch gradient-descent steps the checker trains each network for, at the chapter's learning rate (0.2). */
export const TIE_PUZZLE_STEPS = 200;
const LEARNING_RATE = 0.2;
const SEED = 1;
/**
 * Two units closer than this (incoming weights and bias, Euclidean) count as one. After
 * TIE_PUZZLE_STEPS steps, measured on wasm and tfjs-node: units that started tied differ by
 * at most 3e-9 (tfjs-node's rounding, exactly 0 on wasm), units that separate by at least 0.015.
 */
const SAME_UNIT = 1e-5;

const HALF = { name: 'constant', value: 0.5 } as const;
/** The kernels of each network, input layer first: some constant (0.5 or zeros), some heNormal. */
export const TIE_PUZZLE: Record<TiePuzzleName, InitSpec[]> = {
  A: [HALF, 'heNormal', 'heNormal'],
  B: ['heNormal', HALF, HALF],
  C: [HALF, HALF, 'heNormal'],
  D: ['heNormal', 'heNormal', 'zeros'],
};

/** Why each hidden layer of each network ends as it does: [layer 1, layer 2]. */
const WHY: Record<TiePuzzleName, [string, string]> = {
  A: [
    'its units start with equal incoming weights, but each sends its output on through its own row of the random second kernel, so ∂ℓ/∂h differs from unit to unit and the first step already pulls them apart: symmetry needs the outgoing weights equal too',
    'its incoming weights are random, so its units differ from the start',
  ],
  B: [
    'its incoming weights are random, so its units differ from the start',
    'every unit has the same incoming weights (the second kernel is constant) and the same outgoing weight (the output kernel is constant), so they compute the same value and receive the same gradient at every step; that the layer below is random does not matter, since all of them see the same inputs',
  ],
  C: [
    'every unit has the same incoming weights (the first kernel is constant) and the same outgoing weights (each row of the constant second kernel is the same), so they receive the same gradient at every step, even though the layer above separates: the update of the second kernel, h₁ᵀδ₂, has equal rows as long as the units of h₁ are equal',
    'its units start with equal incoming weights, but their outgoing weights (the random output kernel) differ, so their gradients differ from the first step',
  ],
  D: [
    'its incoming weights are random, so its units differ from the start',
    'its incoming weights are random, so its units differ from the start; the zero output kernel only means that no gradient reaches the hidden layers at the first step, while the output kernel\'s own gradient, h₂ᵀδ, already has a different entry for each unit',
  ],
};

/** How many distinct units hidden layer `layer` (0-based) has: units closer than SAME_UNIT count once. */
function distinctUnits(params: MLPParams, layer: number): number {
  const rows = params.sizes[layer];
  const cols = params.sizes[layer + 1];
  const unit = (j: number) => [params.biases[layer][j], ...Array.from({ length: rows }, (_, r) => params.weights[layer][r * cols + j])];
  const kept: number[][] = [];
  for (let j = 0; j < cols; j++) {
    const u = unit(j);
    if (!kept.some((k) => Math.hypot(...k.map((v, i) => v - u[i])) < SAME_UNIT)) kept.push(u);
  }
  return kept.length;
}

/**
 * Trains each network of TIE_PUZZLE on the circles for TIE_PUZZLE_STEPS steps and counts the
 * distinct units of its two hidden layers: [layer 1, layer 2] per network.
 */
export function measureTiePuzzle(): Record<TiePuzzleName, [number, number]> {
  const data = loadDataset('circles');
  const out = {} as Record<TiePuzzleName, [number, number]>;
  for (const name of NAMES) {
    const h = trainClassifier({
      sizes: TIE_PUZZLE_SIZES, init: TIE_PUZZLE[name], data: data.train, learningRate: LEARNING_RATE,
      steps: TIE_PUZZLE_STEPS, recordEvery: TIE_PUZZLE_STEPS, seed: SEED,
    });
    out[name] = [distinctUnits(h.params, 0), distinctUnits(h.params, 1)];
  }
  return out;
}

const layerWidth = (l: number) => TIE_PUZZLE_SIZES[l + 1];

/** The learner's answer, checked: a pair of whole numbers per network, or a message saying what is wrong. */
function readPrediction(prediction: unknown): Record<TiePuzzleName, [number, number]> | string {
  const shape = `an object { A: [layer 1, layer 2], B: [...], C: [...], D: [...] }, each entry how many different units that hidden layer has after training (from 1 to ${layerWidth(0)} in layer 1, from 1 to ${layerWidth(1)} in layer 2)`;
  if (prediction === null || typeof prediction !== 'object' || Array.isArray(prediction)) return `Your prediction should be ${shape}; got ${describe(prediction)}.`;
  const p = prediction as Record<string, unknown>;
  const extra = Object.keys(p).filter((k) => !(NAMES as string[]).includes(k));
  if (extra.length) return `The networks are called ${NAMES.join(', ')}; your prediction also names ${extra.join(', ')}.`;
  const missing = NAMES.filter((n) => p[n] === undefined || p[n] === null);
  if (missing.length) return `Fill in your prediction for ${missing.join(', ')}: ${shape}.`;
  const out = {} as Record<TiePuzzleName, [number, number]>;
  for (const n of NAMES) {
    const v = p[n];
    if (!Array.isArray(v) || v.length !== 2) return `${n} should be a pair [layer 1, layer 2]; got ${describe(v)}.`;
    for (let l = 0; l < 2; l++) {
      if (typeof v[l] !== 'number' || !Number.isInteger(v[l]) || v[l] < 1 || v[l] > layerWidth(l)) {
        return `${n}'s layer ${l + 1} has ${layerWidth(l)} units, so it can end with 1 to ${layerWidth(l)} different ones; got ${describe(v[l])}.`;
      }
    }
    out[n] = [v[0], v[1]];
  }
  return out;
}

/**
 * Exercise (chapter 1): for each network of TIE_PUZZLE, how many different units each hidden
 * layer has after training. Trains the four networks (TIE_PUZZLE_STEPS steps each) and
 * compares; for every wrong entry it says what was measured and why: a layer stays tied only
 * when both its incoming weights (its own kernel) and its outgoing weights (the next kernel)
 * start equal, and then it stays tied whatever the rest of the network does.
 */
export function checkTiePuzzle(prediction: unknown): Feedback {
  const mine = readPrediction(prediction);
  if (typeof mine === 'string') return wrong(mine);
  const measured = measureTiePuzzle();
  const misses: string[] = [];
  for (const n of NAMES) {
    for (let l = 0; l < 2; l++) {
      if (mine[n][l] === measured[n][l]) continue;
      const between = mine[n][l] > 1 && mine[n][l] < layerWidth(l)
        ? ` (a layer here ends either as one unit or with all its units different: a random kernel has no two equal columns)` : '';
      misses.push(`${n}, layer ${l + 1}: you predicted ${mine[n][l]}, measured ${measured[n][l]}: ${WHY[n][l]}${between}.`);
    }
  }
  const table = NAMES.map((n) => `${n} [${measured[n].join(', ')}]`).join(', ');
  if (!misses.length) {
    return right(`Right, all eight: measured after ${TIE_PUZZLE_STEPS} steps, the distinct units per hidden layer are ${table}. A layer stays one unit only when its incoming and its outgoing weights both start equal: in B the second layer, in C the first, whatever the other layer does.`);
  }
  return wrong(`${8 - misses.length} of 8 right. ${misses.join(' ')}`);
}
