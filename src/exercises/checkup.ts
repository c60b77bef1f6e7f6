/**
 * Chapter 9's exercise: a mystery model, as if loaded from someone's model.json, whose
 * initialization the learner checks with K.initReport, names the problems of, and fixes. The
 * checker runs the report on the learner's model and says what is still wrong.
 */
import * as tf from '@tensorflow/tfjs';
import { describe } from '../core/checks';
import { loadMnist } from '../data/mnist';
import { readModel } from '../checkup/graph';
import { InitReport, initReport } from '../checkup/report';
import { INIT_PROBLEMS, InitProblem } from '../checkup/verdicts';
import { Feedback, right, wrong } from './verdict';

/**
 * The mystery model, built and then passed through its JSON form, as tf.loadLayersModel reads
 * a model.json: a layer stack and seeded initializers, nothing else. Each call returns a new
 * model with the same weights; dispose it when done.
 */
export async function mysteryModel(): Promise<tf.LayersModel> {
  const built = tf.sequential({
    layers: [
      tf.layers.dense({ units: 256, activation: 'relu', inputShape: [784], kernelInitializer: tf.initializers.heUniform({ seed: 91 }), name: 'hidden1' }),
      tf.layers.dense({ units: 128, activation: 'tanh', kernelInitializer: tf.initializers.randomNormal({ stddev: 0.25, seed: 92 }), name: 'hidden2' }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 93 }), name: 'output' }),
    ],
  });
  const json = built.toJSON() as string;
  built.dispose();
  return tf.models.modelFromJSON({ modelTopology: JSON.parse(json) });
}

let checkBatch: { x: Float32Array; y: Int32Array; count: number } | undefined;

/** The checker's own batch: 256 standardized MNIST digits, drawn apart from the chapter's (seed 'checkup'). */
function batch() {
  if (!checkBatch) {
    const data = loadMnist({ train: 260, test: 10, seed: 'checkup', standardize: true });
    checkBatch = { x: data.train.x.slice(0, 256 * 784), y: data.train.y.slice(0, 256), count: 256 };
  }
  return checkBatch;
}

const badOf = (r: InitReport) => [
  ...r.verdicts.filter((v) => v.level === 'bad').map((v) => ({ where: 'the model', v })),
  ...r.layers.flatMap((l) => l.verdicts.filter((v) => v.level === 'bad').map((v) => ({ where: l.name, v }))),
];

/** The problems the learner may name: the keys of INIT_PROBLEMS. */
export interface CheckupAnswer {
  problems: string[];
  model: tf.LayersModel;
}

/**
 * Exercise (chapter 9): `answer.problems` names what is wrong with the mystery model's
 * initialization (keys of K.INIT_PROBLEMS), `answer.model` is a model of the same layers
 * (units and activations), initialized so that the report finds nothing harmful. The verdict
 * says which named problems are right, which the report flags that were not named, and what
 * the report still finds wrong in the fixed model, with its numbers.
 */
export async function checkInitFix(answer: CheckupAnswer): Promise<Feedback> {
  if (answer === null || typeof answer !== 'object') return wrong(`Your answer should be { problems: [...], model }, got ${describe(answer)}.`);
  const { problems, model } = answer;
  const allowed = Object.keys(INIT_PROBLEMS);
  if (!Array.isArray(problems) || problems.length === 0) return wrong(`problems should list what is wrong, as names from K.INIT_PROBLEMS (${allowed.join(', ')}); got ${describe(problems)}.`);
  const unknown = problems.filter((p) => !allowed.includes(p));
  if (unknown.length) return wrong(`${unknown.map(describe).join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not among the problems the report names: ${allowed.join(', ')}.`);
  if (!(model instanceof tf.LayersModel)) return wrong(`model should be your fixed tf.LayersModel (tf.sequential({ layers: [...] })), got ${describe(model)}.`);

  const mystery = await mysteryModel();
  try {
    const want = readModel(mystery).kernels.map((k) => ({ units: k.kernelShape[k.kernelShape.length - 1], activation: k.activation }));
    let got: { units: number; activation: string }[];
    try {
      got = readModel(model).kernels.map((k) => ({ units: k.kernelShape[k.kernelShape.length - 1], activation: k.activation }));
    } catch (e) {
      return wrong(`The report cannot read your model: ${(e as Error).message}.`);
    }
    const shape = (ls: typeof want) => ls.map((l) => `${l.units} ${l.activation}`).join(' → ');
    const inputs = model.inputs[0]?.shape.slice(1).join(',');
    if (shape(got) !== shape(want) || inputs !== '784') {
      return wrong(`Keep the mystery model's layers and change only how they start: it is 784 → ${shape(want)}; yours is ${inputs ?? '?'} → ${shape(got)}.`);
    }
    const before = initReport(mystery, batch(), { prior: new Array(10).fill(0.1) });
    const after = initReport(model, batch(), { prior: new Array(10).fill(0.1) });
    const planted = new Set(badOf(before).map((b) => b.v.problem as InitProblem));
    const named = new Set(problems as InitProblem[]);
    const lines: string[] = [];
    const missed = [...planted].filter((p) => !named.has(p));
    const extra = [...named].filter((p) => !planted.has(p));
    const at = (where: string) => (where === 'the model' ? 'in the initial loss' : `in layer ${where}`);
    for (const p of missed) {
      const b = badOf(before).find((x) => x.v.problem === p)!;
      lines.push(`You did not name ${p}; the report flags it ${at(b.where)} of the mystery model: ${b.v.what}.`);
    }
    for (const p of extra) lines.push(`The report does not flag ${p} (${INIT_PROBLEMS[p]}) in the mystery model.`);
    for (const b of badOf(after)) lines.push(`Your model still has ${b.v.problem}, ${at(b.where)}: ${b.v.what}.`);
    if (lines.length === 0) {
      const k = after.layers.findIndex((l) => l.activations.saturated !== null);
      const saturation = k < 0 ? '' : `, and ${(100 * (after.layers[k].activations.saturated as number)).toFixed(1)}% of its tanh values are saturated (the mystery's: ${(100 * (before.layers[k].activations.saturated as number)).toFixed(1)}%)`;
      return right(`Right: the mystery model had ${[...planted].join(' and ')}. Yours starts at a loss of ${after.loss.toFixed(3)} (ln 10 = ${Math.log(10).toFixed(3)}; the mystery's was ${before.loss.toFixed(2)})${saturation}.`);
    }
    return wrong(lines.join(' '));
  } finally {
    mystery.dispose();
  }
}
